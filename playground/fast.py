"""The network of network.py arranged for speed: the same math, verified equal to it
(tests/unit/test_twin.py), which float32 runs train with.

Row-major as there: z = a_prev @ W + b. Three things make it fast, none changes the math:
- The bias is folded into the weights. Each layer's parameters are one array Wb
  (fan_in + 1, fan_out) whose last row is b, and each layer's input carries a column of
  ones, so z = [a_prev, 1] @ Wb is one matrix product and one gradient covers W and b.
  `W_and_b` gives the tutorial's separate W and b back, as views.
- A `Workspace` holds every array for one batch size, so a training step allocates
  nothing, and it is bound to the parameters it computes with. Its arrays are
  column-major (order="F"): then a_ext[:, :-1] is one contiguous block beside the ones
  column, which keeps NumPy's vectorised loops fast (a strided write made tanh three
  times slower). Products that land in such an array are written transposed,
  z.T = Wb.T @ a_ext.T, because np.dot needs a row-major `out` and z.T is one; np.matmul,
  which takes any `out`, was up to 5x slower.
- All parameters live in one flat vector (`flat`), so an update is two NumPy calls.
Because BLAS sums in another order here, the last digits differ from network.py's.
"""
import numpy as np

from .activations import ACTIVATIONS
from .losses import LOSSES, delta_rule as tutorial_delta
from .network import initialize
from .outputs import OUTPUTS


def from_W_and_b(layers, dtype=np.float64):
    """The folded parameters [Wb, ...] from a list of (W, b)."""
    return [np.vstack([np.asarray(W, float), np.reshape(b, (1, -1))]).astype(dtype)
            for W, b in layers]


def W_and_b(params):
    """[(W, b), ...] from input to output: views into the folded arrays."""
    return [(Wb[:-1], Wb[-1:]) for Wb in params]


def initial_params(sizes, init="randn", seed=42, dtype=np.float64):
    """network.initialize's draws, folded."""
    return from_W_and_b(initialize(sizes, init, seed), dtype)


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
    """[inputs, hidden..., outputs] read off the parameter shapes."""
    return [params[0].shape[0] - 1] + [Wb.shape[1] for Wb in params]


def with_ones(X, dtype):
    """X (n, k) -> (n, k + 1) with a last column of ones, the input of a folded layer."""
    out = np.ones((len(X), X.shape[1] + 1), dtype=dtype, order="F")
    out[:, :-1] = X
    return out


class Workspace:
    """The arrays of the network `params` for a batch of n points: per layer z (n, s),
    a_ext (n, s + 1) whose last column stays 1, delta and scratch (n, s); the gradient,
    flat (`grad`), folded (`dWb`) and as [(dW, db), ...] (`grads`), all views of one
    vector laid out as the parameters. It keeps the transposed views the products use,
    since making a view costs about as much as a small NumPy operation."""

    def __init__(self, params, n):
        dtype, sizes = params[0].dtype, layer_sizes(params)[1:]
        new = lambda s, fill=np.empty: [fill((n, k), dtype, order="F") for k in s]
        self.n, self.params = n, params
        self.z, self.delta, self.tmp = new(sizes), new(sizes), new(sizes)
        self.a_ext = new([k + 1 for k in sizes], np.ones)
        self.a = [a[:, :-1] for a in self.a_ext]                    # views: (n, s)
        self.grad, self.dWb = flat(params)
        self.grads = W_and_b(self.dWb)
        T = lambda arrays: [x.T for x in arrays]
        self.WbT, self.W = T(params), [Wb[:-1] for Wb in params]
        self.zT, self.a_extT, self.deltaT = T(self.z), T(self.a_ext), T(self.delta)

    def forward(self, Xe, activation, output="sigmoid"):
        return forward(self, Xe, activation, output)

    def backward(self, Xe, y, activation, loss_name, delta_rule, output="sigmoid"):
        """The gradient, flat (one vector, as the optimizers take it)."""
        backward(self, Xe, y, activation, loss_name, delta_rule, output)
        return self.grad


def forward(ws, Xe, activation, output="sigmoid"):
    """Forward propagation of Xe (n, inputs + 1) through ws.params: returns the output
    a (n, units) and keeps every z and a in ws. Callers silence overflow warnings."""
    f, f_out = ACTIVATIONS[activation].f, OUTPUTS[output].f
    last, inputT = len(ws.params) - 1, Xe.T
    for l in range(last + 1):
        np.dot(ws.WbT[l], inputT, out=ws.zT[l])                     # z = a_ext @ Wb
        (f_out if l == last else f)(ws.z[l], out=ws.a[l])
        inputT = ws.a_extT[l]
    return ws.a[last]


def backward(ws, Xe, y, activation, loss_name, delta_rule=False, output="sigmoid"):
    """Backpropagation after `forward(ws, Xe, output=output)`: fills ws.grad with the
    gradient of the mean loss (or of the tutorial's delta rule) for every Wb."""
    df = ACTIVATIONS[activation].df
    out_delta = tutorial_delta if delta_rule else LOSSES[loss_name].delta
    delta = out_delta(y, ws.a[-1], ws.z[-1], out=ws.delta[-1], tmp=ws.tmp[-1],
                      df=OUTPUTS[output].df)                        # (n, units)
    for l in range(len(ws.params) - 1, 0, -1):
        np.dot(ws.a_extT[l - 1], delta, out=ws.dWb[l])              # [dW; db] = a_ext.T @ delta
        np.dot(ws.W[l], ws.deltaT[l], out=ws.deltaT[l - 1])         # error = delta @ W.T
        delta = ws.delta[l - 1]                                     # (n, fan_in)
        delta *= df(ws.a[l - 1], out=ws.tmp[l - 1])
    np.dot(Xe.T, delta, out=ws.dWb[0])


def predict(params, Xe, activation, chunk=2000, output="sigmoid", workspaces=None):
    """The outputs (n, units) for inputs Xe (n, inputs + 1), a chunk at a time so the
    working arrays stay small enough to sit in the CPU cache. `workspaces`: a dict that
    keeps them between calls with the same params (making them cost more than a
    100x100 surface's arithmetic)."""
    out = np.empty((len(Xe), params[-1].shape[1]), dtype=params[0].dtype)
    workspaces = {} if workspaces is None else workspaces
    with np.errstate(all="ignore"):
        for i in range(0, len(Xe), chunk):
            part = Xe[i:i + chunk]
            ws = workspaces.get(len(part))
            if ws is None or ws.params is not params:
                ws = workspaces[len(part)] = Workspace(params, len(part))
            out[i:i + len(part)] = forward(ws, part, activation, output)
    return out


def layer_outputs(params, Xe, activation, output="sigmoid", workspaces=None):
    """Every layer's activations [(n, units), ..., (n, outputs)] for the inputs Xe
    (`workspaces` as for predict)."""
    workspaces = {} if workspaces is None else workspaces
    ws = workspaces.get(len(Xe))
    if ws is None or ws.params is not params:
        ws = workspaces[len(Xe)] = Workspace(params, len(Xe))
    with np.errstate(all="ignore"):
        forward(ws, Xe, activation, output)
    return [a.copy() for a in ws.a]
