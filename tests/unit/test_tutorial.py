"""The `tutorial` preset against the tutorial's own code (tools/tutorial_oracle.py),
number for number and character for character, and one SGD step worked out by hand."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tools import tutorial_oracle as oracle
from playground import fast, network
from playground.cli.report import train
from playground.config import from_preset
from playground.data.datasets import Dataset
from playground.session import TrainingSession
from tests.support import ROOT

SETTINGS = [(2, 10_000, 0.1),   # the tutorial's own run
            (3, 3000, 0.5), (4, 2000, 1.0), (8, 5000, 0.05), (1, 500, 2.0)]


def run_both(hidden, epochs, lr):
    """(session, losses) from the playground and (network, losses) from the oracle."""
    session, losses = train(from_preset("tutorial", hidden=(hidden,), epochs=epochs, lr=lr))
    net, oracle_losses = oracle.train_network_logged(oracle.X, oracle.y, 2, hidden, 1, epochs, lr)
    return session, losses, net, oracle_losses


@pytest.mark.parametrize("hidden, epochs, lr", SETTINGS)
def test_losses_and_predictions_match_the_tutorial(hidden, epochs, lr):
    session, losses, net, oracle_losses = run_both(hidden, epochs, lr)
    assert len(losses) == len(oracle_losses) == epochs // 100 + (epochs % 100 > 0)
    assert losses == [float(x) for x in oracle_losses]
    assert session.predict(oracle.X).tolist() == oracle.predict(net, oracle.X).ravel().tolist()
    assert session.epoch == epochs


@pytest.mark.parametrize("hidden, epochs, lr", SETTINGS[:2])
def test_trained_weights_match_the_tutorial(hidden, epochs, lr):
    session, _, net, _ = run_both(hidden, epochs, lr)
    (W1, b1), (W2, b2) = fast.W_and_b(session.params)
    for mine, theirs in ((W1, net["W1"]), (b1, net["b1"]), (W2, net["W2"]), (b2, net["b2"])):
        assert np.array_equal(mine, theirs)


@pytest.mark.parametrize("hidden", [1, 2, 3, 8])
def test_initial_weights_are_the_tutorials_draws(hidden):
    session = TrainingSession(from_preset("tutorial", hidden=(hidden,)))
    start = oracle.initialize_network(2, hidden, 1)
    (W1, b1), (W2, b2) = fast.W_and_b(session.initial_params)
    assert np.array_equal(W1, start["W1"]) and np.array_equal(W2, start["W2"])
    assert np.array_equal(b1, start["b1"]) and np.array_equal(b2, start["b2"])


def python(*args):
    """stdout of `python *args` run from the repository, as a learner runs it."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_cli_prints_the_tutorials_output_character_for_character():
    """The tutorial's code run as the tutorial writes it, against the preset's printout:
    105 lines (100 losses, the predictions), equal as text."""
    tutorial = python("tools/tutorial_oracle.py")
    assert len(tutorial.splitlines()) == 105 and tutorial.startswith("Epoch 0, Loss: 0.")
    assert python("-m", "playground", "train", "--preset", "tutorial") == tutorial


def test_the_cli_json_holds_the_tutorials_losses_and_predictions():
    report = json.loads(python("-m", "playground", "train", "--preset", "tutorial",
                               "--json").splitlines()[-1])
    net, losses = oracle.train_network_logged(oracle.X, oracle.y, 2, 2, 1, 10_000, 0.1)
    assert report["losses"] == [float(x) for x in losses]
    assert report["predictions"] == oracle.predict(net, oracle.X).ravel().tolist()
    assert report["weights"] == [{"W": net["W1"].tolist(), "b": net["b1"].ravel().tolist()},
                                 {"W": net["W2"].tolist(), "b": net["b2"].ravel().tolist()}]


def test_network_train_is_the_tutorials_train_network():
    """The readable form's own loop, network.train, against the oracle: every bit."""
    layers, losses = network.train(oracle.X.astype(float), oracle.y.astype(float), [2, 2, 1],
                                   10_000, 0.1)
    net, oracle_losses = oracle.train_network_logged(oracle.X, oracle.y, 2, 2, 1, 10_000, 0.1)
    assert losses == [float(x) for x in oracle_losses]
    for (W, b), l in zip(layers, (1, 2)):
        assert np.array_equal(W, net[f"W{l}"]) and np.array_equal(b, net[f"b{l}"])


def test_the_tutorials_own_run_gets_stuck():
    """A fact for learners: 2 sigmoid units, lr 0.1, 10,000 epochs do not learn XOR.
    The loss plateaus near 0.128 and two of the four points sit on the wrong side of 0.5."""
    session, losses = train(from_preset("tutorial"))
    assert losses[-1] == pytest.approx(0.1283, abs=5e-4)
    assert session.evaluate().train_loss == pytest.approx(0.128, abs=1e-3)
    predictions = session.predict(oracle.X)
    wrong = (predictions > 0.5) != (oracle.y.ravel() > 0.5)
    assert wrong.sum() == 2
    assert session.evaluate().train_accuracy == 0.5


def one_step_session(W1, b1, W2, b2, X, y, lr, loss="mse"):
    """A 1-input, 1-hidden-unit sigmoid net on the given points, after one SGD epoch."""
    config = from_preset("tutorial", hidden=(1,), features=("x1",), epochs=1, lr=lr,
                         loss=loss, delta_rule=False)
    X2 = np.column_stack([X, np.zeros(len(X))])     # the second coordinate is unused
    data = Dataset(X2, np.asarray(y, float), np.empty((0, 2)), np.empty(0))
    params = fast.from_W_and_b([([[W1]], [b1]), ([[W2]], [b2])])
    session = TrainingSession(config, data=data, initial_params=params)
    assert session.advance(1) == 1
    (W1, b1), (W2, b2) = fast.W_and_b(session.params)
    return W1.item(), b1.item(), W2.item(), b2.item()


def test_one_sgd_step_worked_by_hand():
    """Weights w1 = 0, b1 = 0, w2 = 1, b2 = -1/2; points x = (1, -1), y = (1, 0); lr 1.
    Forward: z1 = 0, a1 = 1/2, z2 = 1/2 - 1/2 = 0, a2 = 1/2 for both points.
    Output delta, d mean((y - a)^2)/dz2 = 2 (a2 - y) / 2 * a2 (1 - a2) = (-1/8, +1/8).
    dw2 = sum(delta2 * a1) = 0, db2 = sum(delta2) = 0.
    Hidden delta = delta2 * w2 * a1 (1 - a1) = (-1/32, +1/32).
    dw1 = sum(delta1 * x) = -1/32 - 1/32 = -1/16, db1 = sum(delta1) = 0.
    So only w1 moves: w1 = 0 - 1 * (-1/16) = 1/16 (every number is exact in binary)."""
    after = one_step_session(0.0, 0.0, 1.0, -0.5, [1.0, -1.0], [1.0, 0.0], lr=1.0)
    assert after == (0.0625, 0.0, 1.0, -0.5)


def test_one_sgd_step_against_scalar_arithmetic():
    """Generic weights: the same step done with Python floats and math.exp, point by point."""
    import math
    s = lambda t: 1 / (1 + math.exp(-t))
    w1, b1, w2, b2, lr = 0.3, -0.1, 0.8, 0.2, 0.5
    xs, ys = [0.5, -1.0, 2.0], [1.0, 0.0, 1.0]
    n = len(xs)
    g = dict(w1=0.0, b1=0.0, w2=0.0, b2=0.0)
    for x, y in zip(xs, ys):
        a1 = s(w1 * x + b1)
        a2 = s(w2 * a1 + b2)
        d2 = 2 * (a2 - y) / n * a2 * (1 - a2)
        d1 = d2 * w2 * a1 * (1 - a1)
        g["w2"] += d2 * a1
        g["b2"] += d2
        g["w1"] += d1 * x
        g["b1"] += d1
    expected = (w1 - lr * g["w1"], b1 - lr * g["b1"], w2 - lr * g["w2"], b2 - lr * g["b2"])
    after = one_step_session(w1, b1, w2, b2, xs, ys, lr)
    np.testing.assert_allclose(after, expected, rtol=1e-13)
    assert after != (w1, b1, w2, b2)
