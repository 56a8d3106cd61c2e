"""The wall's Streamlit side: `?room=NAME&wall=1` shows it instead of the playground.

A fragment polls the store about every POLL_S seconds (feed.py says what it sends) and
hands the payload to a v2 component (wall.js) that keeps a canvas per student's tile
and repaints only the tiles that arrive. The wall never writes to the store.
"""
import time
from pathlib import Path

import segno
import streamlit as st

from playground.room.rules import check_room_name
from playground.room.store import open_store
from ui.wall.feed import WallFeed

HERE = Path(__file__).parent
POLL_S = 0.75           # tiles are published about once a second: twice as often as that

wall_view = st.components.v2.component(
    "nnp_wall", js=(HERE / "wall.js").read_text(), css=(HERE / "wall.css").read_text(),
    isolate_styles=False)


@st.cache_resource
def room_store():
    """The one store of this server process (NNP_STORE), opened on first use."""
    return open_store()


def wall_room():
    """The room named by `?room=NAME&wall=1`, or None when this is no wall's link."""
    params = st.query_params
    return params.get("room", "") if params.get("wall") == "1" else None


def student_link(name):
    """The link a student opens to join, as this page's browser reached the server."""
    base = (st.context.url or "").split("?")[0]
    return (base if base.endswith("/") else base + "/") + "?room=" + name


def wall_ui(name):
    """The wall of room `name`, or one sentence saying why there is none."""
    try:
        name = check_room_name(name)
    except ValueError as refusal:
        st.error(str(refusal))
        return
    if st.session_state.get("wall_feed", WallFeed("")).room != name:
        st.session_state["wall_feed"] = WallFeed(name)
    link = student_link(name)
    qr = segno.make(link, error="m").svg_inline(scale=1, border=2, omitsize=True)
    _wall({"link": link, "qr": qr, "base": link.split("?")[0]})


@st.fragment(run_every=POLL_S)
def _wall(fixed):
    payload = st.session_state["wall_feed"].poll(room_store, time.time())
    if isinstance(payload, str):
        st.info(payload)
    else:
        wall_view(data={**payload, **fixed}, key="wall")
