"""A plain `streamlit run streamlit_app.py` (the README's first command) listens on this
machine only, so a learner on a café's network exposes nothing; it prints its localhost
URL and no Network or External URL. (A hosted demo asks for all interfaces:
--server.address 0.0.0.0.)"""
import subprocess
import sys
import time

from tests.support import ROOT
from tools.appserver import free_port, healthy, stop
from tools.procstat import listening_sockets

LOOPBACK = {"127.0.0.1", "::1"}


def test_a_local_run_listens_on_loopback_only_and_shows_no_network_url(tmp_path):
    port = free_port()
    log = tmp_path / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                                 "--server.port", str(port)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not healthy(f"http://127.0.0.1:{port}"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        addresses = {address for address, _ in listening_sockets(port)}
        deadline = time.monotonic() + 30      # Streamlit prints its URLs just after it listens
        while f"URL: http://localhost:{port}" not in log.read_text() and \
                time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop(proc)
    assert addresses and addresses <= LOOPBACK, addresses
    text = log.read_text()
    assert f"URL: http://localhost:{port}" in text, text
    assert "Network URL" not in text and "External URL" not in text, text
