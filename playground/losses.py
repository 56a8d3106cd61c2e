"""Loss functions, one entry per name: the mean loss, its gradient at the output layer's
pre-activation z, and what the teaching views show of it (label, LaTeX, code).

The output layer is one of outputs.OUTPUTS: a sigmoid unit or a linear unit, with y, a, z
of shape (n, 1), or K softmax units with y one-hot and a, z of shape (n, K).
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


def mse_delta(y, a, z, out, tmp, df=sigmoid_derivative):
    """d mean((y - a)^2) / dz = 2 (a - y) / n * f'(z), with the output's derivative df
    written in a: a (1 - a) for the sigmoid, 1 for a linear unit."""
    np.subtract(a, y, out=out)
    out *= const(2.0 / len(y), out.dtype)
    out *= df(a, out=tmp)
    return out


def delta_rule(y, a, z, out, tmp, df=sigmoid_derivative):
    """The tutorial's output delta with its sign flipped to a gradient: (a - y) a (1 - a),
    summed over the batch (the gradient of half the *summed* squared error)."""
    np.subtract(a, y, out=out)
    out *= df(a, out=tmp)
    return out


DELTA_RULE_TEX = r"\left(a^{(L)} - y\right) \odot a^{(L)} \odot \left(1 - a^{(L)}\right)"


def bce_value(y, a, z):
    """Mean binary cross-entropy written with the logit z: log(1 + e^z) - y z.
    Equal to -[y log a + (1 - y) log(1 - a)], but never takes log(0) nor overflows."""
    return float(np.logaddexp(0, z).sum() - np.dot(y.ravel(), z.ravel())) / len(y)


def bce_delta(y, a, z, out, tmp, df=None):
    """d BCE / dz = (a - y) / n: the sigmoid's derivative cancels the log's. The same
    line is d CE / dz for softmax units and one-hot y: (softmax(z) - y) / n."""
    np.subtract(a, y, out=out)
    out *= const(1.0 / len(y), out.dtype)
    return out


def ce_value(y, a, z):
    """Mean categorical cross-entropy of K softmax units (PyTorch's CrossEntropyLoss on the
    logits z), y one-hot: -sum(y log a) = logsumexp(z) - sum(y z) per point, with the row's
    largest z taken off so e^z never overflows and log(0) is never taken."""
    m = z.max(axis=1, keepdims=True)                                      # (n, 1)
    logsumexp = m.ravel() + np.log(np.exp(z - m).sum(axis=1))             # (n,)
    return float(logsumexp.sum() - np.vdot(y, z)) / len(y)                # vdot: sum(y z)


@dataclass(frozen=True)
class Loss:
    label: str              # its name in menus
    value: Callable         # value(y, a, z): the mean loss, summed as the tutorial sums
    fast_value: Callable    # the same mean, summed as fast.py sums
    delta: Callable         # delta(y, a, z, out, tmp, df): dLoss/dz (n, units), into out
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

CE_CODE = '''
    def {name}(y_onehot, z_out):
        # Categorical cross-entropy, the mean over the points, written with the output
        # units' z (the predictions are a = softmax(z)): -sum(y log a) is the same number
        # as logsumexp(z) - sum(y z), which never takes log(0) nor overflows (np.vdot is
        # that sum over every entry, as the app sums it)
        m = z_out.max(axis=1, keepdims=True)
        logsumexp = m.ravel() + np.log(np.exp(z_out - m).sum(axis=1))
        return float(logsumexp.sum() - np.vdot(y_onehot, z_out)) / len(y_onehot)
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
    "ce": Loss(
        "Cross-entropy (3 or more classes)", ce_value, ce_value, bce_delta,
        r"\mathcal{L} = -\frac{1}{n} \sum_{i=1}^{n} \sum_{k=1}^{K} y_{ik} \log \hat{y}_{ik}"
        r" = \frac{1}{n} \sum_{i=1}^{n} \left[\log \sum_{k=1}^{K} e^{z^{(L)}_{ik}} - "
        r"\sum_{k=1}^{K} y_{ik} z^{(L)}_{ik}\right]",
        r"\frac{1}{n} \left(\operatorname{softmax}\left(z^{(L)}\right) - y\right)",
        CE_CODE, CE_CODE),
}
