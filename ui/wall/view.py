"""The wall's Streamlit side: `?room=NAME&wall=1` shows it instead of the playground.

A fragment polls the store about every POLL_S seconds (feed.py says what it sends) and
hands the payload to a v2 component (wall.js) that keeps a canvas per student's tile
and repaints only the tiles that arrive. The wall never writes to the store.
"""
import os
import time
from pathlib import Path

import streamlit as st

from playground.room.rules import check_room_name
from playground.room.store import open_store
from ui.room.links import qr_svg, room_link
from ui.wall.feed import WallFeed

HERE = Path(__file__).parent
POLL_S = 0.5            # tiles are published about once a second: twice as often as that

wall_view = st.components.v2.component(
    "nnp_wall", js=(HERE / "wall.js").read_text(), css=(HERE / "wall.css").read_text(),
    isolate_styles=False)


@st.cache_resource(show_spinner=False)
def _store(url, data_dir):
    return open_store(url or None)


def room_store():
    """This server process's store, as NNP_STORE (and NNP_DATA_DIR) name it now: opened
    once per setting, so a test that sets its own file gets it."""
    return _store(os.environ.get("NNP_STORE", ""), os.environ.get("NNP_DATA_DIR", ""))


def wall_room():
    """The room named by `?room=NAME&wall=1`, or None when this is no wall's link."""
    params = st.query_params
    return params.get("room", "") if params.get("wall") == "1" else None


def wall_ui(name):
    """The wall of room `name`, or one sentence saying why there is none."""
    try:
        name = check_room_name(name)
    except ValueError as refusal:
        st.error(str(refusal))
        return
    if st.session_state.get("wall_feed", WallFeed("")).room != name:
        st.session_state["wall_feed"] = WallFeed(name)
    link = room_link(name)
    qr = qr_svg(link, scale=1, border=2)
    _wall({"link": link, "qr": qr, "base": link.split("?")[0]})


def _spot():
    """The page's Spotlight changed: the next poll sends that tile's loss curve."""
    spot = getattr(st.session_state.get("wall"), "spot", None)
    st.session_state["wall_spot"] = spot if isinstance(spot, str) else ""


@st.fragment(run_every=POLL_S)
def _wall(fixed):
    feed = st.session_state["wall_feed"]
    try:
        payload = feed.poll(room_store, time.time(), st.session_state.get("wall_spot", ""))
    except ValueError as bad_setting:           # NNP_STORE names no store we know
        st.error(str(bad_setting))
        return
    if isinstance(payload, str):
        st.info(payload)
    else:
        wall_view(data={**payload, **fixed}, key="wall", on_spot_change=_spot)
