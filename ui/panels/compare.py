"""Compare runs: pin a run, change one thing, train again, see them side by side."""
import streamlit as st

from playground.figures.compare import compare_loss_figure, compare_surfaces_figure
from playground.teach.compare import MAX_PINS, add_pin, pin, table


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
