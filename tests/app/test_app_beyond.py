"""The four panels past every anchor, through AppTest: each opens without an error, the
3-D view and the diagnostics are not rebuilt while training plays, the diagnostics name
what they see, the finder's "Use this" retunes the run without moving it, and Export's
files sit at addresses a rerun does not take away."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.support import APP


@pytest.fixture
def at():
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    return app


def open_panel(at, name):
    at.session_state["panel"] = name
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def charts(at):
    return [el for el in at.get("plotly_chart")]


@pytest.mark.parametrize("name", ["3-D view", "Why is it stuck?", "Learning rate finder", "Export"])
def test_each_panel_opens_at_epoch_0_and_later(at, name):
    open_panel(at, name)
    at.session_state["app"].run.session.advance(200)
    open_panel(at, name)


def test_the_3d_view_waits_for_a_pause_or_a_click_while_playing(at):
    open_panel(at, "3-D view")
    first = at.session_state["app"].surface3d[0]
    at.button(key="play").click().run()
    run = at.session_state["app"].run
    assert run.running and run.session.epoch > first[1]
    at.run()                                        # a tick, and another full run
    assert at.session_state["app"].surface3d[0] == first, "rebuilt while playing"
    at.button(key="surface3d_update").click().run()
    assert at.session_state["app"].surface3d[0][1] > first[1]
    at.button(key="pause").click().run()
    assert at.session_state["app"].surface3d[0][1] == at.session_state["app"].run.session.epoch


def test_the_dying_relu_lesson_is_diagnosed(at):
    at.session_state["panel"] = "Lessons"
    at.run()
    at.button(key="lesson_dying-relu").click().run()
    at.session_state["app"].run.session.advance(1000)
    open_panel(at, "Why is it stuck?")
    assert any("of 16 ReLU units in layer 1 are dead" in w.value for w in at.warning)


def diagnosed_at(at):
    """The epoch the Why is it stuck? panel's caption says it shows."""
    (line,) = [c.value for c in at.caption if c.value.startswith("Epoch ")]
    return int(line.split(".")[0].removeprefix("Epoch ").replace(",", ""))


def test_why_is_it_stuck_is_not_rebuilt_while_playing(at):
    """It keeps the moment it opened while ticks and full runs go by (rebuilding it redrew
    two charts on the page every time, and the live view lost a third of its epochs);
    Update and Pause bring it to the run's epoch."""
    open_panel(at, "Why is it stuck?")
    at.button(key="play").click().run()
    at.run()                                        # a tick, and another full run
    run = at.session_state["app"].run
    assert run.running and run.session.epoch > 0
    assert diagnosed_at(at) == 0, "rebuilt while playing"
    assert any("Training is playing" in c.value for c in at.caption)
    built = at.session_state["app"].diagnosis
    at.run()
    assert at.session_state["app"].diagnosis is built
    at.button(key="diag_update").click().run()
    assert 0 < diagnosed_at(at) <= run.session.epoch
    at.button(key="pause").click().run()
    assert diagnosed_at(at) == run.session.epoch
    built = at.session_state["app"].diagnosis
    at.run()                                        # paused and nothing moved: kept
    assert at.session_state["app"].diagnosis is built


def test_use_this_retunes_the_run_and_keeps_its_epoch(at):
    at.session_state["app"].run.session.advance(100)
    open_panel(at, "Learning rate finder")
    at.button(key="lrfind_go").click().run()
    suggestion = at.session_state["app"].lrfind[2].suggestion
    at.button(key="lrfind_use").click().run()
    session = at.session_state["app"].run.session
    assert at.session_state["lr"] == suggestion == session.config.lr
    assert session.epoch == 100 and session.changes[-1] == (100, {"lr": suggestion})


def downloads(at):
    """Each download button's label and what the page was given for it."""
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_a_rerun_leaves_each_download_where_the_page_has_it(at):
    """A click fetches the address the page holds. A rerun that leaves the run alone
    leaves every address alone; one that trains gives the changed files new ones. (A file
    made on the click had no address, only an id that every rerun replaced, so a click
    near a rerun could ask for an id already gone.)"""
    at.session_state["app"].run.session.advance(100)
    open_panel(at, "Export")
    first = {label: b.url for label, b in downloads(at).items()}
    assert len(first) == 7 and all(first.values()), first
    at.run()
    assert {label: b.url for label, b in downloads(at).items()} == first
    at.session_state["app"].run.session.advance(1)
    at.run()
    after = {label: b.url for label, b in downloads(at).items()}
    assert after["Dataset (CSV)"] == first["Dataset (CSV)"]
    assert after["Weights (JSON)"] != first["Weights (JSON)"]


def test_downloads_wait_for_a_pause_while_playing(at):
    """While the run plays the panel is not redrawn, so its files would be of an older
    epoch: the buttons say to pause, and Pause gives them the epoch on screen."""
    open_panel(at, "Export")
    at.button(key="play").click().run()
    assert all(b.disabled for b in downloads(at).values())
    assert any("Pause" in m.value for m in at.markdown)
    at.button(key="pause").click().run()
    epoch = at.session_state["app"].run.session.epoch
    assert epoch > 0 and not any(b.disabled for b in downloads(at).values())
    assert any(f"epoch {epoch:,}" in m.value for m in at.markdown)
