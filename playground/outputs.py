"""Output layers, one entry per kind of problem: the function the last layer applies, the
losses that go with it, and what the teaching views show of it.

- sigmoid: one unit, the probability of class 1 (two classes; the tutorial's output).
- softmax: K units, one probability per class (3 to 6 classes); they sum to 1.
- linear: one unit whose z is the prediction (regression).

Targets y are shaped like the output: (n, 1) labels 0/1 for sigmoid, (n, K) one-hot rows
for softmax (see `targets`), (n, 1) real values for linear.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import ACTIVATIONS, linear, linear_derivative, sigmoid, sigmoid_derivative

PROBLEMS = ("classification", "regression")
MIN_CLASSES, MAX_CLASSES = 2, 6


def softmax(z, out=None):
    """e^z / sum(e^z) along each row, with the row's largest z taken off first: the same
    numbers, but e^z can no longer overflow."""
    out = np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class Output:
    label: str              # its name in menus
    f: Callable             # f(z, out=None): the last layer's activation
    df: Callable            # df(a, out=None): its derivative in a, for mse (None: ce only)
    losses: tuple           # the losses it trains with; the first is the default
    tex: str                # LaTeX of a^(L) in z^(L)
    symbol: str             # LaTeX symbol of its function
    tex_mse_delta: str      # LaTeX of d mse / dz^(L) through this output ("": no mse)
    code: str               # the exported script's output function (named as the entry)


OUTPUTS = {
    "sigmoid": Output(
        "Sigmoid: the probability of class 1 (2 classes)", sigmoid, sigmoid_derivative,
        ("bce", "mse"), r"a^{(L)} = \sigma\left(z^{(L)}\right) = \frac{1}{1 + e^{-z^{(L)}}}",
        r"\sigma",
        r"\frac{2}{n} \left(a^{(L)} - y\right) \odot a^{(L)} \odot \left(1 - a^{(L)}\right)",
        ACTIVATIONS["sigmoid"].code),
    "softmax": Output(
        "Softmax: one probability per class (3 to 6 classes)", softmax, None, ("ce",),
        r"a^{(L)}_k = \frac{e^{z^{(L)}_k}}{\sum_{j=1}^{K} e^{z^{(L)}_j}}",
        r"\operatorname{softmax}", "", """
        def softmax(z):
            # One probability per class, each row summing to 1; the row's largest z is
            # taken off first, which changes nothing but keeps e^z from overflowing
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        """),
    "linear": Output(
        "Linear: the value itself (regression)", linear, linear_derivative, ("mse",),
        r"a^{(L)} = z^{(L)}", r"\operatorname{id}", r"\frac{2}{n} \left(a^{(L)} - y\right)",
        ACTIVATIONS["linear"].code),
}


def output_kind(problem="classification", classes=2):
    """The output layer a problem needs: linear, sigmoid (2 classes) or softmax (K)."""
    if problem == "regression":
        return "linear"
    return "sigmoid" if classes == 2 else "softmax"


def output_units(problem="classification", classes=2):
    return classes if output_kind(problem, classes) == "softmax" else 1


def targets(y, kind, classes, dtype=np.float64):
    """Labels y (n,) as the network's targets: (n, K) one-hot rows for softmax, else (n, 1)."""
    y = np.asarray(y)
    if kind == "softmax":
        return (y.reshape(-1, 1) == np.arange(classes)).astype(dtype)
    return y.reshape(-1, 1).astype(dtype)
