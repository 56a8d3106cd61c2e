"""The live view: a Streamlit v2 component that keeps its Plotly graphs mounted and is
fed batches of frames by a timed fragment while training plays."""
from pathlib import Path

import streamlit as st

from ui.live.playback import tick_seconds
from ui.state import app_state

HERE = Path(__file__).parent
# plotly.js's "cartesian" bundle from npm (MIT; scatter, heatmap and friends), the same
# version plotly.py 7.1 ships in full. Streamlit serves static/ (enableStaticServing);
# the page loads it once by URL. It is a third of the full bundle and parses 3x faster,
# which is most of the time to the first drawn surface.
PLOTLY_JS = "plotly-cartesian-4.1.1.min.js"

live_view = st.components.v2.component(
    "nnp_live", js=(HERE / "live.js").read_text(), css=(HERE / "live.css").read_text(),
    isolate_styles=False)


def plotly_url():
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/{PLOTLY_JS}" if base else f"/app/static/{PLOTLY_JS}"


def _resync():
    st.session_state["run"].resync()


def _event(name, default=None):
    """This run's value of one of the live view's events."""
    state = st.session_state.get("live")
    return getattr(state, name, None) if state is not None else default


def _visibility():
    st.session_state["run"].set_visible(_event("visible") is not False)


def _point():
    from ui.panels.your_data import on_point_click
    where = _event("point")
    if isinstance(where, dict) and {"x1", "x2"} <= set(where):
        on_point_click(where["x1"], where["x2"])


def live_ui(speed):
    """Draw the live view; while playing it reruns every tick, training as it goes."""
    run = st.session_state["run"]
    run.interval = tick_seconds()       # longer when many sessions play on this server

    @st.fragment(run_every=run.interval if run.running else None)
    def live():
        run = st.session_state["run"]
        was_running = run.running
        if run.running:
            run.tick(st.session_state.get("speed", speed))
        clickable = st.session_state.get("click_mode", "off") != "off"
        live_view(data=run.payload(plotly_url(), clickable), key="live",
                  on_resync_change=_resync, on_visible_change=_visibility, on_point_change=_point)
        crowd_changed = run.running and not 0.5 < tick_seconds() / run.interval < 2
        if (was_running and not run.running) or app_state().needs_full_run() \
                or crowd_changed:
            st.rerun()          # stopped, new points, or a new tick for the crowd: a full run

    live()
