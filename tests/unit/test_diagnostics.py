"""Training diagnostics on constructed networks (a dead-ReLU one, a saturated one, a
vanishing-gradient one, an exploding one), the gradient norms over a run, and the two
lessons that point at it, trained: the stuck XOR and the dying ReLU. (The gradients
themselves are TrainingSession.gradients, checked against finite differences elsewhere.)"""
import re

import numpy as np
import pytest

from playground import Config, TrainingSession, fast
from playground.teach import diagnostics
from playground.teach.lessons import DYING_RELU_DEAD, LESSONS

RNG = np.random.default_rng(0)


def session_with(layers, **settings):
    """A session on the moons whose weights are the given [(W, b), ...]."""
    sizes = [layers[0][0].shape[0]] + [W.shape[1] for W, _ in layers]
    config = Config(dataset="moons", samples=200, hidden=tuple(sizes[1:-1]), precision="float64",
                    **settings)
    return TrainingSession(config, initial_params=fast.from_W_and_b(layers))


def random_layers(sizes, scale=1.0):
    return [(RNG.normal(0, scale / np.sqrt(i), (i, o)), np.zeros(o))
            for i, o in zip(sizes[:-1], sizes[1:])]


def test_dead_relu_units_are_counted_and_named_first():
    layers = random_layers([2, 8, 1])
    layers[0][1][:3] = -50.0            # three units below zero on every point
    rows, said = diagnostics.diagnose(session_with(layers, activation="relu"))
    assert [r.dead for r in rows] == [3, 0]
    assert said.startswith("3 of 8 ReLU units in layer 1 are dead")
    assert "leaky ReLU or a lower learning rate" in said


def test_leaky_relu_units_are_never_dead():
    layers = random_layers([2, 8, 1])
    layers[0][1][:] = -50.0
    rows, said = diagnostics.diagnose(session_with(layers, activation="leaky-relu"))
    assert rows[0].dead == 0 and "dead" not in said


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_saturated_units_are_counted(activation):
    layers = random_layers([2, 6, 1])
    layers[0] = (layers[0][0] * 200, layers[0][1])      # huge weighted sums: the flat ends
    rows, said = diagnostics.diagnose(session_with(layers, activation=activation))
    assert rows[0].saturated >= 5 and rows[0].saturation > 0.9
    assert f"{rows[0].saturated} of 6 {activation} units in layer 1 are saturated" in said


def test_vanishing_gradients_name_the_layers():
    layers = random_layers([2, 8, 8, 8, 8, 1], scale=0.05)  # each layer shrinks the error
    layers[-1] = (layers[-1][0] * 100, layers[-1][1])
    rows, said = diagnostics.diagnose(session_with(layers, activation="sigmoid"))
    norms = [r.grad_norm for r in rows]
    assert norms[0] * 1000 < norms[-1]
    assert said.startswith("Layer 1's gradient is") and "vanishing gradients" in said
    assert re.search(r"smaller than layer \d( \(the output\))?'s", said)


def test_exploding_gradients():
    layers = random_layers([2, 8, 8, 1], scale=300)
    rows, said = diagnostics.diagnose(session_with(layers, activation="linear"))
    assert "exploding gradients" in said


def test_a_healthy_network_raises_nothing():
    session = TrainingSession(Config(samples=200))
    session.advance(50)
    rows, said = diagnostics.diagnose(session)
    assert said == "" and len(rows) == 3 and all(r.dead == r.saturated == 0 for r in rows)


def test_norm_history_covers_the_run_and_leaves_it_alone():
    s = TrainingSession(Config(samples=200, batch_size=20))
    s.advance(300)
    theta, rng = s.theta.copy(), s.rng.bit_generator.state
    epochs, norms = diagnostics.norm_history(s)
    assert epochs[0] == 0 and epochs[-1] == 300 and np.all(np.diff(epochs) > 0)
    assert norms.shape == (len(epochs), 3) and np.all(norms > 0)
    snapshots_only, _ = diagnostics.norm_history(s, now=False)
    assert list(snapshots_only) == s.snapshots.epochs and snapshots_only[-1] < 300
    assert np.array_equal(s.theta, theta) and s.rng.bit_generator.state == rng and s.epoch == 300


def trained(lesson):
    session = TrainingSession(LESSONS[lesson].config)
    session.advance(session.config.epochs)
    return session


def test_the_stuck_xor_lesson_is_a_plateau_of_saturated_units():
    rows, said = diagnostics.diagnose(trained("xor-stuck"))
    assert "stuck on a plateau" in said and "50% of the training points are still wrong" in said
    assert "Layer 1's units are saturated on 50% of the points" in said
    assert "Why is it stuck?" in LESSONS["xor-stuck"].text
    assert diagnostics.diagnose(trained("xor-four-units"))[1] == ""


def test_the_dying_relu_lesson_shows_dead_units():
    rows, said = diagnostics.diagnose(trained("dying-relu"))
    assert said.startswith(f"{rows[0].dead} of 16 ReLU units in layer 1 are dead")
    assert rows[0].dead == DYING_RELU_DEAD      # as the lesson's text says
    assert "Why is it stuck?" in LESSONS["dying-relu"].text


def test_the_norms_chart_ticks_whole_epochs():
    from playground.figures.diagnostics import norms_figure
    few = norms_figure(np.array([0, 1, 2]), np.ones((3, 2)))
    assert few.layout.xaxis.dtick == 1                          # not 0, 0.5, 1, 1.5, 2
    many = norms_figure(np.arange(0, 5000, 100), np.ones((50, 2)))
    assert many.layout.xaxis.dtick is None                      # Plotly's own ticks
