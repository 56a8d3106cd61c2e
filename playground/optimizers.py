"""Update rules, looked up by name: each changes the parameters in place.

`params` and `grads` are matching lists of arrays (the session passes one flat vector
each); `state` is the optimizer's own memory (a dict), created by `new_state`, kept by
the training session.
Momentum and Adam follow PyTorch's torch.optim.SGD(momentum=0.9) and Adam defaults.
"""
import numpy as np

from .activations import const

MOMENTUM = 0.9
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def new_state(params):
    """Optimizer memory: a step counter and zero buffers shaped like the parameters."""
    zeros = lambda: [np.zeros_like(p) for p in params]
    return {"t": 0, "v": zeros(), "m": zeros(), "s": zeros(), "tmp": zeros()}


def sgd(params, grads, state, lr):
    """p -= lr * g: the tutorial's update_parameters (it adds lr * its delta, which is -g).
    The gradients are scratch space, so they are scaled in place."""
    for p, g in zip(params, grads):
        g *= const(lr, g.dtype)
        p -= g


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


OPTIMIZERS = {"sgd": sgd, "momentum": momentum, "adam": adam}

LABELS = {"sgd": "Gradient descent", "momentum": "Momentum (0.9)", "adam": "Adam"}
