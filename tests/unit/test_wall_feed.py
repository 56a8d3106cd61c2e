"""The wall's feed against both real stores (a SQLite file, a redis-server): what each
poll sends the page, and what it says when the store does not answer."""
import base64
import time

import pytest

from playground.room import service
from playground.room.redis_store import RedisStore
from playground.room.rules import Challenge
from tests.rooms import own_limiters, started_redis
from ui.wall.feed import FULL_S, SHOWN, WallFeed

ROOM = "wall-test"



@pytest.fixture
def room(store):
    """A room with a challenge in each store in turn (tests/rooms.py's `store`)."""
    key = service.create_room(store, ROOM, Challenge(dataset="moons", max_units=8,
                                                     score="test_accuracy"), limiters=own_limiters())
    return store, key


def tile(n, epoch=10):
    return {"nickname": f"Student {n}", "epoch": epoch, "test_loss": 0.5, "accuracy": 0.75,
            "r2": None, "setup": "dataset=moons", "picture": base64.b64encode(b"png").decode(),
            "loss": [[0, 0.7], [epoch, 0.5]], "params": 17, "playing": True}


def test_first_poll_sends_every_tile_then_only_the_changed(room):
    store, _ = room
    for n in range(3):
        store.put_tile(ROOM, f"s{n}", tile(n))
    feed, now = WallFeed(ROOM, repeat_s=0.0), time.time()
    first = feed.poll(lambda: store, now)
    assert first["full"] and sorted(first["tiles"]) == ["s0", "s1", "s2"]
    assert feed.poll(lambda: store, now + 1)["tiles"] == {}
    store.put_tile(ROOM, "s1", tile(1, epoch=20))
    later = feed.poll(lambda: store, now + 2)
    assert not later["full"] and list(later["tiles"]) == ["s1"]
    assert later["tiles"]["s1"]["epoch"] == 20


def test_recent_tiles_are_sent_again_and_all_of_them_after_a_while(room):
    """A payload the page missed is made good by the next one; every FULL_S all go."""
    store, _ = room
    for n in range(2):
        store.put_tile(ROOM, f"s{n}", tile(n))
    feed, now = WallFeed(ROOM), time.time()
    feed.poll(lambda: store, now)
    assert sorted(feed.poll(lambda: store, now + 1)["tiles"]) == ["s0", "s1"]
    full = feed.poll(lambda: store, now + FULL_S + 1)
    assert full["full"] and sorted(full["tiles"]) == ["s0", "s1"]


def test_only_the_tile_in_spotlight_carries_its_loss_curve(room):
    store, _ = room
    for n in range(2):
        store.put_tile(ROOM, f"s{n}", tile(n))
    feed, now = WallFeed(ROOM), time.time()
    assert all(t["loss"] is None for t in feed.poll(lambda: store, now)["tiles"].values())
    chosen = feed.poll(lambda: store, now + 1, spot="s1")
    assert chosen["full"] and sorted(chosen["tiles"]) == ["s0", "s1"]     # at once, all
    assert chosen["tiles"]["s1"]["loss"] == [[0, 0.7], [10, 0.5]]
    assert chosen["tiles"]["s0"]["loss"] is None
    sent = chosen["tiles"]["s0"]
    assert set(sent) == {*SHOWN, "loss"} and "setup" not in sent        # what the page reads
    assert all(sent[k] == v for k, v in tile(0).items() if k in SHOWN)
    assert not feed.poll(lambda: store, now + 2, spot="s1")["full"]


def test_the_challenge_and_the_leaderboard_as_the_service_ranks_it(room):
    store, _ = room
    entries = [("Ada", 0.80, 40), ("Bo", 0.90, 60), ("Cy", 0.90, 30), ("Ada", 0.85, 40)]
    for nick, score, params in entries:
        store.add_submission(ROOM, {"student": nick.lower(), "nickname": nick, "score": score,
                                    "metric": "test_accuracy", "params": params, "epoch": 10,
                                    "submitted": time.time()}, b"run")
    payload = WallFeed(ROOM).poll(lambda: store, time.time())
    ranked = service.leaderboard(store, ROOM)
    assert [r["nickname"] for r in payload["board"]] == ["Cy", "Bo", "Ada"]
    assert payload["board"] == [{"nickname": e["nickname"], "score": e["score"],
                                 "params": e["params"], "run": e["id"]} for e in ranked]
    assert payload["board"][2]["score"] == 0.85                        # Ada's best
    assert payload["score"] == "test accuracy"
    assert payload["challenge"] == "moons · at most 8 hidden units"


def test_an_unknown_or_closed_room_is_one_sentence(room):
    store, key = room
    unknown = WallFeed("no-such-room").poll(lambda: store, 0)
    assert unknown == "There is no room called no-such-room; it may have expired."
    service.close(store, ROOM, key)
    assert WallFeed(ROOM).poll(lambda: store, 0) == f"The room {ROOM} is closed."


def said_down_and_back(store, take_away, give_back):
    """The feed says since when the store is gone, keeps the room's words, and clears
    the sentence once the store answers again."""
    store.put_tile(ROOM, "s0", tile(0))
    feed, now = WallFeed(ROOM), time.time()
    assert feed.poll(lambda: store, now)["down"] == ""
    take_away()
    try:
        down = feed.poll(lambda: store, now + 1)
        assert down["down"] == ("The room's store is unreachable since "
                                f"{time.strftime('%H:%M', time.localtime(now + 1))}.")
        assert down["tiles"] == {} and down["challenge"] == "moons · at most 8 hidden units"
        assert feed.poll(lambda: store, now + 2)["down"] == down["down"]      # since the first
    finally:
        give_back()
    back = feed.poll(lambda: store, now + 3)
    assert back["down"] == "" and "s0" in back["tiles"]


def test_a_sqlite_file_gone_is_said_and_the_wall_recovers(sqlite_store):
    """The file made unreadable for real (a directory in its place), then put back."""
    service.create_room(sqlite_store, ROOM, Challenge(dataset="moons", max_units=8),
                        limiters=own_limiters())
    path = sqlite_store.path
    away = path.with_name("away.sqlite3")

    def take_away():
        sqlite_store.close()
        path.rename(away)
        path.mkdir()

    def give_back():
        path.rmdir()
        away.rename(path)
    said_down_and_back(sqlite_store, take_away, give_back)


def test_a_redis_server_stopped_is_said_and_the_wall_recovers(tmp_path_factory):
    """redis-server stopped for real and started again (without persistence, as
    tests/rooms.py runs it: so the room and the tile are written anew)."""
    server = started_redis(tmp_path_factory)
    store = RedisStore(server.url)

    def room_again():
        service.create_room(store, ROOM, Challenge(dataset="moons", max_units=8),
                            limiters=own_limiters())
        store.put_tile(ROOM, "s0", tile(0))

    def give_back():
        server.start()
        room_again()
    try:
        room_again()
        said_down_and_back(store, server.stop, give_back)
    finally:
        server.stop()
