"""NN Playground: watch a neural network written from scratch in NumPy learn, live.

Run with `streamlit run streamlit_app.py`. This file is the UI only: it reads the
widgets into a Config, keeps one Playback per browser session, and draws.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # tiny matrices: threads only cost

import pandas  # noqa: E402,F401  (Plotly imports it lazily: racing first imports crashed)
import streamlit as st  # noqa: E402

from playground.teach.compare import same_shapes  # noqa: E402
from playground.config import Config, problems  # noqa: E402
from playground.fast import initial_params  # noqa: E402
from playground.outputs import output_units  # noqa: E402
from ui.live.playback import SPEEDS, Playback  # noqa: E402
from playground.session import TUNABLE, needs_reset  # noqa: E402
from playground.data.userdata import PointsError, dataset_from_points  # noqa: E402
from ui.controls import config_from_state, init_state, sidebar_ui  # noqa: E402
from ui.links import link_warning_ui, read_link, shown, sync_url  # noqa: E402
from ui.live.view import ACTIONS, enabled, live_ui  # noqa: E402
from ui.panels.compare import compare_ui  # noqa: E402
from ui.panels.diagnostics import diagnostics_ui  # noqa: E402
from ui.panels.export import export_ui  # noqa: E402
from ui.panels.lessons import lessons_ui  # noqa: E402
from ui.panels.lrfinder import lrfinder_ui  # noqa: E402
from ui.panels.math import math_ui  # noqa: E402
from ui.panels.replay import replay_ui  # noqa: E402
from ui.panels.share import share_ui  # noqa: E402
from ui.panels.surface3d import surface3d_ui  # noqa: E402
from ui.panels.your_data import mydata_ui  # noqa: E402
from ui.state import app_state  # noqa: E402
from ui.tutorial import tutorial_ui  # noqa: E402


def _run():
    return st.session_state["run"]


def own_data(config: Config):
    """The learner's own points split for this config, or None for the generated data."""
    points = app_state().points
    if points is None:
        return None
    try:
        return dataset_from_points(*points, config.test_fraction, config.seed, config.problem)
    except PointsError:
        return None                 # too few points or one class so far: keep the dataset


def new_playback(config: Config, running=False) -> Playback:
    """A fresh run on the current data; from the last pinned run's initial weights when the
    learner asked for that and the architecture allows it (so only one thing differs)."""
    data, pins = own_data(config), app_state().pins
    if st.session_state.get("same_init", True) and pins:
        c = config
        fresh = initial_params([len(c.features), *c.hidden, output_units(c.problem, c.classes)],
                               c.init, c.seed)
        if same_shapes(fresh, pins[-1].initial_params):
            return Playback(config, data, initial_params=pins[-1].initial_params,
                            running=running)
    return Playback(config, data, running=running)


def sync_run(config: Config):
    """Keep the session's run in step with the widgets: a new network when the data or
    architecture changed (and say so), the same weights when only training settings did."""
    run, state = st.session_state.get("run"), app_state()
    points_changed = state.take_points_changed()
    if run is None:
        st.session_state["run"] = new_playback(config)
        return
    old = run.session.config
    if needs_reset(old, config) or points_changed:
        changed = [f for f in Config.__dataclass_fields__
                   if f not in TUNABLE + ("preset",) and getattr(old, f) != getattr(config, f)]
        st.session_state["run"] = new_playback(config, running=run.running and not points_changed)
        if not state.notice:
            state.say(points_changed or (
                f"New network: {', '.join(changed).replace('_', ' ')} changed, so training "
                "starts again from epoch 0."))
        return
    changes = {f: getattr(config, f) for f in TUNABLE if getattr(old, f) != getattr(config, f)}
    if changes:
        run.session.retune(**changes)
        if run.session.epoch and run.session.done and not run.session.diverged:
            state.say(
                f"{', '.join(changes).replace('_', ' ')} changed: this run has already "
                f"trained {run.session.epoch:,} epochs, so it is finished. Raise Epochs to "
                "run to go on.")
        elif run.session.epoch:
            state.say(
                f"{', '.join(changes).replace('_', ' ')} changed: training continues from the "
                f"current weights at epoch {run.session.epoch:,}.")


def controls_ui():
    """Play, Pause, Step, Reset and the speed in one row that wraps (on a phone the
    buttons stay side by side, just above the live view)."""
    can = enabled(_run())
    row = st.container(horizontal=True, vertical_alignment="bottom", key="controls")
    if shown("play"):
        row.button("Play", key="play", icon=":material/play_arrow:", type="primary",
                   on_click=ACTIONS["play"], disabled=not can["play"], width=96,
                   help="Train continuously and watch the surface and the loss change. "
                        "Key: Space (when the cursor is not in a text field).")
    if shown("pause"):
        row.button("Pause", key="pause", icon=":material/pause:", on_click=ACTIONS["pause"],
                   disabled=not can["pause"], width=96,
                   help="Stop training at the picture on screen; the weights stay there. "
                        "Key: Space.")
    if shown("step"):
        row.button("Step", key="step", icon=":material/skip_next:", on_click=ACTIONS["step"],
                   disabled=not can["step"], width=96,
                   help="Advance exactly one epoch, then stop. Key: s.")
    if shown("reset"):
        row.button("Reset", key="reset", icon=":material/replay:", on_click=ACTIONS["reset"],
                   disabled=not can["reset"], width=96,
                   help="Back to epoch 0 with the same starting weights and data. Key: r.")
    if shown("speed"):
        row.select_slider("Speed: epochs per redraw", list(SPEEDS), key="speed", width=300,
                          help="How many epochs are trained between two pictures. Each "
                               "picture's training is also capped at about 40 ms, so big "
                               "networks stay responsive.")


def status_ui(run):
    """Notices and warnings, in one container (a diverged run's advice is said here
    only, not again by the live view)."""
    with st.container(key="status"):
        link_warning_ui()
        notice = app_state().take_notice()
        if notice:
            st.caption(notice)
        if run.session.diverged:
            st.warning(run.session.diverged)


PANELS = {"Replay": replay_ui, "Compare runs": compare_ui, "The math": math_ui,
          "Lessons": lessons_ui, "Your data": mydata_ui, "Share": share_ui, "Export": export_ui,
          "3-D view": surface3d_ui, "Why is it stuck?": diagnostics_ui,
          "Learning rate finder": lrfinder_ui}


def panels_ui(run):
    """One panel at a time, chosen by the learner: only the open one is built."""
    if not shown("tabs"):
        return
    choice = st.segmented_control("More", list(PANELS), key="panel", label_visibility="collapsed",
                                  help="Replay the run, compare runs, see the math, and more.")
    if choice:
        PANELS[choice](run)


def main():
    st.set_page_config(page_title="NN Playground", page_icon="🧠", layout="wide")
    link = read_link()
    init_state(link.config)
    # The widgets' values are in the session state before they are drawn, so the live
    # view can be sent first and the sidebar after it: the page then loads the live
    # view's code before the sidebar's many widget kinds, and the surface shows sooner.
    config = config_from_state()
    found = problems(config)
    if found:
        sidebar_ui()
        st.error("These settings can't run: " + "; ".join(found) + ".")
        st.stop()
    main_ui(config)
    sidebar_ui()


def main_ui(config: Config):
    sync_run(config)
    sync_url(config)
    run = _run()
    run.touch()                     # a full run means the learner did something
    run.set_view(**{k: st.session_state[k] for k in ("show_test", "discretize", "log_scale")})
    st.markdown("#### NN Playground · a neural network from scratch in NumPy")
    # The controls are drawn after the live view, into their place above it: the page
    # then asks for the view's code before the buttons' and slider's (the status first:
    # it takes the notice, which the view would otherwise see and rerun for).
    controls = st.container()
    status_ui(run)
    live_ui(st.session_state["speed"])
    with controls:
        controls_ui()
    tutorial_ui(run.session)
    panels_ui(run)


main()
