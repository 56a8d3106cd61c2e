"""The run as an animated GIF or WebP to download, offered by Replay and by Export."""
import streamlit as st

from playground.teach.animation import FORMATS, WIDTHS, animation
from ui.state import app_state

NAMES = {"gif": "GIF", "webp": "WebP"}


def animation_ui(run, key):
    """A format and a width, and one download of that file. Like Export's files it is made
    as the panel is drawn (0.3 to 3 s, kept until the run moves on), so the click is a
    plain download; while the run plays it is not made: Pause first."""
    s, playing = run.session, run.running
    left, right, button = st.columns([2, 2, 3], vertical_alignment="bottom")
    kind = left.segmented_control(
        "Animation", list(FORMATS), format_func=NAMES.get, default="gif", key=f"{key}_anim_kind",
        help="GIF plays everywhere; WebP holds the same pictures in a third of the bytes.")
    kind = kind or "gif"                 # a second click on the chosen one unselects it
    width = right.segmented_control("Width (px)", WIDTHS, default=WIDTHS[0],
                                    key=f"{key}_anim_width") or WIDTHS[0]
    data = b"" if playing or s.epoch == 0 else _made(run, kind, width)
    button.download_button(
        f"Animated {NAMES[kind]}, {width} px", data,
        f"nn-playground-run-{width}px.{kind}",
        mime=FORMATS[kind].mime, icon=":material/animated_images:", on_click="ignore",
        disabled=playing or s.epoch == 0, key=f"{key}_anim_download",
        help="The run from its snapshots: the decision surface with the points, the loss "
             "curve so far and the epoch, frame by frame, looping. For slides and chat.")


def _made(run, kind, width):
    state, key = app_state(), (run.mount, run.session.epoch, kind, width,
                               run.view["show_test"])
    if not state.animation or state.animation[0] != key:
        with st.spinner("Drawing the frames..."):
            data = animation(run.session, kind, width, show_test=run.view["show_test"])
        state.animation = (key, data)
    return state.animation[1]
