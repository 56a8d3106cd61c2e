"""The live view: a Streamlit v2 component that keeps its Plotly graphs mounted and is
fed batches of frames by a timed fragment while training plays."""
import os
import shutil
from pathlib import Path

import plotly
import streamlit as st

from playground.playback import TICK_SECONDS

HERE = Path(__file__).parent
STATIC = HERE.parent / "static"

live_view = st.components.v2.component(
    "nnp_live", js=(HERE / "live.js").read_text(), css=(HERE / "live.css").read_text(),
    isolate_styles=False)


def publish_plotly():
    """Copy plotly.js from the plotly package into static/, which Streamlit serves, so the
    page loads it once by URL (inlining it would resend 4.6 MB with every update)."""
    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = STATIC / "plotly.min.js"
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        STATIC.mkdir(exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def plotly_url():
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/plotly.min.js" if base else "/app/static/plotly.min.js"


def _resync():
    st.session_state["run"].resync()


def live_ui(speed):
    """Draw the live view; while playing it reruns every tick, training as it goes."""
    running = st.session_state["run"].running

    @st.fragment(run_every=TICK_SECONDS if running else None)
    def live():
        run = st.session_state["run"]
        was_running = run.running
        if run.running:
            run.tick(st.session_state.get("speed", speed))
        live_view(data=run.payload(plotly_url()), key="live", on_resync_change=_resync)
        if was_running and not run.running:
            st.rerun()                  # stopped by itself: turn the timer off

    live()
