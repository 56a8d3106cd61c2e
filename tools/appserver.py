"""Start the app as a real server, for the browser tests, the benchmarks and the
screenshots: one way to do it, so they all measure the same thing."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"          # Debian's; never `playwright install`
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url, path="/_stcore/health"):
    try:
        with urllib.request.urlopen(url.rstrip("/") + path, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(port, log_path=os.devnull, options=(), script="streamlit_app.py", timeout=60,
                 env=None):
    """`streamlit run <script>` on 127.0.0.1:port (headless, no usage statistics, one BLAS
    thread); returns the Popen once healthy, else raises RuntimeError naming the log.
    options: extra ("section.name", "value") pairs for Streamlit's command line;
    env: extra environment variables (NNP_STORE, for a test's own room store)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", **(env or {}))
    extra = [arg for name, value in options for arg in (f"--{name}", value)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while not healthy(f"http://127.0.0.1:{port}"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"streamlit did not start (see {log_path})")
        time.sleep(0.1)
    return proc


def stop(proc, timeout=10):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
