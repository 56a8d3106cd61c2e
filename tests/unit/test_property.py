"""Property-based: any valid configuration trains a few epochs without raising, without
a NumPy warning escaping, and with finite numbers (or an honest divergence report).

Hypothesis draws every setting the Config allows, including the extremes (learning rate
1e-5 to 100, 6 layers of 32 units, batch sizes past the number of points, tiny datasets),
so a combination nobody thought of gets tried.
"""
import math
import warnings

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from playground import Config, TrainingSession, problems
from playground.activations import ACTIVATIONS
from playground.config import INITS, MAX_LAYERS, MAX_UNITS, PRECISIONS, REGULARIZATIONS
from playground.data.features import FEATURES
from playground.optimizers import OPTIMIZERS
from playground.pictures import plane
from tests.support import draw_problem

SURFACE = 12        # a small grid keeps each example fast; the arithmetic is the same


@st.composite
def configs(draw):
    """A random Config that `problems` accepts."""
    kind = draw_problem(draw, st)
    loss = kind["loss"]
    features = draw(st.lists(st.sampled_from(list(FEATURES)), min_size=1,
                             max_size=len(FEATURES), unique=True))
    config = Config(
        dataset=kind["dataset"], problem=kind["problem"], classes=kind["classes"],
        samples=draw(st.integers(4, 200)),
        noise=draw(st.floats(0, 2)),
        test_fraction=draw(st.floats(0, 0.9)),
        hidden=tuple(draw(st.lists(st.integers(1, MAX_UNITS), min_size=1, max_size=MAX_LAYERS))),
        activation=draw(st.sampled_from(list(ACTIVATIONS))),
        loss=loss,
        optimizer=draw(st.sampled_from(list(OPTIMIZERS))),
        batch_size=draw(st.integers(0, 300)),
        epochs=draw(st.integers(1, 1000)),
        lr=draw(st.one_of(st.floats(1e-5, 100), st.sampled_from([1e-5, 10.0, 100.0]))),
        seed=draw(st.integers(0, 2**32 - 1)),
        regularization=draw(st.sampled_from(list(REGULARIZATIONS))),
        reg_rate=draw(st.floats(0, 10)),
        init=draw(st.sampled_from(list(INITS))),
        features=tuple(features),
        delta_rule=(loss == "mse" and kind["classes"] == 2 and kind["problem"] == "classification"
                    and draw(st.booleans())),
        precision=draw(st.sampled_from(PRECISIONS)),
    )
    assert problems(config) == [], problems(config)
    return config


def check_finite(session):
    m = session.evaluate()
    regression = session.config.problem == "regression"
    accurate = (lambda x: math.isnan(x)) if regression else (lambda x: 0 <= x <= 1)
    assert math.isfinite(m.train_loss) and accurate(m.train_accuracy), m
    if len(session.y_test):
        assert math.isfinite(m.test_loss) and accurate(m.test_accuracy), m
    else:
        assert math.isnan(m.test_loss) and math.isnan(m.test_accuracy)
    surface = plane.surface(session, SURFACE)
    assert surface.shape == (SURFACE, SURFACE) and np.isfinite(surface).all()
    if not regression:
        assert (surface >= 0).all() and (surface <= 1).all()
        classes = plane.class_surfaces(session, SURFACE)
        assert classes.shape == (session.config.classes, SURFACE, SURFACE)
        np.testing.assert_allclose(classes.sum(axis=0), 1, rtol=1e-4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs(), steps=st.lists(st.integers(1, 8), min_size=1, max_size=3))
def test_any_valid_config_trains_with_finite_numbers_or_reports_divergence(config, steps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # NumPy's RuntimeWarnings included
        session = TrainingSession(config)
        for k in steps:
            before = session.epoch
            ran = session.advance(k)
            assert 0 <= ran <= k and session.epoch == before + ran
            if session.diverged:
                break
        assert session.epoch <= config.epochs
        assert np.isfinite(session.theta).all()     # the last good state is always kept
        event("diverged" if session.diverged else "trained")
        if session.diverged:
            assert "learning rate" in session.diverged
            assert session.done and session.advance(1) == 0
        else:
            assert session.epoch == min(sum(steps), config.epochs)
            check_finite(session)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs(), lr=st.floats(10, 100), activation=st.sampled_from(
    ["relu", "leaky-relu", "linear"]), epochs=st.integers(20, 60))
def test_explosive_settings_stop_at_a_finite_state_with_advice(config, lr, activation, epochs):
    """Unbounded activations at a huge learning rate: most of these blow up, and each one
    that does keeps finite weights and says to lower the learning rate."""
    config = config.replace(lr=lr, activation=activation, epochs=epochs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session = TrainingSession(config)
        session.advance(epochs)
        assert np.isfinite(session.theta).all()
        event("diverged" if session.diverged else "trained")
        if session.diverged:
            assert "learning rate" in session.diverged and f"{lr:g}" in session.diverged
            assert session.epoch < epochs
        else:
            assert session.epoch == epochs
            check_finite(session)
