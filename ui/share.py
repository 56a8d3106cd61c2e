"""The setup in the URL: read once when a browser session starts, kept in step after.

Keys are the Config's field names (the CLI's flags with underscores); `show`/`hide`
let a teacher's link hide controls; `lesson` names a lesson. Refused values are listed
together in one warning, and fall back to their defaults.
"""
import streamlit as st

from playground.lessons import LESSONS
from playground.links import CONTROLS, LinkSetup, from_query, query_string, to_query


def read_link() -> LinkSetup:
    """The link's setup, parsed once per browser session (later reruns keep it)."""
    if "link" not in st.session_state:
        st.session_state["link"] = from_query(st.query_params.to_dict())
        st.session_state["link_warning"] = bool(st.session_state["link"].problems)
    return st.session_state["link"]


def shown(control) -> bool:
    """Whether the link lets this control be seen."""
    link = st.session_state.get("link")
    if link is None:
        return True
    return (not link.show or control in link.show) and control not in link.hide


def link_warning_ui():
    """The link's refused parts, once, in one warning (each is already safe Markdown)."""
    if st.session_state.pop("link_warning", False):
        problems = st.session_state["link"].problems
        st.warning("Some of this link's settings were refused and set to their defaults: "
                   + "; ".join(problems) + ".", icon=":material/link_off:")


def current_lesson(config):
    """The lesson this config still is, if any (a changed setting ends the lesson)."""
    name = st.session_state.get("lesson", "")
    return name if name in LESSONS and LESSONS[name].config == config else ""


def sync_url(config):
    """Write the setup into the address bar, so copying it shares exactly this run."""
    link = st.session_state["link"]
    params = to_query(config, link.show, link.hide, current_lesson(config))
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def share_ui(run):
    config = run.session.config
    base = (st.context.url or "").split("?")[0]
    base = base if base.endswith("/") else base + "/"
    st.markdown("**This setup as a link.** Anyone who opens it gets the same data, network and "
                "settings (and, with the same seed, the same starting weights).")
    st.code(base + "?" + query_string(config, lesson=current_lesson(config)), language=None,
            wrap_lines=True)
    st.markdown("**A classroom link** that shows only some controls:")
    keep = st.multiselect("Controls the link shows", list(CONTROLS),
                          default=["lr", "play", "pause", "reset"], key="share_show",
                          help="Everything else is hidden for whoever opens the link; the "
                               "settings themselves still come from the link.")
    st.code(base + "?" + query_string(config, show=keep, lesson=current_lesson(config)),
            language=None, wrap_lines=True)
