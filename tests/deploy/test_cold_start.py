"""A cold server's first pages, opened together: each gets its surface and then its
figures, and none raises. Pandas is no longer imported up front (it held every first
surface back 1-2 s) but before the first figure (ui/live/playback.py before_plotly):
sessions that build figures while another session's thread is still importing it must
wait for it, not see it half made (Plotly reads pandas from sys.modules)."""
import asyncio
import subprocess
import sys

from tests.support import ROOT
from tools.appserver import free_port, start_server, stop
from tools.livesession import LiveSession
from tools.stclient import run_async
from ui.live.schema import TRIGGERS

SESSIONS = 8
FIGURES = {"points", "loss", "diagram"}
HAVE = "have"
assert HAVE in TRIGGERS


async def first_page(url):
    """Open, wait for the surface, say the page holds nothing (as live.js does once
    Plotly has loaded), and wait until every figure has come."""
    s = LiveSession(url)
    got = set()
    on_component = s.on_component

    def collect(data):
        got.update((data.get("specs") or {}) if isinstance(data, dict) else ())
        on_component(data)
    s.on_component = collect
    try:
        await s.open(timeout=120)
        await s.wait_for(lambda: s.first_surface is not None, 180, "the first surface")
        await s.trigger(HAVE, {"has": {}, "at": 0})
        await s.wait_for(lambda: FIGURES <= got, 180, "the figures")
    finally:
        await s.close()


def test_a_cold_servers_first_pages_together_get_surface_and_figures(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    server = start_server(port, log)
    try:
        async def together():
            await asyncio.gather(*(first_page(f"http://127.0.0.1:{port}")
                                   for _ in range(SESSIONS)))
        run_async(together())
    finally:
        stop(server)
    text = log.read_text(errors="replace")
    assert "partially initialized" not in text and "Traceback" not in text, text[-3000:]


def test_the_first_run_imports_no_pandas():
    """The first surface waits for nothing it does not need: pandas (1-2 s cold) comes
    with the first figure. A fresh interpreter: this one may hold pandas already."""
    code = ("import sys; from streamlit.testing.v1 import AppTest; "
            "at = AppTest.from_file('streamlit_app.py', default_timeout=120); at.run(); "
            "assert not at.exception, at.exception; "
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout
