"""Activation functions, one entry per name: the function, its derivative, and what the
teaching views show of it (a label, LaTeX, the exported script's code).

Each derivative takes the activation's *output* `a` (not `z`), as the tutorial's
`sigmoid_derivative(x) = x * (1 - x)` does; every activation here allows that.
Both write into `out` when given, so the training loop allocates nothing.
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01      # leaky ReLU's slope below zero
CONST_CACHE = 256       # 0-d constants kept: the fixed ones and the last few rates


@lru_cache(maxsize=CONST_CACHE)
def const(value, dtype):
    """value as a 0-d array of `dtype`: NumPy adds a 0-d array to an array twice as fast
    as a Python number, which matters on a small network's hot path. The cache is bounded:
    learning rates come from links and can take any value."""
    return np.array(value, dtype=dtype)


def sigmoid(z, out=None):
    """1 / (1 + e^-z), in the tutorial's own order of operations so its numbers are
    matched. e^-z overflowing to inf gives the right answer 0; the training loop silences
    that warning once around many steps (np.errstate costs more than this function)."""
    one = const(1, z.dtype)
    out = np.exp(np.negative(z, out=out), out=out)
    out += one
    return np.divide(one, out, out=out)


def sigmoid_derivative(a, out=None):
    out = np.subtract(const(1, a.dtype), a, out=out)
    return np.multiply(a, out, out=out)


def tanh(z, out=None):
    return np.tanh(z, out=out)


def tanh_derivative(a, out=None):
    out = np.multiply(a, a, out=out)
    return np.subtract(const(1, a.dtype), out, out=out)


def relu(z, out=None):
    return np.maximum(z, const(0, z.dtype), out=out)


def relu_derivative(a, out=None):
    return np.greater(a, const(0, a.dtype), out=out if out is not None else np.empty_like(a))


def leaky_relu(z, out=None):
    out = np.multiply(z, const(LEAKY_SLOPE, z.dtype), out=out)
    return np.maximum(z, out, out=out)


def leaky_relu_derivative(a, out=None):
    """1 where a > 0, else the slope (a and z share their sign)."""
    out = relu_derivative(a, out)
    out *= 1 - LEAKY_SLOPE
    out += LEAKY_SLOPE
    return out


def linear(z, out=None):
    return np.positive(z, out=out)


def linear_derivative(a, out=None):
    out = np.empty_like(a) if out is None else out
    out.fill(1)
    return out


@dataclass(frozen=True)
class Activation:
    label: str              # its name in menus
    f: Callable             # f(z, out=None): the activation of z
    df: Callable            # df(a, out=None): its derivative, written with the output a = f(z)
    symbol: str             # LaTeX symbol
    tex: str                # LaTeX formula in z
    tex_derivative: str     # LaTeX derivative in a
    code: str               # the exported script's `name(x)` and `name_derivative(x)`


ACTIVATIONS = {
    "sigmoid": Activation(
        "Sigmoid", sigmoid, sigmoid_derivative,
        r"\sigma", r"\frac{1}{1 + e^{-z}}", r"a \odot (1 - a)", '''
        def sigmoid(x):
            return 1 / (1 + np.exp(-x))

        def sigmoid_derivative(x):
            # Written with the output x = sigmoid(z), as the tutorial does
            return x * (1 - x)
        '''),
    "tanh": Activation(
        "Tanh", tanh, tanh_derivative,
        r"\tanh", r"\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"1 - a^{2}", '''
        def tanh(x):
            return np.tanh(x)

        def tanh_derivative(x):
            # tanh'(z) = 1 - tanh(z)^2, written with the output x = tanh(z)
            return 1 - x ** 2
        '''),
    "relu": Activation(
        "ReLU", relu, relu_derivative,
        r"\operatorname{ReLU}", r"\max(0,\ z)", r"\mathbf{1}[a > 0]", '''
        def relu(x):
            return np.maximum(x, 0)

        def relu_derivative(x):
            # 1 where the unit is active (its output x = relu(z) is above 0), else 0
            return (x > 0).astype(x.dtype)
        '''),
    "leaky-relu": Activation(
        "Leaky ReLU", leaky_relu, leaky_relu_derivative,
        r"\operatorname{LeakyReLU}", rf"\max({LEAKY_SLOPE:g}\,z,\ z)",
        rf"\begin{{cases}} 1 & a > 0 \\ {LEAKY_SLOPE:g} & a \le 0 \end{{cases}}", f'''
        def leaky_relu(x):
            return np.maximum(x, {LEAKY_SLOPE!r} * x)

        def leaky_relu_derivative(x):
            # 1 where the output x = leaky_relu(z) is above 0, else the slope {LEAKY_SLOPE!r}
            return np.where(x > 0, 1.0, {LEAKY_SLOPE!r}).astype(x.dtype)
        '''),
    "linear": Activation(
        "Linear", linear, linear_derivative, r"\operatorname{id}", "z", "1", '''
        def linear(x):
            return x

        def linear_derivative(x):
            return np.ones_like(x)
        '''),
}


def labels(table):
    """name -> label for a menu, from a table of entries (ACTIVATIONS, LOSSES, OPTIMIZERS,
    INITS, REGULARIZATIONS)."""
    return {name: entry.label for name, entry in table.items()}
