"""Workshop room: a teacher creates a room and steers it; a student joins with the room's
link, picks a nickname and submits runs to the challenge's leaderboard.

Everything the room allows is decided by playground/room/service.py; this panel only
draws, and shows each refusal as the one sentence the service gave.
"""
import streamlit as st

from playground.room import service
from playground.room.rules import SCORES, Challenge, check_nickname
from playground.room.store import StoreDown
from playground.saves import save_bytes
from playground.teach.lessons import LESSONS, lesson_names
from playground.teach.links import query_string, value_text
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
    (kept in the session state, so a callback's reaches the panel's next run; a call that
    succeeds clears it)."""
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
def _challenge_ui(config):
    """The challenge's settings beside the teacher's current data, or None for no challenge."""
    if not st.toggle("Set a challenge on my current data", key="room_has_challenge",
                     help="Every student's run must train on these same points (dataset, "
                          "points, noise, test fraction, seed), within your limits; the "
                          "server scores it on its test points."):
        return None
    st.caption(f"The data: {config.problem}, {config.dataset}, {config.samples:,} points, "
               f"noise {value_text(config.noise)}, test fraction "
               f"{value_text(config.test_fraction)}, seed {config.seed}.")
    scores = [s for s, how in SCORES.items() if how.problem in ("", config.problem)]
    columns = st.columns(4)
    choice = {"score": columns[0].selectbox(
        "Score", scores, key="room_score", format_func=SCORE_NAMES.get,
        help="Ties go to the run with fewer parameters, then the earlier.")}
    for column, (name, label) in zip(columns[1:], LIMITS.items()):
        value = column.number_input(label, min_value=0, value=0, step=1, key=f"room_{name}",
                                    help="0: no limit.")
        choice[name] = int(value) or None
    return choice


def _create(name, challenge):
    state = app_state()
    checked = (Challenge.from_config(state.run.session.config, **challenge)
               if challenge else None)
    key = service.create_room(worker().store, name.strip(), checked, token=state.token or None)
    state.room = Seat(name=name.strip(), key=key)


def create_ui():
    st.markdown("**Make a room** for a workshop: students join with its link or QR code, "
                "and you see them all on the wall.")
    name = st.text_input("Room name", key="room_name", max_chars=32,
                         placeholder="e.g. ml-101", help="3 to 32 characters: a-z, 0-9 and -.")
    challenge = _challenge_ui(app_state().run.session.config)
    st.button("Create the room", key="room_create", type="primary",
              on_click=lambda: _act(lambda store: _create(name, challenge)))


# -- the teacher -------------------------------------------------------------------------
def setup_title(config) -> str:
    """A setup in a few words, for the students' notice (at most service.MAX_TITLE)."""
    title = (f"{config.dataset}, hidden layers {value_text(config.hidden) or 'none'}, "
             f"{config.activation}, learning rate {value_text(config.lr)}")
    return title[:service.MAX_TITLE]


def _send_mine():
    config = app_state().run.session.config
    setup = {"query": query_string(config, lesson=current_lesson(config)),
             "title": setup_title(config)}
    _act(service.send_setup, app_state().room.name, app_state().room.key, setup)


def _send_lesson():
    name = st.session_state["room_lesson"]
    setup = {"query": query_string(LESSONS[name].config, lesson=name),
             "title": LESSONS[name].title}
    _act(service.send_setup, app_state().room.name, app_state().room.key, setup)


def links_ui(seat):
    """The student link and its QR code beside it; the teacher's own link under a warning."""
    student = room_link(seat.name)
    left, right = st.columns([3, 2])
    left.markdown("**Student link**: students open it, or scan the code.")
    left.code(student, language=None, wrap_lines=True)
    left.link_button("Open the wall (for the projector)", room_link(seat.name, wall="1"),
                     icon=":material/tv:")
    left.markdown("**Teacher link**: yours alone.")
    left.warning("Keep the teacher link private: whoever opens it can change the room.",
                 icon=":material/key:")
    left.code(room_link(seat.name, key=seat.key), language=None, wrap_lines=True)
    with right.container(key="room_qr"):
        st.image(qr_svg(student), width=340)


def teacher_ui(seat, room):
    links_ui(seat)
    frozen = bool(room.get("frozen"))
    row = st.container(horizontal=True, key="room_teacher")
    row.button("Send my setup", key="room_send_mine", on_click=_send_mine, type="primary",
               help="Every student gets a notice with one click to switch to your setup.")
    row.selectbox("Lesson", lesson_names(), key="room_lesson", label_visibility="collapsed",
                  format_func=lambda n: LESSONS[n].title, width=260)
    row.button("Send this lesson", key="room_send_lesson", on_click=_send_lesson)
    row = st.container(horizontal=True)
    row.button("Let submissions in" if frozen else "Freeze submissions", key="room_freeze",
               on_click=lambda: _act(service.freeze, seat.name, seat.key, not frozen))
    row.button("Clear the board", key="room_clear",
               on_click=lambda: _act(service.clear, seat.name, seat.key))
    row.button("Close the room", key="room_close", icon=":material/lock:",
               on_click=lambda: _act(service.close, seat.name, seat.key))


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
    session = state.run.session
    entry = _act(service.submit, state.room.name, state.token, session, save_bytes(session),
                 state.room.nickname)
    if entry is not None:
        score = entry.get("score")
        state.say(f"Submitted at epoch {entry.get('epoch', state.run.session.epoch):,}"
                  + (f": score {score:.4g}." if isinstance(score, (int, float)) else "."))


def student_ui(seat, room):
    if "room_nickname" not in st.session_state and seat.nickname:
        st.session_state["room_nickname"] = seat.nickname
    st.text_input("Your nickname", key="room_nickname", max_chars=24, on_change=_nickname,
                  value=st.session_state.get("room_nickname", ""),
                  help="Shown on the wall and the leaderboard, as plain text.")
    if not room.get("challenge"):
        return
    st.button("Submit my run", key="room_submit", type="primary", on_click=_submit,
              disabled=not app_state().token or bool(room.get("frozen")),
              help="The server scores the run itself, on its test points.")
    if room.get("frozen"):
        st.caption("The teacher has frozen submissions.")


def challenge_text(challenge) -> str:
    """The challenge in one plain sentence."""
    c = Challenge.from_dict(challenge)
    data = ", ".join(f"{k.replace('_', ' ')} {value_text(v)}" for k, v in c.pinned().items())
    parts = [f"{c.problem} on {c.dataset}" + (f" ({data})" if data else "")]
    parts += [f"{LIMITS[k].lower().replace(', at most', '')}: at most {v:,}"
              for k in LIMITS if (v := getattr(c, k)) is not None]
    return (f"Challenge: {'; '.join(parts)}. Score: {SCORE_NAMES[c.score]}; ties go to "
            "fewer parameters.")


def board_ui(seat, room):
    entries = _act(service.leaderboard, seat.name) or []
    st.markdown("**Leaderboard**")
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
    with st.container(key="room_panel"):
        _room_ui()


def _room_ui():
    seat = app_state().room
    _said_ui()
    if seat is None or not seat.name:
        create_ui()
        return
    down = bool(down_since())           # said at the top; the panel then never waits on it
    room = worker().rooms.get(seat.name) if down else _act(
        lambda store: store.get_room(seat.name))
    if room is None:
        if not down:
            st.error(f"There is no room called {seat.name}.")
        return
    st.markdown(f"#### Room {seat.name}" + (" · closed" if room.get("closed") else ""))
    if room.get("challenge"):
        st.caption(challenge_text(room["challenge"]))
    teacher = seat.teacher and service.is_teacher(room, seat.key)
    if seat.teacher and not teacher:
        st.warning("This link's key is not this room's teacher key, so the teacher's "
                   "controls are hidden.")
    (teacher_ui if teacher else student_ui)(seat, room)
    if not down:
        board_ui(seat, room)
