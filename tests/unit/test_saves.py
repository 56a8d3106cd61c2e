"""A saved run resumes exactly: trained on after save and load, it equals (==, in this
process) the run never interrupted, for every optimizer, batch size and precision; and a
foreign or damaged save is refused with one sentence."""
import io
import json

import numpy as np
import pytest

from playground.config import Config, from_preset
from playground.data.datasets import Dataset
from playground.data.userdata import dataset_from_points
from playground.history import History
from playground.network import LOG_EVERY
from playground.optimizers import OPTIMIZERS
from playground.saves import FORMAT, MAGIC, load_session, save_bytes
from playground.session import TrainingSession
from playground.snapshots import Snapshots
from tests.unit.test_tutorial import python

RUN = Config(samples=200, epochs=1000)


def resumed(session):
    return load_session(save_bytes(session))


def assert_same_run(a, b):
    """Every piece of state that steers training or shows the run, equal bit for bit."""
    assert (a.config, a.initial_config, a.epoch) == (b.config, b.initial_config, b.epoch)
    assert a.theta.dtype == b.theta.dtype and np.array_equal(a.theta, b.theta)
    assert all(np.array_equal(p, q) for p, q in zip(a.initial_params, b.initial_params))
    assert a.opt_state.keys() == b.opt_state.keys() and a.opt_state["t"] == b.opt_state["t"]
    for key in ("v", "m", "s", "tmp"):
        assert all(np.array_equal(p, q) for p, q in zip(a.opt_state[key], b.opt_state[key]))
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert (a.history.n, a.history.stride) == (b.history.n, b.history.stride)
    assert np.array_equal(a.history.rows, b.history.rows, equal_nan=True)
    assert (a.snapshots.epochs, a.snapshots.next, a.snapshots.ratio) == \
        (b.snapshots.epochs, b.snapshots.next, b.snapshots.ratio)
    assert all(np.array_equal(p, q) for p, q in zip(a.snapshots.thetas, b.snapshots.thetas))
    assert (a.best_loss, a.started, a.changes, a.diverged) == \
        (b.best_loss, b.started, b.changes, b.diverged)
    for name in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(a.data, name), getattr(b.data, name))


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("batch_size", [0, 10])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_a_resumed_run_continues_exactly(optimizer, batch_size, precision):
    config = RUN.replace(optimizer=optimizer, batch_size=batch_size, precision=precision,
                         lr=0.01 if optimizer == "adam" else 0.1)
    never, saved = TrainingSession(config), TrainingSession(config)
    never.advance(37)
    saved.advance(37)
    back = resumed(saved)
    assert_same_run(back, saved)
    never.advance(63)
    back.advance(63)
    assert_same_run(back, never)
    whole = TrainingSession(config)
    whole.advance(100)                      # the same weights as one unbroken advance
    assert np.array_equal(back.theta, whole.theta) and back.epoch == 100


def test_a_thinned_history_and_snapshots_go_on_thinning_exactly():
    """Small budgets, so the history doubles its stride and the snapshots drop every other
    one both before and after the save."""
    def small(session):
        session.history, session.snapshots = History(budget=16), Snapshots(max_count=6)
        return session
    never, saved = small(TrainingSession(RUN)), small(TrainingSession(RUN))
    never.advance(40)
    saved.advance(40)
    back = resumed(saved)
    assert back.history.stride == 4 and len(back.snapshots.epochs) <= 6
    never.advance(200)
    back.advance(200)
    assert back.history.stride > 4
    assert_same_run(back, never)


def test_uploaded_points_survive():
    rng = np.random.default_rng(7)
    X = rng.uniform(-1, 1, (60, 2))
    data = dataset_from_points(X, (X[:, 0] * X[:, 1] > 0).astype(float), 0.25, 3)
    session = TrainingSession(RUN, data)
    session.advance(20)
    back = resumed(session)
    assert len(back.data.y_train) == len(data.y_train) == 45
    assert_same_run(back, session)
    session.advance(30)
    back.advance(30)
    assert_same_run(back, session)


def test_a_run_saved_after_a_change_keeps_its_setup_and_changes():
    session = TrainingSession(RUN)
    session.advance(30)
    session.retune(lr=0.3, optimizer="momentum", batch_size=16)
    session.advance(20)
    back = resumed(session)
    assert back.config == RUN.replace(lr=0.3, optimizer="momentum", batch_size=16)
    assert back.initial_config == RUN
    assert back.changes == [(30, {"lr": 0.3, "optimizer": "momentum", "batch_size": 16})]
    session.advance(25)
    back.advance(25)
    assert_same_run(back, session)


def test_a_diverged_run_keeps_its_reason():
    session = TrainingSession(Config(samples=200, hidden=(8, 8), activation="linear",
                                     loss="bce", lr=100, epochs=2000))
    session.advance(2000)
    assert "blew up" in session.diverged
    back = resumed(session)
    assert back.diverged == session.diverged and back.done and back.advance(10) == 0
    assert_same_run(back, session)


def test_the_tutorial_preset_resumed_at_every_printed_loss_still_prints_exactly():
    """`python -m playground train --preset tutorial`'s printout, made by a run saved and
    loaded after every LOG_EVERY epochs, equals the tutorial's own code's printout."""
    session, lines = TrainingSession(from_preset("tutorial")), []
    while not session.done:
        lines.append(f"Epoch {session.epoch}, Loss: {session.evaluate().train_loss}")
        session.advance(LOG_EVERY)
        session = resumed(session)
    predictions = session.predict(session.data.X_train)
    lines.append(f"Predictions: \n{predictions.reshape(len(predictions), -1)}")
    assert "\n".join(lines) + "\n" == python("tools/tutorial_oracle.py")


# -- refusals --------------------------------------------------------------------------
def refusal(blob):
    with pytest.raises(ValueError) as caught:
        load_session(blob)
    sentence = str(caught.value)
    assert sentence.startswith("This ") and sentence.endswith(".") and "\n" not in sentence
    return sentence


def rewritten(blob, **header_changes):
    """The save with its header changed (a save from another version, say)."""
    arrays = dict(np.load(io.BytesIO(blob[len(MAGIC):])))
    header = {**json.loads(arrays["header"].tobytes()), **header_changes}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    out = io.BytesIO()
    out.write(MAGIC)
    np.savez_compressed(out, **arrays)
    return out.getvalue()


@pytest.fixture(scope="module")
def blob():
    session = TrainingSession(RUN)
    session.advance(50)
    return save_bytes(session)


def test_a_foreign_blob_is_not_a_save(blob):
    for foreign in (b"", b"hello", blob[len(MAGIC):], "text", None):
        assert refusal(foreign) == "This is not a saved run of NN Playground."


def test_a_damaged_save_is_refused_with_one_sentence(blob):
    assert refusal(blob[: len(blob) // 2]) == "This saved run is damaged and cannot be read."
    assert refusal(MAGIC + b"\0" * 100) == "This saved run is damaged and cannot be read."
    for at in range(len(MAGIC), len(blob), 97):           # one byte changed, anywhere
        changed = bytearray(blob)
        changed[at] ^= 0xFF
        try:
            back = load_session(bytes(changed))
        except ValueError as e:
            assert str(e).startswith("This saved run is damaged") and "\n" not in str(e)
        else:       # the byte was one no reader looks at (a zip entry's time): no harm
            assert_same_run(back, load_session(blob))


def test_a_save_in_another_format_is_refused(blob):
    assert refusal(rewritten(blob, format=FORMAT + 1)) == (
        f"This saved run is in save format {FORMAT + 1}, and this version of NN Playground "
        f"reads format {FORMAT} only.")


def test_a_save_with_pieces_missing_or_wrong_is_refused(blob):
    assert "initial.3" in refusal(rewritten(blob, layers=4))
    assert "initial weights do not fit" in refusal(rewritten(blob, layers=2))
    config = json.loads(np.load(io.BytesIO(blob[len(MAGIC):]))["header"].tobytes())["config"]
    assert "its hidden changed mid-run" in refusal(rewritten(blob, config={**config,
                                                                           "hidden": [4]}))
    assert "learning rate" in refusal(rewritten(blob, config={**config, "lr": -1}))
    assert "damaged" in refusal(rewritten(blob, rng={"bit_generator": "MT19937"}))


def test_a_save_too_large_to_unpack_is_refused_before_it_is(blob):
    """A save of a run no app makes: 40 MB of zeros, which compress to 40 kB."""
    arrays = dict(np.load(io.BytesIO(blob[len(MAGIC):])))
    arrays["theta"] = np.zeros(5_000_000)
    out = io.BytesIO()
    out.write(MAGIC)
    np.savez_compressed(out, **arrays)
    assert len(out.getvalue()) < 100_000
    assert refusal(out.getvalue()).startswith("This saved run is too large to open (over 32,0")


def test_a_save_holding_a_pickle_is_refused_unread(blob):
    """np.load(allow_pickle=False): a save from anyone cannot run code when loaded."""
    arrays = dict(np.load(io.BytesIO(blob[len(MAGIC):])))
    arrays["theta"] = np.array([object()], dtype=object)
    out = io.BytesIO()
    out.write(MAGIC)
    np.savez_compressed(out, **arrays)
    assert "damaged" in refusal(out.getvalue())


# -- size ------------------------------------------------------------------------------
@pytest.mark.parametrize("hidden, bound", [((8, 8), 110_000), ((8, 8, 8), 130_000)])
def test_a_save_is_small_however_long_the_run(hidden, bound):
    """500 points, at 4,095 epochs, when the history is fullest (4,096 rows; it thins
    after): the largest such a save gets (85 and 102 kB here; 71 and 90 kB at 10,000
    epochs). The history's noisy losses and the snapshots are most of it."""
    session = TrainingSession(Config(hidden=hidden))
    session.advance(4095)
    assert session.history.n == 4095
    assert len(save_bytes(session)) < bound
