"""Loss functions and their gradients at the output unit's pre-activation z.

The output unit is always a sigmoid, a = sigmoid(z), with y, a, z of shape (n, 1).
`value` returns the mean loss over the n points; `delta` writes dLoss/dz into `out`.
"""
import numpy as np

from .activations import const, sigmoid_derivative


def mse_value(y, a, z):
    """mean((y - a)^2), as the tutorial's compute_loss and PyTorch's MSELoss."""
    e = (y - a).ravel()
    return float(np.dot(e, e)) / e.size


def mse_delta(y, a, z, out, tmp):
    """d mean((y - a)^2) / dz = 2 (a - y) / n * a (1 - a)."""
    np.subtract(a, y, out=out)
    out *= const(2.0 / len(y), out.dtype)
    out *= sigmoid_derivative(a, out=tmp)
    return out


def delta_rule(y, a, z, out, tmp):
    """The tutorial's output delta with its sign flipped to a gradient: (a - y) a (1 - a),
    summed over the batch (the gradient of half the *summed* squared error)."""
    np.subtract(a, y, out=out)
    out *= sigmoid_derivative(a, out=tmp)
    return out


def bce_value(y, a, z):
    """Mean binary cross-entropy written with the logit z: log(1 + e^z) - y z.
    Equal to -[y log a + (1 - y) log(1 - a)], but never takes log(0) nor overflows."""
    return float(np.logaddexp(0, z).sum() - np.dot(y.ravel(), z.ravel())) / len(y)


def bce_delta(y, a, z, out, tmp):
    """d BCE / dz = (a - y) / n: the sigmoid's derivative cancels the log's."""
    np.subtract(a, y, out=out)
    out *= const(1.0 / len(y), out.dtype)
    return out


# name -> (mean loss value, gradient at the output's z)
LOSSES = {
    "mse": (mse_value, mse_delta),
    "bce": (bce_value, bce_delta),
}

LABELS = {"mse": "Mean squared error", "bce": "Binary cross-entropy"}
