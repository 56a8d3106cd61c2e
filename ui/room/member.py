"""A room member's publisher and saver: the tile about once a second while playing, the
run at least every SAVE_EVERY seconds of training, on pause and on every new setup.

Every store call but the reconnect's runs on ONE background thread per server process
(`worker()`), fed by a queue that keeps only the newest job per student and kind: the
live view never waits on the store. The script thread only serializes (a tile, a save's
bytes), which is its own run's work. When the store is down the worker keeps the newest
job of each kind and retries; `down_since()` says since when, for the panel.
"""
import base64
import logging
import threading
import time

import numpy as np

from playground.room import service
from playground.room.rules import default_nickname
from playground.room.store import StoreDown, open_store
from playground.room.tile import make_tile, shown_tile
from playground.saves import load_session, save_bytes
from ui.controls import set_widgets
from ui.live.playback import GRID, tick_seconds

PUBLISH_EVERY = 0.75    # seconds between two tiles while playing: a tick's last tile is
                        # then at most this before its end, and the next tick's first comes
                        # a round trip after that end (at 1 s, the oldest of 40 tiles on a
                        # loaded wall was 2.1-2.3 s old; the bound is 2 s)
SAVE_EVERY = 2.0        # seconds between two saves while playing: a replica that dies
                        # loses at most this, plus a save still queued (target: 5 s)
LOOK_EVERY = 2.0        # seconds between two looks at the room (a setup sent by the teacher)
RETRY = 1.0             # seconds between two tries of a store that is down
JOIN_WAIT_MAX = 8.0     # ... at most, between two tries of a page's reconnect
WRITES = ("save", "tile")   # jobs whose success says the store is back (a read-only
                            # SQLite file still answers the room's reads)
log = logging.getLogger(__name__)


class Worker:
    """One thread doing the store's writes in turn; a job is `fn(store)`, keyed so a
    newer job for the same key replaces one still waiting. A job may be due later (`due`,
    time.monotonic()), and may ask to run again by returning when."""

    def __init__(self, store):
        self.store = store
        self._jobs = {}                 # key -> (due, job), the oldest first
        self._cond = threading.Condition()
        self.down = None                # time.time() the store was first found down, or None
        self.rooms = {}                 # room name -> its dict, as last looked at
        self.refused = {}               # student id -> the last refusal of their tile
        self._busy = False              # a job is being done
        threading.Thread(target=self._loop, name="nnp-room-worker", daemon=True).start()

    def put(self, key, job, due=0.0):
        with self._cond:
            self._jobs.pop(key, None)
            self._jobs[key] = (due, job)
            self._cond.notify()

    def idle(self) -> bool:
        """Nothing waiting and nothing being done (tests wait for this)."""
        with self._cond:
            return not self._jobs and not self._busy

    def _take(self):
        with self._cond:
            while True:
                now = time.monotonic()
                key = next((k for k, (due, _) in self._jobs.items() if due <= now), None)
                if key is not None:
                    self._busy = True
                    return key, self._jobs.pop(key)[1]
                self._busy = False
                soonest = min((due for due, _ in self._jobs.values()), default=None)
                self._cond.wait(None if soonest is None else soonest - now)

    def _again(self, key, job, due):
        with self._cond:
            if key not in self._jobs:                   # unless a newer one came
                self._jobs[key] = (due, job)
                self._cond.notify()

    def _loop(self):
        while True:
            key, job = self._take()
            try:
                due = job(self.store)
                if key[0] in WRITES:
                    self.down = None
                if due is not None:
                    self._again(key, job, due)
            except StoreDown:
                self.down = self.down or time.time()
                self._again(key, job, 0.0)
                time.sleep(RETRY)
            except Exception:                           # a bug must not stop the saving
                log.exception("room job %s failed", key)

    def mark_down(self):
        self.down = self.down or time.time()


_worker = None
_worker_lock = threading.Lock()


def worker() -> Worker:
    """This process's worker, with the store NNP_STORE names, made on first use."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = Worker(open_store())
        return _worker


def use_store(store) -> Worker:
    """From now on this process's room work goes to `store` (a test's own, either kind)."""
    global _worker
    with _worker_lock:
        _worker = Worker(store)
        return _worker


def down_since() -> str:
    """"HH:MM" since when the store is unreachable, or ""."""
    down = worker().down
    return time.strftime("%H:%M", time.localtime(down)) if down else ""


# -- the reconnect -----------------------------------------------------------------------
def _opened(seat, store):
    """(blob, why) of the run the link asked to copy, or None. A copy of a student's run
    is of their last save in this room."""
    if not seat.opens:
        return None
    kind, ident = seat.opens
    found = (store.get_submission_blob(seat.name, ident) if kind == "run"
             else (store.get_save(service.save_key(seat.name, ident)) or (None,))[0])
    if found is None:
        raise ValueError(f"The run this link opens is no longer in room {seat.name}: "
                         "this page starts a run of its own.")
    return found, ("A copy of that run, at epoch {epoch:,}: it trains here and is saved as "
                   "yours (the original is untouched).")


def _own(seat, store):
    """(blob, why) of this page's last save (in this room; of this copy), or None."""
    saved = store.get_save(seat.save_key)
    if saved is None:
        return None
    blob, meta = saved
    if meta.get("nickname"):
        seat.nickname = meta["nickname"]
    return blob, "Reconnected: your run is back at epoch {epoch:,}."


def _found(state, seat, store):
    """(blob, why) of the run this page gets back: its own save, else the copy its link
    opens; None for a fresh run. A copy that is gone is said, never raised."""
    try:
        return _own(seat, store) or _opened(seat, store)
    except ValueError as e:
        state.say(str(e))
        return None


def _join_wait(seat) -> float:
    """Seconds between two tries of the reconnect: RETRY, doubled after each the store
    could not answer, up to JOIN_WAIT_MAX."""
    return min(RETRY * 2 ** seat.join_failures, JOIN_WAIT_MAX)


def join(state, now):
    """The page's token came: its own last save (in this room; of this copy) or the run
    its link opens as a copy comes back, paused where it was saved. Done once per page;
    never raises. While the store cannot say whether there is a save, the page is not
    joined: it tries again, less and less often (a frozen store blocks each try), and
    saves nothing meanwhile, so a fresh run never overwrites the save it was to get back
    (a replica died, and the store was slow to answer)."""
    seat, store = state.room, worker().store
    seat.student, seat.join_tried = service.student_id(state.token), now
    try:
        room = store.get_room(seat.name) if seat.key else None    # a student's: not read
        if room is not None and not service.is_teacher(room, seat.key):
            seat.key = ""           # a student, then: on the wall, and sent the setups
            state.say("This link's key is not this room's teacher key: you are in the "
                      "room as a student.")
        found = _found(state, seat, store)
        if not seat.nickname:
            seat.nickname = default_nickname(store.count_students(seat.name) + 1)
    except StoreDown:
        worker().mark_down()
        seat.join_failures += 1
        return
    seat.joined = True
    try:
        if found:
            session = load_session(found[0])
            set_widgets(session.config)
            state.resume_run(session, found[1].format(epoch=session.epoch))
    except ValueError as e:
        state.say(str(e))


# -- after every live tick -------------------------------------------------------------
def _save(seat, session):
    blob, key = save_bytes(session), seat.save_key
    meta = {"room": seat.name, "nickname": seat.nickname, "epoch": session.epoch,
            "saved": time.time()}
    worker().put(("save", key), lambda store: store.put_save(key, blob, meta))


def _on_screen(run, now):
    """[(when, tile)]: the tiles of what the student's page shows over the coming tick,
    one every PUBLISH_EVERY seconds. The page plays a tick's frames evenly over
    tick_seconds() after the session trained them all, so the session's own state is
    up to a tick ahead of the screen; a paused run's tile is the session's now."""
    s, frames = run.session, run.frames
    if not run.running or len(frames) < 2:
        return [(now, make_tile(s, ""))]
    span = tick_seconds()
    times = np.arange(0.0, span, PUBLISH_EVERY)
    picks = [frames[min(len(frames) - 1, int(t / span * len(frames)))] for t in times]
    return [(now + t, shown_tile(s, "", f["epoch"], _surface(f), f["test_loss"],
                                 f["test_acc"], f["test_r2"])) for t, f in zip(times, picks)]


def _surface(frame):
    """A frame's surface, (GRID, GRID) uint8, as the page decodes it."""
    return np.frombuffer(base64.b64decode(frame["z"]), np.uint8).reshape(GRID, GRID)


def _publish(seat, token, run, now):
    tiles = [(when, {**tile, "nickname": seat.nickname, "playing": run.running})
             for when, tile in _on_screen(run, now)]
    refused = worker().refused

    def job(store):
        """Publish the latest tile that is due; come back for the next."""
        while len(tiles) > 1 and tiles[1][0] <= time.monotonic():
            tiles.pop(0)
        try:
            service.publish(store, seat.name, token, tiles[0][1])
            refused.pop(seat.student, None)
        except service.Refused as e:
            refused[seat.student] = str(e)
        tiles.pop(0)                    # not before: a store that is down gets it again
        return tiles[0][0] if tiles else None
    worker().put(("tile", seat.student), job, due=tiles[0][0])


def look(seat, now=None):
    """Have the worker read the room (for a setup the teacher sent), at most every
    LOOK_EVERY seconds."""
    now = now or time.monotonic()
    if now - seat.fetched < LOOK_EVERY:
        return
    seat.fetched, name, rooms = now, seat.name, worker().rooms

    def job(store):
        rooms[name] = store.get_room(name)
    worker().put(("room", name), job)


def sent_setup(seat, shown=False):
    """The setup the teacher sent that this student has not answered (`shown`: that the
    page has not shown yet), or None."""
    setup = (worker().rooms.get(seat.name) or {}).get("setup")
    if not isinstance(setup, dict) or seat.teacher:
        return None
    seen = seat.setup_shown if shown else seat.setup_seen
    return setup if setup.get("sent", 0) not in (seen, seat.setup_seen) else None


def beat(state, now=None) -> bool:
    """After a tick or a full run: join once the token is known, then save, publish and
    look at the room when each is due. Only serializes here; the worker does the rest.
    True when the page should run in full (a setup from the teacher to show)."""
    seat = state.room
    if seat is None or not seat.name or not state.token:
        return False
    now = now or time.monotonic()
    if not seat.joined and now - seat.join_tried >= _join_wait(seat):
        join(state, now)
    if not seat.joined:
        return False
    run = state.run
    setup = (run.mount, run.session.config, None if run.running else run.session.epoch)
    paused = seat.was_running and not run.running
    seat.was_running = run.running
    if setup != seat.saved_setup or paused or (run.running and now - seat.saved >= SAVE_EVERY):
        seat.saved_setup, seat.saved = setup, now
        _save(seat, run.session)
        seat.dirty = True
    fresh = run.running and run.seq != seat.tile_seq        # frames not yet published
    due = now - seat.published >= PUBLISH_EVERY - tick_seconds() / 2   # (ticks are ~0.5-8 s)
    if seat.on_wall and (seat.dirty or (fresh and due)):
        seat.published, seat.dirty, seat.tile_seq = now, False, run.seq
        _publish(seat, state.token, run, now)
    look(seat, now)
    return sent_setup(seat, shown=True) is not None
