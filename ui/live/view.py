"""The live view: a Streamlit v2 component that keeps its graphs mounted, inside a
fragment that reruns when the page asks for frames.

No timer drives it. The page asks (`want`) when it runs low on frames, so a hidden tab
asks for nothing, and the fragment is never rerun by a clock while a widget's full
rerun is rebuilding the page: a timed fragment (`run_every`) did that, and each such
meeting could leave a second, stale copy of the view on the page. The messages both
ways are written down in schema.py.
"""
from pathlib import Path

import streamlit as st

from ui.controls import SETTABLE, change_network
from ui.links import shown
from ui.live.schema import COMPONENT, CONTROLS, js_constant, wire
from ui.room.member import beat
from ui.state import KEY, app_state, current_run

HERE = Path(__file__).parent
# plotly.js's "cartesian" bundle from npm (MIT; scatter, heatmap and friends), the same
# version plotly.py 7.1 ships in full. Streamlit serves static/ (enableStaticServing);
# the page loads it once by URL, after it has painted the first surface itself.
PLOTLY_JS = "plotly-cartesian-4.1.1.min.js"


def page_script():
    """live.js with what it needs in front: the schema and the pure functions (pure.js,
    an ES module of its own so node can test it)."""
    return js_constant() + (HERE / "pure.js").read_text() + (HERE / "live.js").read_text()


live_view = st.components.v2.component(
    COMPONENT, js=page_script(), css=(HERE / "live.css").read_text(), isolate_styles=False)


def plotly_url():
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/{PLOTLY_JS}" if base else f"/app/static/{PLOTLY_JS}"


def _event(name):
    """This run's value of one of the live view's triggers (schema.TRIGGERS), whose
    `token` (the browser's room identity) is kept in AppState; None for a message the
    page sent again after this session had run it."""
    state = st.session_state.get("live")
    event = getattr(state, name, None) if state is not None else None
    if not isinstance(event, dict):
        return event
    state = app_state()
    if state.page_values is None:       # as the page sent them, before a callback changes one
        state.page_values = _widget_values()
    state.set_token(event.get("token"))
    return event if state.hear(name, event.get("n")) else None


# What each control does (schema.CONTROLS), for its button and for the page's `control`
# trigger alike; `at`: the epoch on the page's screen when it was pressed.
ACTIONS = {
    "play": lambda at=None: current_run().play(),
    "pause": lambda at=None: current_run().pause(at=at),
    "step": lambda at=None: current_run().step(),
    "reset": lambda at=None: app_state().restart_run(
        "Reset: the same starting weights, epoch 0."),
}


def enabled(run):
    """Which controls can act on this run now (a disabled button cannot be pressed)."""
    done = run.session.done
    return {"play": not run.running and not done, "pause": run.running, "step": not done,
            "reset": True}


def offered(run):
    """The controls the learner can press now: enabled and shown (a link may hide some)."""
    can = enabled(run)
    return [name for name in CONTROLS if can[name] and shown(name)]


def _has(event):
    """The figures a trigger says the page holds ({name: version}), or None."""
    has = event.get("has") if isinstance(event, dict) else None
    return has if isinstance(has, dict) else None


def _want():
    event = _event("want")
    if event is not None:
        current_run().want(_has(event))


def _control():
    """A control pressed in the page (its key, or a click on Pause): what its button does,
    if the learner could press it now."""
    event = _event("control")
    name = event.get("name") if isinstance(event, dict) else None
    if name not in offered(current_run()):
        return
    epoch = event.get("epoch")
    ACTIONS[name](at=epoch if isinstance(epoch, int) else None)
    app_state().live_stopped = True             # the buttons must follow: a full rerun


def _have():
    has = _has(_event("have"))
    if has is not None:
        current_run().have(has)


def _point():
    from ui.panels.your_data import on_point_click
    where = _event("point")
    if isinstance(where, dict) and {"x1", "x2"} <= set(where):
        on_point_click(where["x1"], where["x2"])      # checked there, as a file's rows are


def _network():
    """A + or − or a feature switched on the diagram: the sidebar's keys change, and a full
    run builds the new network (and redraws the sidebar and the link)."""
    event = _event("network")
    if isinstance(event, dict):
        change_network(event.get("change"), event.get("layer"), event.get("feature"))
        app_state().live_stopped = True


def editable():
    """What the diagram may change: what the link lets the sidebar change."""
    return [name for name in ("layers", "features") if shown(name)]


def _widget_values():
    """The session state's values but the live view's own and AppState."""
    return {k: v for k, v in st.session_state.to_dict().items() if k not in ("live", KEY)}


def remember_widgets():
    """At the end of every run: the values the next run of the fragment compares with."""
    state = app_state()
    state.widgets, state.page_values = _widget_values(), None


def outside_changes(state, now, sent):
    """(changed, echoes) in a run of the fragment alone whose session state holds `now`
    and whose message from the page held `sent`: whether a widget drawn outside the
    fragment changed, and the values to put back where the page sent a stale one.

    Streamlit's page sends the widget changes of one moment as one rerun, and when the
    live view's question for frames is among them, as this fragment's rerun (its
    WidgetStateManager.scheduleFlush keeps the first fragment id of a batch). A click on a
    panel or a sidebar control in the same instant then reaches the server as a fragment
    run: the new value is in the session state, but nothing outside the fragment is drawn
    again (a closed panel stayed open). A widget gone since (not drawn) is no change.

    Only a value the page had not sent before counts. The page sends every widget's value
    with every rerun, and one the server set since (a − on the diagram, Regenerate's
    seed, a lesson's speed) comes back as the page last sent it until the page has drawn
    the new one: an echo. Left in the session state, the next full run built the old
    network again (a − on the diagram while playing was undone in 2 of 15 tries), so the
    server's value goes back. A value a callback of this run set is a change."""
    changed, echoes = False, {}
    for key, kept in state.widgets.items():
        if key not in now or now[key] == kept:
            continue
        page = sent.get(key, now[key])
        if now[key] == page and key in state.page_sent and state.page_sent[key] == page:
            if key in SETTABLE:
                echoes[key] = kept
        else:
            changed = True
    return changed, echoes


@st.fragment
def _live(speed):
    state = app_state()
    alone, state.full_run = not state.full_run, False
    changed = False
    if alone:
        now = _widget_values()
        sent = state.page_values if state.page_values is not None else now
        changed, echoes = outside_changes(state, now, sent)
        st.session_state.update(echoes)
        state.page_sent = sent
    # A callback left what only a full run shows, or a widget outside changed: rerun now,
    # before a payload (a rerun drops what this run sent).
    if state.needs_full_run() or changed:
        state.live_stopped = False
        st.rerun()
    run = current_run()
    was_running = run.running
    run.serve(st.session_state.get("speed", speed))
    news = beat(state)                  # the room's tile and save, when due (never waits)
    run = current_run()                 # (a reconnect brings a saved run back)
    clickable = st.session_state.get("click_mode", "off") != "off"
    scroll, state.scroll_to_live = state.scroll_to_live, False
    sent_before = dict(run.offered)
    data = run.payload(plotly_url(), clickable, scroll, offered(run), editable(),
                       state.last_heard())
    live_view(data=wire(data),
              key="live", on_want_change=_want, on_control_change=_control,
              on_have_change=_have, on_point_change=_point, on_network_change=_network)
    stopped, state.live_stopped = state.live_stopped or (was_running and not run.running), False
    if stopped or news or state.needs_full_run():   # it stopped, new points, a notice or
        # the room's: the page follows. The rerun's payload replaces this one before the
        # page can read it, so what this one offered counts as never sent.
        run.offered = sent_before
        st.rerun()
    if alone:
        remember_widgets()


def live_ui(speed):
    """Draw the live view. A full run while playing trains a tick too (so AppTest, which
    has no page to ask, plays by running the script again)."""
    current_run().want()
    app_state().full_run = True         # the fragment's body runs inside this run
    _live(speed)
