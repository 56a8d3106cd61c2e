"""deploy/: two Streamlit replicas behind nginx, with sticky sessions and failover.

Starts deploy/start_replicas.sh 2 on free ports and checks, through nginx:
- /healthz answers (it proxies a replica's /_stcore/health);
- a first visit gets a cookie naming the replica that answered; every request carrying
  it (pages, assets, health, the websocket) lands on that replica (X-Replica header, and
  nginx's access log: the upstream address of every request with that cookie);
- first visits without a cookie are spread over both replicas (round-robin);
- nginx names itself without its version, and Streamlit's /_stcore/metrics answers only
  this machine (127.0.0.1; 403 from 127.0.0.2, which stands in for another machine);
- a websocket session (LiveSession, Streamlit's protocol) plays on its pinned replica;
- after SIGKILL of one replica: sessions pinned to the other keep playing on their open
  websocket and their requests still succeed there; the dead replica's open websocket
  closes; its cookie's next requests fail over to the live replica and are re-pinned
  to it (Set-Cookie), and a new session there starts afresh from epoch 0 (the old
  state died with its process; supervisord restarting the replica: test_supervised.py);
- SIGTERM to the script stops nginx, supervisord and every replica and removes its
  directory;
- the replicas run on the interpreter that starts the script (not PATH's python3), and a
  replica that cannot start is named, with why, in one line.
Skips without nginx, except in CI (CI=true), where that is a failure.
"""
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.deploy.replicas import alive, free_ports, get, pinned_to, playing_session
from tests.support import require
from tools.deploy import DeployError, start_deployment
from tools.livesession import LiveSession
from tools.stclient import run_async

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def setup_module():
    require(NGINX, "nginx", "the deploy tests need it")


@pytest.fixture(scope="module")
def deployment():
    d = start_deployment(2, free_ports(3), env=dict(os.environ, NNP_FAIL_TIMEOUT="30s"))
    try:
        yield d
    finally:
        d.stop()


def test_healthz_answers_through_nginx(deployment):
    status, headers, body = get(deployment.url, "/healthz")
    assert (status, body) == (200, b"ok")
    assert headers["X-Replica"] in deployment.replicas
    assert pinned_to(headers) is None              # a probe is not a session


def test_a_first_visit_is_pinned_and_its_requests_stay_on_that_replica(deployment):
    status, headers, body = get(deployment.url, "/")
    assert status == 200 and b"<html" in body.lower()
    replica = pinned_to(headers)
    assert replica in deployment.replicas and headers["X-Replica"] == replica
    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("nnp_replica="))
    assert "Path=/" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    for path in ["/", "/_stcore/health", "/_stcore/host-config",
                 "/app/static/plotly-cartesian-4.1.1.min.js"] * 3:
        status, headers, _ = get(deployment.url, path, replica)
        assert status == 200, path
        assert headers["X-Replica"] == replica and pinned_to(headers) == replica, path
    port = deployment.replicas[replica][1]
    logged = access_log(deployment, f"cookie={replica} ", 12)
    assert len(logged) >= 12
    assert all(f"upstream=127.0.0.1:{port} " in line for line in logged)


def access_log(deployment, marker, count, timeout=5):
    """nginx's access log lines containing `marker`, once there are `count` (nginx writes
    a line just after the response has gone out, so the last one may lag a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in Path(deployment.dir, "access.log").read_text().splitlines()
                 if marker in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_first_visits_without_a_cookie_are_spread_over_the_replicas(deployment):
    seen = {pinned_to(get(deployment.url, "/")[1]) for _ in range(6)}
    assert seen == set(deployment.replicas)


# -- what the proxy shows the world ------------------------------------------------------
def test_nginx_names_itself_without_its_version(deployment):
    for path in ("/healthz", "/", "/no-such-page"):
        assert get(deployment.url, path)[1]["Server"] == "nginx", path


def test_streamlits_metrics_answer_only_this_machine(deployment):
    assert get(deployment.url, "/_stcore/metrics")[0] == 200
    assert get(deployment.url, "/_stcore/metrics", source="127.0.0.2")[0] == 403
    assert get(deployment.url, "/healthz", source="127.0.0.2")[0] == 200    # the rest: anyone


def test_sessions_play_pinned_and_the_survivor_keeps_playing_when_a_replica_dies(deployment):
    run_async(kill_one_replica(deployment))


async def kill_one_replica(deployment):
    url = deployment.url
    kept, doomed = sorted(deployment.replicas)
    a = await playing_session(url, kept)
    b = await playing_session(url, doomed)
    try:
        assert a.headers["x-replica"] == kept and b.headers["x-replica"] == doomed
        assert a.running and b.running

        os.kill(deployment.replicas[doomed][0], signal.SIGKILL)
        await b.wait_for(lambda: b.error is not None, 10, "the dead replica's websocket to close")
        assert a.error is None

        # The survivor's session goes on: more frames on its open websocket.
        epoch = a.epoch
        await a.wait_for(lambda: a.epoch > epoch, 10, "the survivor to keep training")
        for _ in range(3):
            status, headers, _ = get(url, "/", kept)
            assert status == 200 and headers["X-Replica"] == kept

        # The dead replica's cookie fails over to the survivor and is re-pinned there.
        status, headers, _ = get(url, "/_stcore/health", doomed)
        assert status == 200 and headers["X-Replica"] == kept and pinned_to(headers) == kept
        status, headers, _ = get(url, "/healthz")
        assert status == 200 and headers["X-Replica"] == kept

        # Its page reconnects: a new session on the survivor, from the start.
        again = LiveSession(url, cookies={"nnp_replica": doomed})
        await again.open()
        try:
            assert again.headers["x-replica"] == kept
            await again.wait_for(lambda: again.first_surface is not None, 30, "first surface")
            assert again.epoch == 0 and not again.running
        finally:
            await again.close()
        assert a.error is None and a.epoch > epoch
    finally:
        await a.close()
        await b.close()

def test_sigterm_stops_nginx_and_every_replica(deployment):
    pids = deployment.pids
    assert deployment.stop() == 143                 # the script's exit code for SIGTERM
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if alive(pid)]
    assert not Path(deployment.dir).exists()





# -- starting: which interpreter, and why it failed ---------------------------------------
def fake_python(folder, name="python3"):
    """An executable `name` in `folder` that is no Python with Streamlit: it says so, as a
    venv's interpreter without Streamlit would, and fails."""
    path = Path(folder, name)
    path.write_text("#!/bin/sh\necho \"$0: No module named streamlit\" >&2\nexit 1\n")
    path.chmod(0o755)
    return path


def test_the_replicas_run_on_the_interpreter_that_starts_them(tmp_path):
    fake_python(tmp_path)            # first on PATH: a python3 without Streamlit
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}")
    d = start_deployment(1, free_ports(2), env=env)
    try:
        status, headers, _ = get(d.url, "/healthz")
        assert status == 200 and headers["X-Replica"] == "r1"
    finally:
        assert d.stop() == 143


def test_a_replica_that_cannot_start_is_named_in_one_line(tmp_path):
    with pytest.raises(DeployError) as failed:
        start_deployment(1, free_ports(2), python=fake_python(tmp_path, "python-without-st"))
    message = str(failed.value)
    assert "\n" not in message
    assert message == ("deploy/start_replicas.sh failed: replica r1 exited: "
                       f"{tmp_path}/python-without-st: No module named streamlit")
    assert "its log:" in failed.value.output
