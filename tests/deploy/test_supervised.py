"""deploy/'s replicas under supervisord (issue 19, item 8).

Starts deploy/start_replicas.sh 2 on free ports and checks:
- the pid each `replica rK pid P port Q` line names is that replica's own streamlit
  process (what supervisord reports, serving port Q), not a wrapper around it;
- after SIGKILL of one replica, while it is down, nginx serves its browsers from the
  other replica: its cookie's requests and a new websocket session there succeed, and
  the other replica's session keeps playing; supervisord restarts the killed replica,
  a new pid answering its own /_stcore/health, within RESTART_S of the kill.
Skips without nginx or supervisord, except in CI (CI=true), where that is a failure.
"""
import asyncio
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.deploy.replicas import free_ports, get, playing_session
from tests.support import require
from tools.appserver import healthy
from tools.deploy import start_deployment
from tools.livesession import LiveSession
from tools.stclient import run_async

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SUPERVISORD = shutil.which("supervisord") or "/usr/bin/supervisord"
RESTART_S = 10          # issue 19: a replica that dies is back within 10 s


def setup_module():
    require(NGINX, "nginx", "the deploy tests need it")
    require(SUPERVISORD, "supervisor", "deploy/ runs its replicas under it")


@pytest.fixture
def deployment(tmp_path):
    env = dict(os.environ, NNP_DATA_DIR=str(tmp_path))     # the rooms' store: this test's own
    d = start_deployment(2, free_ports(3), env=env)
    try:
        yield d
    finally:
        assert d.stop() == 143


def test_the_printed_pids_are_the_replicas_streamlit_processes(deployment):
    for name, (pid, port) in deployment.replicas.items():
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"streamlit" in argv and str(port).encode() in argv, (name, argv)
        assert deployment.replica_pid(name) == pid


def test_a_killed_replica_is_restarted_while_nginx_serves_its_browsers(deployment):
    run_async(kill_and_watch(deployment))


async def kill_and_watch(deployment):
    url = deployment.url
    kept, doomed = sorted(deployment.replicas)
    pid, port = deployment.replicas[doomed]
    a = await playing_session(url, kept)
    b = await playing_session(url, doomed)
    again = LiveSession(url, cookies={"nnp_replica": doomed})
    try:
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        await b.wait_for(lambda: b.error is not None, 10, "the dead replica's websocket to close")

        # Meanwhile (it is still down): its browsers are served by the other replica.
        down = not healthy(f"http://127.0.0.1:{port}")
        status, headers, _ = get(url, "/_stcore/health", doomed)
        assert down, "the replica was back before its browsers' failover could be checked"
        assert status == 200 and headers["X-Replica"] == kept
        await again.open()
        assert again.headers["x-replica"] == kept
        await again.wait_for(lambda: again.first_surface is not None, 30, "first surface")
        epoch = a.epoch
        await a.wait_for(lambda: a.epoch > epoch, 10, "the other replica's run to go on")

        # supervisord brings the killed replica back: a new process, healthy.
        while not deployment.restarted(doomed, pid):
            assert time.monotonic() - killed < RESTART_S, (
                f"replica {doomed} not back {RESTART_S} s after SIGKILL")
            await asyncio.sleep(0.2)
        new = deployment.replica_pid(doomed)
        argv = Path(f"/proc/{new}/cmdline").read_bytes().split(b"\0")
        assert b"streamlit" in argv and str(port).encode() in argv
        assert a.error is None
    finally:
        for session in (a, b, again):
            await session.close()
