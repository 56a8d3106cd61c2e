"""Share: this setup as a link, and a classroom link that shows only some controls."""
import streamlit as st

from playground.teach.links import CONTROLS, query_string
from ui.links import app_address, current_lesson


def share_ui(run):
    config = run.session.config
    base = app_address()
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
