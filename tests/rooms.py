"""Fixtures for the room's stores, both for real: a SQLite file in tmp_path, and Debian's
redis-server started on a free port for the test session (no persistence: --save ''
--appendonly no) and stopped after it. Without redis-server the Redis tests skip, except
in CI (tests/support.py's require()), where they fail."""
import subprocess
import time

import pytest
import redis

from playground.room.redis_store import RedisStore
from playground.room.sqlite_store import SqliteStore
from tests.support import require
from tools.appserver import free_port, stop

REDIS_SERVER = "/usr/bin/redis-server"
PATIENCE_S = 30         # how long a starting redis-server may take to answer


class RedisServer:
    """A redis-server subprocess on one port, which a test may stop and start again."""

    def __init__(self, workdir):
        self.port, self.workdir, self.proc = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + PATIENCE_S
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert self.proc.poll() is None, f"redis-server exited ({self.proc.returncode})"
                assert time.monotonic() < deadline, f"redis-server silent for {PATIENCE_S} s"
                time.sleep(0.05)

    def stop(self):
        stop(self.proc)


def started_redis(tmp_path_factory):
    require(REDIS_SERVER, "redis-server", "the Redis store's tests need it")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    return server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """The URL of a redis-server running for the whole test session."""
    server = started_redis(tmp_path_factory)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def sqlite_store(tmp_path):
    store = SqliteStore(tmp_path / "rooms.sqlite3")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    """Each store in turn, empty."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_store")
        return
    store = RedisStore(request.getfixturevalue("redis_server"))
    store.client.flushdb()
    yield store
    store.client.close()
