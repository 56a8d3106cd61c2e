"""A training session as the app plays it: running or paused, trained in ticks that each
yield a batch of frames for the browser to animate.

No Streamlit here: the app keeps one `Playback` per browser session and hands
`payload()` to its live view. A tick trains for a bounded time (so one session on a
huge network cannot starve the others), cut into frames of `epochs_per_redraw`
epochs, each also capped in time; every frame carries the surface as uint8.
"""
import base64
import itertools
import json
import math
import threading
import time
import weakref

import numpy as np

from playground.activations import ACTIVATIONS
from playground.data.features import LABELS as FEATURE_LABELS
from playground.figures import charts as figures
from playground.fast import W_and_b
from playground.session import TrainingSession

TICK_SECONDS = 0.25       # how often the app's live fragment runs while playing (alone)
SESSIONS_PER_TICK = 5     # beyond this many playing sessions, ticks get proportionally rarer
TRAIN_SHARE = 0.5         # of each second, the share all sessions together may train
FRAMES_PER_TICK = 10      # redraws per tick: 40 a second
TICK_BUDGET = 0.12        # training time per tick, all frames together
FRAME_CAP = 0.04          # training time per redraw, at most
GRID = 100                # the surface's resolution
UNIT_GRID = 24            # each unit's picture in the network diagram
DIAGRAM_EVERY = 1.0       # seconds between diagram updates while playing
HIDDEN_PAUSE = 30.0       # a tab hidden this long pauses (abandoned tabs must not train)
IDLE_PAUSE = 20 * 60.0    # and so does a tab nobody has touched for this long
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)   # epochs per redraw
DEFAULT_SPEED = 100

_mounts = itertools.count(1)
# Every playing session of this server process. Training holds one lock, so sessions take
# turns, and each tick's budget shrinks as more sessions play: one session on a huge
# network cannot starve the others, and Streamlit keeps time to serve them all.
_LOCK = threading.Lock()
_PLAYING = weakref.WeakSet()


def tick_seconds():
    """The live view's tick: 0.25 s, longer when many sessions play at once, so the
    server's fixed cost per tick (a script run, a message) stays bounded."""
    return TICK_SECONDS * max(1.0, len(_PLAYING) / SESSIONS_PER_TICK)


def tick_budget(interval, budget=TICK_BUDGET):
    """One tick's training time: the playing sessions share TRAIN_SHARE of the time."""
    return min(budget, TRAIN_SHARE * interval / max(1, len(_PLAYING)))


def _num(x, digits=6):
    """A float for JSON: rounded to `digits` significant figures, None for NaN/inf."""
    return float(f"{x:.{digits}g}") if x is not None and math.isfinite(x) else None


def spec(figure, version):
    """A figure as plain JSON (NumPy arrays become Plotly's compact typed arrays)."""
    return {"version": version, "figure": json.loads(figure.to_json())}


def unit_images(session, n=UNIT_GRID):
    """Each hidden and output unit's output over the plane as uint8 (units, n, n) per
    layer: hidden values are shown on [-1, 1] (0 is white), the output on [0, 1]."""
    layers = session.unit_surfaces(n)
    images = [figures.quantize((np.clip(a, -1, 1) + 1) / 2) for a in layers[:-1]]
    return images + [figures.quantize(layers[-1])]


def diagram_figure(session, height=None):
    c = session.config
    return figures.network_figure(
        W_and_b(session.params), [FEATURE_LABELS[f] for f in c.features], unit_images(session),
        activation=ACTIVATIONS[c.activation].label, height=height)


class Playback:
    def __init__(self, config, data=None, initial_params=None):
        self.session = TrainingSession(config, data, initial_params)
        self.running = False
        self.mount = next(_mounts)      # identifies this network to the live view
        self.seq = 0                    # counts the batches of frames
        self.sent = {}                  # figure name -> version the view already has
        self.view = {"show_test": True, "discretize": False, "log_scale": False}
        self.rate = 0.0                 # epochs per second achieved while playing
        self._last = None               # (time, epoch) of the previous tick
        self._diagram_at = 0.0
        self.hidden_since = None        # when the browser said the tab was hidden
        self.touched = time.monotonic() # the learner's last action
        self.paused_why = ""
        self.interval = TICK_SECONDS    # this view's tick, as its fragment was declared
        self.frames = [self.frame()]

    # -- training ------------------------------------------------------------------
    def play(self):
        self.running = not self.session.done
        self._last = None
        self.paused_why = ""
        if self.running:
            _PLAYING.add(self)

    def pause(self, why=""):
        self.running = False
        self._last = None
        self.paused_why = why
        _PLAYING.discard(self)

    def set_visible(self, visible, now=None):
        self.hidden_since = None if visible else (now or time.monotonic())

    def touch(self, now=None):
        """The learner did something: the idle clock starts again."""
        self.touched = now or time.monotonic()

    def should_rest(self, now=None):
        """Why this tab should stop training now, or "" (hidden or idle too long)."""
        now = now or time.monotonic()
        if self.hidden_since is not None and now - self.hidden_since > HIDDEN_PAUSE:
            return "Paused: this tab was hidden, and a hidden tab does not keep training."
        if now - self.touched > IDLE_PAUSE:
            return "Paused after 20 minutes without a click. Press Play to go on."
        return ""

    def tick(self, epochs_per_redraw=DEFAULT_SPEED, budget=None, frames=FRAMES_PER_TICK):
        """Train one tick's frames, taking turns with the server's other sessions;
        returns the number of epochs trained."""
        why = self.should_rest()
        if why:
            self.pause(why)
            return 0
        _PLAYING.add(self)
        with _LOCK:
            start, first = time.perf_counter(), self.session.epoch
            budget = tick_budget(self.interval) if budget is None else budget
            batch = []
            while len(batch) < frames and not self.session.done:
                now = time.perf_counter()
                if batch and now - start >= budget:
                    break
                self.session.advance(epochs_per_redraw,
                                     deadline=min(now + FRAME_CAP, start + budget))
                batch.append(self.frame())
        if batch:
            self.frames, self.seq = batch, self.seq + 1
        self._measure_rate(time.perf_counter())
        if self.session.done:
            self.pause()
        return self.session.epoch - first

    def step(self):
        """One epoch, then paused (the Step button)."""
        self.pause()
        self.session.advance(1)
        self.frames, self.seq = [self.frame()], self.seq + 1

    def _measure_rate(self, now):
        epoch = self.session.epoch
        if self._last is not None and now > self._last[0]:
            rate = (epoch - self._last[1]) / (now - self._last[0])
            self.rate = rate if self.rate == 0 else 0.7 * self.rate + 0.3 * rate
        self._last = (now, epoch)

    # -- what the live view is sent ------------------------------------------------
    def frame(self):
        s = self.session
        m = s.evaluate()
        z = figures.quantize(s.surface(GRID))
        return {"epoch": s.epoch, "train_loss": _num(m.train_loss), "train_acc": _num(m.train_accuracy),
                "test_loss": _num(m.test_loss), "test_acc": _num(m.test_accuracy),
                "z": base64.b64encode(z.tobytes()).decode("ascii")}

    def history(self, points=2000):
        """The loss curve so far, thinned to about `points` points for the browser."""
        h = self.session.history
        every = max(1, -(-h.n // points))
        pick = lambda name: h.column(name)[::every]
        return {"epoch": pick("epoch").astype(int).tolist(),
                "train": [_num(x) for x in pick("train_loss")],
                "test": [_num(x) for x in pick("test_loss")]}

    def figures(self):
        """name -> (version, builder) of the live view's figures."""
        s, v = self.session, self.view
        m = self.mount
        return {
            "surface": (f"{m}-{v['discretize']}", lambda: figures.surface_figure(
                s.surface(GRID), s.bounds, None, discretize=v["discretize"])),
            "points": (f"{m}-{v['show_test']}", lambda: figures.points_figure(
                s.data, s.bounds, v["show_test"])),
            "loss": (f"{m}-{v['log_scale']}", lambda: figures.loss_figure(
                [], [], [] if s.data.has_test else None, log_scale=v["log_scale"])),
            "diagram": (f"{m}-{s.epoch}", lambda: diagram_figure(s)),
        }

    def payload(self, plotly_url, clickable=False):
        """The live view's data: this tick's frames, and any figure it does not have yet.
        `clickable`: clicks on the plane are reported (the learner is placing points)."""
        now = time.perf_counter()
        specs = {}
        for name, (version, build) in self.figures().items():
            if self.sent.get(name) == version:
                continue
            if name == "diagram" and self.running and \
                    now - self._diagram_at < max(DIAGRAM_EVERY, 4 * self.interval):
                continue
            specs[name] = spec(build(), version)
            self.sent[name] = version
            if name == "diagram":
                self._diagram_at = now
        data = {"mount": self.mount, "seq": self.seq, "running": self.running,
                "tick_ms": int(self.interval * 1000), "n": GRID,
                "frames": self.frames if self.running else self.frames[-1:],  # paused: the last
                "specs": specs, "plotly_url": plotly_url, "clickable": clickable,
                "rate": f"{self.rate:,.0f} epochs/s" if self.running and self.rate else "",
                "message": self.session.diverged or self.paused_why}
        if not self.running or "loss" in specs:
            data["history"] = self.history()
        return data

    def resync(self):
        """The view lost its figures (it was remounted): send them all again."""
        self.sent = {}
