"""What a room member sees at the top of the page: the store being down, a tile the room
refused, and the setup the teacher sent, with one click to switch to it (the member's
own run is pinned for Compare first)."""
import re
from urllib.parse import parse_qs

import streamlit as st

from playground.teach.links import from_query
from ui.controls import set_widgets
from ui.room.member import down_since, worker
from ui.room.seat import split_query
from ui.state import app_state

MARKDOWN = re.compile(r"([\\`*_\[\]<>$~#|])")   # what could format, link, tag or typeset


def plain(text) -> str:
    """Text from the store (a nickname, a title, a refusal that quotes one) escaped, so
    Markdown shows it as typed: no emphasis, link, image, HTML, LaTeX or directive."""
    return MARKDOWN.sub(r"\\\1", str(text))


def sent_setup(seat):
    """The setup the teacher sent to this room that this student has not answered, or None."""
    room = worker().rooms.get(seat.name) or {}
    setup = room.get("setup")
    if not isinstance(setup, dict) or seat.teacher:
        return None
    return setup if setup.get("sent", 0) != seat.setup_seen else None


def _switch(setup):
    """Pin the student's own run, then set every control from the teacher's link."""
    state = app_state()
    _, query = split_query(parse_qs(str(setup.get("query", ""))))
    link = from_query(query)
    state.room.setup_seen = setup.get("sent", 0)
    state.add_pin(state.run.session)
    set_widgets(link.config)
    state.lesson = link.lesson
    if state.points is not None:
        state.clear_points("The teacher's setup uses its own dataset.")
    state.say(f"Switched to the teacher's setup: {plain(setup.get('title', ''))}. Your own "
              f"run is pinned as #{state.pin_count} in Compare runs.")


def _dismiss(setup):
    app_state().room.setup_seen = setup.get("sent", 0)


def room_status_ui():
    """The room's lines at the top of the page, when the page is in a room."""
    seat = app_state().room
    if seat is None:
        return
    if seat.problem:
        st.error(seat.problem)
    if not seat.name:
        return
    since = down_since()
    if since:
        st.warning(f"The room's store is unreachable since {since}; your run keeps "
                   "training here.", icon=":material/cloud_off:")
    refused = worker().refused.get(seat.student)
    if refused:
        st.caption(plain(refused))
    setup = sent_setup(seat)
    if setup:
        with st.container(border=True, key="room_setup"):
            st.info(f"Your teacher sent a setup: {plain(setup.get('title', ''))}.",
                    icon=":material/school:")
            row = st.container(horizontal=True)
            row.button("Switch to it", key="room_switch", type="primary", on_click=_switch,
                       args=(setup,), help="Your own run is pinned for Compare runs first.")
            row.button("Not now", key="room_dismiss", on_click=_dismiss, args=(setup,))
