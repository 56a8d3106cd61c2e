"""Extreme but legal settings run without error in bounded time: learning rate 10, the
largest network (6 layers of 32 units), batch size 1 on 5,000 points, a million epochs.

The time limits are generous (this machine may be busy with other tests); what they catch
is a cap that does not hold at all, e.g. a deadline ignored for a whole run.
"""
import math
import time
import warnings

import numpy as np
import pytest

from playground import Config, TrainingSession, from_preset
from playground.config import MAX_LAYERS, MAX_SAMPLES, MAX_UNITS
from ui.live.playback import FRAMES_PER_TICK, TICK_BUDGET, Playback

BIGGEST = (MAX_UNITS,) * MAX_LAYERS
SLACK = 0.5         # seconds of scheduling noise allowed on a shared 2-core machine


@pytest.fixture(autouse=True)
def no_warnings():
    """Any warning, NumPy's RuntimeWarnings included, fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def timed(f, *args, **kwargs):
    start = time.perf_counter()
    result = f(*args, **kwargs)
    return result, time.perf_counter() - start


def assert_finite_or_diverged(session):
    assert np.isfinite(session.theta).all()
    if session.diverged:
        assert "learning rate" in session.diverged
        return
    m = session.evaluate()
    assert math.isfinite(m.train_loss) and math.isfinite(m.test_loss)
    assert np.isfinite(session.surface(50)).all()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky-relu", "linear"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_learning_rate_10_trains_or_stops_with_advice(activation, optimizer):
    session = TrainingSession(Config(lr=10, activation=activation, optimizer=optimizer,
                                     epochs=500, samples=200))
    ran, seconds = timed(session.advance, 500)
    assert seconds < 5
    assert ran == 500 or session.diverged
    assert_finite_or_diverged(session)


def test_the_biggest_network_trains_for_about_the_time_asked():
    session = TrainingSession(Config(hidden=BIGGEST, lr=10, epochs=10**6))
    ran, seconds = timed(session.advance_for, 0.3)
    assert ran > 0 and seconds < 0.3 + SLACK
    assert_finite_or_diverged(session)
    layers = session.unit_surfaces(8)
    assert [a.shape for a in layers] == [(MAX_UNITS, 8, 8)] * MAX_LAYERS + [(1, 8, 8)]


def test_batch_size_1_on_the_most_points_is_capped_by_the_deadline():
    """One epoch is 2,500 updates here, longer than a redraw's time cap; the deadline is
    checked between epochs, so a call overruns it by at most about one epoch."""
    config = Config(samples=MAX_SAMPLES, hidden=BIGGEST, batch_size=1, epochs=10**6)
    session = TrainingSession(config)
    _, one_epoch = timed(session.advance, 1)
    ran, seconds = timed(session.advance, 10**6, deadline=time.perf_counter() + 0.05)
    assert 1 <= ran <= 3
    assert seconds < 0.05 + 2 * one_epoch + SLACK
    assert_finite_or_diverged(session)


def test_a_playback_tick_stays_near_its_budget_on_the_slowest_settings():
    run = Playback(Config(samples=MAX_SAMPLES, hidden=BIGGEST, batch_size=1, epochs=10**6))
    run.play()
    epoch_seconds = timed(run.session.advance, 1)[1]
    trained, seconds = timed(run.tick, 1000)
    assert trained >= 1 and 1 <= len(run.frames) <= FRAMES_PER_TICK
    assert seconds < TICK_BUDGET + 2 * epoch_seconds + SLACK
    assert run.payload("/plotly.js")["frames"] == run.frames


def test_a_million_epochs_keep_a_bounded_history():
    run = Playback(from_preset("tutorial", epochs=1_000_000))
    session = run.session
    budget = len(session.history.rows)
    for _ in range(4):
        ran, seconds = timed(session.advance_for, 0.25)
        assert ran > 0 and seconds < 0.25 + SLACK
    assert 10_000 < session.epoch < 1_000_000 and not session.done
    epochs = session.history.column("epoch")
    assert 1 < session.history.n <= budget
    assert epochs[0] == 0 and np.all(np.diff(epochs) == session.history.stride)
    assert session.history.rows.shape == (budget, 5)          # no growth, however long
    shown = run.history()                                      # what the browser is sent
    assert 1 < len(shown["epoch"]) <= 2000 and shown["epoch"][0] == 0


def test_a_million_epoch_advance_stops_at_its_deadline():
    session = TrainingSession(Config(epochs=1_000_000, samples=MAX_SAMPLES))
    ran, seconds = timed(session.advance, 1_000_000, deadline=time.perf_counter() + 0.2)
    assert 0 < ran < 1_000_000 and seconds < 0.2 + SLACK


def test_the_most_points_train_and_draw():
    session = TrainingSession(Config(samples=MAX_SAMPLES, noise=2.0, test_fraction=0.9,
                                     features=("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1",
                                               "sin_x2"), epochs=10))
    assert len(session.y) + len(session.y_test) == MAX_SAMPLES
    ran, seconds = timed(session.advance, 10)
    assert ran == 10 and session.done and seconds < 2 + SLACK
    assert_finite_or_diverged(session)
    assert session.surface(100).shape == (100, 100)
