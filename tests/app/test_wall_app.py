"""The wall's sentences, headless (AppTest): a bad room name, an unknown room and a
closed one each get one sentence and no wall."""
import pytest
from streamlit.testing.v1 import AppTest

from playground.room import service
from playground.room.store import open_store
from tests.rooms import own_limiters
from tests.support import APP



@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/rooms.sqlite3"
    monkeypatch.setenv("NNP_STORE", url)
    return open_store(url)


def wall(room):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params.update(room=room, wall="1")
    at.run()
    assert not at.exception
    return at


def test_a_bad_room_name_is_refused_in_one_sentence(store):
    at = wall("No Such Room!")
    assert [e.value for e in at.error] == ["A room name is 3 to 32 characters: lower-case "
                                           "letters a-z, digits 0-9 and hyphens."]


def test_an_unknown_and_a_closed_room_are_one_sentence_each(store):
    assert [i.value for i in wall("nobody-here").info] == [
        "There is no room called nobody-here; it may have expired."]
    key = service.create_room(store, "shut-room", limiters=own_limiters())
    service.close(store, "shut-room", key)
    assert [i.value for i in wall("shut-room").info] == ["The room shut-room is closed."]


def test_a_store_setting_of_no_known_kind_is_one_sentence(monkeypatch):
    monkeypatch.setenv("NNP_STORE", "mysql://db/rooms")
    said = [e.value for e in wall("any-room").error]       # open_store's own sentence
    assert len(said) == 1 and said[0].startswith("NNP_STORE") and "mysql://db/rooms" in said[0]


def test_the_wall_is_not_the_playground(store):
    """Only the wall: no sidebar of settings, no live view of a run of its own."""
    service.create_room(store, "open-room", limiters=own_limiters())
    at = wall("open-room")
    assert not at.sidebar.children and not at.error and not at.info
    assert at.session_state["wall_feed"].room == "open-room"
