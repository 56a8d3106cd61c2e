"""The room's store: every method on both stores (a real SQLite file, a real
redis-server), and StoreDown when the server is stopped or the file is read-only."""
import os
import signal
import stat
import subprocess
import threading
import time

import pytest

from playground.room import store as store_module
from playground.room.redis_store import RedisStore
from playground.room.sqlite_store import SqliteStore
from playground.room.store import IDLE, SAVE_KEPT, StoreDown, open_store
from tests.rooms import started_redis
from tests.support import require

ROOM = {"name": "maths-1", "key_hash": "ab12", "challenge": None, "frozen": False,
        "closed": False}
BLOB = bytes(range(256)) * 3            # every byte value, NUL and high bytes included


def test_a_room_is_created_once_read_and_updated(store):
    assert store.get_room("maths-1") is None
    assert store.create_room("maths-1", ROOM)
    assert not store.create_room("maths-1", {**ROOM, "key_hash": "other"})
    assert store.get_room("maths-1") == ROOM
    store.update_room("maths-1", {"frozen": True, "setup": {"query": "a=1", "title": "T"}})
    assert store.get_room("maths-1") == {**ROOM, "frozen": True,
                                         "setup": {"query": "a=1", "title": "T"}}
    store.update_room("nowhere", {"frozen": True})          # no room: nothing is made
    assert store.get_room("nowhere") is None


def test_tiles_are_kept_per_student_and_read_since_a_time(store):
    store.create_room("maths-1", ROOM)
    before = time.time()
    store.put_tile("maths-1", "s1", {"nickname": "Ada", "epoch": 1})
    store.put_tile("maths-1", "s2", {"nickname": "Bo", "epoch": 1})
    tiles = store.get_tiles("maths-1")
    assert set(tiles) == {"s1", "s2"} and store.count_students("maths-1") == 2
    assert tiles["s1"]["nickname"] == "Ada" and tiles["s1"]["updated"] >= before
    seen = max(tile["updated"] for tile in tiles.values())
    assert store.get_tiles("maths-1", since=seen) == {}
    store.put_tile("maths-1", "s1", {"nickname": "Ada", "epoch": 2})
    newer = store.get_tiles("maths-1", since=seen)
    assert list(newer) == ["s1"] and newer["s1"]["epoch"] == 2
    assert store.count_students("maths-1") == 2             # replaced, not added
    assert store.get_tiles("other") == {} and store.count_students("other") == 0
    store.delete_tiles("maths-1")
    assert store.get_tiles("maths-1") == {} and store.count_students("maths-1") == 0


def test_submissions_keep_their_order_entries_and_blobs(store):
    store.create_room("maths-1", ROOM)
    ids = [store.add_submission("maths-1", {"score": s, "student": "s1"}, BLOB + bytes([s]))
           for s in (3, 1, 2)]
    assert len(set(ids)) == 3 and all(i.isalnum() for i in ids)
    assert store.get_submissions("maths-1") == [
        {"score": s, "student": "s1", "id": i} for s, i in zip((3, 1, 2), ids)]
    assert store.get_submission_blob("maths-1", ids[1]) == BLOB + bytes([1])
    assert store.get_submission_blob("maths-1", "nope") is None
    assert store.get_submission_blob("other", ids[1]) is None
    store.clear_submissions("maths-1")
    assert store.get_submissions("maths-1") == []
    assert store.get_submission_blob("maths-1", ids[0]) is None


def test_a_students_save_is_replaced_by_the_next(store):
    assert store.get_save("s1") is None
    store.put_save("s1", BLOB, {"room": "maths-1", "nickname": "Ada", "epoch": 10, "saved": 1.5})
    store.put_save("s1", BLOB[::-1], {"room": "", "nickname": "Ada", "epoch": 20, "saved": 2.5})
    blob, meta = store.get_save("s1")
    assert blob == BLOB[::-1] and meta == {"room": "", "nickname": "Ada", "epoch": 20,
                                           "saved": 2.5}
    assert store.get_save("s2") is None


def test_expire_drops_closed_rooms_tiles_and_idle_rooms(store):
    for name in ("open-1", "shut-1"):
        store.create_room(name, ROOM)
        store.put_tile(name, "s1", {"epoch": 1})
        store.add_submission(name, {"score": 1.0}, BLOB)
    store.update_room("shut-1", {"closed": True})
    store.put_save("s1", BLOB, {"epoch": 1})
    assert store.expire(time.time()) == 0
    assert store.get_tiles("shut-1") == {} and len(store.get_submissions("shut-1")) == 1
    assert store.get_room("shut-1")["closed"] and list(store.get_tiles("open-1")) == ["s1"]
    assert store.get_save("s1") is not None
    assert store.expire(time.time() + IDLE + 60) == 2
    for name in ("open-1", "shut-1"):
        assert store.get_room(name) is None and store.get_tiles(name) == {}
        assert store.get_submissions(name) == []
    assert store.get_save("s1") is not None                 # saves outlive rooms
    store.expire(time.time() + SAVE_KEPT + 60)
    assert store.get_save("s1") is None


def test_many_threads_write_at_once(store):
    """The live views' publishers write from their own threads: none is lost."""
    store.create_room("maths-1", ROOM)

    def publish(student):
        for epoch in range(10):
            store.put_tile("maths-1", f"s{student}", {"epoch": epoch})

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tiles = store.get_tiles("maths-1")
    assert len(tiles) == 6 and all(tile["epoch"] == 9 for tile in tiles.values())


def test_open_store_reads_the_one_setting(monkeypatch, tmp_path, redis_server):
    monkeypatch.delenv("NNP_STORE", raising=False)
    monkeypatch.setenv("NNP_DATA_DIR", str(tmp_path / "data"))
    default = open_store()
    assert isinstance(default, SqliteStore) and default.path == tmp_path / "data" / "rooms.sqlite3"
    default.ping()                                          # the directory is made on first use
    assert default.path.exists()
    monkeypatch.delenv("NNP_DATA_DIR")
    assert store_module.data_dir() == store_module.ROOT / ".nnp-data"
    monkeypatch.setenv("NNP_STORE", f"sqlite://{tmp_path}/x.sqlite3")
    assert open_store().path == tmp_path / "x.sqlite3"
    monkeypatch.setenv("NNP_STORE", redis_server)
    chosen = open_store()
    assert isinstance(chosen, RedisStore)
    chosen.ping()
    with pytest.raises(ValueError, match="NNP_STORE must be"):
        open_store("postgres://somewhere/db")


def _every_call(store):
    """Each Store method, called with plain arguments."""
    return {
        "create_room": lambda: store.create_room("maths-2", ROOM),
        "get_room": lambda: store.get_room("maths-1"),
        "update_room": lambda: store.update_room("maths-1", {"frozen": True}),
        "put_tile": lambda: store.put_tile("maths-1", "s1", {"epoch": 3}),
        "get_tiles": lambda: store.get_tiles("maths-1"),
        "delete_tiles": lambda: store.delete_tiles("maths-1"),
        "count_students": lambda: store.count_students("maths-1"),
        "add_submission": lambda: store.add_submission("maths-1", {"score": 1}, BLOB),
        "get_submissions": lambda: store.get_submissions("maths-1"),
        "get_submission_blob": lambda: store.get_submission_blob("maths-1", "x"),
        "clear_submissions": lambda: store.clear_submissions("maths-1"),
        "put_save": lambda: store.put_save("s1", BLOB, {"epoch": 3}),
        "get_save": lambda: store.get_save("s1"),
        "expire": lambda: store.expire(time.time()),
        "ping": store.ping,
    }


def test_a_stopped_redis_server_is_storedown_until_it_is_back(tmp_path_factory):
    server = started_redis(tmp_path_factory)
    try:
        store = RedisStore(server.url)
        store.create_room("maths-1", ROOM)
        server.stop()
        for name, call in _every_call(store).items():
            with pytest.raises(StoreDown, match="cannot be used: it does not answer"):
                call()
        server.start()                  # the same port; empty, since nothing was saved
        for name, call in _every_call(store).items():
            call()
        assert store.get_room("maths-2") == ROOM
    finally:
        server.stop()


def test_a_hung_or_full_redis_server_is_storedown(tmp_path_factory):
    """A server that stops answering costs a caller the socket timeout, never a hang; a
    server out of memory refuses writes, and reads go on."""
    server = started_redis(tmp_path_factory)
    try:
        store = RedisStore(server.url)
        store.create_room("maths-1", ROOM)
        server.proc.send_signal(signal.SIGSTOP)
        try:
            with pytest.raises(StoreDown, match="did not answer in time"):
                store.get_room("maths-1")
        finally:
            server.proc.send_signal(signal.SIGCONT)
        assert store.get_room("maths-1") == ROOM
        store.client.config_set("maxmemory-policy", "noeviction")
        store.client.config_set("maxmemory", 1)          # below what it already uses
        with pytest.raises(StoreDown, match="out of memory"):
            store.put_save("s1", BLOB, {"epoch": 1})
        assert store.get_room("maths-1") == ROOM
        store.client.config_set("maxmemory", 0)
        store.put_save("s1", BLOB, {"epoch": 1})
    finally:
        server.stop()


def _read_only(path, on):
    """Make the file read-only (or writable again). Root ignores file modes, so as root
    the file is also made immutable (chattr), which binds root too."""
    if os.geteuid() == 0:
        require("/usr/bin/chattr", "e2fsprogs", "the read-only store test runs as root")
        subprocess.run(["/usr/bin/chattr", "-i", str(path)], check=True)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH if on else stat.S_IRUSR | stat.S_IWUSR)
    if os.geteuid() == 0 and on:
        subprocess.run(["/usr/bin/chattr", "+i", str(path)], check=True)


def test_a_new_sqlite_file_opened_by_several_threads_at_once_is_never_locked(tmp_path):
    """Its first connections make the schema one at a time: at once, in a new file's
    rollback-journal mode, two deadlocked and SQLite answered one "database is locked"
    (in ~7% of such openings, here; 60 openings of 6 threads)."""
    refused = []
    for trial in range(60):
        store, start = SqliteStore(tmp_path / f"{trial}.sqlite3"), threading.Barrier(6)

        def read():
            start.wait()
            try:
                store.get_room("ml-101")
            except StoreDown as e:
                refused.append(str(e))
        threads = [threading.Thread(target=read) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not refused, refused[:1]


def test_a_read_only_sqlite_file_is_storedown_for_writes_only(tmp_path):
    path = tmp_path / "rooms.sqlite3"
    writer = SqliteStore(path)
    writer.create_room("maths-1", ROOM)
    writer.put_tile("maths-1", "s1", {"epoch": 3})
    writer.close()
    _read_only(path, True)
    try:
        store = SqliteStore(path)
        assert store.get_room("maths-1") == ROOM
        assert list(store.get_tiles("maths-1")) == ["s1"]
        for name in ("create_room", "update_room", "put_tile", "add_submission", "put_save"):
            with pytest.raises(StoreDown, match="cannot be written"):
                _every_call(store)[name]()
        assert store.get_room("maths-1") == ROOM            # reads still work after a refusal
    finally:
        _read_only(path, False)
    store.put_tile("maths-1", "s2", {"epoch": 4})           # writable again: it carries on
    assert store.count_students("maths-1") == 2
