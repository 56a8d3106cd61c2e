"""What a crowd of sessions does in the load test and the load smoke tests: each
session's own settings, and how a browser page reports its first surface and progress.
(The pieces live by job: tools/deploy.py starts replicas behind nginx, tools/procstat.py
reads /proc, tools/stclient.py speaks Streamlit's websocket protocol and
tools/livesession.py watches the live view over it.)"""

# The page as a browser shows it: its first surface, the surfaces shown, the epoch.
from tools.pagewatch import FIRST_SURFACE, READ_PAGE, WATCH as FIRST_PAINT  # noqa: E402,F401

DATASETS = ("moons", "circles", "xor-cloud", "spiral", "gaussians")
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)   # none diverges: every session plays on


def session_query(i):
    """Session i's own settings, as a URL query (without the '?')."""
    return f"lr={LEARNING_RATES[i % len(LEARNING_RATES)]}&dataset={DATASETS[i % len(DATASETS)]}"
