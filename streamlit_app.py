"""NN Playground: watch a neural network written from scratch in NumPy learn, live.

Run with `streamlit run streamlit_app.py`. This file is the UI only: it reads the
widgets into a Config, keeps one Playback per browser session, and draws.
"""
import os
from importlib import import_module

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # tiny matrices: threads only cost

import streamlit as st  # noqa: E402

from playground.config import Config, problems  # noqa: E402
from ui.live.playback import SPEEDS, before_plotly  # noqa: E402
from ui.controls import SIDEBAR_LATER, config_from_state, held, init_state, sidebar_ui  # noqa: E402
from ui.links import link_warning_ui, read_link, shown, sync_url  # noqa: E402
from ui.live.view import ACTIONS, enabled, live_ui, remember_widgets  # noqa: E402
from ui.room.notice import room_status_ui  # noqa: E402
from ui.state import app_state, current_run  # noqa: E402
from ui.tutorial import tutorial_ui  # noqa: E402
from ui.wall.view import wall_room, wall_ui  # noqa: E402


def controls_ui():
    """Play, Pause, Step, Reset and the speed in one row that wraps (on a phone the
    buttons stay side by side, just above the live view)."""
    can = enabled(current_run())
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
                          value=held("speed"),
                          help="How many epochs are trained between two pictures. Each "
                               "picture's training is also capped at about 40 ms, so big "
                               "networks stay responsive.")


FIRST_HINT = ("**Press Play** to train the network and watch it learn to tell the points "
              "apart; **Step** trains one epoch at a time.")


def status_ui(run):
    """Notices and warnings, in one container (a diverged run's advice is said here
    only, not again by the live view). A run not yet started says how to start it."""
    with st.container(key="status"):
        link_warning_ui()
        room_status_ui()
        notice = app_state().take_notice()
        if notice:
            st.caption(notice)
        elif run.session.epoch == 0 and enabled(run)["play"] and shown("play"):
            st.caption(FIRST_HINT)
        if run.session.diverged:
            st.warning(run.session.diverged)


# Each panel's module and function in ui/panels/, imported when first opened: a server's
# first page then does not wait for the panels' imports (Pillow, segno, the code makers).
PANELS = {"Replay": "replay:replay_ui", "Compare runs": "compare:compare_ui",
          "The math": "math:math_ui", "Lessons": "lessons:lessons_ui",
          "Your data": "your_data:mydata_ui", "Share": "share:share_ui",
          "Export": "export:export_ui", "3-D view": "surface3d:surface3d_ui",
          "Why is it stuck?": "diagnostics:diagnostics_ui",
          "Learning rate finder": "lrfinder:lrfinder_ui", "Workshop room": "room:room_ui"}


def panels_ui(run):
    """One panel at a time, chosen by the learner: only the open one is built."""
    if not shown("tabs"):
        return
    choice = st.segmented_control("More", list(PANELS), key="panel", label_visibility="collapsed",
                                  default=st.session_state.get("panel"),
                                  help="Replay the run, compare runs, see the math, and more.")
    if choice:
        before_plotly()
        module, name = PANELS[choice].split(":")
        getattr(import_module(f"ui.panels.{module}"), name)(run)


# The tab's icon, 🧠 (percent-encoded), drawn as Streamlit's page draws an emoji icon.
# Given as the emoji, or as any text not ASCII, Streamlit first looks it up in its table
# of every emoji, whose import cost a server's first page 0.13-0.4 s before anything showed.
PAGE_ICON = ("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"
             "<text y='.9em' font-size='90'>%F0%9F%A7%A0</text></svg>")


def main():
    st.set_page_config(page_title="NN Playground", page_icon=PAGE_ICON, layout="wide")
    room = wall_room()
    if room is not None:            # ?room=NAME&wall=1: the projector's wall, no playground
        return wall_ui(room)
    link = read_link()
    init_state(link.config)
    state = app_state()
    if state.room:                      # a room's link opens its panel
        st.session_state.setdefault("panel", "Workshop room")
    # The widgets' values are in the session state before they are drawn, so the live
    # view can be sent first and the sidebar after it: the page then loads the live
    # view's code before the sidebar's many widget kinds, and the surface shows sooner.
    config = config_from_state()
    found = problems(config)
    # A browser's first page draws the sidebar in its second run, which the live view asks
    # for once it has shown the first surface (its first question). Drawn in the first run,
    # the sidebar's many widget kinds load their code alongside the view's, and React
    # reveals nothing until all of it has come: the surface came 0.3-0.6 s later. A session
    # without a page (AppTest: no request headers) gets everything in one run.
    later = state.sidebar == "unseen" and not found and bool(st.context.headers)
    state.sidebar = "due" if later else "drawn"
    try:
        if found:
            st.error("These settings can't run: " + "; ".join(found) + ".")
        else:
            main_ui(config)
        if later:
            st.sidebar.caption(SIDEBAR_LATER)
        else:
            sidebar_ui()
    finally:                        # (also after an error, which the next run would repeat)
        remember_widgets()          # what the live view's next run alone compares with


def main_ui(config: Config):
    state = app_state()
    state.sync_run(config, same_init=st.session_state.get("same_init", True))
    sync_url(config)
    run = state.run
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
    # The panels' row comes with the sidebar, in the page's second run: the first run's
    # element kinds are the ones whose code the page fetches before it shows anything, and
    # the row's (a segmented control) held the first surface back 40-60 ms.
    if not state.drawn_again():
        panels_ui(run)


main()
