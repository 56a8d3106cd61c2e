"""Lessons: ready setups that each show one thing, loaded with one click."""
import streamlit as st

from playground.teach.lessons import LESSONS, lesson_names
from ui.controls import set_widgets
from ui.state import app_state


def _load_lesson(name):
    set_widgets(LESSONS[name].config)
    state = app_state()
    state.lesson, state.points = name, None
    state.say(f"Lesson loaded: {LESSONS[name].title}. Press Play.")


def lessons_ui(run):
    for name in lesson_names():
        lesson = LESSONS[name]
        with st.container(border=True):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"**{lesson.title}**")
            c1.caption(lesson.text)
            c1.caption(f"Share it: add `?lesson={name}` to the app's address.")
            c2.button("Load", key=f"lesson_{name}", on_click=_load_lesson, args=(name,),
                      type="primary" if app_state().lesson == name else "secondary",
                      width="stretch", help=f"Set every control for '{lesson.title}'.")
