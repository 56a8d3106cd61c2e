"""Datasets on the plane, pure NumPy, seeded and deterministic.

Each classification generator takes (n, noise, rng) and returns points X (n, 2) and labels
y (n,) in {0, 1}, half of each class, with Gaussian jitter of standard deviation `noise`;
`spiral` and `gaussians` also take a number of classes K (labels 0..K-1, n/K each).
The regression generators, TensorFlow Playground's `regressPlane` and `regressGaussian`,
return points uniform on [-6, 6]^2 and real targets y in [-1, 1]; their noise is a
fraction of that range, added to the point before its target is read.
The `formula` dataset draws its points from the learner's own formula (formula.py): it
is not in DATASETS, whose generators all take (n, noise, rng) alone.
"""
from dataclasses import dataclass

import numpy as np

from . import formula as formulas

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)


def xor(n, noise, rng):
    """The tutorial's four points, in its order; n and noise do not apply."""
    return XOR_X.copy(), XOR_Y.copy()


def _halves(n):
    return n // 2, n - n // 2


def _labels(n0, n1):
    return np.concatenate([np.zeros(n0), np.ones(n1)])


def xor_cloud(n, noise, rng):
    """Points in the four quadrants of [-1, 1]^2; class 1 where x1 and x2 share a sign."""
    n0, n1 = _halves(n)
    mag = rng.uniform(0.05, 1.0, size=(n, 2))
    sign0 = rng.choice([-1, 1], size=n0)                     # class 0: opposite signs
    sign1 = rng.choice([-1, 1], size=n1)                     # class 1: same sign
    signs = np.concatenate([np.stack([sign0, -sign0], 1), np.stack([sign1, sign1], 1)])
    return mag * signs + rng.normal(0, noise, (n, 2)), _labels(n0, n1)


def circles(n, noise, rng):
    """Class 1 fills a disc of radius 0.5; class 0 a ring from 0.7 to 1.0 around it."""
    n0, n1 = _halves(n)
    r = np.concatenate([rng.uniform(0.7, 1.0, n0), rng.uniform(0.0, 0.5, n1)])
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([r * np.cos(t), r * np.sin(t)], 1)
    return X + rng.normal(0, noise, (n, 2)), _labels(n0, n1)


def moons(n, noise, rng):
    """Two interleaving half circles (as scikit-learn's make_moons), centred on 0."""
    n0, n1 = _halves(n)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], 1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)
    X = np.concatenate([upper, lower]) - [0.5, 0.25]
    return X + rng.normal(0, noise, (n, 2)), _labels(n0, n1)


def _shares(n, classes):
    """Points per class, n split as evenly as can be (for 2: n // 2, then the rest)."""
    return [n * (k + 1) // classes - n * k // classes for k in range(classes)]


def _class_labels(counts):
    return np.repeat(np.arange(len(counts), dtype=float), counts)


def spiral(n, noise, rng, classes=2):
    """K spiral arms winding out from the centre, one per class, turned 2 pi / K apart."""
    counts, arms = _shares(n, classes), []
    for k, count in enumerate(counts):
        s = np.linspace(0, 1, count, endpoint=False)
        r, t = s, 1.75 * 2 * np.pi * s + 2 * np.pi * k / classes
        arms.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
    return np.concatenate(arms) + rng.normal(0, noise, (n, 2)), _class_labels(counts)


def blob_centres(classes):
    """Two clouds sit at (-0.5, -0.5) and (0.5, 0.5); K >= 3 evenly on the unit circle."""
    if classes == 2:
        return np.array([[-0.5, -0.5], [0.5, 0.5]])
    t = 2 * np.pi * np.arange(classes) / classes + np.pi / 2
    return np.stack([np.cos(t), np.sin(t)], 1)


def gaussians(n, noise, rng, classes=2):
    """K round clouds (spread 0.3), one per class, around `blob_centres`."""
    counts = _shares(n, classes)
    centres = np.repeat(blob_centres(classes), counts, axis=0)                # (n, 2)
    return (centres + rng.normal(0, 0.3, (n, 2)) + rng.normal(0, noise, (n, 2)),
            _class_labels(counts))


REGRESSION_RADIUS = 6           # TensorFlow Playground's: points on [-6, 6]^2
PEAKS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],          # x1, x2, sign
                  [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=float)


def _regression_points(n, noise, rng):
    """Points uniform on the square, and the same points moved by the noise (where the
    target is read), as TensorFlow Playground's regression datasets make them."""
    X = rng.uniform(-REGRESSION_RADIUS, REGRESSION_RADIUS, (n, 2))
    return X, X + rng.uniform(-REGRESSION_RADIUS, REGRESSION_RADIUS, (n, 2)) * noise


def plane(n, noise, rng):
    """A tilted plane: target (x1 + x2) / 10, so from -1.2 to 1.2 before noise."""
    X, moved = _regression_points(n, noise, rng)
    return X, moved.sum(axis=1) / 10


def multi_gaussian(n, noise, rng):
    """Six bumps of height +1 or -1 on a 3 x 2 grid, each falling linearly to 0 at
    distance 2; a point takes the bump that is largest in size there."""
    X, moved = _regression_points(n, noise, rng)
    d = np.hypot(moved[:, None, 0] - PEAKS[:, 0], moved[:, None, 1] - PEAKS[:, 1])  # (n, 6)
    heights = PEAKS[:, 2] * np.clip(1 - d / 2, 0, 1)                                 # (n, 6)
    return X, heights[np.arange(n), np.abs(heights).argmax(axis=1)]


DATASETS = {
    "xor": xor, "xor-cloud": xor_cloud, "circles": circles,
    "moons": moons, "spiral": spiral, "gaussians": gaussians,
    "plane": plane, "multi-gaussian": multi_gaussian,
}
MULTICLASS = ("spiral", "gaussians")            # take a number of classes
REGRESSION = ("plane", "multi-gaussian")        # real targets in [-1, 1]
FORMULA = "formula"             # the learner's formula: classes or targets, as it says
NAMES = (*DATASETS, FORMULA)    # every dataset a config can name

# The noise picking a dataset starts from: where every arm and cluster is still told
# apart at a glance (the spiral's arms are 0.14 apart; at 0.1 they were one blob), as
# TensorFlow Playground's datasets are crisp. A link or a moved slider keeps its own.
NOISE = {"xor": 0.0, "xor-cloud": 0.0, "circles": 0.05, "moons": 0.1, "spiral": 0.02,
         "gaussians": 0.05, "plane": 0.0, "multi-gaussian": 0.0, FORMULA: 0.0}

LABELS = {"xor": "XOR (the tutorial's 4 points)", "xor-cloud": "XOR cloud",
          "circles": "Circles", "moons": "Moons", "spiral": "Spiral", "gaussians": "Gaussians",
          "plane": "Plane (regression)", "multi-gaussian": "Multi-Gaussian (regression)",
          FORMULA: "Your formula"}


@dataclass(frozen=True)
class Dataset:
    """Points the network trains on and points held out to test it (test may be empty)."""
    X_train: np.ndarray   # (n_train, 2)
    y_train: np.ndarray   # (n_train,)
    X_test: np.ndarray    # (n_test, 2)
    y_test: np.ndarray    # (n_test,)

    @property
    def has_test(self):
        return len(self.y_test) > 0


def split(X, y, test_fraction, rng):
    """Shuffle, then hold out round(n * test_fraction) points (at least 1 when asked)."""
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    n_test = int(round(len(y) * test_fraction))
    n_test = min(max(n_test, 1 if test_fraction > 0 else 0), len(y) - 2)
    k = len(y) - n_test
    return Dataset(X[:k], y[:k], X[k:], y[k:])


def make_dataset(name, samples=500, noise=0.1, test_fraction=0.5, seed=0, classes=2,
                 formula=""):
    """The named dataset, split into train and test; xor keeps its order and has no test set.
    `classes` goes to the datasets that take it (MULTICLASS), `formula` to FORMULA."""
    if name == "xor":
        return Dataset(XOR_X.copy(), XOR_Y.copy(), np.empty((0, 2)), np.empty(0))
    rng = np.random.default_rng([seed, 1])
    if name == FORMULA:
        X, y = formulas.points(formula, samples, noise, rng)
        return split(X, y, test_fraction, rng)
    extra = {"classes": classes} if name in MULTICLASS else {}
    X, y = DATASETS[name](samples, noise, rng, **extra)
    return split(X, y, test_fraction, rng)
