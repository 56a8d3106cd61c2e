"""Extreme but legal settings run without error and with bounded work per call: learning
rate 10, the largest network (6 layers of 32 units), batch size 1 on 5,000 points, a
million epochs.

Work is counted in epochs, not seconds: a deadline that has already passed must stop a
call after exactly one epoch (it is checked between epochs), whatever the machine's
speed. How long these calls take is measured by benchmarks/bench_extremes.py.
"""
import math
import time
import warnings

import numpy as np
import pytest

from playground import Config, TrainingSession, from_preset
from playground.config import MAX_LAYERS, MAX_SAMPLES, MAX_UNITS
from playground.pictures import plane
from ui.live.playback import FRAMES_PER_TICK, TICK_BUDGET, Playback

BIGGEST = (MAX_UNITS,) * MAX_LAYERS


@pytest.fixture(autouse=True)
def no_warnings():
    """Any warning, NumPy's RuntimeWarnings included, fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def past():
    """A deadline that has already passed."""
    return time.perf_counter()


def assert_finite_or_diverged(session):
    assert np.isfinite(session.theta).all()
    if session.diverged:
        assert "learning rate" in session.diverged
        return
    m = session.evaluate()
    assert math.isfinite(m.train_loss) and math.isfinite(m.test_loss)
    assert np.isfinite(plane.surface(session, 50)).all()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky-relu", "linear"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_learning_rate_10_trains_or_stops_with_advice(activation, optimizer):
    session = TrainingSession(Config(lr=10, activation=activation, optimizer=optimizer,
                                     epochs=500, samples=200))
    ran = session.advance(500)
    assert ran == 500 or session.diverged
    assert_finite_or_diverged(session)


def test_the_biggest_network_stops_at_its_deadline():
    session = TrainingSession(Config(hidden=BIGGEST, lr=10, epochs=10**6))
    assert session.advance(10**6, deadline=past()) == 1
    ran = session.advance_for(0.05)          # lr 10 may blow up at once: then it stops
    assert ran < 10**6 and (ran > 0 or session.diverged)
    assert_finite_or_diverged(session)
    layers = plane.unit_surfaces(session, 8)
    assert [a.shape for a in layers] == [(MAX_UNITS, 8, 8)] * MAX_LAYERS + [(1, 8, 8)]


def test_batch_size_1_on_the_most_points_is_capped_by_the_deadline():
    """One epoch is 2,500 updates here, longer than a redraw's time cap; the deadline is
    checked between epochs, so a call overruns it by at most about one epoch."""
    config = Config(samples=MAX_SAMPLES, hidden=BIGGEST, batch_size=1, epochs=10**6)
    session = TrainingSession(config)
    assert session.advance(10**6, deadline=past()) == 1          # 2,500 updates, then stop
    assert session.epoch == 1
    assert_finite_or_diverged(session)


def test_a_playback_tick_on_the_slowest_settings_is_one_epoch_once_its_budget_is_spent():
    run = Playback(Config(samples=MAX_SAMPLES, hidden=BIGGEST, batch_size=1, epochs=10**6,
                          lr=0.001))     # a rate that does not blow up: the point is speed
    run.play()
    assert run.tick(1000, budget=0) == 1 and len(run.frames) == 1
    trained = run.tick(1000, budget=TICK_BUDGET)
    assert 1 <= trained and 1 <= len(run.frames) <= FRAMES_PER_TICK
    assert run.frames[-1]["epoch"] == run.session.epoch == 1 + trained
    assert run.payload("/plotly.js")["frames"] == run.frames


def test_a_million_epochs_keep_a_bounded_history():
    run = Playback(from_preset("tutorial", epochs=1_000_000))
    session = run.session
    budget = len(session.history.rows)
    while session.epoch < 5 * budget:          # epochs, not seconds: a busy machine trains fewer
        assert session.advance(budget) == budget
    assert not session.done
    epochs = session.history.column("epoch")
    assert 1 < session.history.n <= budget
    assert epochs[0] == 0 and np.all(np.diff(epochs) == session.history.stride)
    assert session.history.rows.shape == (budget, 5)          # no growth, however long
    shown = run.history()                                      # what the browser is sent
    assert 1 < len(shown["epoch"]) <= 2000 and shown["epoch"][0] == 0


def test_a_million_epoch_advance_stops_at_its_deadline():
    session = TrainingSession(Config(epochs=1_000_000, samples=MAX_SAMPLES))
    assert session.advance(1_000_000, deadline=past()) == 1
    assert 0 < session.advance(1_000_000, deadline=time.perf_counter() + 0.2) < 1_000_000


def test_the_most_points_train_and_draw():
    session = TrainingSession(Config(samples=MAX_SAMPLES, noise=2.0, test_fraction=0.9,
                                     features=("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1",
                                               "sin_x2"), epochs=10))
    assert len(session.y) + len(session.y_test) == MAX_SAMPLES
    assert session.advance(10) == 10 and session.done
    assert_finite_or_diverged(session)
    assert plane.surface(session, 100).shape == (100, 100)
