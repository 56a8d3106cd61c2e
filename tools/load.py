"""What a crowd of sessions does in the load test and the load smoke tests: each
session's own settings, and how a browser page reports its first surface and progress.
(The pieces live by job: tools/deploy.py starts replicas behind nginx, tools/procstat.py
reads /proc, tools/stclient.py speaks Streamlit's websocket protocol and
tools/livesession.py watches the live view over it.)"""

DATASETS = ("moons", "circles", "xor-cloud", "spiral", "gaussians")
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)   # none diverges: every session plays on

# Notes the first surface's time (ms since navigation) when live.js first counts a paint.
FIRST_PAINT = """
(() => {
  let painted = 0;
  Object.defineProperty(window, "__nnpPainted", {
    configurable: true,
    get() { return painted; },
    set(v) { if (!window.__nnpFirstPaint && v >= 1) window.__nnpFirstPaint = performance.now();
             painted = v; },
  });
})();
"""
READ_PAGE = """() => {
  const e = document.querySelector('.nnp-epoch');
  return {epoch: e ? Number(e.dataset.epoch || 0) : 0, painted: window.__nnpPainted || 0};
}"""


def session_query(i):
    """Session i's own settings, as a URL query (without the '?')."""
    return f"lr={LEARNING_RATES[i % len(LEARNING_RATES)]}&dataset={DATASETS[i % len(DATASETS)]}"
