"""The network itself: initialize, forward, backward, predict (the tutorial's steps).

Row-major throughout, as in the tutorial: a layer takes a_prev (n, fan_in) to
z = a_prev @ W + b with W (fan_in, fan_out) and b (1, fan_out), then a = f(z).

For speed the bias is folded into the weights: each layer's parameters are one array
Wb (fan_in + 1, fan_out) whose last row is b, and each layer's input carries a column
of ones, so z = a_ext @ Wb is one matrix product and one gradient covers W and b.
`W_and_b` gives the tutorial's separate W and b back. The last layer is always one
sigmoid unit. A `Workspace` holds every array for one batch size, so a training step
allocates nothing. Its arrays are column-major (order="F"): the math is the same, but
a_ext[:, :-1] is then one contiguous block beside the ones column, which keeps NumPy's
vectorised loops fast (a strided write made tanh three times slower). Products that land
in such an array are written transposed, z.T = Wb.T @ a_ext.T, because np.dot needs a
row-major `out` and z.T is one; np.matmul, which takes any `out`, was up to 5x slower.
"""
import numpy as np

from .activations import ACTIVATIONS, sigmoid
from .losses import LOSSES, delta_rule


def initialize(sizes, init="randn", seed=42, dtype=np.float64):
    """One Wb per layer, weights drawn layer by layer, biases zero. sizes = [inputs, ..., 1].

    Draws come from the legacy `RandomState(seed).randn`, the generator behind the
    tutorial's `np.random.seed(42); np.random.randn(...)`, so `randn` init reproduces the
    tutorial's W1 and W2 draw for draw; Xavier (Glorot normal) and He scale the same draws.
    """
    rs = np.random.RandomState(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        scale = {"randn": 1.0, "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
                 "he": np.sqrt(2.0 / fan_in)}[init]
        W = rs.randn(fan_in, fan_out) * scale
        params.append(np.vstack([W, np.zeros((1, fan_out))]).astype(dtype))
    return params


def W_and_b(params):
    """[(W, b), ...] from input to output: views into the folded arrays."""
    return [(Wb[:-1], Wb[-1:]) for Wb in params]


def from_W_and_b(layers, dtype=np.float64):
    """The folded parameters from a list of (W, b)."""
    return [np.vstack([np.asarray(W, float), np.reshape(b, (1, -1))]).astype(dtype)
            for W, b in layers]


def flat(arrays):
    """One contiguous vector holding all the arrays, and views of it shaped like them.
    Updating the whole vector at once costs one NumPy call instead of one per layer."""
    vector = np.concatenate([a.ravel() for a in arrays])
    return vector, views(vector, [a.shape for a in arrays])


def views(vector, shapes):
    """Views of a flat vector, one per shape, in order."""
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(vector[start:start + size].reshape(shape))
        start += size
    return out


def layer_sizes(params):
    """[inputs, hidden..., 1] read off the parameter shapes."""
    return [params[0].shape[0] - 1] + [Wb.shape[1] for Wb in params]


def with_ones(X, dtype):
    """X (n, k) -> (n, k + 1) with a last column of ones, the input of a folded layer."""
    out = np.ones((len(X), X.shape[1] + 1), dtype=dtype, order="F")
    out[:, :-1] = X
    return out


class Workspace:
    """The arrays of one network for one batch size n: per layer z (n, s), a_ext (n, s + 1)
    whose last column stays 1, delta and scratch (n, s); the gradient, flat (`grad`) and
    as one view per parameter array (`grads`). It is bound to the `params` it was made
    from, and keeps the transposed views the products use, since making a view costs
    about as much as a small NumPy operation."""

    def __init__(self, params, n):
        dtype, sizes = params[0].dtype, layer_sizes(params)[1:]
        new = lambda s, fill=np.empty: [fill((n, k), dtype, order="F") for k in s]
        self.n, self.params = n, params
        self.z, self.delta, self.tmp = new(sizes), new(sizes), new(sizes)
        self.a_ext = new([k + 1 for k in sizes], np.ones)
        self.a = [a[:, :-1] for a in self.a_ext]                    # views: (n, s)
        self.grad, self.grads = flat(params)
        self.grad_list = [self.grad]                                # as optimizers take it
        T = lambda arrays: [x.T for x in arrays]
        self.WbT, self.W = T(params), [Wb[:-1] for Wb in params]
        self.zT, self.a_extT, self.deltaT = T(self.z), T(self.a_ext), T(self.delta)


def forward(params, Xe, activation, ws):
    """Forward propagation of Xe (n, inputs + 1) through `params`, with ws a Workspace
    made from those params; returns the output a (n, 1) and keeps every z and a in ws.
    Callers silence overflow warnings (np.errstate) around it."""
    f = ACTIVATIONS[activation][0]
    last, inputT = len(params) - 1, Xe.T
    for l in range(last + 1):
        np.dot(ws.WbT[l], inputT, out=ws.zT[l])                     # z = a_ext @ Wb
        (sigmoid if l == last else f)(ws.z[l], out=ws.a[l])
        inputT = ws.a_extT[l]
    return ws.a[last]


def backward(params, Xe, y, activation, loss, ws, delta_rule_update=False):
    """Backpropagation after `forward` on the same ws: fills and returns ws.grads, the
    gradient of the mean loss (or of the tutorial's delta rule) for every Wb."""
    df = ACTIVATIONS[activation][1]
    out_delta = delta_rule if delta_rule_update else LOSSES[loss][1]
    delta = out_delta(y, ws.a[-1], ws.z[-1], out=ws.delta[-1], tmp=ws.tmp[-1])   # (n, 1)
    for l in range(len(params) - 1, 0, -1):
        np.dot(ws.a_extT[l - 1], delta, out=ws.grads[l])            # [dW; db] = a_ext.T @ delta
        np.dot(ws.W[l], ws.deltaT[l], out=ws.deltaT[l - 1])         # error = delta @ W.T
        delta = ws.delta[l - 1]                                     # (n, fan_in)
        delta *= df(ws.a[l - 1], out=ws.tmp[l - 1])
    np.dot(Xe.T, delta, out=ws.grads[0])
    return ws.grads


def add_regularization(params, grads, kind, rate):
    """Add the penalty's gradient to the weights' gradients (the bias row is spared)."""
    if kind == "none" or rate == 0:
        return
    for Wb, g in zip(params, grads):
        g[:-1] += rate * (np.sign(Wb[:-1]) if kind == "l1" else Wb[:-1])


def penalty(params, kind, rate):
    """rate * sum|W| (l1) or rate * sum(W^2) / 2 (l2), over weights only."""
    if kind == "none" or rate == 0:
        return 0.0
    f = np.abs if kind == "l1" else lambda W: 0.5 * W * W
    return rate * float(sum(f(Wb[:-1]).sum() for Wb in params))


def predict(params, Xe, activation, chunk=2048):
    """Output probabilities (n,) for inputs Xe (n, inputs + 1), a chunk at a time so the
    working arrays stay small enough to sit in the CPU cache."""
    out = np.empty(len(Xe), dtype=params[0].dtype)
    ws = None
    with np.errstate(all="ignore"):
        for i in range(0, len(Xe), chunk):
            part = Xe[i:i + chunk]
            if ws is None or ws.n != len(part):
                ws = Workspace(params, len(part))
            out[i:i + len(part)] = forward(params, part, activation, ws)[:, 0]
    return out


def layer_outputs(params, Xe, activation):
    """Every layer's activations [(n, units), ..., (n, 1)] for the inputs Xe."""
    ws = Workspace(params, len(Xe))
    with np.errstate(all="ignore"):
        forward(params, Xe, activation, ws)
    return [a.copy() for a in ws.a]
