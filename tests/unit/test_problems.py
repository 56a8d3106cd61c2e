"""Problem types through the session and its pure views: K softmax classes and regression
give outputs, surfaces, metrics, divergence reports, replay frames and pinned runs of the
right shapes and meanings, and two classes stay exactly as they were."""
import math

import numpy as np
import pytest

from playground import Config, TrainingSession
from playground.data.datasets import Dataset
from playground.session import per_class_accuracy, r_squared
from playground.teach.compare import pin, table
from playground.pictures import plane
from playground.pictures.encode import quantize_values
from playground.pictures.pixels import surface_u8
from playground.teach.replay import replay_frames

K4 = Config(dataset="spiral", classes=4, loss="ce", samples=120, hidden=(6, 5), epochs=200,
            optimizer="adam", lr=0.02)
REGRESSION = Config(dataset="multi-gaussian", problem="regression", loss="mse", samples=120,
                    hidden=(6,), epochs=200, optimizer="adam", lr=0.02)
BINARY = Config(dataset="moons", samples=120, hidden=(6, 5), epochs=200)


def trained(config, epochs=None):
    session = TrainingSession(config)
    session.advance(config.epochs if epochs is None else epochs)
    return session


@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_k_classes_predict_k_probabilities_and_surfaces_per_class(precision):
    session = trained(K4.replace(precision=precision))
    p = session.predict(session.data.X_train)
    assert p.shape == (len(session.data.y_train), 4)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    classes = plane.class_surfaces(session, 20)
    assert classes.shape == (4, 20, 20)
    np.testing.assert_allclose(classes.sum(axis=0), 1, rtol=1e-5)
    grid = session.predict(_grid_points(session, 20))               # the same numbers
    np.testing.assert_allclose(classes[:, 3, 7], grid[3 * 20 + 7], rtol=1e-6)
    surface = plane.surface(session, 20)
    assert surface.shape == (20, 20)                                 # the stand-in: class / 3
    np.testing.assert_array_equal(surface * 3, classes.argmax(axis=0))
    units = plane.unit_surfaces(session, 8)
    assert [u.shape for u in units] == [(6, 8, 8), (5, 8, 8), (4, 8, 8)]
    assert [dW.shape for dW, _ in session.gradients()] == [(2, 6), (6, 5), (5, 4)]


def _grid_points(session, n):
    t = np.linspace(*session.bounds, n)
    x1, x2 = np.meshgrid(t, t)
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


def test_k_classes_accuracy_is_the_argmax_and_per_class_is_each_class_alone():
    session = trained(K4)
    m = session.evaluate()
    predicted = session.predict(session.data.X_train).argmax(axis=1)
    y = session.data.y_train
    assert m.train_accuracy == pytest.approx(np.mean(predicted == y))
    assert len(m.train_class_accuracy) == 4
    for k in range(4):
        assert m.train_class_accuracy[k] == pytest.approx(np.mean(predicted[y == k] == k))
    assert math.isnan(m.train_r2)
    assert per_class_accuracy(np.array([0, 1, 1]), np.array([0, 1, 0]), 3)[:2] == (0.5, 1.0)
    assert math.isnan(per_class_accuracy(np.array([0]), np.array([0]), 2)[1])


def test_k_classes_loss_is_the_mean_cross_entropy_of_the_predictions():
    session = trained(K4.replace(precision="float64"))
    p = session.predict(session.data.X_train)
    y = session.data.y_train.astype(int)
    expected = -np.mean(np.log(p[np.arange(len(y)), y]))
    assert session.evaluate().train_loss == pytest.approx(expected, rel=1e-10)


def test_regression_predicts_values_with_r2_and_no_accuracy():
    session = trained(REGRESSION.replace(precision="float64"))
    a = session.predict(session.data.X_train)
    y = session.data.y_train
    assert a.shape == y.shape and plane.surface(session, 10).shape == (10, 10)
    m = session.evaluate()
    assert m.train_loss == pytest.approx(np.mean((y - a) ** 2), rel=1e-10)
    assert m.train_r2 == pytest.approx(1 - np.mean((y - a) ** 2) / np.var(y), rel=1e-10)
    assert 0.3 < m.train_r2 <= 1 and 0 < m.test_r2 <= 1
    assert math.isnan(m.train_accuracy) and math.isnan(m.test_accuracy)
    assert m.train_class_accuracy == ()
    assert math.isnan(r_squared(0.1, np.array([0.5, 0.5])))          # no spread: undefined
    with pytest.raises(ValueError, match="no classes"):
        plane.class_surfaces(session, 5)


def test_binary_runs_are_unchanged_and_also_have_two_class_surfaces():
    session = trained(BINARY)
    p = plane.surface(session, 12)
    classes = plane.class_surfaces(session, 12)
    np.testing.assert_array_equal(classes[1], p)
    np.testing.assert_allclose(classes[0], 1 - p)
    m = session.evaluate()
    assert len(m.train_class_accuracy) == 2 and math.isnan(m.train_r2)
    assert session.predict(session.data.X_train).shape == (len(session.data.y_train),)


@pytest.mark.parametrize("config", [
    K4.replace(activation="relu", lr=100.0, optimizer="sgd", epochs=300),
    REGRESSION.replace(activation="linear", lr=5.0, optimizer="sgd", hidden=(8,), epochs=300),
], ids=["softmax", "regression"])
def test_a_diverging_run_of_each_type_stops_with_advice_and_finite_weights(config):
    session = trained(config)
    assert session.diverged.startswith("Training diverged at epoch")
    assert "lower the learning rate" in session.diverged
    assert np.isfinite(session.theta).all() and session.epoch < config.epochs
    assert math.isfinite(session.evaluate().train_loss)


@pytest.mark.parametrize("config", [K4, REGRESSION], ids=["softmax", "regression"])
def test_a_calm_run_of_each_type_does_not_count_as_blown_up(config):
    session = trained(config.replace(epochs=600))
    assert not session.diverged and session.epoch == 600
    assert session.evaluate().train_loss < session._chance_loss()


def test_chance_losses_are_ln_k_and_the_targets_variance():
    assert TrainingSession(K4)._chance_loss() == pytest.approx(math.log(4))
    session = TrainingSession(REGRESSION.replace(precision="float64"))
    assert session._chance_loss() == pytest.approx(np.var(session.data.y_train))


def test_own_data_with_k_labels_or_real_targets_trains_whatever_the_dataset_name():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (40, 2))
    labels = np.arange(40) % 5
    data = Dataset(X[:30], labels[:30].astype(float), X[30:], labels[30:].astype(float))
    session = TrainingSession(Config(classes=5, loss="ce", epochs=20), data)   # moons named
    session.advance(20)
    assert session.predict(X).shape == (40, 5)
    with pytest.raises(ValueError, match="from 0 to 2 for 3 classes"):
        TrainingSession(Config(classes=3, loss="ce"), data)
    targets = Dataset(X[:30], X[:30, 0] / 3, X[30:], X[30:, 0] / 3)
    regression = TrainingSession(Config(problem="regression", loss="mse"), targets)
    assert regression.predict(X).shape == (40,)


# -- replay and compare: the surfaces as bytes -----------------------------------------
@pytest.mark.parametrize("config, shape", [(K4, (2, 30, 30)), (REGRESSION, (30, 30)),
                                           (BINARY, (30, 30))], ids=["softmax", "regression",
                                                                     "binary"])
def test_replay_frames_and_pins_hold_each_kinds_surface(config, shape):
    session = trained(config)
    frames = replay_frames(session, n=30, max_frames=5)
    assert len(frames) >= 2 and all(z.shape == shape and z.dtype == np.uint8
                                    for _, z, _ in frames)
    assert frames[-1][0] == session.epoch
    np.testing.assert_array_equal(frames[-1][1], surface_u8(session, 30))
    if config is K4:
        np.testing.assert_array_equal(frames[-1][1][0], plane.class_surfaces(session, 30).argmax(0))
        assert frames[-1][1][0].max() <= 3
    if config is REGRESSION:
        np.testing.assert_array_equal(frames[-1][1], quantize_values(plane.surface(session, 30)))
    pinned = pin(session, "a")
    row = table([pinned, pin(trained(BINARY), "b")])[0]
    if config is REGRESSION:
        assert row["train acc %"] is None and row["train R²"] == round(pinned.metrics.train_r2, 4)
    else:
        assert row["train acc %"] == round(100 * pinned.metrics.train_accuracy, 1)
