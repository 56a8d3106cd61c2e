"""The setup in the URL: read once when a browser session starts, kept in step after.

Keys are the Config's field names (the CLI's flags with underscores); `show`/`hide`
let a teacher's link hide controls; `lesson` names a lesson. Refused values are listed
together in one warning, and fall back to their defaults.
"""
import streamlit as st

from playground.teach.lessons import LESSONS
from playground.teach.links import LinkSetup, to_query
from ui.room.seat import kept_query
from ui.state import app_state


def read_link() -> LinkSetup:
    """The link's setup, parsed once per browser session (later reruns keep it)."""
    return app_state().link


def shown(control) -> bool:
    """Whether the link lets this control be seen."""
    link = app_state().link
    return (not link.show or control in link.show) and control not in link.hide


def link_warning_ui():
    """The link's refused parts, once, in one warning (each is already safe Markdown)."""
    state = app_state()
    if state.link_warning:
        state.link_warning = state.drawn_again()
        problems = state.link.problems
        st.warning("Some of this link's settings were refused and set to their defaults: "
                   + "; ".join(problems) + ".", icon=":material/link_off:")


def app_address() -> str:
    """The app's address without its query, ending in "/": links are built on it."""
    base = (st.context.url or "").split("?")[0]
    return base if base.endswith("/") else base + "/"


def current_lesson(config):
    """The lesson this config still is, if any (a changed setting ends the lesson)."""
    name = app_state().lesson
    return name if name in LESSONS and LESSONS[name].config == config else ""


def sync_url(config):
    """Write the setup into the address bar, so copying it shares exactly this run."""
    state = app_state()
    link = state.link
    params = {**kept_query(state.room),
              **to_query(config, link.show, link.hide, current_lesson(config))}
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
