"""Workshop room: a teacher creates a room and steers it; a student joins with the room's
link, picks a nickname and submits runs to the challenge's leaderboard.

Everything the room allows is decided by playground/room/service.py; this panel only
draws, and shows each refusal as the one sentence the service gave.
"""
import streamlit as st

from playground.data.datasets import DATASETS, REGRESSION
from playground.outputs import PROBLEMS
from playground.room import service
from playground.room.rules import SCORES, Challenge, check_nickname
from playground.room.store import StoreDown
from playground.teach.lessons import LESSONS, lesson_names
from playground.teach.links import query_string
from ui.links import current_lesson
from ui.room.links import qr_svg, room_link
from ui.room.member import down_since, worker
from ui.room.notice import plain
from ui.room.seat import Seat
from ui.state import app_state

SCORE_NAMES = {"test_loss": "test loss (lower is better)",
               "test_accuracy": "test accuracy (higher is better)", "r2": "R² (higher is better)"}
LIMITS = {"max_units": "Hidden units in all, at most", "max_layers": "Hidden layers, at most",
          "epoch_budget": "Epochs of training, at most"}


def _act(what, *args):
    """Do a service call; its refusal, or the store being down, is one sentence on screen
    (kept in the session state until the next action, so a callback's survives)."""
    try:
        result = what(worker().store, *args)
        st.session_state.pop("room_said", None)
        return result
    except (service.Refused, ValueError) as e:
        st.session_state["room_said"] = str(e)
    except StoreDown as e:
        worker().mark_down()
        st.session_state["room_said"] = str(e)
    return None


def _said_ui():
    said = st.session_state.get("room_said")
    if said:
        st.error(plain(said))


# -- making a room -----------------------------------------------------------------------
def _challenge_ui():
    """The challenge's settings as a dict, or None when the room has none."""
    if not st.toggle("Set a challenge", key="room_has_challenge",
                     help="A problem, limits on the network, and a score for the leaderboard."):
        return None
    c1, c2, c3 = st.columns(3)
    problem = c1.selectbox("Problem", PROBLEMS, key="room_problem")
    datasets = [d for d in DATASETS if (d in REGRESSION) == (problem == "regression")]
    dataset = c2.selectbox("Dataset", datasets, key="room_dataset")
    scores = [s for s, how in SCORES.items() if how.problem in ("", problem)]
    score = c3.selectbox("Score", scores, key="room_score", format_func=SCORE_NAMES.get,
                         help="Ties go to the run with fewer parameters, then the earlier.")
    limits = {}
    for column, (name, label) in zip(st.columns(3), LIMITS.items()):
        value = column.number_input(label, min_value=0, value=0, step=1, key=f"room_{name}",
                                    help="0: no limit.")
        limits[name] = int(value) or None
    return {"problem": problem, "dataset": dataset, "score": score, **limits}


def _create(name, challenge):
    state = app_state()
    checked = Challenge.from_dict(challenge) if challenge else None
    key = service.create_room(worker().store, name.strip(), checked)
    state.room = Seat(name=name.strip(), key=key)


def create_ui():
    st.markdown("**Make a room** for a workshop: students join with its link or QR code, "
                "and you see them all on the wall.")
    name = st.text_input("Room name", key="room_name", max_chars=32,
                         placeholder="e.g. ml-101", help="3 to 32 characters: a-z, 0-9 and -.")
    challenge = _challenge_ui()
    st.button("Create the room", key="room_create", type="primary",
              on_click=lambda: _act(lambda store: _create(name, challenge)))


# -- the teacher -------------------------------------------------------------------------
def _send_mine():
    config = app_state().run.session.config
    setup = {"query": query_string(config, lesson=current_lesson(config)),
             "title": "the teacher's setup"}
    _act(service.send_setup, app_state().room.name, app_state().room.key, setup)


def _send_lesson():
    name = st.session_state["room_lesson"]
    setup = {"query": query_string(LESSONS[name].config, lesson=name),
             "title": LESSONS[name].title}
    _act(service.send_setup, app_state().room.name, app_state().room.key, setup)


def links_ui(seat):
    st.warning("Keep the teacher link private: whoever opens it can change the room.",
               icon=":material/key:")
    st.code(room_link(seat.name, key=seat.key), language=None, wrap_lines=True)
    student = room_link(seat.name)
    st.markdown("**Student link**, or scan the code:")
    st.code(student, language=None, wrap_lines=True)
    st.html(f'<div class="nnp-room-qr" style="background:#fff;display:inline-block">'
            f'{qr_svg(student)}</div>')
    st.link_button("Open the wall (for the projector)", room_link(seat.name, wall="1"),
                   icon=":material/tv:")


def teacher_ui(seat, room):
    frozen = bool(room.get("frozen"))
    row = st.container(horizontal=True, key="room_teacher")
    row.button("Send my setup", key="room_send_mine", on_click=_send_mine,
               help="Every student gets a notice with one click to switch to your setup.")
    row.selectbox("Lesson", lesson_names(), key="room_lesson", label_visibility="collapsed",
                  format_func=lambda n: LESSONS[n].title, width=260)
    row.button("Send this lesson", key="room_send_lesson", on_click=_send_lesson)
    row = st.container(horizontal=True)
    row.button("Let submissions in" if frozen else "Freeze submissions", key="room_freeze",
               on_click=lambda: _act(service.freeze, seat.name, seat.key, not frozen))
    row.button("Clear the board", key="room_clear",
               on_click=lambda: _act(service.clear, seat.name, seat.key))
    row.button("Close the room", key="room_close", type="primary",
               on_click=lambda: _act(service.close, seat.name, seat.key))
    links_ui(seat)


# -- the student -------------------------------------------------------------------------
def _nickname():
    seat = app_state().room
    try:
        seat.nickname = check_nickname(st.session_state["room_nickname"])
        seat.dirty = True
        st.session_state.pop("room_said", None)
    except ValueError as e:
        st.session_state["room_said"] = str(e)
        st.session_state["room_nickname"] = seat.nickname


def _submit():
    state = app_state()
    entry = _act(service.submit, state.room.name, state.token, state.run.session)
    if entry is not None:
        state.say(f"Submitted at epoch {entry.get('epoch', state.run.session.epoch):,}: "
                  f"score {entry['score']:.4g}.")


def student_ui(seat, room):
    if "room_nickname" not in st.session_state and seat.nickname:
        st.session_state["room_nickname"] = seat.nickname
    st.text_input("Your nickname", key="room_nickname", max_chars=24, on_change=_nickname,
                  help="Shown on the wall and the leaderboard, as plain text.")
    st.button("Submit my run", key="room_submit", type="primary", on_click=_submit,
              disabled=not app_state().token or bool(room.get("frozen")),
              help="The server scores the run itself, on its test points.")
    if room.get("frozen"):
        st.caption("The teacher has frozen submissions.")


def challenge_text(challenge) -> str:
    """The challenge in one plain sentence."""
    c = Challenge.from_dict(challenge)
    parts = [f"{c.problem} on {c.dataset}"]
    parts += [f"{LIMITS[k].lower().replace(', at most', '')}: at most {v:,}"
              for k in LIMITS if (v := getattr(c, k)) is not None]
    return (f"Challenge: {'; '.join(parts)}. Score: {SCORE_NAMES[c.score]}; ties go to "
            "fewer parameters.")


def board_ui(seat, room):
    entries = _act(service.leaderboard, seat.name) or []
    if not entries:
        st.caption("No submissions yet.")
        return
    mine = [i for i, e in enumerate(entries, 1) if e.get("student") == seat.student]
    if mine and not seat.teacher:
        st.markdown(f"**Your best place: {mine[0]} of {len(entries)}.**")
    st.dataframe([{"place": i, "nickname": e.get("nickname", ""), "score": e.get("score"),
                   "parameters": e.get("params"), "epoch": e.get("epoch"),
                   "run": room_link(seat.name, run=e.get("id", ""))}
                  for i, e in enumerate(entries, 1)], hide_index=True, width="stretch",
                 column_config={"run": st.column_config.LinkColumn("run", display_text="open a copy")})


def room_ui(run):
    seat = app_state().room
    _said_ui()
    if seat is None or not seat.name:
        create_ui()
        return
    room = _act(lambda store: store.get_room(seat.name))
    if room is None:                    # (a store that is down is said at the top)
        if not down_since():
            st.error(f"There is no room called {seat.name}.")
        return
    st.markdown(f"#### Room {seat.name}" + (" · closed" if room.get("closed") else ""))
    if room.get("challenge"):
        st.caption(challenge_text(room["challenge"]))
    (teacher_ui if seat.teacher else student_ui)(seat, room)
    board_ui(seat, room)
