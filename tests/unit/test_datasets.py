"""The datasets: shapes, labels, balance, seeding, the train/test split, and that a
known-good network separates each one."""
import hashlib

import numpy as np
import pytest

from playground import Config, TrainingSession
from playground.data.datasets import (DATASETS, MULTICLASS, REGRESSION, XOR_X, XOR_Y,
                                      make_dataset)

GENERATED = [name for name in DATASETS if name != "xor"]   # xor is fixed, not drawn
TWO_CLASS = [name for name in DATASETS if name not in REGRESSION]


def sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


@pytest.mark.parametrize("name", TWO_CLASS)
@pytest.mark.parametrize("n", [4, 200, 301])
def test_generator_shapes_labels_and_balance(name, n):
    X, y = DATASETS[name](n, 0.1, np.random.default_rng(0))
    n = 4 if name == "xor" else n
    assert X.shape == (n, 2) and y.shape == (n,)
    assert np.isfinite(X).all()
    assert set(np.unique(y)) == {0.0, 1.0}
    assert abs(int((y == 1).sum()) - int((y == 0).sum())) == n % 2   # exactly half when even


@pytest.mark.parametrize("name", GENERATED)
def test_same_seed_same_data_other_seed_other_data(name):
    a = make_dataset(name, samples=100, noise=0.1, test_fraction=0.3, seed=7)
    b = make_dataset(name, samples=100, noise=0.1, test_fraction=0.3, seed=7)
    c = make_dataset(name, samples=100, noise=0.1, test_fraction=0.3, seed=8)
    for field in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", [name for name in GENERATED if name in TWO_CLASS])
def test_test_fraction_is_honoured(name):
    whole = make_dataset(name, samples=300, test_fraction=0.0, seed=3)
    assert len(whole.y_train) == 300 and not whole.has_test
    assert whole.X_test.shape == (0, 2)
    assert (whole.y_train == 1).sum() == 150                   # balanced before any split

    half = make_dataset(name, samples=300, test_fraction=0.5, seed=3)
    assert len(half.y_test) == 150 and len(half.y_train) == 150 and half.has_test
    # the split only divides the same points: together they are the whole set
    together = np.concatenate([half.X_train, half.X_test])
    assert np.array_equal(sorted_rows(together), sorted_rows(whole.X_train))
    assert 40 <= (half.y_test == 1).sum() <= 110               # shuffled, so both classes

    tiny = make_dataset(name, samples=50, test_fraction=0.005, seed=3)
    assert len(tiny.y_test) == 1                                # asked for a test set: at least 1


@pytest.mark.parametrize("kwargs", [{}, dict(samples=500, noise=0.5, test_fraction=0.5, seed=9)])
def test_xor_is_the_tutorials_four_points(kwargs):
    data = make_dataset("xor", **kwargs)
    assert np.array_equal(data.X_train, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert np.array_equal(data.y_train, [0, 1, 1, 0])
    assert not data.has_test and data.X_test.shape == (0, 2)
    data.X_train[0, 0] = 5                                       # a copy, not the module's array
    assert XOR_X[0, 0] == 0 and XOR_Y[0] == 0


GOOD = dict(samples=300, noise=0.05, test_fraction=0.0, hidden=(8, 8), activation="tanh",
            optimizer="adam", lr=0.02, epochs=2000)
KNOWN_GOOD = {
    "xor": dict(GOOD, hidden=(4,), lr=0.05, epochs=1000),
    "xor-cloud": GOOD,
    "circles": GOOD,
    "moons": GOOD,
    "gaussians": GOOD,       # the clouds overlap a little; a flexible net still fits them
    "spiral": dict(GOOD, hidden=(16, 16, 16), epochs=3000),
    "plane": dict(GOOD, problem="regression", loss="mse", hidden=(1,), activation="linear"),
    "multi-gaussian": dict(GOOD, problem="regression", loss="mse", epochs=3000),
}


def test_every_dataset_has_a_known_good_network():
    assert set(KNOWN_GOOD) == set(DATASETS)


@pytest.mark.parametrize("name", list(DATASETS))
def test_a_known_good_network_separates_it(name):
    config = Config(dataset=name, **KNOWN_GOOD[name])
    session = TrainingSession(config)
    session.advance(config.epochs)
    assert not session.diverged
    needed = 1.0 if name == "xor" else 0.95
    if name in REGRESSION:
        assert session.evaluate().train_r2 >= 0.9
    else:
        assert session.evaluate().train_accuracy >= needed


# sha256 of (X_train, y_train, X_test, y_test) as made before datasets took classes
BEFORE_CLASSES = {"spiral": "75abdd54fd6c8fad090f6ae8e1957cc2",
                  "gaussians": "aef0de56d8bfff76dd1fa90526375a93"}


@pytest.mark.parametrize("name", MULTICLASS)
def test_two_classes_give_the_very_same_data_as_before(name):
    data = make_dataset(name, 501, 0.2, 0.3, 42, classes=2)
    h = hashlib.sha256()
    for part in (data.X_train, data.y_train, data.X_test, data.y_test):
        h.update(np.ascontiguousarray(part).tobytes())
    assert h.hexdigest()[:32] == BEFORE_CLASSES[name]


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("classes", [3, 4, 6])
def test_k_classes_have_labels_0_to_k_minus_1_in_equal_shares(name, classes):
    X, y = DATASETS[name](301, 0.1, np.random.default_rng(0), classes=classes)
    assert X.shape == (301, 2) and np.isfinite(X).all()
    counts = np.bincount(y.astype(int))
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    centres = np.array([X[y == k].mean(axis=0) for k in range(classes)])
    if name == "gaussians":                      # K blobs around K distinct centres
        assert np.min(np.linalg.norm(centres[:, None] - centres[None], axis=2)
                      + np.eye(classes) * 9) > 0.5


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_points_fill_the_square_and_targets_match_tensorflow_playground(name):
    X, y = DATASETS[name](2000, 0.0, np.random.default_rng(0))
    assert X.shape == (2000, 2) and y.shape == (2000,)
    assert -6 <= X.min() and X.max() <= 6 and X.min() < -5.9 and X.max() > 5.9
    if name == "plane":                          # (x1 + x2) scaled from [-10, 10] to [-1, 1]
        np.testing.assert_allclose(y, X.sum(axis=1) / 10)
    else:                                        # bumps of +-1 at 6 peaks, 0 far from all
        assert -1 <= y.min() < -0.9 and 0.9 < y.max() <= 1
        peak = DATASETS[name](1, 0.0, _FixedUniform([[4.0, -2.5]]))[1]
        assert peak[0] == -1.0                   # the peak at (4, -2.5) is -1


class _FixedUniform:
    """A generator whose first uniform draw is the given points and the noise draw 0."""
    def __init__(self, points):
        self.draws = [np.array(points), np.zeros_like(np.array(points))]

    def uniform(self, low, high, size):
        return self.draws.pop(0)
