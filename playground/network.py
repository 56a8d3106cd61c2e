"""The network, step by step as the tutorial writes it: initialize, forward, loss,
backward, update, train, predict.

Row-major throughout: a batch X is (n, inputs), one row per point. A layer takes the
previous activations a (n, fan_in) to z = a @ W + b, with W (fan_in, fan_out) and b
(1, fan_out) added to every row, then a = f(z). The last layer is an output from
outputs.OUTPUTS: one sigmoid unit (two classes, the tutorial's), K softmax units (K classes)
or one linear unit (regression).
`layers` is the list [(W1, b1), (W2, b2), ...] from input to output, and gradients come
as the matching list [(dW1, db1), ...]. They are gradients of the loss, the negatives of
the tutorial's deltas, so an update subtracts them: W -= lr * dW is the tutorial's
W += lr * (its dW) to the last bit, since negating a float is exact.

This is the form to read, and it does the tutorial's operations in the tutorial's order,
so the tutorial preset (and every float64 run, which trains with it) prints the
tutorial's own numbers. Float32 runs train with `fast.py`, the same math arranged for
speed; tests/unit/test_twin.py holds the two equal. `forward` and `backward` can write
into arrays made once (a `Workspace`), so a training loop allocates nothing; the numbers
are the same either way.
"""
import numpy as np

from .activations import ACTIVATIONS
from .inits import INITS
from .losses import LOSSES, delta_rule as tutorial_delta
from .outputs import OUTPUTS
from .regularizations import REGULARIZATIONS

LOG_EVERY = 100     # the tutorial prints the loss every 100 epochs; so do the CLI and exports


def initialize(sizes, init="randn", seed=42, dtype=np.float64):
    """[(W, b), ...] for layer sizes [inputs, hidden..., outputs]: W drawn layer by layer, b zero.

    Draws come from the legacy `RandomState(seed).randn`, the generator behind the
    tutorial's `np.random.seed(42); np.random.randn(...)`, so `randn` init reproduces the
    tutorial's W1 and W2 draw for draw; Xavier (Glorot normal) and He scale the same draws.
    """
    rs = np.random.RandomState(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = rs.randn(fan_in, fan_out) * INITS[init].scale(fan_in, fan_out)   # (fan_in, fan_out)
        layers.append((W.astype(dtype), np.zeros((1, fan_out), dtype)))     # b: (1, fan_out)
    return layers


class Cache:
    """What forward keeps for backward, per layer: z and a (n, units); plus room for
    backward's delta and a scratch array. Made once per batch size, reused every step."""

    def __init__(self, layers, n):
        dtype, sizes = layers[0][0].dtype, [W.shape[1] for W, _ in layers]
        new = lambda: [np.empty((n, size), dtype) for size in sizes]
        self.n, self.z, self.a, self.delta, self.tmp = n, new(), new(), new(), new()


def forward(layers, X, activation, cache=None, output="sigmoid"):
    """Forward propagation of X (n, inputs): the output a (n, units) and the cache of every
    layer's z and a, which backward needs. Hidden layers use `activation`, the last layer
    the `output` (sigmoid, softmax or linear). Callers silence overflow warnings
    (np.errstate) around it."""
    cache = cache or Cache(layers, len(X))
    f, f_out, last, a = ACTIVATIONS[activation].f, OUTPUTS[output].f, len(layers) - 1, X
    for l, (W, b) in enumerate(layers):
        z = np.dot(a, W, out=cache.z[l])                    # z = a @ W   (n, fan_out)
        z += b                                              #     + b     (1, fan_out)
        a = (f_out if l == last else f)(z, out=cache.a[l])  # a = f(z)    (n, fan_out)
    return a, cache


def loss(y, a, z, name="mse"):
    """The mean loss of predictions a (n, units) for targets y shaped alike; z is the
    output layer's z."""
    return LOSSES[name].value(y, a, z)


def new_grads(layers):
    """Zero gradients [(dW, db), ...] shaped like the layers, as views of one flat vector
    (each layer's W, then its b), so an optimizer can update them all in one call."""
    flat = np.zeros(sum(W.size + b.size for W, b in layers), layers[0][0].dtype)
    grads, start = [], 0
    for W, b in layers:
        dW = flat[start:start + W.size].reshape(W.shape)
        start += W.size
        grads.append((dW, flat[start:start + b.size].reshape(b.shape)))
        start += b.size
    return flat, grads


def backward(layers, cache, X, y, activation, loss_name="mse", delta_rule=False, grads=None,
             output="sigmoid"):
    """Backpropagation after forward(layers, X, output=output): [(dW, db), ...], the
    gradient of the mean loss, or with delta_rule the tutorial's (summed over the points,
    no 1/n), for every layer. Written into `grads` (from `new_grads`) when given."""
    grads = grads or new_grads(layers)[1]
    df = ACTIVATIONS[activation].df
    output_delta = tutorial_delta if delta_rule else LOSSES[loss_name].delta
    delta = output_delta(y, cache.a[-1], cache.z[-1], out=cache.delta[-1], tmp=cache.tmp[-1],
                         df=OUTPUTS[output].df)
    for l in reversed(range(len(layers))):                   # delta: (n, fan_out)
        a_prev = X if l == 0 else cache.a[l - 1]             # (n, fan_in)
        dW, db = grads[l]
        np.dot(a_prev.T, delta, out=dW)                      # dW = a_prev.T @ delta
        np.add.reduce(delta, axis=0, keepdims=True, out=db)  # db = np.sum(delta, axis=0)
        if l > 0:                                            # the error sent back through W
            error = np.dot(delta, layers[l][0].T, out=cache.delta[l - 1])    # (n, fan_in)
            delta = np.multiply(error, df(a_prev, out=cache.tmp[l - 1]), out=error)
    return grads


def add_penalty(layers, grads, kind, rate):
    """Add the regularization `kind`'s gradient, times rate, to each dW (biases are spared)."""
    gradient = REGULARIZATIONS[kind].gradient
    if gradient is None or rate == 0:
        return
    for (W, _), (dW, _) in zip(layers, grads):
        dW += rate * gradient(W)


def penalty(layers, kind, rate):
    """rate * the regularization `kind`'s penalty summed over the weights (not the biases)."""
    f = REGULARIZATIONS[kind].penalty
    if f is None or rate == 0:
        return 0.0
    return rate * float(sum(f(W).sum() for W, _ in layers))


def update(layers, grads, lr):
    """Gradient descent, the tutorial's update_parameters: each W and b against its
    gradient. (The session's optimizers do this and more on one flat vector.)"""
    for (W, b), (dW, db) in zip(layers, grads):
        W -= lr * dW
        b -= lr * db


def train(X, y, sizes, epochs, lr, activation="sigmoid", loss_name="mse", delta_rule=True,
          init="randn", seed=42, log_every=LOG_EVERY):
    """The tutorial's train_network: full-batch gradient descent from `initialize`.
    Returns the trained layers and the loss before the update of every `log_every`-th epoch."""
    layers, losses = initialize(sizes, init, seed), []
    for epoch in range(epochs):
        a, cache = forward(layers, X, activation)
        if epoch % log_every == 0:
            losses.append(loss(y, a, cache.z[-1], loss_name))
        update(layers, backward(layers, cache, X, y, activation, loss_name, delta_rule), lr)
    return layers, losses


def predict(layers, X, activation, output="sigmoid"):
    """The output a (n, units) for inputs X (n, inputs): the probability of class 1, of
    each class (softmax), or the predicted value (linear)."""
    with np.errstate(all="ignore"):
        return forward(layers, X, activation, output=output)[0]


class Workspace(Cache):
    """A cache and gradients for n points, with the two calls a training session makes;
    fast.Workspace is its twin."""

    def __init__(self, layers, n):
        super().__init__(layers, n)
        self.layers = layers
        self.grad, self.grads = new_grads(layers)             # flat, and [(dW, db), ...]

    def forward(self, X, activation, output="sigmoid"):
        return forward(self.layers, X, activation, self, output)[0]

    def backward(self, X, y, activation, loss_name, delta_rule, output="sigmoid"):
        """The gradient, flat (one vector, as the optimizers take it)."""
        backward(self.layers, self, X, y, activation, loss_name, delta_rule, self.grads,
                 output)
        return self.grad
