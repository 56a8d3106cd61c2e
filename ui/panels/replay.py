"""Replay: scrub back through the run, every frame played in the browser."""
import streamlit as st

from playground.figures.replay import replay_figure
from playground.fast import layer_sizes
from playground.teach.replay import replay_frames, thin_curve
from ui.panels.animation import animation_ui
from ui.state import app_state


def replay_ui(run):
    s = run.session
    if s.epoch == 0:
        st.info("Train for a while (Play or Step), then come back to scrub through the run.")
        return
    key = (run.mount, s.epoch, run.view["show_test"])
    state = app_state()
    cached = state.replay
    if run.running and cached:
        st.caption("Training is playing: this replay stops at the last pause. Pause to bring it "
                   "up to date.")
    elif not cached or cached[0] != key:
        figure = replay_figure(replay_frames(s), thin_curve(s.history), s.bounds, s.data,
                               layer_sizes(s.params), show_test=run.view["show_test"],
                               config=s.config)
        cached = state.replay = (key, figure)
    st.caption(f"{len(cached[1]['frames'])} snapshots, spaced so the early epochs, where most "
               "happens, get most of them. Drag the slider or press Replay: it all plays in your "
               "browser.")
    st.plotly_chart(cached[1], key="replay_chart", config={"displaylogo": False})
    animation_ui(run, "replay")
