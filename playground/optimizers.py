"""Update rules, one entry per name: the step, which changes the parameters in place, and
what the teaching views show of it (label, LaTeX, the exported script's code).

`params` and `grads` are matching lists of arrays (the session passes one flat vector
each); `state` is the optimizer's own memory (a dict), created by `new_state`, kept by
the training session. No step writes into `grads`.
Momentum and Adam follow PyTorch's torch.optim.SGD(momentum=0.9) and Adam defaults.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import const

MOMENTUM = 0.9
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
EPS_POWER = int(round(np.log10(EPS)))    # 1e-8 as 10^-8 in LaTeX


def new_state(params):
    """Optimizer memory: a step counter and zero buffers shaped like the parameters."""
    zeros = lambda: [np.zeros_like(p) for p in params]
    return {"t": 0, "v": zeros(), "m": zeros(), "s": zeros(), "tmp": zeros()}


def sgd(params, grads, state, lr):
    """p -= lr * g: the tutorial's update_parameters (it adds lr * its delta, which is -g)."""
    for p, g, tmp in zip(params, grads, state["tmp"]):
        p -= np.multiply(g, const(lr, g.dtype), out=tmp)


def momentum(params, grads, state, lr):
    """v = 0.9 v + g; p -= lr * v (PyTorch's form, no dampening)."""
    for p, g, v, tmp in zip(params, grads, state["v"], state["tmp"]):
        v *= const(MOMENTUM, v.dtype)
        v += g
        p -= np.multiply(v, const(lr, v.dtype), out=tmp)


def adam(params, grads, state, lr):
    """Adam with bias correction, in PyTorch's order of operations."""
    state["t"] += 1
    t = state["t"]
    step = lr / (1 - BETA1 ** t)
    root_c2 = np.sqrt(1 - BETA2 ** t)
    for p, g, m, s, tmp in zip(params, grads, state["m"], state["s"], state["tmp"]):
        m *= BETA1
        m += (1 - BETA1) * g
        s *= BETA2
        s += (1 - BETA2) * (g * g)
        np.sqrt(s, out=tmp)
        tmp /= root_c2
        tmp += EPS
        np.divide(m, tmp, out=tmp)
        tmp *= step
        p -= tmp


@dataclass(frozen=True)
class Optimizer:
    label: str              # its name in menus
    step: Callable          # step(params, grads, state, lr): one update, in place
    tex: tuple              # LaTeX of the update rule, one equation a string ({eta}: the rate)
    tex_change: str         # LaTeX of the change it makes, as the walkthrough states it
    code: str               # the exported script's update function ({name}: its name)


_ADAM_STEP = (rf"\frac{{\eta}}{{1 - {BETA1:g}^{{t}}}} \cdot \frac{{m}}{{\sqrt{{s}} / "
              rf"\sqrt{{1 - {BETA2:g}^{{t}}}} + 10^{{{EPS_POWER}}}}}")

OPTIMIZERS = {
    "sgd": Optimizer(
        "Gradient descent", sgd, (r"\theta \leftarrow \theta - \eta\, g, \quad {eta}",),
        r"-\eta\, g", '''
        def {name}(network, gradients, learning_rate):
            # Gradient descent: move every parameter against its gradient. (The tutorial
            # writes += because its deltas are the negative of the gradient.)
            for name in network:
                network[name] -= learning_rate * gradients['d' + name]
            return network
        '''),
    "momentum": Optimizer(
        f"Momentum ({MOMENTUM:g})", momentum,
        (rf"v \leftarrow {MOMENTUM:g}\, v + g, \qquad \theta \leftarrow \theta - \eta\, v,"
         r" \quad {eta}",),
        rf"-\eta\, v, \ v = {MOMENTUM:g}\, v + g", f'''
        def {{name}}(network, gradients, learning_rate, state):
            # Momentum {MOMENTUM!r}, in PyTorch's form: v = {MOMENTUM!r} v + gradient; parameter -= learning_rate * v
            for name in network:
                state['v'][name] = {MOMENTUM!r} * state['v'][name] + gradients['d' + name]
                network[name] -= learning_rate * state['v'][name]
            return network
        '''),
    "adam": Optimizer(
        "Adam", adam,
        (rf"t \leftarrow t + 1, \quad m \leftarrow {BETA1:g}\, m + {1 - BETA1:.1g}\, g, \quad "
         rf"s \leftarrow {BETA2:g}\, s + {1 - BETA2:.1g}\, g^{{2}}",
         rf"\theta \leftarrow \theta - {_ADAM_STEP}, \quad {{eta}}"),
        "-" + _ADAM_STEP, f'''
        def {{name}}(network, gradients, learning_rate, state):
            # Adam (beta1 {BETA1!r}, beta2 {BETA2!r}, eps {EPS!r}) with bias correction, in PyTorch's order
            state['t'] += 1
            t = state['t']
            step_size = learning_rate / (1 - {BETA1!r} ** t)
            bias_correction2 = np.sqrt(1 - {BETA2!r} ** t)
            for name in network:
                g = gradients['d' + name]
                m = state['m'][name] = {BETA1!r} * state['m'][name] + (1 - {BETA1!r}) * g         # mean of g
                s = state['s'][name] = {BETA2!r} * state['s'][name] + (1 - {BETA2!r}) * g ** 2  # of g^2
                denom = np.sqrt(s)
                denom /= bias_correction2      # in place, so it stays in DTYPE, as in the app
                denom += {EPS!r}
                network[name] -= step_size * (m / denom)
            return network
        '''),
}
