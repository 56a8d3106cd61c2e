"""Several machines, simulated (issue 19, item 10): two deployments of deploy/, each its
own nginx and replica on its own ports (B's nginx on 127.0.0.2, standing in for another
machine's address), sharing one real redis-server through NNP_STORE.

- a student playing in a room on deployment A publishes their tile, and deployment B's
  wall (`?room=NAME&wall=1`, read over Streamlit's own websocket) shows it;
- when A's replica dies (SIGKILL), the student's page reaching B with the same browser
  token gets their own run back there, at the epoch of their last save or later.
Skips without nginx, supervisord or redis-server, except in CI (CI=true), where that is
a failure.
"""
import asyncio
import json
import os
import secrets
import shutil
import signal

import pytest

from playground.room import service
from playground.room.redis_store import RedisStore
from tests.deploy.replicas import free_ports
from tests.support import require
from tools.deploy import start_deployment
from tools.livesession import LiveSession
from tools.stclient import StreamlitSession, run_async

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SUPERVISORD = shutil.which("supervisord") or "/usr/bin/supervisord"
ROOM = "two-machines"


def setup_module():
    require(NGINX, "nginx", "the deploy tests need it")
    require(SUPERVISORD, "supervisor", "deploy/ runs its replicas under it")


@pytest.fixture
def machines(redis_server):
    """Deployments A and B, one replica each, both with NNP_STORE = the redis-server."""
    store = RedisStore(redis_server)
    store.client.flushdb()
    started = []
    try:
        for listen in ("127.0.0.1", "127.0.0.2"):
            env = dict(os.environ, NNP_STORE=redis_server, NNP_LISTEN=listen)
            started.append(start_deployment(1, free_ports(2), env=env))
        yield store, *started
    finally:
        for d in started:
            d.stop()
        store.client.close()


class WallSession(StreamlitSession):
    """A wall page over the websocket: every tile its payloads carried, by student id."""
    component = "nnp_wall"
    read = staticmethod(json.loads)

    def __init__(self, base_url, room):
        super().__init__(base_url, f"room={room}&wall=1")
        self.tiles = {}

    def on_component(self, data):
        if isinstance(data, dict) and isinstance(data.get("tiles"), dict):
            self.tiles.update(data["tiles"])


def test_a_tile_from_machine_a_shows_on_b_and_the_run_resumes_there(machines):
    store, a, b = machines
    assert b.url.startswith("http://127.0.0.2:")
    service.create_room(store, ROOM)
    run_async(play_on_a_then_b(store, a, b))


async def play_on_a_then_b(store, a, b):
    token = secrets.token_hex(16)
    me = service.student_id(token)
    student = LiveSession(a.url, f"room={ROOM}&dataset=moons", token=token)
    wall = WallSession(b.url, ROOM)
    again = LiveSession(b.url, f"room={ROOM}&dataset=moons", token=token)
    try:
        await student.open()
        await student.wait_for(lambda: student.first_surface is not None, 60, "first surface")
        await student.press("play")
        await student.wait_for(lambda: student.epoch > 0, 30, "training on A")

        await wall.open()
        await wall.wait_for(lambda: wall.tiles.get(me, {}).get("epoch", 0) > 0, 30,
                            "A's student's tile on B's wall")

        await student.wait_for(lambda: saved_epoch(store, me) > 0, 30, "a save")
        os.kill(a.replicas["r1"][0], signal.SIGKILL)
        await student.wait_for(lambda: student.error is not None, 10, "A's websocket to close")
        saved = saved_epoch(store, me)              # A saves no more: its replica is dead

        await again.open()                          # the same browser, now reaching B
        await again.wait_for(lambda: again.epoch >= saved > 0, 30, "the run back on B")
        assert not again.running                    # back where it was saved, paused
    finally:
        await asyncio.gather(student.close(), wall.close(), again.close())


def saved_epoch(store, student):
    """The epoch of the student's last save in the store, 0 for none."""
    found = store.get_save(service.save_key(ROOM, student))
    return found[1]["epoch"] if found else 0
