"""Learning-rate finder: one click sweeps the rate on a copy of the run, "Use this" sets it."""
import streamlit as st

from playground.figures.lrfinder import lrfinder_figure
from playground.teach import lrfinder
from ui.state import app_state, current_run


def _find():
    run = current_run()
    app_state().lrfind = (run.mount, run.session.epoch, lrfinder.sweep(run.session))


def _use(lr):
    st.session_state["lr"] = lr       # the app then retunes the run and says so


def lrfinder_ui(run):
    s = run.session
    st.markdown(
        f"Trains a **copy** of this network for up to {lrfinder.STEPS} epochs while the learning "
        f"rate grows from {lrfinder.LOW:g} to {lrfinder.HIGH:g}, and plots the loss. Where the "
        "curve falls fastest is a good rate; where it turns up, the rate is too high. Your run "
        "is not touched.")
    st.button("Find a learning rate", key="lrfind_go", on_click=_find, type="primary",
              icon=":material/query_stats:",
              help="Sweep the rate geometrically from the current weights, on a copy, with "
                   "this run's optimizer, batch size and loss. Takes well under a second.")
    found = app_state().lrfind
    if not found or found[0] != run.mount:
        st.caption("Nothing swept yet for this network.")
        return
    _, epoch, sweep = found
    st.plotly_chart(lrfinder_figure(sweep, s.config.lr), key="lrfind_chart",
                    config={"displaylogo": False})
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    c1.button(f"Use this: {sweep.suggestion:g}", key="lrfind_use", on_click=_use,
              args=(sweep.suggestion,), icon=":material/check:",
              help="Set the learning rate control to the steepest point's rate. Training "
                   "continues from the current weights with it.")
    c2.caption(f"Swept from epoch {epoch:,} over {len(sweep.lrs)} epochs"
               + (" (stopped early: the loss blew up)" if len(sweep.lrs) < lrfinder.STEPS else "")
               + ". The steepest point is a starting guess: a rate a little below it is safer.")
