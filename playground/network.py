"""The network itself: initialize, forward, backward, predict (the tutorial's steps).

Row-major throughout, as in the tutorial: a layer takes a_prev (n, fan_in) to
z = a_prev @ W + b with W (fan_in, fan_out) and b (1, fan_out), then a = f(z).
Parameters are one flat list in the tutorial's order [W1, b1, W2, b2, ...]; the last
layer is always a single sigmoid unit. Arrays for a batch size live in a `Workspace`,
so a training step allocates nothing; the tutorial's operations are kept in its order
so that, in float64, its numbers come out exactly.
"""
import numpy as np

from .activations import ACTIVATIONS, sigmoid
from .losses import LOSSES, delta_rule


def initialize(sizes, init="randn", seed=42, dtype=np.float64):
    """Weights drawn layer by layer, biases zero. sizes = [inputs, hidden..., 1].

    Draws come from the legacy `RandomState(seed).randn`, the generator behind the
    tutorial's `np.random.seed(42); np.random.randn(...)`, so `randn` init reproduces the
    tutorial's weights draw for draw; Xavier (Glorot normal) and He scale the same draws.
    """
    rs = np.random.RandomState(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        scale = {"randn": 1.0, "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
                 "he": np.sqrt(2.0 / fan_in)}[init]
        params += [(rs.randn(fan_in, fan_out) * scale).astype(dtype),
                   np.zeros((1, fan_out), dtype=dtype)]
    return params


def layer_sizes(params):
    """[inputs, hidden..., 1] read off the weight shapes."""
    return [params[0].shape[0]] + [W.shape[1] for W in params[0::2]]


class Workspace:
    """Preallocated arrays for one batch size n: z, a, delta, scratch per layer, and grads."""

    def __init__(self, params, n):
        dtype, sizes = params[0].dtype, layer_sizes(params)[1:]
        new = lambda: [np.empty((n, s), dtype) for s in sizes]
        self.n = n
        self.z, self.a, self.delta, self.tmp = new(), new(), new(), new()
        self.grads = [np.empty_like(p) for p in params]


def forward(params, X, activation, ws):
    """Forward propagation; returns the output a (n, 1). Keeps every z and a in ws."""
    f = ACTIVATIONS[activation][0]
    last = len(params) // 2 - 1
    a = X
    for l in range(last + 1):
        z = np.dot(a, params[2 * l], out=ws.z[l])            # (n, fan_out)
        z += params[2 * l + 1]
        a = (sigmoid if l == last else f)(z, out=ws.a[l])
    return a


def backward(params, X, y, activation, loss, ws, delta_rule_update=False):
    """Backpropagation after `forward` on the same ws: fills and returns ws.grads,
    the gradient of the mean loss (or the tutorial's delta rule) for every parameter."""
    df = ACTIVATIONS[activation][1]
    out_delta = delta_rule if delta_rule_update else LOSSES[loss][1]
    delta = out_delta(y, ws.a[-1], ws.z[-1], out=ws.delta[-1], tmp=ws.tmp[-1])   # (n, 1)
    for l in range(len(params) // 2 - 1, -1, -1):
        a_prev = X if l == 0 else ws.a[l - 1]
        np.dot(a_prev.T, delta, out=ws.grads[2 * l])                  # dW (fan_in, fan_out)
        np.sum(delta, axis=0, keepdims=True, out=ws.grads[2 * l + 1])  # db (1, fan_out)
        if l > 0:
            error = np.dot(delta, params[2 * l].T, out=ws.delta[l - 1])  # (n, fan_in)
            error *= df(ws.a[l - 1], out=ws.tmp[l - 1])
            delta = error
    return ws.grads


def add_regularization(params, grads, kind, rate):
    """Add the penalty's gradient to the weights' gradients (biases are not penalised)."""
    if kind == "none" or rate == 0:
        return
    for W, dW in zip(params[0::2], grads[0::2]):
        dW += rate * (np.sign(W) if kind == "l1" else W)


def penalty(params, kind, rate):
    """rate * sum|W| (l1) or rate * sum(W^2) / 2 (l2), over weights only."""
    if kind == "none" or rate == 0:
        return 0.0
    f = np.abs if kind == "l1" else lambda W: 0.5 * W * W
    return rate * float(sum(f(W).sum() for W in params[0::2]))


def predict(params, X, activation, chunk=4096):
    """Output probabilities (n,) for any number of points, a chunk at a time so the
    working arrays stay small enough to sit in the CPU cache."""
    X = np.asarray(X, dtype=params[0].dtype)
    out = np.empty(len(X), dtype=params[0].dtype)
    ws = Workspace(params, min(chunk, max(len(X), 1)))
    for i in range(0, len(X), chunk):
        part = X[i:i + chunk]
        if len(part) != ws.n:
            ws = Workspace(params, len(part))
        out[i:i + len(part)] = forward(params, part, activation, ws)[:, 0]
    return out


def layer_outputs(params, X, activation):
    """Every layer's activations [(n, units), ..., (n, 1)] for the points X."""
    X = np.asarray(X, dtype=params[0].dtype)
    ws = Workspace(params, len(X))
    forward(params, X, activation, ws)
    return [a.copy() for a in ws.a]
