"""The wall's feed against a real SQLite store: what each poll sends the page."""
import base64
import time

import pytest

from playground.room.rules import Challenge
from playground.room.store import open_store
from ui.wall.feed import FULL_S, WallFeed

ROOM = "wall-test"


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/rooms.sqlite3")
    challenge = Challenge(dataset="moons", max_units=8, score="test_accuracy")
    assert store.create_room(ROOM, {"challenge": challenge.to_dict()})
    return store


def tile(n, epoch=10):
    return {"nickname": f"Student {n}", "epoch": epoch, "test_loss": 0.5, "accuracy": 0.75,
            "r2": None, "setup": "dataset=moons", "picture": base64.b64encode(b"png").decode(),
            "loss": [[0, 0.7], [epoch, 0.5]], "params": 17, "playing": True}


def test_first_poll_sends_every_tile_then_only_the_changed(store):
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


def test_recent_tiles_are_sent_again_and_all_of_them_after_a_while(store):
    """A payload the page missed is made good by the next one; every FULL_S all go."""
    for n in range(2):
        store.put_tile(ROOM, f"s{n}", tile(n))
    feed, now = WallFeed(ROOM), time.time()
    feed.poll(lambda: store, now)
    assert sorted(feed.poll(lambda: store, now + 1)["tiles"]) == ["s0", "s1"]
    full = feed.poll(lambda: store, now + FULL_S + 1)
    assert full["full"] and sorted(full["tiles"]) == ["s0", "s1"]


def test_the_challenge_and_the_leaderboard_best_first(store):
    entries = [("Ada", 0.80, 40), ("Bo", 0.90, 60), ("Cy", 0.90, 30)]
    ids = {nick: store.add_submission(ROOM, {"nickname": nick, "metric": "test_accuracy",
                                             "score": score, "params": params,
                                             "submitted": time.time()}, b"run")
           for nick, score, params in entries}
    payload = WallFeed(ROOM).poll(lambda: store, time.time())
    assert [r["nickname"] for r in payload["board"]] == ["Cy", "Bo", "Ada"]
    assert payload["board"][0] == {"nickname": "Cy", "score": 0.9, "params": 30, "run": ids["Cy"]}
    assert payload["score"] == "test accuracy"
    assert payload["challenge"] == "moons · at most 8 hidden units"


def test_an_unknown_or_closed_room_is_one_sentence(store):
    assert WallFeed("no-such-room").poll(lambda: store, 0) == "There is no room called no-such-room."
    store.update_room(ROOM, {"closed": True})
    assert WallFeed(ROOM).poll(lambda: store, 0) == f"The room {ROOM} is closed."


def test_a_store_that_does_not_answer_is_said_and_the_wall_recovers(store, tmp_path):
    """The file made unreadable for real (a directory in its place), then put back."""
    store.put_tile(ROOM, "s0", tile(0))
    feed, now = WallFeed(ROOM), time.time()
    assert feed.poll(lambda: store, now)["down"] == ""
    path = tmp_path / "rooms.sqlite3"
    store.close()
    path.rename(tmp_path / "away.sqlite3")
    path.mkdir()
    down = feed.poll(lambda: store, now + 1)
    assert down["down"] == ("The room's store is unreachable since "
                            f"{time.strftime('%H:%M', time.localtime(now + 1))}.")
    assert down["tiles"] == {} and down["challenge"] == "moons · at most 8 hidden units"
    assert feed.poll(lambda: store, now + 2)["down"] == down["down"]      # since the first
    path.rmdir()
    (tmp_path / "away.sqlite3").rename(path)
    back = feed.poll(lambda: store, now + 3)
    assert back["down"] == "" and "s0" in back["tiles"]
