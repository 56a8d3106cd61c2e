"""The workshop room in a real browser (issue 19): a teacher page makes a room; a student
page, in its own browser context (its own localStorage, so its own token), joins with the
student link and plays; its tile reaches the store within seconds; a reload brings the
run back at its last save, and training goes on from there; paused, it is offered the
setup the teacher sends and switches to it.

The app runs on its own server here, with its own SQLite store in tmp_path, so the test
can read what reached the store. Without /usr/bin/chromium it skips, except in CI.
"""
import re

import pytest
from playwright.sync_api import expect

from playground.room.service import save_key, student_id
from playground.room.sqlite_store import SqliteStore
from tests.support import SURFACE, epoch, open_panel, play_button, poll, press, wait_idle
from tools.appserver import free_port, start_server, stop

ROOM = "e2e-room"
TILE_SECONDS = 10           # the tile is published about once a second: well within this
RECONNECTED = re.compile(r"Reconnected: your run is back at epoch ([\d,]+)\.")


@pytest.fixture(scope="module")
def room_app(tmp_path_factory):
    """(the app's URL, its store): `streamlit run` with NNP_STORE on a fresh SQLite file."""
    where = tmp_path_factory.mktemp("room")
    path = where / "rooms.sqlite3"
    port = free_port()
    try:
        server = start_server(port, where / "server.log", env={"NNP_STORE": f"sqlite:///{path}"})
    except RuntimeError as e:
        pytest.fail(f"{e}:\n{(where / 'server.log').read_text(errors='replace')}")
    store = SqliteStore(path)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        store.close()
        stop(server)


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    return context, context.new_page()


def test_a_student_is_seen_and_a_reload_brings_the_run_back(browser, room_app, tmp_path):
    url, store = room_app
    teacher_context, teacher = new_page(browser)
    student_context, student = new_page(browser)
    try:
        teacher.goto(url)
        teacher.wait_for_selector(SURFACE)
        wait_idle(teacher)
        open_panel(teacher, "Workshop room")
        teacher.locator(".st-key-room_name input").fill(ROOM)
        teacher.locator(".st-key-room_name input").press("Enter")
        wait_idle(teacher)
        press(teacher, "room_create", "Create the room")
        expect(teacher.get_by_text("Keep the teacher link private")).to_be_visible()
        expect(teacher.locator(".st-key-room_qr img")).to_be_visible()
        wait_idle(teacher)
        teacher.locator(".st-key-room_panel").screenshot(path=str(tmp_path / "teacher-panel.png"))

        student.goto(f"{url}/?room={ROOM}")
        student.wait_for_selector(SURFACE)
        wait_idle(student)
        press(student, "play", "Play")
        expect(play_button(student)).to_be_disabled()
        token = student.evaluate("() => localStorage.getItem('nnp-token')")
        assert re.fullmatch(r"[0-9a-f]{32}", token or ""), token
        me = student_id(token)
        poll(student, lambda: store.get_tiles(ROOM).get(me, {}).get("epoch", 0) > 0,
             "the student's tile in the store", patience=TILE_SECONDS * 1000)
        poll(student, lambda: (store.get_save(save_key(ROOM, me)) or (b"", {}))[1].get("epoch", 0) > 0,
             "the student's run saved")

        student.reload()
        said = student.get_by_text(RECONNECTED)
        expect(said).to_be_visible()
        n = int(RECONNECTED.search(said.inner_text()).group(1).replace(",", ""))
        assert n > 0
        poll(student, lambda: epoch(student) == n, f"the counter at epoch {n}")
        wait_idle(student)
        press(student, "play", "Play")
        poll(student, lambda: epoch(student) > n, "training to go on from the saved epoch")
        press(student, "pause", "Pause")
        expect(play_button(student)).to_be_enabled()
        wait_idle(student)

        # a paused page, which asks the server for nothing, still gets the teacher's setup
        press(teacher, "room_send_mine", "Send my setup")
        expect(student.get_by_text("Your teacher sent a setup")).to_be_visible()
        student.screenshot(path=str(tmp_path / "student-notice.png"))
        press(student, "room_switch", "Switch to it")
        expect(student.get_by_text("Switched to the teacher's setup")).to_be_visible()
    finally:
        student_context.close()
        teacher_context.close()
