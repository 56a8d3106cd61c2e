"""Loose boards found by trying the app, each driven as a learner would through AppTest:
clicks and files checked alike, the 2,000-point cap said out loud, refused files and
empty feature choices not left on screen, a link's numbers checked, and pinning that
restarts from the same start."""
import json
import logging
import tomllib

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.elements.lib import policies
from streamlit.testing.v1 import AppTest

from playground.data.userdata import MAX_FILE_MB, MAX_POINTS
from tests.support import APP, live_element


def state(at):
    return at.session_state["app"]


def run(at):
    return at.session_state["app"].run


def text(at):
    """Everything the page says in captions, alerts and markdown."""
    return " ".join(e.value for kind in ("caption", "error", "info", "warning", "markdown")
                    for e in getattr(at, kind))


def open_panel(at, name):
    at.segmented_control(key="panel").set_value(name).run()
    assert not at.exception


def click_plane(at, where):
    """The live view's click event as the page sends it (a trigger of the component),
    with any JSON a crafted page could put in it."""
    view = live_element(at)
    states = at._tree.get_widget_states()
    event = states.widgets.add()
    event.id = _make_trigger_id(view.proto.id, "events")
    event.json_trigger_value = json.dumps([{"event": "point", "value": where}])
    at._run(widget_state=states)
    assert not at.exception


def upload(at, content, name="points.csv"):
    at.file_uploader[0].set_value((name, content.encode(), "text/csv")).run()
    assert not at.exception


def csv_rows(n):
    return "x1,x2,label\n" + "".join(f"{i % 7 / 7},{i % 5 / 5},{i % 2}\n" for i in range(n))


# -- clicks are checked as uploads are ---------------------------------------------------
@pytest.mark.parametrize("where, words", [
    ({"x1": 1e308, "x2": 0.5}, "x1 `1e+308` is outside -1000 to 1000"),
    ({"x1": 0.5, "x2": -2000}, "x2 `-2000` is outside"),
    ({"x1": "abc", "x2": 0.5}, "x1 `abc` is not a number"),
    ({"x1": None, "x2": 0.5}, "is not a number"),
    ({"x1": 0.5, "x2": "NaN"}, "x2 `NaN` is not a finite number"),
])
def test_a_crafted_click_is_refused_with_a_reason_and_nothing_changes(at, where, words):
    at.session_state["click_mode"] = "1"
    at.run()
    click_plane(at, {"x1": 0.25, "x2": 0.25})
    assert len(state(at).points[1]) == 501
    before, mount = state(at).points, run(at).mount
    click_plane(at, where)
    assert "That click was not used" in text(at) and words in text(at)
    assert state(at).points is before and run(at).mount == mount
    assert np.isfinite(run(at).session.bounds).all() and not run(at).session.diverged


# -- opening the panel says nothing to the server's log --------------------------------------
class Said(logging.Handler):
    """The records a logger emits (Streamlit's loggers do not propagate to caplog)."""
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


@pytest.mark.parametrize("problem", ["classification", "regression"])
def test_opening_your_data_logs_no_widget_state_warning(at, monkeypatch, problem):
    # Streamlit warns once per process: undo an earlier test's warning so this one can fail.
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    said, logger = Said(), logging.getLogger(policies.__name__)
    logger.addHandler(said)
    try:
        at.selectbox(key="problem").set_value(problem).run()
        open_panel(at, "Your data")
        at.session_state["click_mode"] = "remove"
        at.run()
        open_panel(at, "Replay")
        open_panel(at, "Your data")
    finally:
        logger.removeHandler(said)
    assert not at.exception and not said.records, said.records


# -- the 2,000-point cap -------------------------------------------------------------------
def test_editing_a_copy_of_5000_points_keeps_2000_and_says_so(at):
    at.slider(key="samples").set_value(5000).run()
    open_panel(at, "Your data")
    at.button[[b.label for b in at.button].index("Edit a copy of the current data")].click().run()
    assert len(state(at).points[1]) == MAX_POINTS == 2000
    assert "only the first 2,000 of its 5,000 points" in text(at)
    assert f"Using your {MAX_POINTS} points." in text(at)
    at.session_state["click_mode"] = "0"
    at.run()
    click_plane(at, {"x1": 0.1, "x2": 0.1})
    assert "already 2,000 points, the most there can be" in text(at)
    assert "Your points: 2000 now" not in text(at) and len(state(at).points[1]) == 2000


def test_the_note_about_rows_left_out_survives_the_rerun(at):
    open_panel(at, "Your data")
    upload(at, csv_rows(2500))
    assert "Only the first 2,000 rows were used; the file has 2,500." in text(at)
    assert len(state(at).points[1]) == 2000 and run(at).session.epoch == 0


# -- refused files -------------------------------------------------------------------------
def test_a_semicolon_file_is_told_its_separator_and_the_box_is_emptied(at):
    open_panel(at, "Your data")
    upload(at, "x1;x2;label\n0,5;1,5;0\n1;2;1\n")
    (error,) = at.error
    assert "That file was not used" in error.value and "separated by semicolons (;)" in error.value
    assert at.file_uploader[0].value is None, "the refused file is still shown"
    assert state(at).points is None
    upload(at, csv_rows(10))                    # the emptied box takes the next file
    assert len(state(at).points[1]) == 10 and not at.error
    assert at.file_uploader[0].value is not None


def test_a_refused_file_leaves_the_box_empty_and_the_points_as_they_were(at):
    open_panel(at, "Your data")
    upload(at, csv_rows(10))
    used = state(at).points
    error = refused(at, "x1,x2,label\n0.1,0.2,0\n0.3,0.4,2\n0.5,0.6,1\n0.7,0.8,0\n", "bad.csv",
                    used)
    assert "row 3: label `2` must be 0 or 1" in error
    at.run()
    assert not at.error, "the refusal is said once"


def refused(at, content, name, used):
    """Upload a file that must be refused: the box is emptied, the points used stay; returns
    the one error said."""
    upload(at, content, name=name)
    (error,) = at.error
    assert at.file_uploader[0].value is None, "the refused file is still shown"
    assert state(at).points is used and "Using your 10 points." in text(at)
    return error.value


def test_a_file_over_the_cap_is_refused_in_the_apps_words_once_and_the_points_stay(at):
    open_panel(at, "Your data")
    upload(at, csv_rows(10))
    used = state(at).points
    big = csv_rows(10) + "0.5,0.5,1\n" * (MAX_FILE_MB * 2**20 // 10 + 1)   # just over the cap
    for name in ("big.csv", "bigger.csv"):
        assert refused(at, big, name, used) == (
            f"That file was not used: the file is {MAX_FILE_MB + 0.1:.1f} MB, and a points "
            f"file can be at most {MAX_FILE_MB} MB (2,000 points take about 0.1 MB). Your "
            "previous points are unchanged.")
    at.run()
    assert not at.error, "the refusal is said once"


def test_the_box_takes_files_over_the_cap_so_the_app_can_refuse_them_itself(at):
    open_panel(at, "Your data")
    box = at.file_uploader[0].proto.max_upload_size_mb
    server = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())
    assert MAX_FILE_MB < box <= server["server"]["maxUploadSize"]


# -- a link's numbers -----------------------------------------------------------------------
def test_a_links_huge_batch_size_is_refused_and_minus_zero_goes_back_as_0():
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params.update({"batch_size": "111111111111111", "reg_rate": "-0",
                             "regularization": "l2"})
    app.run()
    assert not app.exception
    (warning,) = app.warning
    assert ("batch_size: `111111111111111` refused: batch size must be 0 (full batch) or a "
            "whole number from 1 to 5,000") in warning.value
    assert app.selectbox(key="batch_size").value == 0 == run(app).session.config.batch_size
    assert app.query_params["reg_rate"] == "0" and app.query_params["batch_size"] == "0"


# -- input features ------------------------------------------------------------------------
def test_clearing_every_feature_is_refused_and_the_box_shows_what_is_used(at):
    at.multiselect(key="features").set_value(["x1", "x2", "x1_sq"]).run()
    at.multiselect(key="features").set_value([]).run()
    assert not at.exception and not at.error
    assert at.multiselect(key="features").value == ["x1", "x2", "x1_sq"]
    assert run(at).session.config.features == ("x1", "x2", "x1_sq")
    assert "needs at least one input feature, so x₁, x₂, x₁² stayed" in text(at)


# -- compare runs from the same start ----------------------------------------------------
def test_pinning_starts_the_run_again_from_the_same_weights_for_the_next_change(at):
    open_panel(at, "Compare runs")
    start = run(at).session.theta.copy()
    at.button(key="play").click().run()
    at.run()
    at.button(key="pause").click().run()
    trained = run(at).session.epoch
    assert trained > 0 and not np.array_equal(run(at).session.theta, start)

    at.button(key="pin").click().run()
    assert not at.exception
    (pinned,) = state(at).pins
    assert pinned.epoch == trained
    assert run(at).session.epoch == 0 and not run(at).running
    assert np.array_equal(run(at).session.theta, start)
    assert "starts again from the same initial weights at epoch 0" in text(at)

    at.select_slider(key="lr").set_value(0.3).run()
    assert run(at).session.epoch == 0 and "training continues" not in text(at)
    at.button(key="play").click().run()
    at.button(key="pause").click().run()
    assert run(at).session.epoch > 0 and run(at).session.changes == [(0, {"lr": 0.3})]
    for now, then in zip(run(at).session.initial_params, pinned.initial_params):
        assert np.array_equal(now, then)
    assert at.dataframe, "the comparison table is shown"
