"""The baseline for bench_app.py: the plain way to animate training in Streamlit, a timed
fragment that re-sends an st.plotly_chart figure on every tick. Same core, same network
(moons, 2-8-8-1 tanh), same surface figure as the playground; only the delivery differs."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from playground import Config  # noqa: E402
from playground.figures.charts import surface_figure  # noqa: E402
from ui.live.playback import DEFAULT_SPEED, GRID  # noqa: E402
from playground.session import TrainingSession  # noqa: E402

if "session" not in st.session_state:
    st.session_state.session = TrainingSession(Config())
    st.session_state.running = False

st.button("Play", on_click=lambda: st.session_state.update(running=True))
st.button("Pause", on_click=lambda: st.session_state.update(running=False))


@st.fragment(run_every=0.05 if st.session_state.running else None)
def live():
    s = st.session_state.session
    if st.session_state.running:
        s.advance(DEFAULT_SPEED, deadline=None)
    st.markdown(f"Epoch {s.epoch:,}")
    st.plotly_chart(surface_figure(s.surface(GRID), s.bounds, s.data), key="surface")


live()
