"""The Streamlit app, driven through streamlit.testing's AppTest.

AppTest runs no timers, so a test "ticks" the live view by calling at.run() again: every
run while playing trains one tick. The live view is a v2 component; its payload is the
JSON in the element's proto."""
import base64
import math

import numpy as np
import pytest
from streamlit.testing.v1.element_tree import Widget

from tools import tutorial_oracle as oracle
from playground.config import Config
from playground.pictures import plane
from playground.pictures.encode import quantize
from ui.live.schema import check_payload, unwire
from streamlit.testing.v1 import AppTest
from tests.support import APP, live_element

GRID = 100
MAX_RUNS = 60          # at.run() calls allowed for a run to finish by itself


def run(at):
    return at.session_state["app"].run


def payload(at):
    return unwire(live_element(at).proto.json)


def surface(frame):
    return np.frombuffer(base64.b64decode(frame["z"]), dtype=np.uint8).reshape(GRID, GRID)


def captions(at):
    return " ".join(c.value for c in at.caption)


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception


def play_until_stopped(at):
    click(at, "play")
    for _ in range(MAX_RUNS):
        if not run(at).running:
            return
        at.run()
    pytest.fail(f"still running after {MAX_RUNS} ticks, at epoch {run(at).session.epoch}")


def play_then_pause(at, ticks=2):
    click(at, "play")
    for _ in range(ticks - 1):
        at.run()
    click(at, "pause")
    assert run(at).session.epoch > 0
    return run(at).session.epoch


# -- first load --------------------------------------------------------------------------
def test_first_load_shows_the_default_network(at):
    config = run(at).session.config
    assert (config.dataset, config.samples, config.hidden) == ("moons", 500, (8, 8))
    assert (config.activation, config.loss, config.batch_size, config.lr) == ("tanh", "bce", 0, 0.1)
    assert config.epochs >= 100_000
    assert at.selectbox(key="dataset").value == "moons"
    assert at.slider(key="units_1").value == at.slider(key="units_2").value == 8
    assert run(at).session.epoch == 0 and not run(at).running
    data = payload(at)
    assert check_payload(data) == []
    assert data["specs"] == {}          # the first payload is light: the page asks for them
    assert [f["epoch"] for f in data["frames"]] == [0] and data["running"] is False
    run(at).have({})                    # as the page's `have` trigger says
    at.run()
    assert set(payload(at)["specs"]) == {"points", "loss", "diagram"}
    assert not at.error and not at.warning


# -- play, pause, step, reset ------------------------------------------------------------
def test_figures_in_a_payload_the_rerun_replaces_come_again():
    """A run of the live view that ends in a full rerun (here: the run finished) sends a
    payload the rerun replaces before the page can read it. The figures in it must come
    again in the rerun's payload, not count as sent (the page would wait for them)."""
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params["epochs"] = "10"               # done within the first tick
    app.run()
    run(app).have({})                               # the page holds no figure yet
    click(app, "play")
    assert run(app).session.done and not run(app).running
    assert set(payload(app)["specs"]) == {"points", "loss", "diagram"}


def test_play_trains_and_sends_frames_with_surfaces(at):
    click(at, "play")
    assert run(at).running
    first = run(at).session.epoch
    at.run()
    assert run(at).session.epoch > first > 0
    data = payload(at)
    epochs = [f["epoch"] for f in data["frames"]]
    assert data["running"] is True and len(epochs) > 1
    assert epochs == sorted(set(epochs)) and epochs[0] > first
    assert epochs[-1] == run(at).session.epoch
    surfaces = [surface(f) for f in data["frames"]]
    assert all(s.shape == (GRID, GRID) and s.dtype == np.uint8 for s in surfaces)
    assert np.array_equal(surfaces[-1], quantize(plane.surface(run(at).session, GRID)))
    assert not np.array_equal(surfaces[0], surfaces[-1])          # the picture moves
    assert all(math.isfinite(f["train_loss"]) and 0 <= f["train_acc"] <= 1 for f in data["frames"])


def test_pause_stops_training(at):
    stopped = play_then_pause(at)
    assert not run(at).running
    at.run()
    at.run()
    assert run(at).session.epoch == stopped
    data = payload(at)
    assert data["running"] is False and data["frames"][-1]["epoch"] == stopped
    assert data["history"]["epoch"][-1] <= stopped
    assert at.button(key="pause").disabled and not at.button(key="play").disabled


def test_step_advances_exactly_one_epoch(at):
    click(at, "step")
    assert run(at).session.epoch == 1 and not run(at).running
    assert [f["epoch"] for f in payload(at)["frames"]] == [1]
    stopped = play_then_pause(at)
    click(at, "step")
    assert run(at).session.epoch == stopped + 1
    at.run()
    assert run(at).session.epoch == stopped + 1


def test_reset_returns_to_epoch_0_with_the_same_weights(at):
    start = run(at).session.theta.copy()
    play_then_pause(at)
    assert not np.array_equal(run(at).session.theta, start)
    click(at, "reset")
    assert run(at).session.epoch == 0 and not run(at).running
    assert np.array_equal(run(at).session.theta, start)
    assert "epoch 0" in captions(at)
    assert [f["epoch"] for f in payload(at)["frames"]] == [0]


# -- changing settings mid-run -----------------------------------------------------------
def test_changing_the_learning_rate_keeps_the_epoch_and_the_weights(at):
    stopped = play_then_pause(at)
    session, theta = run(at).session, run(at).session.theta.copy()
    at.select_slider(key="lr").set_value(0.3).run()
    assert run(at).session is session
    assert session.epoch == stopped and np.array_equal(session.theta, theta)
    assert session.config.lr == 0.3 and session.changes == [(stopped, {"lr": 0.3})]
    assert "training continues" in captions(at) and f"epoch {stopped:,}" in captions(at)


def test_changing_the_learning_rate_while_playing_keeps_playing(at):
    click(at, "play")
    session, before = run(at).session, run(at).session.epoch
    at.select_slider(key="lr").set_value(0.03).run()
    assert run(at).session is session and run(at).running
    assert session.epoch > before and session.config.lr == 0.03
    assert "training continues" in captions(at)


@pytest.mark.parametrize("kind, key, value, field, expected", [
    ("selectbox", "dataset", "circles", "dataset", "circles"),
    ("slider", "units_1", 3, "hidden", (3, 8)),
])
def test_changing_data_or_architecture_starts_again_from_epoch_0(at, kind, key, value, field,
                                                                 expected):
    play_then_pause(at)
    old = run(at)
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception
    assert run(at) is not old and run(at).session.epoch == 0
    assert getattr(run(at).session.config, field) == expected
    assert "starts again from epoch 0" in captions(at) and field in captions(at)
    data = payload(at)
    assert data["mount"] == run(at).mount != old.mount
    assert check_payload(data) == []


def test_add_and_remove_layer_buttons_change_the_hidden_layers(at):
    click(at, "add_layer")
    assert run(at).session.config.hidden == (8, 8, 4)
    assert at.slider(key="units_3").value == 4
    click(at, "remove_layer")
    click(at, "remove_layer")
    assert run(at).session.config.hidden == (8,)
    assert at.button(key="remove_layer").disabled
    assert "hidden" in captions(at)


def test_a_view_toggle_redraws_its_figure_without_touching_the_run(at):
    session = run(at).session
    run(at).have({})
    at.run()
    at.toggle(key="log_scale").set_value(True).run()
    data = payload(at)
    assert set(data["specs"]) == {"loss"}
    assert data["specs"]["loss"]["figure"]["layout"]["yaxis"]["type"] == "log"
    assert run(at).session is session and session.epoch == 0


# -- the tutorial preset -----------------------------------------------------------------
def choose_tutorial(at):
    at.selectbox(key="preset").set_value("tutorial").run()
    assert not at.exception


def test_tutorial_preset_sets_the_tutorials_network(at):
    choose_tutorial(at)
    c = run(at).session.config
    assert (c.dataset, c.hidden, c.activation, c.loss) == ("xor", (2,), "sigmoid", "mse")
    assert (c.lr, c.epochs, c.seed, c.delta_rule, c.precision) == (0.1, 10_000, 42, True, "float64")
    assert (c.init, c.optimizer, c.batch_size, c.preset) == ("randn", "sgd", 0, "tutorial")
    assert at.selectbox(key="dataset").value == "xor" and at.toggle(key="delta_rule").value


def test_tutorial_preset_played_to_the_end_prints_the_tutorials_losses(at):
    choose_tutorial(at)
    at.select_slider(key="speed").set_value(5000).run()
    play_until_stopped(at)
    session = run(at).session
    assert session.epoch == 10_000 and session.done and not session.diverged
    assert payload(at)["running"] is False and at.button(key="play").disabled
    _, printed = oracle.train_network_logged(oracle.X, oracle.y, 2, 2, 1, 10_000, 0.1)
    epochs = session.history.column("epoch").astype(int)
    at_hundreds = epochs % 100 == 0
    assert at_hundreds.sum() >= 40 and epochs[-1] >= 9_900
    np.testing.assert_allclose(session.history.column("train_loss")[at_hundreds],
                               [printed[e // 100] for e in epochs[at_hundreds]], rtol=1e-12, atol=0)


# -- divergence --------------------------------------------------------------------------
def test_a_failed_run_pauses_with_a_warning_that_says_which_rates_to_try(at):
    """lr 10, ReLU, spiral: finite, but the loss sits at 1.03, above its start (0.69)."""
    at.selectbox(key="dataset").set_value("spiral").run()
    at.selectbox(key="activation").set_value("relu").run()
    at.select_slider(key="lr").set_value(10.0).run()
    play_until_stopped(at)
    session = run(at).session
    assert session.diverged.startswith("Training failed by epoch") and session.epoch < 1000
    assert len(at.warning) == 1 and "to between 0.01 and 1" in at.warning[0].value


def test_a_diverging_run_pauses_with_a_warning_and_finite_state(at):
    at.selectbox(key="activation").set_value("linear").run()
    at.select_slider(key="lr").set_value(10.0).run()
    assert run(at).session.config == Config(activation="linear", lr=10.0)
    play_until_stopped(at)
    session = run(at).session
    assert session.diverged and 0 < session.epoch < 1000
    assert len(at.warning) == 1 and "diverged" in at.warning[0].value
    assert np.isfinite(session.theta).all()
    m = session.evaluate()
    assert all(math.isfinite(x) for x in (m.train_loss, m.train_accuracy, m.test_loss,
                                          m.test_accuracy, *m.train_class_accuracy))
    data = payload(at)
    assert data["running"] is False and data["message"] == ""    # said once, by the warning
    last = data["frames"][-1]
    assert last["epoch"] == session.epoch and math.isfinite(last["train_loss"])
    assert np.array_equal(surface(last), quantize(plane.surface(session, GRID)))


# -- tooltips ----------------------------------------------------------------------------
def test_every_sidebar_widget_has_a_tooltip(at):
    widgets = [e for e in at.sidebar if isinstance(e, Widget)]
    keys = {w.key for w in widgets}
    settings = set(Config.__dataclass_fields__) - {"hidden", "formula"}   # formula: its box
    #                                                          shows for the formula dataset
    assert settings | {"units_1", "add_layer", "show_test", "discretize", "log_scale"} <= keys
    missing = [w.key or w.label for w in widgets if not (w.help or "").strip()]
    assert missing == []


def test_the_dataset_and_loss_menus_offer_what_fits_the_problem_type():
    """Two classes offer what they always did; a 3-class or regression link (until the
    sidebar has its own problem-type control) narrows the menus to what can run."""
    from playground.data.datasets import LABELS
    from playground.losses import LOSSES
    cases = [({}, ["Mean squared error", "Binary cross-entropy"], "Moons"),
             ({"classes": "3", "loss": "ce", "dataset": "spiral"}, [LOSSES["ce"].label],
              "Gaussians"),
             ({"problem": "regression", "loss": "mse", "dataset": "plane"},
              ["Mean squared error"], LABELS["multi-gaussian"])]
    for query, losses, offered in cases:
        app = AppTest.from_file(str(APP), default_timeout=30)
        app.query_params.update(query)
        app.run()
        assert not app.exception and not app.error
        assert app.selectbox(key="loss").options == losses
        datasets = app.selectbox(key="dataset").options
        assert offered in datasets and (LABELS["plane"] in datasets) == ("problem" in query)


def test_the_problem_type_controls_start_a_fitting_new_network():
    """Regression and then three classes from the sidebar: the dataset and the loss follow,
    the network gets that many output units, says it started again, and plays."""
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    app.selectbox(key="problem").set_value("regression").run()
    assert not app.exception and not app.error
    run = app.session_state["app"].run
    assert (run.session.config.dataset, run.session.config.loss) == ("plane", "mse")
    assert run.session.output == "linear" and "New network" in app.caption[0].value
    app.selectbox(key="problem").set_value("classification").run()
    app.slider(key="classes").set_value(3).run()
    assert not app.exception and not app.error
    run = app.session_state["app"].run
    assert run.session.config.dataset in ("spiral", "gaussians")
    assert run.session.config.loss == "ce" and run.session.units == 3
    run.play()
    run.tick(budget=0.2)
    assert run.session.epoch > 0 and len(run.session.evaluate().train_class_accuracy) == 3


def test_every_panel_opens_for_three_classes_and_for_regression():
    """No panel handles only the binary case: each opens, after some training, without an
    error for a 3-class spiral and for a regression run."""
    links = [{"dataset": "spiral", "classes": "3", "loss": "ce", "samples": "120"},
             {"problem": "regression", "dataset": "plane", "loss": "mse", "samples": "120"}]
    for query in links:
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.query_params.update(query)
        app.run()
        app.session_state["app"].run.session.advance(300)
        for name in ("Replay", "Compare runs", "The math", "Your data", "Export", "3-D view",
                     "Why is it stuck?", "Learning rate finder", "Lessons", "Share"):
            app.segmented_control(key="panel").set_value(name).run()
            assert not app.exception and not app.error, (query, name, app.exception)


def test_the_multiclass_and_regression_lessons_load_from_the_panel_and_play():
    """Load sets the sidebar (problem type and classes included) and the run plays."""
    from playground.teach.lessons import LESSONS
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    for name in ("spiral-three-classes", "plane-linear", "bumps-need-hidden-units"):
        app.segmented_control(key="panel").set_value("Lessons").run()
        app.button(key=f"lesson_{name}").click().run()
        assert not app.exception and not app.error, (name, app.exception)
        config = LESSONS[name].config
        assert app.selectbox(key="problem").value == config.problem
        assert app.slider(key="classes").value == config.classes
        run = app.session_state["app"].run
        assert run.session.config == config
        run.play()
        run.tick(budget=0.2)
        assert run.session.epoch > 0


def test_picking_a_dataset_starts_from_its_crisp_noise_unless_the_noise_was_moved(at):
    """The noise follows the dataset (NOISE) while the learner has not moved it; a noise
    the learner chose, or a link's, stays."""
    from playground.data.datasets import NOISE
    at.selectbox(key="dataset").set_value("spiral").run()
    assert at.slider(key="noise").value == NOISE["spiral"] == 0.02
    at.selectbox(key="dataset").set_value("circles").run()
    assert at.slider(key="noise").value == NOISE["circles"]
    at.slider(key="noise").set_value(0.3).run()
    at.selectbox(key="dataset").set_value("moons").run()
    assert at.slider(key="noise").value == 0.3
    assert at.session_state["app"].run.session.config.noise == 0.3


def test_a_lessons_link_plays_at_the_lessons_watchable_speed():
    """As its Load button does: 'Learning rate too high' bounces for 300 epochs, which at
    the default 100 epochs a redraw were over in a blink."""
    from playground.teach.lessons import LESSONS
    from ui.live.playback import DEFAULT_SPEED, watchable_speed
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params["lesson"] = "lr-too-high"
    app.run()
    speed = watchable_speed(LESSONS["lr-too-high"].config.epochs)
    assert app.session_state["speed"] == speed == 1 != DEFAULT_SPEED


def test_first_load_hints_play_until_the_run_starts(at):
    assert "Press Play** to train" in captions(at)
    click(at, "play")
    assert "Press Play** to train" not in captions(at)
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params["epochs"] = "0"                 # nothing to play: Play is disabled
    app.run()
    assert app.button(key="play").disabled and "Press Play" not in captions(app)
