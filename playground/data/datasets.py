"""Two-class datasets on the plane, pure NumPy, seeded and deterministic.

Each generator takes (n, noise, rng) and returns points X (n, 2) and labels y (n,)
in {0, 1}, half of each class, with Gaussian jitter of standard deviation `noise`.
"""
from dataclasses import dataclass

import numpy as np

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


def spiral(n, noise, rng):
    """Two spiral arms winding out from the centre, one per class."""
    n0, n1 = _halves(n)
    arms = []
    for count, phase in ((n0, 0.0), (n1, np.pi)):
        s = np.linspace(0, 1, count, endpoint=False)
        r, t = s, 1.75 * 2 * np.pi * s + phase
        arms.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
    return np.concatenate(arms) + rng.normal(0, noise, (n, 2)), _labels(n0, n1)


def gaussians(n, noise, rng):
    """Two round clouds (spread 0.3) centred at (-0.5, -0.5) and (0.5, 0.5)."""
    n0, n1 = _halves(n)
    centres = np.concatenate([np.full((n0, 2), -0.5), np.full((n1, 2), 0.5)])
    return centres + rng.normal(0, 0.3, (n, 2)) + rng.normal(0, noise, (n, 2)), _labels(n0, n1)


DATASETS = {
    "xor": xor, "xor-cloud": xor_cloud, "circles": circles,
    "moons": moons, "spiral": spiral, "gaussians": gaussians,
}

LABELS = {"xor": "XOR (the tutorial's 4 points)", "xor-cloud": "XOR cloud",
          "circles": "Circles", "moons": "Moons", "spiral": "Spiral", "gaussians": "Gaussians"}


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


def make_dataset(name, samples=500, noise=0.1, test_fraction=0.5, seed=0):
    """The named dataset, split into train and test; xor keeps its order and has no test set."""
    if name == "xor":
        return Dataset(XOR_X.copy(), XOR_Y.copy(), np.empty((0, 2)), np.empty(0))
    rng = np.random.default_rng([seed, 1])
    X, y = DATASETS[name](samples, noise, rng)
    return split(X, y, test_fraction, rng)
