"""The workshop room in the app (issue 19), headless, against both stores for real (a
SQLite file, a redis-server: tests/rooms.py): a teacher creates a room; a student joins,
is seen, submits and is refused with the reason; a sent setup becomes a notice whose
switch keeps the student's run pinned; a reload gets the saved run back.

The page's token comes as the live view's page sends it, in a trigger; the store's
writes happen on the member's worker thread, which a test waits for (never a sleep)."""
import json
import time

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from playground.room import service
from playground.room.rules import Challenge
from tests.support import APP
from ui.room.member import use_store

TOKEN = "0123456789abcdef" * 2
OTHER = "fedcba9876543210" * 2
PATIENCE_S = 30


@pytest.fixture
def worker(store):
    """The app's room work on this test's store (the AppTest runs in this process)."""
    return use_store(store)


def settled(worker):
    deadline = time.monotonic() + PATIENCE_S
    while not worker.idle():
        assert time.monotonic() < deadline, "the room's worker never finished its jobs"
        time.sleep(0.01)


def page(**query):
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def say_token(at, token=TOKEN):
    """The live view's `have` trigger, as the page sends it, with the page's token."""
    (view,) = at.get("bidi_component")
    states = at._tree.get_widget_states()
    event = states.widgets.add()
    event.id = _make_trigger_id(view.proto.id, "events")
    event.json_trigger_value = json.dumps([{"event": "have", "value": {"has": {}, "token": token}}])
    at._run(widget_state=states)    # (with the full rerun a notice asks for)
    assert not at.exception


def words(at):
    return " ".join(e.value for kind in ("caption", "error", "info", "warning", "markdown", "code")
                    for e in getattr(at, kind))


def state(at):
    return at.session_state["app"]


def train(at, runs=4):
    at.button(key="play").click().run()
    for _ in range(runs):
        at.run()
    at.button(key="pause").click().run()
    assert not at.exception
    return state(at).run.session.epoch


def teacher_room(store, name="ml-101", challenge=None):
    return service.create_room(store, name, challenge)


# -- the teacher -------------------------------------------------------------------------
def test_a_teacher_creates_a_room_and_gets_both_links(worker, store):
    at = page()
    at.segmented_control(key="panel").set_value("Workshop room").run()
    at.text_input(key="room_name").set_value("ml-101").run()
    at.button(key="room_create").click().run()
    assert not at.exception
    seat = state(at).room
    assert seat.name == "ml-101" and len(seat.key) > 16
    assert store.get_room("ml-101") is not None
    text = words(at)
    assert f"?room=ml-101&key={seat.key}" in text and "Keep the teacher link private" in text
    assert at.query_params["room"] == "ml-101" and at.query_params["key"] == seat.key
    assert any("<svg" in e.proto.body for e in at.get("html"))     # the student link's QR


@pytest.mark.parametrize("name, said", [
    ("ML 101", "A room name is 3 to 32 characters"),
    ("ab", "A room name is 3 to 32 characters"),
])
def test_a_bad_room_name_is_one_sentence_and_no_room(worker, store, name, said):
    at = page()
    at.segmented_control(key="panel").set_value("Workshop room").run()
    at.text_input(key="room_name").set_value(name).run()
    at.button(key="room_create").click().run()
    assert said in " ".join(e.value for e in at.error)
    assert state(at).room is None


def test_only_the_teacher_key_changes_the_room(worker, store):
    teacher_room(store)
    at = page(room="ml-101", key="not-the-key")
    at.segmented_control(key="panel").set_value("Workshop room").run()
    at.button(key="room_close").click().run()
    assert at.error and not store.get_room("ml-101").get("closed")


# -- a student -----------------------------------------------------------------------------
def test_a_student_joins_is_seen_and_submits(worker, store):
    teacher_room(store)
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at)
    settled(worker)
    tiles = store.get_tiles("ml-101")
    me = service.student_id(TOKEN)
    assert tiles[me]["epoch"] == epoch and tiles[me]["nickname"].startswith("Student ")
    at.text_input(key="room_nickname").set_value("Ada *bold*").run()
    at.button(key="room_submit").click().run()
    assert not at.exception
    (entry,) = service.leaderboard(store, "ml-101")
    assert entry["student"] == me and entry["epoch"] == epoch
    assert "Your best place: 1 of 1" in words(at)


def test_a_run_that_breaks_the_challenge_is_refused_with_the_reason(worker, store):
    teacher_room(store, challenge=Challenge(dataset="circles", max_layers=1))
    at = page(room="ml-101")
    say_token(at)
    at.button(key="room_submit").click().run()
    assert "The challenge is on the circles dataset." in " ".join(e.value for e in at.error)
    assert service.leaderboard(store, "ml-101") == []


def test_an_unknown_room_is_one_sentence(worker, store):
    at = page(room="no-such-room")
    at.run()
    assert "There is no room called no-such-room." in " ".join(e.value for e in at.error)


def test_a_sent_setup_is_a_notice_and_switching_pins_the_own_run(worker, store):
    key = teacher_room(store)
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at, runs=2)
    service.send_setup(store, "ml-101", key, {"query": "lesson=xor-stuck", "title": "XOR"})
    state(at).room.fetched = 0          # the next beat looks at the room (it does every 2 s)
    at.run()
    settled(worker)
    at.run()
    assert "Your teacher sent a setup: XOR." in words(at)
    at.button(key="room_switch").click().run()
    assert not at.exception
    (pinned,) = state(at).pins
    assert pinned.epoch == epoch
    assert state(at).lesson == "xor-stuck" and state(at).run.session.epoch == 0
    assert "Your teacher sent a setup" not in words(at)


# -- saves and reconnect -------------------------------------------------------------------
def test_a_reload_gets_the_saved_run_back_at_its_epoch(worker, store):
    teacher_room(store)
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at)
    settled(worker)
    blob, meta = store.get_save(service.student_id(TOKEN))
    assert meta["room"] == "ml-101" and meta["epoch"] == epoch > 0
    again = page(room="ml-101")                 # a reload: a new session, the same token
    say_token(again)
    assert f"Reconnected: your run is back at epoch {epoch:,}." in words(again)
    run = state(again).run.session
    assert run.epoch == epoch and run.history.n == state(at).run.session.history.n


def test_a_submitted_run_opens_as_a_copy_saved_under_the_openers_token(worker, store):
    teacher_room(store)
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at)
    at.button(key="room_submit").click().run()
    (entry,) = service.leaderboard(store, "ml-101")
    settled(worker)
    copy = page(room="ml-101", run=entry["id"])
    say_token(copy, OTHER)
    assert state(copy).run.session.epoch == epoch
    settled(worker)
    assert store.get_save(service.student_id(OTHER))[1]["epoch"] == epoch
    assert store.get_save(service.student_id(TOKEN))[1]["epoch"] == epoch   # untouched
