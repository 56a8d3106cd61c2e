"""The network over its input plane, as floats: an n x n grid of the session's plotted
box (rows: x2, columns: x1), and the session's predictions on it."""
import weakref

import numpy as np

from ..data.features import expand


def grid_points(bounds, n):
    """n*n points covering the box, x fastest: reshape(n, n) gives rows of equal x2."""
    t = np.linspace(bounds[0], bounds[1], n)
    x1, x2 = np.meshgrid(t, t)
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


_GRIDS = weakref.WeakValueDictionary()     # (bounds, n) -> points, while a session keeps them


def grid(bounds, n):
    """grid_points, read-only and the same array for as long as a session keeps it
    (predict's `keep`), so the session makes its network inputs once, not every frame.
    Held weakly: a grid lives as long as a session that uses it, however many there are."""
    points = _GRIDS.get((bounds, n))
    if points is None:
        points = _GRIDS[bounds, n] = grid_points(bounds, n)
        points.flags.writeable = False
    return points


def _predict(session, n, params=None):
    return session.predict(grid(session.bounds, n), params, keep=True)


def surface(session, n=100, params=None):
    """(n, n) over the plane, with the session's current parameters or the given ones (a
    snapshot's, folded): the probability of class 1, or the predicted value for
    regression. With 3 or more classes, the most likely class scaled to [0, 1]
    (k / (K - 1)), a stand-in for views drawn for two classes; `class_surfaces` has the
    probabilities."""
    out = _predict(session, n, params)
    if session.output == "softmax":
        out = out.argmax(axis=1) / (session.units - 1)
    return out.reshape(n, n)


def class_surfaces(session, n=100, params=None):
    """(K, n, n) probability of each class over the plane; for two classes (2, n, n):
    1 - p and p."""
    if session.output == "linear":
        raise ValueError("a regression run has no classes; use surface()")
    out = _predict(session, n, params)
    if session.output == "sigmoid":
        out = np.stack([1 - out, out], axis=1)
    return out.T.reshape(-1, n, n)


def input_surfaces(session, n=32, features=None):
    """Each input feature over the plane as the network gets it: (features, n, n), the
    pictures of the diagram's input nodes (x1 a left-right ramp, x1² a valley...).
    `features`: these instead of the run's (the live diagram shows the ones left off too)."""
    names = session.config.features if features is None else features
    return expand(grid_points(session.bounds, n), names).T.reshape(-1, n, n)


def unit_surfaces(session, n=32):
    """Every unit's output over the plane: one (units, n, n) array per layer (the last has
    K or 1 units)."""
    return [a.T.reshape(-1, n, n) for a in session.activations(grid(session.bounds, n), keep=True)]
