"""Who may do what in a room, on both stores: the teacher's key, a student's own tile and
submissions, the caps, the rate limits (writes, rooms made), frozen and closed rooms, the
expiry the service runs on its way; every refusal one sentence. Most runs' blobs here are
stand-in bytes (the service keeps a blob without reading it); one test opens a real one."""
import json
import time

import numpy as np
import pytest

from playground.config import Config
from playground.room import service
from playground.room.rules import MAX_STUDENTS, MAX_SUBMISSIONS, Challenge, score
from playground.room.service import (CREATE_BURST, CREATE_RATE, PROCESS_CREATE_BURST,
                                     PROCESS_CREATE_RATE, Expiry, Limiter, Refused, student_id)
from playground.room.store import IDLE
from playground.saves import load_session
from playground.session import TrainingSession

CHALLENGE = Challenge(max_units=8, epoch_budget=100, score="test_accuracy")
ADA, BO = "token-of-ada-0123456789", "token-of-bo-0123456789"
BLOB = b"NNP-SAVE\n\x00stand-in"


class Clock:
    """A clock the test moves, for the token buckets."""
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def ticking() -> Limiter:
    """A limiter whose clock moves a minute per reading: it never refuses, so tests of
    other rules are not slowed or refused by it (nor by the rooms other tests made)."""
    clock = Clock()

    def tick():
        clock.now += 60
        return clock.now
    return Limiter(clock=tick)


@pytest.fixture
def limiter():
    return ticking()


def make_room(store, name, challenge=None, **kwargs):
    """service.create_room under limits that never refuse (theirs have their own test)."""
    return service.create_room(store, name, challenge, limiters=(ticking(), ticking()),
                               **kwargs)


def run(hidden=(4,), epochs=20, seed=0):
    session = TrainingSession(Config(dataset="moons", samples=80, hidden=hidden, seed=seed))
    session.advance(epochs)
    return session


def tile(nickname="Ada", epoch=1):
    return {"nickname": nickname, "epoch": epoch, "test_loss": 0.5}


def refused(match, call, *args, **kwargs):
    """call(*args) is refused with one sentence holding `match`."""
    with pytest.raises(Refused, match=match) as caught:
        call(*args, **kwargs)
    said = str(caught.value)
    assert said.endswith(".") and ". " not in said.rstrip("."), said


def test_only_a_hash_of_the_teachers_key_is_kept(store):
    key = make_room(store, "maths-1", CHALLENGE)
    assert len(key) >= 32
    kept = json.dumps(store.get_room("maths-1"))
    assert key not in kept and service._sha256(key) in kept
    assert service.challenge_of(store.get_room("maths-1")) == CHALLENGE
    assert service.is_teacher(store.get_room("maths-1"), key)
    assert not service.is_teacher(None, key)                  # no room has no teacher
    refused("is taken", make_room, store, "maths-1")
    refused("A room name is", make_room, store, "Maths 1")
    assert make_room(store, "other") != key       # each room its own key


def test_only_the_teachers_key_changes_the_room(store, limiter):
    key = make_room(store, "maths-1", CHALLENGE)
    setup = {"query": "dataset=xor&hidden=2", "title": "  XOR  "}
    for wrong in ("", "guess", None, key + "x"):
        refused("Only the teacher's link", service.send_setup, store, "maths-1", wrong, setup,
                limiter=limiter)
        refused("Only the teacher's link", service.freeze, store, "maths-1", wrong, True,
                limiter=limiter)
        refused("Only the teacher's link", service.clear, store, "maths-1", wrong,
                limiter=limiter)
        refused("Only the teacher's link", service.close, store, "maths-1", wrong,
                limiter=limiter)
    assert store.get_room("maths-1")["setup"] is None
    service.send_setup(store, "maths-1", key, setup, limiter=limiter)
    sent = store.get_room("maths-1")["setup"]
    assert (sent["query"], sent["title"]) == ("dataset=xor&hidden=2", "XOR")
    refused("at most 4000", service.send_setup, store, "maths-1", key, {"query": ""},
            limiter=limiter)
    refused("at most 80", service.send_setup, store, "maths-1", key,
            {"query": "a=1", "title": "x" * 81}, limiter=limiter)
    refused("no room called", service.freeze, store, "no-such", key, True, limiter=limiter)


def test_a_student_writes_only_their_own_tile(store, limiter):
    make_room(store, "maths-1")
    service.publish(store, "maths-1", ADA, tile("  Ada "), limiter=limiter)
    service.publish(store, "maths-1", BO, tile("Bo"), limiter=limiter)
    service.publish(store, "maths-1", ADA, tile("Ada", epoch=9), limiter=limiter)
    tiles = store.get_tiles("maths-1")
    assert set(tiles) == {student_id(ADA), student_id(BO)}
    assert (tiles[student_id(ADA)]["nickname"], tiles[student_id(ADA)]["epoch"]) == ("Ada", 9)
    refused("1 to 24 characters", service.publish, store, "maths-1", ADA, tile(""),
            limiter=limiter)
    refused("no identity", service.publish, store, "maths-1", "short", tile(), limiter=limiter)
    refused("no room called", service.publish, store, "no-such", ADA, tile(), limiter=limiter)


def test_the_public_id_is_stable_short_and_not_the_token():
    assert student_id(ADA) == student_id(ADA) != student_id(BO)
    assert len(student_id(ADA)) == 16 and ADA not in student_id(ADA)
    int(student_id(ADA), 16)


def test_a_room_holds_at_most_200_students(store, limiter):
    make_room(store, "maths-1")
    for n in range(MAX_STUDENTS):
        service.publish(store, "maths-1", f"token-{n:04d}-0123456789", tile(f"S{n}"),
                        limiter=limiter)
    refused("at most 200 students", service.publish, store, "maths-1", ADA, tile(),
            limiter=limiter)
    service.publish(store, "maths-1", "token-0007-0123456789", tile("S7", 2), limiter=limiter)
    assert store.count_students("maths-1") == MAX_STUDENTS


def test_a_submission_is_scored_here_and_keeps_its_run(store, limiter):
    make_room(store, "maths-1", CHALLENGE)
    session = run()
    entry = service.submit(store, "maths-1", ADA, session, BLOB, "Ada", limiter=limiter)
    assert entry["score"] == score(CHALLENGE, session) and entry["student"] == student_id(ADA)
    assert (entry["metric"], entry["params"], entry["epoch"]) == ("test_accuracy", 17, 20)
    assert store.get_submissions("maths-1") == [entry]
    assert store.get_submission_blob("maths-1", entry["id"]) == BLOB
    assert service.run_query("maths-1", entry["id"]) == f"room=maths-1&run={entry['id']}"
    refused("at most 8 hidden units", service.submit, store, "maths-1", ADA, run((5, 4)),
            BLOB, "Ada", limiter=limiter)
    refused("at most 100 epochs", service.submit, store, "maths-1", ADA, run(epochs=101),
            BLOB, "Ada", limiter=limiter)
    refused("1 to 24", service.submit, store, "maths-1", ADA, session, BLOB, " ",
            limiter=limiter)
    make_room(store, "free-play")
    refused("no challenge", service.submit, store, "free-play", ADA, session, BLOB, "Ada",
            limiter=limiter)


def test_each_student_submits_at_most_20_runs(store, limiter):
    make_room(store, "maths-1", CHALLENGE)
    session = run()
    for _ in range(MAX_SUBMISSIONS):
        service.submit(store, "maths-1", ADA, session, BLOB, "Ada", limiter=limiter)
    refused("the 20 submissions", service.submit, store, "maths-1", ADA, session, BLOB, "Ada",
            limiter=limiter)
    service.submit(store, "maths-1", BO, session, BLOB, "Bo", limiter=limiter)   # others may


def test_the_leaderboard_holds_each_students_best(store, limiter):
    make_room(store, "maths-1", Challenge())          # test loss: lower is better
    runs = {(ADA, 5): run(epochs=5), (ADA, 60): run(epochs=60), (BO, 30): run(epochs=30)}
    for (token, _), session in runs.items():
        service.submit(store, "maths-1", token, session, BLOB, token[9:11], limiter=limiter)
    board = service.leaderboard(store, "maths-1")
    assert [e["epoch"] for e in board] == [60, 30]
    assert board[0]["score"] < board[1]["score"]


def test_frozen_and_closed_rooms(store, limiter):
    key = make_room(store, "maths-1", CHALLENGE)
    session = run()
    service.submit(store, "maths-1", ADA, session, BLOB, "Ada", limiter=limiter)
    service.freeze(store, "maths-1", key, True, limiter=limiter)
    refused("frozen", service.submit, store, "maths-1", ADA, session, BLOB, "Ada",
            limiter=limiter)
    service.publish(store, "maths-1", ADA, tile(), limiter=limiter)   # tiles keep coming
    service.send_setup(store, "maths-1", key, {"query": "a=1"}, limiter=limiter)
    assert len(service.leaderboard(store, "maths-1")) == 1             # and the board reads
    service.freeze(store, "maths-1", key, False, limiter=limiter)
    service.submit(store, "maths-1", BO, session, BLOB, "Bo", limiter=limiter)
    service.clear(store, "maths-1", key, limiter=limiter)
    assert service.leaderboard(store, "maths-1") == []
    service.submit(store, "maths-1", BO, session, BLOB, "Bo", limiter=limiter)
    service.close(store, "maths-1", key, limiter=limiter)
    assert store.get_tiles("maths-1") == {}
    assert len(service.leaderboard(store, "maths-1")) == 1      # reading still works
    for call, args in [(service.publish, (ADA, tile())),
                       (service.submit, (ADA, session, BLOB, "Ada")),
                       (service.send_setup, (key, {"query": "a=1"})),
                       (service.freeze, (key, True)), (service.clear, (key,)),
                       (service.close, (key,))]:
        refused("is closed", call, store, "maths-1", *args, limiter=limiter)


def test_writes_are_rate_limited_per_student(store):
    clock = Clock()
    limiter = Limiter(rate=5, burst=10, clock=clock)
    make_room(store, "maths-1")
    for _ in range(10):
        service.publish(store, "maths-1", ADA, tile(), limiter=limiter)
    refused("Too many changes", service.publish, store, "maths-1", ADA, tile(),
            limiter=limiter)
    service.publish(store, "maths-1", BO, tile("Bo"), limiter=limiter)   # Bo has his own
    clock.now += 0.2                                            # 5 a second: one more
    service.publish(store, "maths-1", ADA, tile(), limiter=limiter)
    refused("Too many changes", service.publish, store, "maths-1", ADA, tile(),
            limiter=limiter)
    clock.now += 60                                             # a pause refills 10, not more
    for _ in range(10):
        service.publish(store, "maths-1", ADA, tile(), limiter=limiter)
    refused("Too many changes", service.publish, store, "maths-1", ADA, tile(),
            limiter=limiter)


def test_a_submitted_runs_blob_opens_as_that_run(store, limiter):
    make_room(store, "maths-1", CHALLENGE)
    session = TrainingSession(Config(dataset="moons", samples=80, hidden=(4,), batch_size=8,
                                     optimizer="adam", lr=0.01))
    session.advance(30)
    entry = service.submit(store, "maths-1", ADA, session, None, "Ada", limiter=limiter)
    opened = load_session(store.get_submission_blob("maths-1", entry["id"]))
    assert opened.epoch == entry["epoch"] == 30 and opened.config == session.config
    assert opened.theta.dtype == session.theta.dtype and np.array_equal(opened.theta,
                                                                        session.theta)
    assert opened.rng.bit_generator.state == session.rng.bit_generator.state
    opened.advance(5)                   # and trains on as the submitted run would
    session.advance(5)
    assert np.array_equal(opened.theta, session.theta)


def test_rooms_made_are_limited_per_page_and_per_process(store):
    clock = Clock()
    by_page = Limiter(CREATE_RATE, CREATE_BURST, clock)
    by_process = Limiter(PROCESS_CREATE_RATE, PROCESS_CREATE_BURST, clock)
    limiters = (by_page, by_process)
    for n in range(CREATE_BURST):
        service.create_room(store, f"ada-{n}", token=ADA, limiters=limiters)
    refused("Too many rooms made", service.create_room, store, "ada-x", token=ADA,
            limiters=limiters)
    assert store.get_room("ada-x") is None
    service.create_room(store, "bo-0", token=BO, limiters=limiters)     # Bo has his own
    clock.now += 60                                                     # one a minute
    service.create_room(store, "ada-x", token=ADA, limiters=limiters)
    refused("Too many rooms made", service.create_room, store, "ada-y", token=ADA,
            limiters=limiters)
    # the process: the minute filled its bucket again, and ada-x took one; then anyone
    assert 60 * PROCESS_CREATE_RATE >= PROCESS_CREATE_BURST
    for n in range(PROCESS_CREATE_BURST - 1):
        service.create_room(store, f"anyone-{n}", limiters=limiters)
    refused("Too many rooms made", service.create_room, store, "anyone-x", limiters=limiters)
    refused("Too many rooms made", service.create_room, store, "carol-0",
            token="token-of-carol-0123456789", limiters=limiters)
    clock.now += 1 / PROCESS_CREATE_RATE
    service.create_room(store, "anyone-x", limiters=limiters)


def test_the_service_expires_old_rooms_on_its_way_at_most_once_a_minute(store, limiter):
    clock = Clock()
    clock.now = time.time()
    expiry = Expiry(every=60, clock=clock)
    key = make_room(store, "shut", expiry=expiry)                    # expires: nothing yet
    service.publish(store, "shut", ADA, tile(), limiter=limiter, expiry=expiry)
    service.close(store, "shut", key, limiter=limiter)
    store.put_tile("shut", student_id(BO), tile("Bo"))    # a publish that raced the close
    make_room(store, "maths-1", expiry=expiry)
    clock.now += 59
    service.leaderboard(store, "maths-1", expiry=expiry)             # within the minute
    assert store.get_tiles("shut") != {}
    clock.now += 1
    service.leaderboard(store, "maths-1", expiry=expiry)
    assert store.get_tiles("shut") == {} and store.get_room("shut")["closed"]
    clock.now += IDLE                   # a day on, by the clock the stores compare with
    refused("no room called maths-1", service.publish, store, "maths-1", ADA, tile(),
            limiter=limiter, expiry=expiry)
    assert store.get_room("shut") is None
    make_room(store, "maths-2", expiry=expiry)               # made now: idle by that clock
    clock.now += 59
    assert service.leaderboard(store, "maths-2", expiry=expiry) == []
    clock.now += 1
    refused("no room called maths-2", service.leaderboard, store, "maths-2", expiry=expiry)
