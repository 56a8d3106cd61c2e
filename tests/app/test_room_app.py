"""The workshop room in the app (issue 19), headless, against both stores for real (a
SQLite file, a redis-server: tests/rooms.py): a teacher creates a room; a student joins,
is seen, submits and is refused with the reason; a sent setup becomes a notice whose
switch keeps the student's run pinned; a reload gets the saved run back.

The page's token comes as the live view's page sends it, in a trigger; the store's
writes happen on the member's worker thread, which a test waits for (never a sleep)."""
import json
import os
import signal
import time

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from playground.room import service
from playground.room.redis_store import RedisStore
from playground.room.rules import Challenge
from tests.rooms import REDIS_SERVER, RedisServer
from tests.support import APP, live_element, require
from ui.room.member import use_store

TOKEN = "0123456789abcdef" * 2
OTHER = "fedcba9876543210" * 2
PATIENCE_S = 30


def saved(store, token=TOKEN, room="ml-101", opens=()):
    """The meta of the page's save (of its own run in `room`, or of the copy `opens`), or {}."""
    found = store.get_save(service.save_key(room, service.student_id(token), opens))
    return found[1] if found else {}


@pytest.fixture
def worker(store):
    """The app's room work on this test's store (the AppTest runs in this process)."""
    return use_store(store)


def until(condition, what):
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {PATIENCE_S} s for {what}"
        time.sleep(0.01)


def settled(worker):
    until(worker.idle, "the room's worker to finish its jobs")


def page(**query):
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def say_token(at, token=TOKEN):
    """The live view's `have` trigger, as the page sends it, with the page's token."""
    view = live_element(at)
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
    """A room made directly, with room-making limits of its own (the process's allow a
    burst of 30, which a whole test run would use up)."""
    return service.create_room(store, name, challenge,
                               limiters=(service.Limiter(), service.Limiter()))


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
    assert at.get("image")                                           # the student link's QR


def test_the_teacher_sends_a_lesson_and_freezes_submissions(worker, store):
    key = teacher_room(store, challenge=Challenge())
    at = page(room="ml-101", key=key)
    at.selectbox(key="room_lesson").set_value("xor-stuck").run()
    at.button(key="room_send_lesson").click().run()
    at.button(key="room_freeze").click().run()
    assert not at.exception and not at.error
    room = store.get_room("ml-101")
    assert "lesson=xor-stuck" in room["setup"]["query"] and room["frozen"] is True
    student = page(room="ml-101")
    say_token(student)
    assert student.button(key="room_submit").disabled
    assert "The teacher has frozen submissions." in words(student)


def test_a_challenge_pins_the_teachers_current_data_and_limits(worker, store):
    at = page()
    at.segmented_control(key="panel").set_value("Workshop room").run()
    at.text_input(key="room_name").set_value("ml-102").run()
    at.toggle(key="room_has_challenge").set_value(True).run()
    at.selectbox(key="room_score").set_value("test_accuracy").run()
    at.number_input(key="room_max_layers").set_value(1).run()
    at.button(key="room_create").click().run()
    assert not at.exception and not at.error
    challenge = store.get_room("ml-102")["challenge"]
    config = state(at).run.session.config
    assert {k: challenge[k] for k in ("dataset", "samples", "seed", "max_layers", "score")} == {
        "dataset": config.dataset, "samples": config.samples, "seed": config.seed,
        "max_layers": 1, "score": "test_accuracy"}
    assert "Challenge: classification on moons (samples 500" in words(at)


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
    assert "not this room's teacher key" in words(at)
    assert "room_close" not in [b.key for b in at.button]        # no teacher's controls
    with pytest.raises(service.Refused, match="Only the teacher's link"):
        service.close(store, "ml-101", "not-the-key")
    assert not store.get_room("ml-101").get("closed")


def test_a_link_whose_key_is_not_the_rooms_plays_as_a_student(worker, store):
    """A wrong key never makes a silent half-teacher: once the page joins, it is a student
    (its tile on the wall, its setups from the teacher) and says so; the key leaves the
    address bar."""
    teacher_room(store)
    at = page(room="ml-101", key="not-the-key")
    say_token(at)
    assert "not this room's teacher key: you are in the room as a student" in words(at)
    assert state(at).room.on_wall and "key" not in at.query_params
    train(at)
    settled(worker)
    assert service.student_id(TOKEN) in store.get_tiles("ml-101")


def test_a_teacher_link_to_a_room_that_is_not_there_says_only_that(worker, store):
    """No room, no teacher key to be wrong about: the page says the room is not there,
    not that the key is not its teacher's."""
    at = page(room="no-such-room", key="some-key")
    say_token(at)
    assert "There is no room called no-such-room" in words(at)
    assert "teacher key" not in words(at)


# -- a student -----------------------------------------------------------------------------
def test_a_student_joins_is_seen_and_submits(worker, store):
    teacher_room(store, challenge=Challenge())
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at)
    settled(worker)
    tiles = store.get_tiles("ml-101")
    me = service.student_id(TOKEN)
    assert tiles[me]["epoch"] == epoch and tiles[me]["nickname"].startswith("Student ")
    at.text_input(key="room_nickname").set_value("   ").run()
    assert "A nickname is 1 to 24 characters." in " ".join(e.value for e in at.error)
    assert at.text_input(key="room_nickname").value == tiles[me]["nickname"]    # kept
    at.text_input(key="room_nickname").set_value("Ada *bold*").run()
    assert not at.error
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


def test_a_links_bad_room_name_is_one_sentence_and_the_room_keys_are_no_settings(worker, store):
    at = page(room="Bad Name!", run="x")
    errors = " ".join(e.value for e in at.error)
    assert errors.startswith("This link's room was refused: A room name is 3 to 32 characters")
    assert not at.warning and state(at).room.name == ""      # no "unknown setting" either
    assert "room" not in at.query_params


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
    meta = saved(store)
    assert meta["room"] == "ml-101" and meta["epoch"] == epoch > 0
    again = page(room="ml-101")                 # a reload: a new session, the same token
    say_token(again)
    assert f"Reconnected: your run is back at epoch {epoch:,}." in words(again)
    run = state(again).run.session
    assert run.epoch == epoch and run.history.n == state(at).run.session.history.n


def test_a_submitted_run_opens_as_a_copy_that_never_overwrites_either_run(worker, store):
    teacher_room(store, challenge=Challenge())
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at)
    at.button(key="room_submit").click().run()
    (entry,) = service.leaderboard(store, "ml-101")
    other = page(room="ml-101")                 # the opener's own run in the room
    say_token(other, OTHER)
    own = train(other, runs=1)
    settled(worker)
    copy = page(room="ml-101", run=entry["id"])
    say_token(copy, OTHER)
    assert state(copy).run.session.epoch == epoch
    assert f"A copy of that run, at epoch {epoch:,}" in words(copy)
    trained = train(copy, runs=1)
    settled(worker)
    assert saved(store, OTHER, opens=("run", entry["id"]))["epoch"] == trained > epoch
    assert saved(store, OTHER)["epoch"] == own and saved(store)["epoch"] == epoch  # untouched
    assert service.student_id(OTHER) in store.get_tiles("ml-101")     # the own run's tile:
    assert store.get_tiles("ml-101")[service.student_id(OTHER)]["epoch"] == own  # not the copy's
    again = page(room="ml-101", run=entry["id"])          # a reload of the copy: its progress
    say_token(again, OTHER)
    assert state(again).run.session.epoch == trained


def test_a_copy_that_is_gone_is_said_and_the_page_plays_its_own(worker, store):
    teacher_room(store)
    at = page(room="ml-101", copy="0123456789abcdef")
    say_token(at)
    assert "no longer in room ml-101" in words(at) and state(at).run.session.epoch == 0
    train(at, runs=1)
    settled(worker)
    assert saved(store) == {}                   # the page's run is not the student's own


def test_a_run_is_saved_per_room_and_a_step_while_paused_is_saved(worker, store):
    teacher_room(store)
    teacher_room(store, "ml-102")
    at = page(room="ml-101")
    say_token(at)
    epoch = train(at)
    at.button(key="step").click().run()
    settled(worker)
    assert saved(store)["epoch"] == state(at).run.session.epoch > epoch
    elsewhere = page(room="ml-102")
    say_token(elsewhere)
    train(elsewhere, runs=1)
    settled(worker)
    assert saved(store)["epoch"] == state(at).run.session.epoch     # ml-101's run is kept
    assert saved(store, room="ml-102")["epoch"] == state(elsewhere).run.session.epoch


def test_a_store_that_goes_down_is_said_the_run_goes_on_and_saving_resumes(tmp_path):
    require(REDIS_SERVER, "redis-server", "the store-down test stops and starts one")
    server = RedisServer(tmp_path)
    server.start()
    store = RedisStore(server.url)
    worker = use_store(store)
    me = service.save_key("ml-101", service.student_id(TOKEN))
    try:
        teacher_room(store)
        at = page(room="ml-101")
        say_token(at)
        train(at, runs=2)
        settled(worker)
        server.stop()
        epoch = train(at)                       # trains on; its save on pause cannot be made
        until(lambda: worker.down is not None, "the worker to find the store down")
        at.run()
        assert "The room's store is unreachable since" in words(at) and not at.exception
        server.start()                          # empty (no persistence): the save comes again
        until(lambda: (store.get_save(me) or (b"", {}))[1].get("epoch") == epoch,
              "the save made once the store is back")
        at.run()
        assert "unreachable" not in words(at) and worker.down is None
    finally:
        server.stop()


def test_a_reload_while_the_store_is_silent_waits_for_its_save_and_never_overwrites_it(tmp_path):
    """A replica died and the store is slow to answer the new one (frozen here: every call
    times out): the page must not start saving a fresh run over the save it is to get back."""
    require(REDIS_SERVER, "redis-server", "the silent-store test freezes one")
    server = RedisServer(tmp_path)
    server.start()
    store = RedisStore(server.url)
    worker = use_store(store)
    me = service.save_key("ml-101", service.student_id(TOKEN))
    try:
        teacher_room(store)
        at = page(room="ml-101")
        say_token(at)
        epoch = train(at)
        settled(worker)
        assert store.get_save(me)[1]["epoch"] == epoch > 0
        os.kill(server.proc.pid, signal.SIGSTOP)
        again = page(room="ml-101")             # the reload, while the store is silent
        say_token(again)
        assert state(again).run.session.epoch == 0 and "Reconnected" not in words(again)
        train(again, runs=2)                    # a fresh run, played and paused: no save
        os.kill(server.proc.pid, signal.SIGCONT)
        until(lambda: (again.run() and False) or state(again).run.session.epoch == epoch,
              "the saved run back once the store answers")
        assert f"Reconnected: your run is back at epoch {epoch:,}." in words(again)
        settled(worker)
        assert store.get_save(me)[1]["epoch"] == epoch
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
        server.stop()
