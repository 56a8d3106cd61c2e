"""Loss functions, one entry per name: the mean loss, its gradient at the output unit's
pre-activation z, and what the teaching views show of it (label, LaTeX, code).

The output unit is always a sigmoid, a = sigmoid(z), with y, a, z of shape (n, 1).
`value` returns the mean loss over the n points, summed as the tutorial sums it;
`fast_value` is the same mean summed the way fast.py sums (one BLAS dot product), which
differs in the last digits; `delta` writes dLoss/dz into `out`. Every entry takes the
same (y, a, z), so one call site serves both losses; each formula uses what it needs
(squared error the output a, cross-entropy the logit z).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import const, sigmoid_derivative


def mse_value(y, a, z):
    """mean((y - a)^2), the tutorial's compute_loss (and PyTorch's MSELoss)."""
    return float(np.mean((y - a) ** 2))


def mse_dot(y, a, z):
    """mean((y - a)^2) with the sum as one dot product."""
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


DELTA_RULE_TEX = r"\left(a^{(L)} - y\right) \odot a^{(L)} \odot \left(1 - a^{(L)}\right)"


def bce_value(y, a, z):
    """Mean binary cross-entropy written with the logit z: log(1 + e^z) - y z.
    Equal to -[y log a + (1 - y) log(1 - a)], but never takes log(0) nor overflows."""
    return float(np.logaddexp(0, z).sum() - np.dot(y.ravel(), z.ravel())) / len(y)


def bce_delta(y, a, z, out, tmp):
    """d BCE / dz = (a - y) / n: the sigmoid's derivative cancels the log's."""
    np.subtract(a, y, out=out)
    out *= const(1.0 / len(y), out.dtype)
    return out


@dataclass(frozen=True)
class Loss:
    label: str              # its name in menus
    value: Callable         # value(y, a, z): the mean loss, summed as the tutorial sums
    fast_value: Callable    # the same mean, summed as fast.py sums
    delta: Callable         # delta(y, a, z, out, tmp): dLoss/dz (n, 1), written into out
    tex: str                # LaTeX of the loss
    tex_delta: str          # LaTeX of dLoss/dz^(L)
    code: str               # the exported script's compute_loss ({name}: its name)
    fast_code: str          # the same, summing as fast.py does


MSE_CODE = '''
    def {name}(y_true, y_pred):
        # Mean squared error, the tutorial's loss
        return np.mean((y_true - y_pred) ** 2)
    '''

MSE_DOT_CODE = '''
    def {name}(y_true, y_pred):
        # Mean squared error, the tutorial's loss: the sum of the squared errors, as one
        # dot product (the app's way of summing), divided by the number of points
        errors = (y_true - y_pred).ravel()
        return float(np.dot(errors, errors)) / len(errors)
    '''

BCE_CODE = '''
    def {name}(y_true, z_out):
        # Binary cross-entropy, the mean over the points, written with the output unit's
        # z (its prediction is a = sigmoid(z)): log(1 + e^z) - y z is the same number as
        # -[y log(a) + (1 - y) log(1 - a)], but never takes log(0). Summed as the app sums.
        total = np.sum(np.logaddexp(0, z_out)) - np.dot(y_true.ravel(), z_out.ravel())
        return float(total) / len(y_true)
    '''

LOSSES = {
    "mse": Loss(
        "Mean squared error", mse_value, mse_dot, mse_delta,
        r"\mathcal{L} = \frac{1}{n} \sum_{i=1}^{n} \left(y_i - \hat{y}_i\right)^{2}",
        r"\frac{2}{n} \left(a^{(L)} - y\right) \odot a^{(L)} \odot \left(1 - a^{(L)}\right)",
        MSE_CODE, MSE_DOT_CODE),
    "bce": Loss(
        "Binary cross-entropy", bce_value, bce_value, bce_delta,
        r"\mathcal{L} = -\frac{1}{n} \sum_{i=1}^{n} \left[y_i \log \hat{y}_i + (1 - y_i)"
        r" \log (1 - \hat{y}_i)\right] = \frac{1}{n} \sum_{i=1}^{n} \left[\log\left(1 + "
        r"e^{z^{(L)}_i}\right) - y_i z^{(L)}_i\right]",
        r"\frac{1}{n} \left(a^{(L)} - y\right)", BCE_CODE, BCE_CODE),
}
