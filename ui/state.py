"""What the app remembers for one browser session, apart from the widgets.

One `AppState` under one session_state key, made once: the run (a Playback, built only
here), the link the session was opened with, the learner's own points, the pinned runs,
and the one-line notice the next full run shows. Widget values stay under their keys.
"""
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from playground.config import Config
from playground.data.userdata import PointsError, dataset_from_points
from playground.session import fits, rebuilt_by, tuned_by
from playground.teach.compare import add_pin, pin
from playground.teach.links import LinkSetup, from_query
from ui.live.playback import Playback
from ui.room.seat import seat_from_query, split_query

KEY = "app"


@dataclass
class AppState:
    link: LinkSetup                     # the link this session was opened with, parsed once
    run: Playback | None = None         # the run on screen; made by sync_run, never elsewhere
    lesson: str = ""                    # the lesson last loaded (or the link's), if any
    link_warning: bool = False          # the link's refused parts are still to be shown
    notice: str | None = None           # one sentence for the next full run, shown once
    points: tuple | None = None         # the learner's own (X (n, 2), y (n,)), or None
    points_changed: str | None = None   # why the points changed, until a new run starts
    pins: list = field(default_factory=list)   # PinnedRun, oldest first
    pin_count: int = 0                  # pins ever made, so names stay unique after Clear
    replay: tuple | None = None         # (key, figure): the replay panel's last figure
    animation: tuple | None = None      # (key, bytes): the last animated GIF or WebP made
    surface3d: tuple | None = None      # (key, figure): the 3-D view's last figure
    diagnosis: tuple | None = None      # (key, Diagnosis): Why is it stuck?'s last build
    lrfind: tuple | None = None         # (mount, epoch, Sweep): the finder's last sweep
    seen_file: str | None = None        # the file_id of the last upload read
    upload_round: int = 0               # part of the uploader's key: bumping it empties the box
    upload_error: str | None = None     # why the last file was refused, shown once
    scroll_to_live: bool = False        # bring the live view into sight on the next draw
    live_stopped: bool = False          # the page paused the run: the buttons must follow
    widgets: dict = field(default_factory=dict)   # the widgets' values as the last run left
                                        # them (ui/live/view.py: outside_changes)
    page_sent: dict = field(default_factory=dict)  # ... and as the page last sent them
    page_values: dict | None = None     # ... as this run's message from the page held them
    full_run: bool = False              # the live view's fragment is drawn by a full run
    formula_error: str | None = None    # why the formula box's text was refused, if it was
    room: object = None                 # ui.room.seat.Seat when opened with ?room=NAME
    token: str = ""                     # the browser's room identity, once the page said it
    heard: dict = field(default_factory=dict)   # each trigger's last message number heard
    sidebar: str = "unseen"             # "unseen", then "due" (a page's first run drew the
                                        # live view alone: the next full run draws the
                                        # sidebar) or "drawn"

    @classmethod
    def from_link(cls, link: LinkSetup, room=None) -> "AppState":
        return cls(link=link, lesson=link.lesson, link_warning=bool(link.problems), room=room)

    def set_token(self, token):
        """The page's identity (live/schema.py TOKEN_KEY): 32 hex digits, else ignored."""
        if isinstance(token, str) and len(token) == 32 and set(token) <= set("0123456789abcdef"):
            self.token = token

    def hear(self, name, n) -> bool:
        """Whether the page's trigger `name` in its message number `n` is news. The page
        sends the same message again when no payload has said it was heard (a message
        lost with the connection); one the server already ran is then a repeat, skipped.
        A message without a number (a tool's, tools/livesession.py) is always news."""
        if not isinstance(n, int) or isinstance(n, bool):
            return True
        if n <= self.heard.get(name, 0):
            return False
        self.heard[name] = n
        return True

    def last_heard(self) -> int:
        """The number of the page's last message heard: every payload says it, and the
        page sends nothing more until it has (live.js send)."""
        return max(self.heard.values(), default=0)

    def say(self, notice: str):
        """Show this sentence once, at the top, on the next full run."""
        self.notice = notice

    def take_notice(self) -> str | None:
        notice = self.notice
        if not self.drawn_again():
            self.notice = None
        return notice

    def drawn_again(self) -> bool:
        """Whether this run is a page's first, which the next full run draws again at once
        (with the sidebar): what is shown once is shown in both."""
        return self.sidebar == "due"

    def set_points(self, X, y, why: str):
        """Use these points (train and test) from now on; the network starts again."""
        self.points = (np.asarray(X, float), np.asarray(y, float))
        self.points_changed = why

    def clear_points(self, why: str):
        self.points, self.points_changed = None, why

    def take_points_changed(self) -> str | None:
        why, self.points_changed = self.points_changed, None
        return why

    def needs_full_run(self) -> bool:
        """Whether a callback left something only a full run can show (new points, a notice,
        or the sidebar, once the page has shown its first surface and said so)."""
        return (self.points_changed is not None or self.notice is not None
                or (self.sidebar == "due" and self.run is not None
                    and self.run.page_has is not None))

    def add_pin(self, session):
        self.pin_count += 1
        self.pins = add_pin(self.pins, pin(session, f"#{self.pin_count}"))

    def clear_upload(self):
        """Empty the upload box (a new key), so it never shows a file that is not used."""
        self.upload_round += 1
        self.seen_file = None

    # -- the run: built in one place -------------------------------------------------
    def own_data(self, config: Config):
        """The learner's own points split for this config, or None for the generated data."""
        if self.points is None:
            return None
        try:
            return dataset_from_points(*self.points, config.test_fraction, config.seed,
                                       config.problem)
        except PointsError:
            return None             # too few points or one class so far: keep the dataset

    def new_run(self, config: Config, same_init=True, running=False) -> Playback:
        """A fresh run on the current data; from the last pinned run's initial weights when
        the learner asked for that and they fit (so only the one changed thing differs)."""
        pinned = self.pins[-1].initial_params if same_init and self.pins else None
        start = pinned if pinned is not None and fits(config, pinned) else None
        self.run = Playback(config, self.own_data(config), initial_params=start,
                            running=running, page=self.run)
        return self.run

    def sync_run(self, config: Config, same_init=True):
        """Keep the run in step with the widgets: a new network when the data or the
        architecture changed (and say so), the same weights when only training settings did."""
        run, points_changed = self.run, self.take_points_changed()
        if run is None:
            self.new_run(config, same_init)
            return
        rebuilt = rebuilt_by(run.session.config, config)
        if rebuilt or points_changed:
            self.new_run(config, same_init, running=run.running and not points_changed)
            if not self.notice:
                self.say(points_changed or (
                    f"New network: {', '.join(rebuilt).replace('_', ' ')} changed, so "
                    "training starts again from epoch 0."))
            return
        changes = tuned_by(run.session.config, config)
        if changes:
            self._retune(run.session, changes)

    def _retune(self, session, changes):
        session.retune(**changes)
        names = ", ".join(changes).replace("_", " ")
        if session.epoch and session.done and not session.diverged:
            self.say(f"{names} changed: this run has already trained {session.epoch:,} "
                     "epochs, so it is finished. Raise Epochs to run to go on.")
        elif session.epoch:
            self.say(f"{names} changed: training continues from the current weights at "
                     f"epoch {session.epoch:,}.")

    def restart_run(self, why: str):
        """The run again from epoch 0, paused, with the same starting weights and data."""
        s = self.run.session
        self.run = Playback(s.config, s.data, initial_params=s.initial_params, page=self.run)
        self.say(why)

    def resume_run(self, session, why: str):
        """A saved run on screen, paused where it was saved (a reconnect, or a copy)."""
        self.run = Playback(session.config, session=session, page=self.run)
        self.say(why)


def app_state() -> AppState:
    """This browser session's AppState, made on its first run from the page's link."""
    if KEY not in st.session_state:
        room, setup = split_query(st.query_params.to_dict())
        st.session_state[KEY] = AppState.from_link(from_query(setup), seat_from_query(room))
    return st.session_state[KEY]


def current_run() -> Playback:
    """This browser session's run (made on the script's first run, by sync_run)."""
    return app_state().run
