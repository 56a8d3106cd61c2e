"""The panels under the live view: replay and comparing runs. Each draws widgets and
figures built by the core; none of them trains."""
import streamlit as st

from playground.compare import MAX_PINS, add_pin, pin, table
from playground.figures_compare import compare_loss_figure, compare_surfaces_figure
from playground.figures_replay import replay_figure
from playground.network import layer_sizes
from playground.replay import replay_frames, thin_curve


def replay_ui(run):
    s = run.session
    if s.epoch == 0:
        st.info("Train for a while (Play or Step), then come back to scrub through the run.")
        return
    key = (run.mount, s.epoch, run.view["show_test"])
    cached = st.session_state.get("replay")
    if run.running and cached:
        st.caption("Training is playing: this replay stops at the last pause. Pause to bring it "
                   "up to date.")
    elif not cached or cached[0] != key:
        figure = replay_figure(replay_frames(s), thin_curve(s.history), s.bounds, s.data,
                               layer_sizes(s.params), show_test=run.view["show_test"])
        cached = st.session_state["replay"] = (key, figure)
    st.caption(f"{len(cached[1]['frames'])} snapshots, spaced so the early epochs, where most "
               "happens, get most of them. Drag the slider or press Replay: it all plays in your "
               "browser.")
    st.plotly_chart(cached[1], key="replay_chart", config={"displaylogo": False})


def _pin_current():
    run = st.session_state["run"]
    pins = st.session_state.setdefault("pins", [])
    name = f"#{st.session_state.get('pin_count', 0) + 1}"
    st.session_state["pin_count"] = st.session_state.get("pin_count", 0) + 1
    st.session_state["pins"] = add_pin(pins, pin(run.session, name))


def _clear_pins():
    st.session_state["pins"] = []


def compare_ui(run):
    pins = st.session_state.get("pins", [])
    c1, c2, c3 = st.columns([1.2, 1, 3], vertical_alignment="center")
    c1.button("Pin this run", icon=":material/push_pin:", on_click=_pin_current,
              help=f"Keep this run's loss curve, surface and numbers to compare with the next "
                   f"ones (up to {MAX_PINS}; the oldest goes first).")
    c2.button("Clear pins", on_click=_clear_pins, disabled=not pins,
              help="Forget every pinned run.")
    c3.toggle("New networks start from the last pinned run's initial weights", key="same_init",
              help="Change one thing (the learning rate, the activation, the data seed...) and "
                   "keep the starting weights identical, so only that one thing differs.")
    if not pins:
        st.info("Pin this run, change one setting, train again: the runs appear here side by "
                "side.")
        return
    runs = list(pins) + [pin(run.session, "now")]
    st.plotly_chart(compare_loss_figure(runs, run.view["log_scale"]), key="compare_loss")
    st.plotly_chart(compare_surfaces_figure(runs), key="compare_surfaces")
    st.dataframe(table(runs), hide_index=True, use_container_width=True)
