"""A training session as the app plays it: running or paused, trained in ticks that each
yield a batch of frames for the browser to animate.

No Streamlit here: the app keeps one `Playback` per browser session and hands
`payload()` to its live view (the keys are in schema.py). The page asks for each tick
when it runs low on frames, so a hidden tab asks for nothing and a slow one asks less
often. A tick trains for a bounded time (so one session on a huge network cannot starve
the others), cut into frames of `epochs_per_redraw` epochs, each also capped in time;
every frame carries the surface as uint8, and every few frames each unit's picture.
Each frame keeps a checkpoint, so Pause can stop the run at the frame on screen.
"""
import base64
import collections
import itertools
import json
import math
import threading
import time
import weakref

import numpy as np

from playground.activations import ACTIVATIONS
from playground.config import MAX_LAYERS, MAX_UNITS
from playground.data.features import LABELS as FEATURE_LABELS
from playground.fast import W_and_b
from playground.session import TrainingSession
from playground.figures.colours import NEG, POS, unit_positions
from playground.pictures.pixels import (input_images, surface_lut, surface_picture, unit_images,
                                        unit_luts)
from playground.figures.geometry import (LOSS_LINES, diagram_geometry, loss_geometry,
                                         plane_geometry)

# Plotly (playground.figures) is imported when a figure is first built, not here: the
# first payload carries only the surface, so the first picture does not wait for it.


def before_plotly():
    """Call before building any figure. Plotly uses pandas only if it is in sys.modules
    already, where another session's thread that is still importing it leaves it half
    made ("partially initialized module 'pandas'"); an import waits for that thread to
    finish. Not at the app's top: there it held a server's first surface back 1-2 s."""
    import pandas  # noqa: F401

TICK_SECONDS = 0.5        # how long the page takes to play one tick's frames (alone):
                          # each payload costs the page a Streamlit rerender, so fewer, bigger
SESSIONS_PER_TICK = 5     # beyond this many playing sessions, ticks get proportionally rarer
TRAIN_SHARE = 0.8         # of each second, the share all sessions together may train
FRAMES_PER_TICK = 30      # redraws per tick: 60 a second, the display's rate
UNITS_EVERY = 2           # every other frame also carries the unit pictures (30 a second)
TICK_BUDGET = 0.4         # training time per tick, all frames together
OVERSPENT = 1.25          # a tick that trained this times its budget sends what it has
FRAME_CAP = 0.04          # training time per redraw, at most
GRID = 100                # the surface's resolution
LOSS_HEIGHT = 220         # the loss chart's height in px
PLANE_HEIGHT = 340        # the points figure's height in px (the surface's, too)
UNIT_GRID = 24            # each unit's picture in the network diagram
CHECKPOINTS = 3 * FRAMES_PER_TICK   # frames Pause can go back to (the page may lag a tick)
OPEN_WAIT = 1.0           # at most this long a tick waits for pages still opening
IDLE_PAUSE = 20 * 60.0    # a tab nobody has touched for this long pauses
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)   # epochs per redraw
DEFAULT_SPEED = 100

LESSON_SECONDS = 6.0      # a lesson's run should unfold over about this long


def watchable_speed(epochs, fps=FRAMES_PER_TICK / TICK_SECONDS):
    """The fastest speed (epochs per redraw) at which `epochs` still take LESSON_SECONDS
    to play: a lesson's story must be seen, not over in a blink."""
    fitting = [s for s in SPEEDS if epochs / (s * fps) >= LESSON_SECONDS]
    return max(fitting, default=SPEEDS[0])


_mounts = itertools.count(1)
# Every playing session of this server process. Training holds one lock, so sessions take
# turns, and each tick's budget shrinks as more sessions play: one session on a huge
# network cannot starve the others, and Streamlit keeps time to serve them all.
class FairLock:
    """A lock taken in the order it was asked for. threading.Lock lets the thread that just
    released it win again and again: with 40 sessions some starved for seconds."""

    def __init__(self):
        self._mutex, self._queue, self._held = threading.Lock(), collections.deque(), False

    def __enter__(self):
        with self._mutex:
            if not self._held:
                self._held = True
                return self
            turn = threading.Lock()
            turn.acquire()
            self._queue.append(turn)
        turn.acquire()                  # released by the holder before us: our turn
        return self

    def __exit__(self, *exc):
        with self._mutex:
            if self._queue:
                self._queue.popleft().release()     # handed over: still held
            else:
                self._held = False


_LOCK = FairLock()
_PLAYING = weakref.WeakSet()
_OPENING = weakref.WeakSet()      # runs whose page has not had its first payload yet


def tick_seconds():
    """The live view's tick: TICK_SECONDS, longer when many sessions play at once, so the
    server's fixed cost per tick (a script run, a message) stays bounded."""
    return TICK_SECONDS * max(1.0, len(_PLAYING) / SESSIONS_PER_TICK)


def tick_budget(interval, budget=TICK_BUDGET):
    """One tick's training time: the playing sessions share TRAIN_SHARE of the time."""
    return min(budget, TRAIN_SHARE * interval / max(1, len(_PLAYING)))


def _num(x, digits=6):
    """A float for JSON: rounded to `digits` significant figures, None for NaN/inf."""
    return float(f"{x:.{digits}g}") if x is not None and math.isfinite(x) else None


def _b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def spec(figure, version):
    """A figure as plain JSON (NumPy arrays become Plotly's compact typed arrays)."""
    return {"version": version, "figure": json.loads(figure.to_json())}


def live_sizes(session):
    """The live diagram's layer sizes: every feature is an input node (those off faded, to
    be switched on by a click), then the hidden and output layers."""
    return [len(FEATURE_LABELS)] + list(session.config.layer_sizes[1:])


def node_places(session):
    """(input nodes' places, hidden and output units' places) in the live diagram's axes."""
    places = unit_positions(live_sizes(session))
    return places[0], [xy for layer in places[1:] for xy in layer]


def diagram_figure(session, height=None, pictures=True):
    """The network diagram; `pictures=False` is the live view's: every feature an input
    node, no unit pictures and no edges (the page paints both, every few frames)."""
    from playground.figures import charts as figures
    c = session.config
    hidden, outputs = unit_luts(session)
    labels = list(FEATURE_LABELS.values()) if not pictures else [FEATURE_LABELS[f] for f in c.features]
    return figures.network_figure(
        W_and_b(session.params), labels,
        unit_images(session, UNIT_GRID) if pictures else None,
        activation=ACTIVATIONS[c.activation].label, height=height,
        unit_lut=hidden, output_luts=outputs, edges=pictures,
        inputs_on=None if pictures else [f in c.features for f in FEATURE_LABELS])


def network(session, editable=()):
    """What the live diagram's + and −, its feature switches and its edges need (schema
    NETWORK); `editable`: which of "layers" and "features" the learner may change here."""
    c = session.config
    return {"hidden": list(c.hidden), "max_layers": MAX_LAYERS, "max_units": MAX_UNITS,
            "features": [[f, label, f in c.features] for f, label in FEATURE_LABELS.items()],
            "rows": [list(FEATURE_LABELS).index(f) for f in c.features],
            "editable": [e for e in ("layers", "features") if e in editable],
            "colours": [NEG, POS]}


def weights(session):
    """Each layer's [W; b] as base64 float32 ((inputs + 1) x units, row-major: the folded
    parameters as they are): the diagram's edges, and each unit's numbers on hover."""
    return [_b64(Wb.astype(np.float32)) for Wb in session.params]


def colour_tables(session):
    """The page's colour tables for this network, base64 (see schema.py): the surface's,
    smooth and discretized, and the unit pictures' (hidden units', [each output's])."""
    hidden, outputs = unit_luts(session)
    return {"lut": {d: _b64(surface_lut(session, d)) for d in (False, True)},
            "unit_lut": _b64(hidden), "output_luts": [_b64(lut) for lut in outputs]}


def class_numbers(m):
    """A frame's problem-type numbers: R^2 (regression) and accuracy per class (K >= 2)."""
    return {"train_r2": _num(m.train_r2), "test_r2": _num(m.test_r2),
            "train_class_acc": [_num(a, 4) for a in m.train_class_accuracy],
            "test_class_acc": [_num(a, 4) for a in m.test_class_accuracy]}


def legend(session):
    """What the surface's colours mean, for the page's legend: [[name, colour], ...]."""
    from playground.pictures.colours import BLUE, CLASS_COLOURS, ORANGE
    if session.output == "linear":
        return [["−1", ORANGE], ["0", "#f7f7f7"], ["+1", BLUE]]
    return [[f"class {k}", CLASS_COLOURS[k]] for k in range(max(2, session.units))]


class Playback:
    """One browser session's run as the live view plays it. The UI changes it only
    through its methods: play, pause, step, set_view, want, have."""

    def __init__(self, config, data=None, initial_params=None, running=False, page=None,
                 session=None):
        # `session`: a run made elsewhere (a save brought back), played from where it is
        self.session = session or TrainingSession(config, data, initial_params)
        self.running = False
        self.mount = next(_mounts)      # identifies this network to the live view
        self.seq = 0                    # counts the batches of frames
        # The figures the page has, as it last said (name -> version); None until it has
        # said anything (its first payload is light). `page`: a run this one replaces
        # in the same page, whose figures the page holds now.
        self.page_has = None if page is None else dict(page.page_has or {})
        self.offered = {}               # name -> version sent since the page last said
        self.view = {"show_test": True, "discretize": False, "log_scale": False}
        self.rate = 0.0                 # epochs per second achieved while playing
        self._last = None               # (time, epoch) of the previous tick
        self._wanted = False            # the page asked for a tick (or a full run happened)
        self._checkpoints = {}          # epoch -> the session's state after that frame
        self.touched = time.monotonic() # the learner's last action
        self.paused_why = ""
        self.frames = [self.frame()]
        self.inputs = _b64(input_images(self.session, UNIT_GRID, list(FEATURE_LABELS)))  # never
        self.tables = colour_tables(self.session)          # change for this network, nor these
        self.places = node_places(self.session)
        self.born = time.monotonic()
        _OPENING.add(self)
        if running:
            self.play()

    # -- what the learner does -----------------------------------------------------
    def play(self):
        self._checkpoints = {}
        self.running = not self.session.done
        self._last = None
        self.paused_why = ""
        if self.running:
            _PLAYING.add(self)

    def pause(self, why="", at=None):
        """Stop training. `at`: the epoch the page showed when Pause was pressed; the run
        goes back to it (the server trains up to a tick ahead of the page)."""
        self.running = False
        self._last = None
        self.paused_why = why
        _PLAYING.discard(self)
        saved = self._checkpoints.get(at)
        if saved is not None and at < self.session.epoch:
            self.session.rewind(saved)
            self.frames, self.seq = [self.frame()], self.seq + 1
            self._checkpoints = {e: c for e, c in self._checkpoints.items() if e <= at}

    def step(self):
        """One epoch, then paused (the Step button)."""
        self.pause()
        self.session.advance(1)
        self.frames, self.seq = [self.frame()], self.seq + 1

    def set_view(self, show_test=True, discretize=False, log_scale=False):
        self.view = {"show_test": show_test, "discretize": discretize, "log_scale": log_scale}

    def want(self, has=None):
        """The next run of the live view trains a tick (if playing). `has`: the figures
        the page holds, as its request says (see `have`)."""
        self._wanted = True
        if has is not None:
            self.have(has)

    def have(self, has):
        """The page holds these figures ({name: version}). Its word is the only record of
        what it has: a payload can be overtaken by a newer one before the page sees it, so
        a figure is sent until the page says it has it (never assumed delivered)."""
        self.page_has = {k: v for k, v in has.items() if isinstance(v, str)}
        self.offered = {}

    def touch(self, now=None):
        """The learner did something: the idle clock starts again."""
        self.touched = now or time.monotonic()

    def should_rest(self, now=None):
        """Why this run should stop training now, or "" (idle too long)."""
        now = now or time.monotonic()
        if now - self.touched > IDLE_PAUSE:
            return "Paused after 20 minutes without a click. Press Play to go on."
        return ""

    @property
    def finished(self):
        s = self.session
        return s.done and not s.diverged

    # -- training ------------------------------------------------------------------
    def serve(self, epochs_per_redraw=DEFAULT_SPEED):
        """Train a tick if playing and one was asked for; returns the epochs trained."""
        wanted, self._wanted = self._wanted, False
        return self.tick(epochs_per_redraw) if wanted and self.running else 0

    def tick(self, epochs_per_redraw=DEFAULT_SPEED, budget=None, frames=FRAMES_PER_TICK):
        """Train one tick's frames, taking turns with the server's other sessions;
        returns the number of epochs trained."""
        why = self.should_rest()
        if why:
            self.pause(why)
            return 0
        _PLAYING.add(self)
        self._let_openers_first()
        with _LOCK:
            first = self.session.epoch
            budget = tick_budget(tick_seconds()) if budget is None else budget
            batch, trained = [], 0.0
            while len(batch) < frames and not self.session.done:
                # every frame gets its share of the budget, so a crowded server sends
                # as many redraws, each of fewer epochs (drawing is not training time);
                # a network whose epoch outlasts the budget stops once it is overspent.
                # Training time is this thread's CPU time: wall time also counts the
                # moments other processes had the core, and on a busy machine that cut
                # ticks short (16 frames of 30), though no more training had been done
                if batch and trained >= OVERSPENT * budget:
                    break
                now, cpu = time.perf_counter(), time.thread_time()
                share = budget * (len(batch) + 1) / frames - trained
                self.session.advance(epochs_per_redraw, deadline=now + min(FRAME_CAP, share))
                trained += time.thread_time() - cpu
                self._checkpoint()
                batch.append(self.frame(units=len(batch) % UNITS_EVERY == UNITS_EVERY - 1))
        if batch:
            if "units" not in batch[-1]:           # the last frame always has its pictures
                batch[-1].update(units=self.unit_pictures(), weights=weights(self.session))
            self.frames, self.seq = batch, self.seq + 1
        self._measure_rate(time.perf_counter())
        if self.session.done:
            self.pause()
        return self.session.epoch - first

    def _let_openers_first(self):
        """A page still waiting for its first surface goes before more training of the
        others (a room opening one link at once): wait, without the lock, while a run
        born less than OPEN_WAIT ago has not sent its first payload."""
        end = time.monotonic() + OPEN_WAIT
        while (now := time.monotonic()) < end and any(
                p is not self and now - p.born < OPEN_WAIT for p in list(_OPENING)):
            time.sleep(0.02)

    def _checkpoint(self):
        self._checkpoints[self.session.epoch] = self.session.checkpoint()
        while len(self._checkpoints) > CHECKPOINTS:
            del self._checkpoints[next(iter(self._checkpoints))]

    def _measure_rate(self, now):
        epoch = self.session.epoch
        if self._last is not None and now > self._last[0]:
            rate = (epoch - self._last[1]) / (now - self._last[0])
            self.rate = rate if self.rate == 0 else 0.7 * self.rate + 0.3 * rate
        self._last = (now, epoch)

    # -- what the live view is sent (keys: schema.py) -------------------------------
    def frame(self, units=True):
        s = self.session
        m = s.evaluate()
        out = {"epoch": s.epoch, "train_loss": _num(m.train_loss),
               "train_acc": _num(m.train_accuracy), "test_loss": _num(m.test_loss),
               "test_acc": _num(m.test_accuracy), "z": _b64(surface_picture(s, GRID)),
               **class_numbers(m)}
        if units:
            out["units"] = self.unit_pictures()
            out["weights"] = weights(s)
        return out

    def unit_pictures(self):
        """Every unit's picture, base64 uint8, one string per layer (a frame's "units")."""
        return [_b64(layer) for layer in unit_images(self.session, UNIT_GRID)]

    def history(self, points=2000):
        """The loss curve so far, thinned to about `points` points for the browser."""
        h = self.session.history
        every = max(1, -(-h.n // points))
        pick = lambda name: h.column(name)[::every]
        return {"epoch": pick("epoch").astype(int).tolist(),
                "train": [_num(x) for x in pick("train_loss")],
                "test": [_num(x) for x in pick("test_loss")]}

    def figures(self):
        """name -> (version, builder) of the live view's Plotly figures."""
        from playground.figures import charts as figures
        s, v = self.session, self.view
        m = self.mount
        return {
            "points": (f"{m}-{v['show_test']}", lambda: figures.points_figure(
                s.data, s.bounds, v["show_test"], height=PLANE_HEIGHT, classes=s.config.classes,
                regression=s.output == "linear")),
            "loss": (f"{m}-{v['log_scale']}", lambda: figures.loss_figure(
                [], [], [] if s.data.has_test else None, log_scale=v["log_scale"],
                height=LOSS_HEIGHT)),
            "diagram": (f"{m}", lambda: diagram_figure(s, pictures=False)),
        }

    def versions(self):
        """name -> the version of each figure the page should show now."""
        return {name: version for name, (version, _) in self.figures().items()}

    def _specs(self):
        """The figures the page lacks, by its own word (none before it has said anything:
        the first payload carries only the surface). Each is sent once per word of the
        page's. The diagram is one per network: its edges and pictures move with the
        frames, painted by the page."""
        if self.page_has is None:
            return {}
        specs = {}
        before_plotly()
        for name, (version, build) in self.figures().items():
            if version in (self.page_has.get(name), self.offered.get(name)):
                continue
            specs[name] = spec(build(), version)
            self.offered[name] = version
        return specs

    def message(self):
        """Why training stopped, for the live view ("" while it plays; a divergence's
        advice is the page's warning, not repeated here)."""
        s = self.session
        if s.diverged:
            return ""
        if self.paused_why:
            return self.paused_why
        if self.finished:
            return (f"Finished {s.config.epochs:,} epochs: raise Epochs to run to go on."
                    if s.epoch == s.config.epochs else
                    f"Finished: Epochs to run ({s.config.epochs:,}) is below this run's "
                    f"{s.epoch:,} epochs. Raise it to go on.")
        return ""

    def payload(self, plotly_url, clickable=False, scroll=False, controls=(), editable=(),
                heard=0):
        """The live view's data: this tick's frames, and any figure it does not have yet.
        `clickable`: clicks on the plane are reported (the learner is placing points);
        `scroll`: the page brings the view into sight (a lesson was just loaded);
        `controls`: the controls the learner can press now (schema.CONTROLS);
        `editable`: what the diagram may change ("layers", "features"; schema NETWORK);
        `heard`: the number of the page's last message heard (AppState.last_heard)."""
        _OPENING.discard(self)
        specs = self._specs()
        inputs_xy, units_xy = self.places
        data = {"mount": self.mount, "seq": self.seq, "running": self.running,
                "tick_ms": int(tick_seconds() * 1000), "n": GRID, "unit_n": UNIT_GRID,
                "frames": self.frames if self.running else self.frames[-1:],  # paused: the last
                "lut": self.tables["lut"][self.view["discretize"]],
                "discrete": self.view["discretize"], "legend": legend(self.session),
                "unit_lut": self.tables["unit_lut"], "output_luts": self.tables["output_luts"],
                "specs": specs, "versions": self.versions(), "units_xy": units_xy, "inputs_xy": inputs_xy,
                "inputs": self.inputs,
                "plotly_url": plotly_url, "clickable": clickable, "scroll": scroll,
                "rate": f"{self.rate:,.0f} epochs/s" if self.running and self.rate else "",
                "message": self.message(),
                "plane": plane_geometry(self.session.bounds, PLANE_HEIGHT),
                "diagram": diagram_geometry(live_sizes(self.session)),
                "network": network(self.session, editable),
                "loss": {**loss_geometry(LOSS_HEIGHT), "lines": LOSS_LINES,
                         "log": self.view["log_scale"]},
                "controls": list(controls), "heard": heard}
        if not self.running or "loss" in specs:
            data["history"] = self.history()
        return data
