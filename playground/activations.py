"""Activation functions and their derivatives, looked up by name.

Each derivative takes the activation's *output* `a` (not `z`), as the tutorial's
`sigmoid_derivative(x) = x * (1 - x)` does; every activation here allows that.
Both write into `out` when given, so the training loop allocates nothing.
"""
import numpy as np

LEAKY_SLOPE = 0.01


def const(value, dtype):
    """value as a 0-d array of `dtype`: NumPy adds a 0-d array to an array twice as fast
    as a Python number, which matters on a small network's hot path."""
    key = (value, dtype)
    if key not in _CONSTS:
        _CONSTS[key] = np.array(value, dtype=dtype)
    return _CONSTS[key]


_CONSTS = {}


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


# name -> (activation of z, its derivative written in terms of the output a)
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky-relu": (leaky_relu, leaky_relu_derivative),
    "linear": (linear, linear_derivative),
}

LABELS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU",
          "leaky-relu": "Leaky ReLU", "linear": "Linear"}
