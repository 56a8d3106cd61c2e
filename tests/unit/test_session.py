"""The training session: epoch counting, bounded history, seeded mini-batches,
divergence, retuning mid-run, and predictions."""
import copy
import math
import warnings

import numpy as np
import pytest

from playground import Config, TrainingSession
from playground.config import from_preset
from playground.history import History
from playground.pictures import plane
from playground.session import BLOW_UP, BLOW_UP_FOR, FAILED_ABOVE, FAILED_FOR, KEPT, has_failed
from tests.support import numeric_gradient

SMALL = Config(dataset="moons", samples=100, hidden=(8, 8), epochs=1000, precision="float64")
EXPLODES = Config(dataset="moons", samples=200, hidden=(8, 8), activation="linear", loss="bce",
                  lr=100, epochs=2000)


@pytest.fixture
def no_warnings():
    """Any warning, NumPy's RuntimeWarnings included, fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# -- epochs and history ---------------------------------------------------------------
def test_advance_counts_epochs_and_stops_at_the_configured_number():
    session = TrainingSession(from_preset("tutorial", epochs=250))
    assert session.advance(100) == 100 and session.epoch == 100 and not session.done
    assert session.advance(1000) == 150 and session.epoch == 250 and session.done
    assert session.advance(10) == 0 and session.epoch == 250


def test_advance_for_runs_some_epochs_within_its_time():
    session = TrainingSession(SMALL.replace(epochs=10**6))
    run = session.advance_for(0.05)
    assert 0 < run == session.epoch < 10**6


def assert_evenly_spaced_from_zero(history, budget):
    epochs = history.column("epoch")
    assert 1 < len(epochs) <= budget
    assert epochs[0] == 0
    assert np.all(np.diff(epochs) == history.stride)


@pytest.mark.parametrize("budget", [64, 33])
def test_history_keeps_at_most_its_budget_evenly_spaced(budget):
    history = History(budget)
    for epoch in range(1_000_000):
        history.add(epoch, 1.0 / (epoch + 1), 0.5)
    assert_evenly_spaced_from_zero(history, budget)
    assert history.column("epoch")[-1] > 1_000_000 - 2 * history.stride
    assert history.column("train_loss")[3] == 1.0 / (3 * history.stride + 1)   # rows kept whole


def test_session_history_stays_bounded_over_a_long_run():
    session = TrainingSession(from_preset("tutorial", epochs=20_000))
    session.history = History(budget=32)
    session.advance(20_000)
    assert_evenly_spaced_from_zero(session.history, 32)
    first_loss = session.history.column("train_loss")[0]
    assert first_loss == TrainingSession(from_preset("tutorial")).evaluate().train_loss
    assert np.isnan(session.history.column("test_loss")).all()          # xor: no test set


def test_history_records_every_epoch_while_it_has_room():
    session = TrainingSession(SMALL)
    session.advance(50)
    assert session.history.column("epoch").tolist() == list(range(50))
    assert np.isfinite(session.history.column("test_accuracy")).all()


# -- mini-batches ------------------------------------------------------------------------
def test_mini_batch_training_is_seeded():
    config = SMALL.replace(batch_size=16, epochs=20)
    a, b = TrainingSession(config), TrainingSession(config)
    a.advance(20)
    b.advance(7)
    b.advance(13)                                  # chunking does not change the run
    assert np.array_equal(a.theta, b.theta)
    c = TrainingSession(config.replace(seed=43))
    c.advance(20)
    assert not np.allclose(a.theta, c.theta)


def test_mini_batches_differ_from_full_batch():
    full, mini = TrainingSession(SMALL.replace(epochs=5)), TrainingSession(SMALL.replace(epochs=5, batch_size=16))
    full.advance(5)
    mini.advance(5)
    assert not np.allclose(full.theta, mini.theta)


# -- divergence --------------------------------------------------------------------------
def test_divergence_stops_with_a_reason_and_finite_state(no_warnings):
    session = TrainingSession(EXPLODES)
    run = session.advance(2000)
    assert session.diverged and session.done
    assert run == session.epoch < 2000
    assert f"epoch {session.epoch + 1:,}" in session.diverged
    assert "learning rate (now 100)" in session.diverged
    assert np.isfinite(session.theta).all()
    m = session.evaluate()
    assert all(math.isfinite(x) for x in (m.train_loss, m.train_accuracy, m.test_loss,
                                          m.test_accuracy))
    assert np.isfinite(plane.surface(session, 20)).all()
    assert all(np.isfinite(u).all() for u in plane.unit_surfaces(session, 8))
    assert session.advance(100) == 0
    assert session.history.column("epoch")[-1] <= session.epoch


def test_divergence_inside_a_chunk_is_rolled_back_to_the_same_place(no_warnings):
    """One big advance (rolled back and replayed) ends where epoch-by-epoch checks end."""
    config = EXPLODES.replace(optimizer="momentum", lr=2.0)
    chunked, stepped = TrainingSession(config), TrainingSession(config)
    chunked.advance(2000)
    while not stepped.done:
        stepped.advance(1)
    assert chunked.diverged == stepped.diverged != ""
    assert chunked.epoch == stepped.epoch > 1
    assert np.array_equal(chunked.theta, stepped.theta)
    assert np.array_equal(chunked.history.column("epoch"), stepped.history.column("epoch"))


def test_a_blow_up_that_passes_is_no_divergence_wherever_the_advances_end(no_warnings):
    """Circles at lr 1.0 starts above chance (0.6955 against 0.6931) and is below it by
    epoch 2. With its best loss set far lower, it is blown up from the start and back
    within BLOW_UP_FOR epochs: epoch by epoch (a crowded server's frames) or in one
    advance, the run trains on, to the same weights. Checked only where an advance ended,
    it stopped at epoch 1 when the advances were one epoch each."""
    config = Config(dataset="circles", lr=1.0, epochs=100, precision="float64")
    runs = []
    for k in (1, 50):
        session = TrainingSession(config)
        session.best_loss = session.evaluate().train_loss / 100     # as if it had been far lower
        while not session.done:
            session.advance(k)
        runs.append(session)
    assert [(s.diverged, s.epoch) for s in runs] == [("", 100), ("", 100)]
    assert np.array_equal(runs[0].theta, runs[1].theta)
    assert BLOW_UP_FOR >= 10        # the spike passes in 2: a margin of 8 epochs or more


def test_lowering_the_learning_rate_lets_a_diverged_run_try_again(no_warnings):
    """Lr 100 on a linear net: the first step already blows the loss up (0.74 to about 200),
    so the run keeps epoch 0; lowered to 0.01, it trains on from there."""
    session = TrainingSession(EXPLODES)
    session.advance(2000)
    stopped, loss = session.epoch, session.evaluate().train_loss
    assert "blew up" in session.diverged
    session.retune(lr=0.01)
    assert session.diverged == "" and not session.done
    assert session.changes == [(stopped, {"lr": 0.01})]
    assert session.advance(50) == 50 and not session.diverged
    assert session.evaluate().train_loss < loss
    assert np.isfinite(session.theta).all()


def test_a_loss_that_blows_up_without_nan_stops_the_run(no_warnings):
    """lr 50, ReLU, spiral: the loss climbs from 0.69 to about 10 and stays there, finite,
    every prediction 1.0. The run stops at its last good state with the NaN advice."""
    config = Config(dataset="spiral", activation="relu", lr=50, epochs=2000)
    session = TrainingSession(config)
    session.advance(2000)
    assert session.done and session.epoch < 50
    assert "the loss blew up" in session.diverged
    assert "lower the learning rate (now 50)" in session.diverged
    assert "use tanh or sigmoid" in session.diverged
    assert session.evaluate().train_loss <= BLOW_UP * session.best_loss     # the good state
    stepped = TrainingSession(config)           # and one more epoch is what blew it up
    stepped.advance(session.epoch + 1)
    assert stepped.epoch == session.epoch and stepped.diverged == session.diverged


def test_a_spike_below_chance_is_not_a_blow_up(no_warnings):
    """A well-trained run whose tiny loss jumps tenfold is not diverging: the loss must
    also pass the loss of answering 0.5 everywhere."""
    session = TrainingSession(SMALL.replace(loss="bce", lr=0.5))
    session.advance(300)
    session.best_loss = session.evaluate().train_loss / 100     # as if it had been far lower
    assert session.advance(10) == 10 and not session.diverged


# -- failed runs: finite, but worse than untrained for good --------------------------------
def losses_at(epochs, loss):
    """(epochs, losses) of a run recorded at `epochs`, starting at 0.7 (chance: 0.69)."""
    return list(epochs), [0.7] + [loss(e) for e in epochs[1:]]


@pytest.mark.parametrize("loss, failed", [
    (lambda e: 1.0, True),                                  # stuck above its start
    (lambda e: 1.0 + 2 * (e % 7 == 0), True),              # bouncing, never coming down
    (lambda e: 0.7 * FAILED_ABOVE * 1.01, True),           # just over the line
    (lambda e: 0.7 * FAILED_ABOVE, False),                 # on the line is not above it
    (lambda e: 0.3 + 0.8 * (e % 50 == 0), False),          # noisy: dips below in between
    (lambda e: 2.0 if e < FAILED_FOR else 0.5, False),     # climbed, then came back down
    (lambda e: 0.5 if e % 10 == 3 else 2.0, True),         # chaotic, dipping now and then
    (lambda e: 0.5 if e > FAILED_FOR + 40 else 2.0, False),  # coming back down just now
], ids=["stuck", "bouncing", "over", "on the line", "noisy", "recovered", "chaotic", "back"])
def test_a_run_has_failed_when_its_loss_is_and_was_well_above_its_start(loss, failed):
    assert has_failed(*losses_at(range(FAILED_FOR + 50), loss), chance=0.69) is failed


def test_a_run_is_not_judged_before_its_window_or_below_chance():
    assert not has_failed(*losses_at(range(FAILED_FOR), lambda e: 5.0), chance=0.69)
    assert has_failed(*losses_at(range(FAILED_FOR + 1), lambda e: 5.0), chance=0.69)
    # above its (lucky, low) start but below chance: not worse than untrained
    assert not has_failed(*losses_at(range(FAILED_FOR + 50), lambda e: 1.0), chance=1.2)
    # a sparse history (a long run's stride) is judged by the rows it has
    assert has_failed(*losses_at(range(0, 10 * FAILED_FOR, 64), lambda e: 1.0), chance=0.69)


def test_a_failed_run_stops_with_advice_and_a_lower_rate_trains_on(no_warnings):
    """lr 10, ReLU, spiral: the loss jumps from 0.69 to 1.03 and stays there, finite."""
    session = TrainingSession(Config(dataset="spiral", activation="relu", lr=10, epochs=2000))
    while not session.done:                         # judged at the end of each advance
        session.advance(50)
    assert FAILED_FOR <= session.epoch < 2 * FAILED_FOR
    assert session.diverged.startswith(f"Training failed by epoch {session.epoch:,}")
    assert "lower the learning rate (now 10) to between 0.01 and 1" in session.diverged
    assert "use tanh or sigmoid" in session.diverged
    assert session.advance(10) == 0
    session.retune(lr=0.03)                         # judged afresh from the change
    assert session.diverged == "" and session.advance(FAILED_FOR + 10) == FAILED_FOR + 10
    assert not session.diverged


@pytest.mark.parametrize("config", [from_preset("tutorial"), from_preset("default", epochs=2000),
                                    SMALL.replace(batch_size=5, lr=0.3, epochs=1000)],
                         ids=["tutorial", "default", "batch 5, lr 0.3"])
def test_healthy_runs_are_not_judged_failed(config):
    session = TrainingSession(config)
    while not session.done:
        session.advance(97)
    assert session.epoch == config.epochs and not session.diverged


# -- retuning ------------------------------------------------------------------------------
def test_retune_continues_from_the_current_weights():
    session = TrainingSession(SMALL)
    session.advance(50)
    at_50 = [p.copy() for p in session.params]
    session.retune(lr=0.05)
    assert np.array_equal(session.params[0], at_50[0])
    assert session.config.lr == 0.05
    assert session.changes == [(50, {"lr": 0.05})]
    session.advance(10)
    # the same 10 epochs from a fresh session that starts at those weights with lr 0.05
    fresh = TrainingSession(SMALL.replace(lr=0.05), initial_params=at_50)
    fresh.advance(10)
    assert session.epoch == 60
    np.testing.assert_allclose(session.theta, fresh.theta, rtol=1e-12)


def test_retune_records_only_real_changes_and_rejects_the_rest():
    session = TrainingSession(SMALL)
    session.retune(lr=SMALL.lr)
    assert session.changes == []
    with pytest.raises(ValueError, match="hidden"):
        session.retune(hidden=(3,))
    with pytest.raises(ValueError, match="activation"):
        session.retune(activation="relu")
    with pytest.raises(ValueError):
        session.retune(lr=-1.0)
    assert session.config == TrainingSession(SMALL).config and session.changes == []


def test_retune_optimizer_starts_a_fresh_memory():
    session = TrainingSession(SMALL.replace(optimizer="adam", lr=0.01))
    session.advance(5)
    session.retune(optimizer="momentum")
    assert session.opt_state["t"] == 0 and not session.opt_state["v"][0].any()
    session.advance(5)
    assert session.opt_state["v"][0].any()


# -- predictions -----------------------------------------------------------------------------
def test_activations_end_in_the_prediction_and_follow_the_layer_sizes():
    session = TrainingSession(SMALL.replace(hidden=(5, 3)))
    session.advance(50)
    X = session.data.X_test[:7]
    layers = session.activations(X)
    assert [a.shape for a in layers] == [(7, 5), (7, 3), (7, 1)]
    np.testing.assert_allclose(layers[-1][:, 0], session.predict(X), rtol=1e-12)


def test_kept_points_are_made_into_inputs_once_and_only_read_only_ones(no_warnings):
    session = TrainingSession(SMALL.replace(precision="float32"))
    X = session.data.X_test[:10].copy()
    with pytest.raises(ValueError, match="read-only"):
        session.predict(X, keep=True)
    X.flags.writeable = False
    first = session.predict(X, keep=True)
    assert len(session._kept) == 1 and session._kept[id(X)][0] is X
    np.testing.assert_array_equal(session.predict(X, keep=True), first)
    np.testing.assert_array_equal(session.predict(X), first)       # the same numbers, unkept
    assert len(session._kept) == 1
    others = [session.data.X_train[i:i + 3].copy() for i in range(KEPT)]
    for points in others:
        points.flags.writeable = False
        session.predict(points, keep=True)
    assert len(session._kept) == KEPT and id(X) not in session._kept    # the oldest went


# -- the gradient, for diagnostics -----------------------------------------------------------
@pytest.mark.parametrize("changes", [
    dict(loss="bce", regularization="l2", reg_rate=0.01),
    dict(loss="mse", activation="relu", regularization="l1", reg_rate=0.003, batch_size=10),
    dict(loss="mse", delta_rule=True, activation="sigmoid"),
])
def test_gradients_match_finite_differences_and_leave_the_run_alone(changes):
    from playground import network
    session = TrainingSession(SMALL.replace(samples=60, hidden=(5, 3), optimizer="adam",
                                            lr=0.01, **changes))
    session.advance(20)
    c = session.config
    saved = (session.theta.copy(), copy.deepcopy(session.opt_state),
             session.rng.bit_generator.state, session.epoch, session.history.n)
    grads = session.gradients()
    assert [(dW.shape, db.shape) for dW, db in grads] == \
        [(W.shape, b.shape) for W, b in session.layers]

    def objective():
        a, cache = network.forward(session.layers, session.X, c.activation)
        if c.delta_rule:
            return 0.5 * float(np.sum((session.y - a) ** 2))
        return (network.loss(session.y, a, cache.z[-1], c.loss) +
                network.penalty(session.layers, c.regularization, c.reg_rate))

    arrays = [p for W, b in session.layers for p in (W, b)]          # W1, b1, W2, ...
    analytic = [g for pair in grads for g in pair]
    for k, (p, g, expected) in enumerate(zip(arrays, analytic, numeric_gradient(objective, arrays))):
        keep = np.ones(p.shape, bool)
        if c.regularization == "l1" and k % 2 == 0:
            keep = np.abs(p) > 1e-5                                     # |w| has a kink at 0
        np.testing.assert_allclose(g[keep], expected[keep], rtol=1e-5, atol=1e-8)
    assert np.array_equal(session.theta, saved[0]) and session.epoch == saved[3]
    assert session.opt_state["t"] == saved[1]["t"]
    assert all(np.array_equal(x, y) for x, y in zip(session.opt_state["m"], saved[1]["m"]))
    assert session.rng.bit_generator.state == saved[2] and session.history.n == saved[4]
    grads[0][0][...] = 0                                        # copies, not views
    assert np.abs(session.gradients()[0][0]).max() > 0


def test_gradients_of_a_float32_run_are_the_steps_gradient():
    """The fast twin's gradient, as the run's own next full-batch step uses it."""
    session = TrainingSession(Config(dataset="moons", samples=80, hidden=(4,), epochs=50))
    session.advance(5)
    grads = session.gradients()
    before = session.theta.copy()
    session.advance(1)                                          # plain gradient descent
    step = np.concatenate([np.concatenate([dW.ravel(), db.ravel()]) for dW, db in grads])
    np.testing.assert_allclose(before - session.theta, session.config.lr * step, rtol=1e-5,
                               atol=1e-9)
