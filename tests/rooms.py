"""Fixtures for the room's stores, both for real: a SQLite file in tmp_path, and Debian's
redis-server started on a free port for the test session (no persistence: --save ''
--appendonly no) and stopped after it. Without redis-server the Redis tests skip, except
in CI (tests/support.py's require()), where they fail."""
import pytest

from playground.room.redis_store import RedisStore
from playground.room.service import Limiter
from playground.room.sqlite_store import SqliteStore
from tests.support import require
from tools.redisserver import REDIS_SERVER, RedisServer


def own_limiters():
    """Room-making limiters of a test's own, for service.create_room(limiters=...): the
    process's allow a burst of 30, which a whole test run would use up."""
    return Limiter(), Limiter()


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
