"""The page's messages, as the server hears them. Each trigger's message number is news
once (ui/state.py AppState.hear): the page's resend of a message the server already ran is
skipped, and every payload says the last number heard (live.js sends the next message only
then). And in a run of the live view alone (ui/live/view.py outside_changes), a widget the
page changed is a change, and a value the page sent before, while the server has set
another since, is an echo: the server's value goes back."""
from playground.teach.links import from_query
from ui.live.view import outside_changes
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


def remembered(widgets, page_sent):
    state = fresh()
    state.widgets, state.page_sent = widgets, page_sent
    return state


def test_an_echo_of_the_pages_old_value_gives_the_servers_back():
    state = remembered({"units_1": 7}, {"units_1": 8})       # the server set 7 (a −)
    assert outside_changes(state, {"units_1": 8}, {"units_1": 8}) == (False, {"units_1": 7})
    assert outside_changes(state, {"units_1": 7}, {"units_1": 7}) == (False, {})  # drawn


def test_a_value_the_page_had_not_sent_or_a_callback_set_is_a_change():
    state = remembered({"units_1": 8}, {"units_1": 8})
    assert outside_changes(state, {"units_1": 6}, {"units_1": 6}) == (True, {})   # the page's
    assert outside_changes(state, {"units_1": 7}, {"units_1": 8}) == (True, {})   # a callback's
    assert outside_changes(state, {}, {}) == (False, {})                          # not drawn


def test_a_button_is_never_given_back():
    state = remembered({"play": False}, {"play": True})      # Streamlit refuses to set it
    assert outside_changes(state, {"play": True}, {"play": True}) == (False, {})
