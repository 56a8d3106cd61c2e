"""Small pictures of the datasets, to pick one by sight as in TensorFlow Playground: a
dataset's points at the noise picking it starts from (datasets.NOISE), dotted on a white
square in the class colours (regression: by target, orange-white-blue), as PNG bytes.
A picture depends on its dataset and classes only, so each is made once."""
from functools import lru_cache

import numpy as np

from ..data.datasets import NOISE, REGRESSION, make_dataset
from .colours import CLASS_COLOURS, TARGET_SCALE, _rgb, colour_lut
from .encode import quantize
from .png import png_bytes

POINTS = 300            # points in a picture: enough to show the shape at 56 px
SIZE = 56               # px, square
MARGIN = 0.08           # of the data's extent, left free around it


def _pixels(X, size):
    """(n, 2) points -> (n, 2) integer (row, column), x2 up, the data's box filling the
    square but for MARGIN."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()), 1e-9) * (0.5 + MARGIN)
    xy = (X - centre) / half                                            # [-1, 1]^2
    col = np.rint((xy[:, 0] + 1) / 2 * (size - 1)).astype(int)
    row = np.rint((1 - xy[:, 1]) / 2 * (size - 1)).astype(int)
    return np.stack([row, col], 1)


def _colours(y, name, classes):
    """(n, 3) each point's colour."""
    if name in REGRESSION:
        return colour_lut(TARGET_SCALE)[quantize((np.clip(y, -1, 1) + 1) / 2)].astype(float)
    return np.array([_rgb(c) for c in CLASS_COLOURS[:classes]])[y.astype(int)]


def picture(X, y, name, classes=2, size=SIZE):
    """(size, size, 3) uint8: the points as dots on white (few points: bigger dots)."""
    rgb = np.full((size, size, 3), 255, np.uint8)
    r = 3 if len(y) <= 10 else 1
    rows, cols = _pixels(X, size).T
    colours = _colours(y, name, classes).round().astype(np.uint8)
    for dr in range(-r, r + 1):
        for dc in range(-r, r + 1):
            rgb[np.clip(rows + dr, 0, size - 1), np.clip(cols + dc, 0, size - 1)] = colours
    return rgb


@lru_cache(maxsize=None)
def thumbnail(name, classes=2, size=SIZE) -> bytes:
    """The named dataset's picture as PNG file bytes (made once per name and classes)."""
    data = make_dataset(name, samples=POINTS, noise=NOISE[name], test_fraction=0.0, seed=0,
                        classes=classes)
    return png_bytes(picture(data.X_train, data.y_train, name, classes, size))
