"""Compare runs: pin a run, change one thing, train again from the same start, see them
side by side."""
import streamlit as st

from playground.figures.compare import compare_loss_figure, compare_surfaces_figure
from playground.teach.compare import MAX_PINS, pin, table
from ui.state import app_state


def _pin_current():
    state = app_state()
    state.add_pin(state.run.session)
    state.restart_run(f"Pinned as #{state.pin_count}. This run starts again from the same initial "
                "weights at epoch 0: change one thing (the learning rate, say) and press Play.")


def _clear_pins():
    app_state().pins = []


def compare_ui(run):
    pins = app_state().pins
    c1, c2, c3 = st.columns([1.6, 1, 3], vertical_alignment="center")
    c1.button("Pin and start again", key="pin", icon=":material/push_pin:",
              on_click=_pin_current, type="primary",
              help=f"Keep this run's loss curve, surface and numbers (up to {MAX_PINS}; the "
                   "oldest goes first), then start it again from the same initial weights at "
                   "epoch 0, so the next run differs only in what you change.")
    c2.button("Clear pins", on_click=_clear_pins, disabled=not pins,
              help="Forget every pinned run.")
    c3.toggle("New networks start from the last pinned run's initial weights", key="same_init",
              value=st.session_state.get("same_init", True),
              help="When a change builds a new network (the activation, the data seed, the "
                   "initial weights...), it still starts from the pinned run's weights if the "
                   "layer sizes match, so only that one thing differs.")
    if not pins:
        st.info("Pin this run: it is kept here, and training starts again from the same "
                "initial weights. Change one setting and press Play: the runs appear side by "
                "side, from the same start.")
        return
    runs = list(pins) + [pin(run.session, "now")]
    st.plotly_chart(compare_loss_figure(runs, run.view["log_scale"]), key="compare_loss")
    st.plotly_chart(compare_surfaces_figure(runs), key="compare_surfaces")
    st.dataframe(table(runs), hide_index=True, width="stretch")
