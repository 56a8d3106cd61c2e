"""The page's messages, as the server hears them (ui/state.py AppState.hear): each
trigger's message number is news once; the page's resend of a message the server already
ran is skipped, and every payload says the last number heard (live.js sends the next
message only then)."""
from playground.teach.links import from_query
from ui.state import AppState


def fresh():
    return AppState.from_link(from_query({}))


def test_a_message_is_news_once_and_its_resend_is_skipped():
    state = fresh()
    assert state.last_heard() == 0
    assert state.hear("control", 3) and state.hear("want", 3)    # one message, two triggers
    assert state.last_heard() == 3
    assert not state.hear("control", 3)                          # sent again: a repeat
    assert not state.hear("want", 2)
    assert state.hear("want", 4) and state.last_heard() == 4


def test_a_trigger_without_a_number_is_always_news():
    state = fresh()
    assert state.hear("want", None) and state.hear("want", None)
    assert state.hear("want", True)                              # not a number either
    assert state.last_heard() == 0
