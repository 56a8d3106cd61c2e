"""A room member's publisher and saver: the tile about once a second while playing, the
run at least every SAVE_EVERY seconds of training, on pause and on every new setup.

Every store call but the reconnect's runs on ONE background thread per server process
(`worker()`), fed by a queue that keeps only the newest job per student and kind: the
live view never waits on the store. The script thread only serializes (a tile, a save's
bytes), which is its own run's work. When the store is down the worker keeps the newest
job of each kind and retries; `down_since()` says since when, for the panel.
"""
import logging
import threading
import time

from playground.room import service
from playground.room.rules import default_nickname
from playground.room.store import StoreDown, open_store
from playground.room.tile import make_tile
from playground.saves import load_session, save_bytes
from ui.controls import set_widgets

PUBLISH_EVERY = 1.0     # seconds between two tiles while playing
SAVE_EVERY = 4.0        # seconds between two saves while playing (at most 5 s are lost)
LOOK_EVERY = 2.0        # seconds between two looks at the room (a setup sent by the teacher)
RETRY = 1.0             # seconds between two tries of a store that is down
log = logging.getLogger(__name__)


class Worker:
    """One thread doing the store's writes in turn; a job is `fn(store)`, keyed so a
    newer job for the same key replaces one still waiting."""

    def __init__(self, store):
        self.store = store
        self._jobs = {}                 # key -> job, the oldest first
        self._cond = threading.Condition()
        self.down = None                # time.time() the store was first found down, or None
        self.rooms = {}                 # room name -> its dict, as last looked at
        self.refused = {}               # student id -> the last refusal of their tile
        self._busy = False              # a job is being done
        threading.Thread(target=self._loop, name="nnp-room-worker", daemon=True).start()

    def put(self, key, job):
        with self._cond:
            self._jobs.pop(key, None)
            self._jobs[key] = job
            self._cond.notify()

    def idle(self) -> bool:
        """Nothing waiting and nothing being done (tests wait for this)."""
        with self._cond:
            return not self._jobs and not self._busy

    def _take(self):
        with self._cond:
            while not self._jobs:
                self._busy = False
                self._cond.wait()
            self._busy = True
            key = next(iter(self._jobs))
            return key, self._jobs.pop(key)

    def _loop(self):
        while True:
            key, job = self._take()
            try:
                job(self.store)
                self.down = None
            except StoreDown:
                self.down = self.down or time.time()
                with self._cond:
                    self._jobs.setdefault(key, job)     # again, unless a newer one came
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
    """(blob, why) of the run the link asked to copy, or None."""
    if not seat.opens:
        return None
    kind, ident = seat.opens
    found = (store.get_submission_blob(seat.name, ident) if kind == "run"
             else (store.get_save(ident) or (None,))[0])
    if found is None:
        raise ValueError(f"The run this link opens is no longer in room {seat.name}.")
    return found, "A copy of the run this link opens: it trains here, saved as your own"


def _own(seat, store):
    """(blob, why) of this browser's last save in this room, or None."""
    saved = store.get_save(seat.student)
    if saved is None or saved[1].get("room") != seat.name:
        return None
    blob, meta = saved
    if meta.get("nickname"):
        seat.nickname = meta["nickname"]
    return blob, "Reconnected: your run is back"


def join(state):
    """The page's token came: the run of its link (a copy) or its own last save in this
    room comes back, paused where it was saved. Once per page; never raises."""
    seat, store = state.room, worker().store
    seat.joined = True
    seat.student = service.student_id(state.token)
    try:
        found = _opened(seat, store) or _own(seat, store)
        if not seat.nickname:
            seat.nickname = default_nickname(store.count_students(seat.name) + 1)
        if found:
            session = load_session(found[0])
            set_widgets(session.config)
            state.resume_run(session, f"{found[1]} at epoch {session.epoch:,}.")
    except StoreDown:
        worker().mark_down()
        seat.nickname = seat.nickname or default_nickname(int(seat.student[:4], 16) % 100)
    except ValueError as e:
        state.say(str(e))


# -- after every live tick -------------------------------------------------------------
def _save(seat, session):
    blob = save_bytes(session)
    meta = {"room": seat.name, "nickname": seat.nickname, "epoch": session.epoch,
            "saved": time.time()}
    worker().put(("save", seat.student), lambda store: store.put_save(seat.student, blob, meta))


def _publish(seat, token, run):
    tile = {**make_tile(run.session, seat.nickname), "playing": run.running}
    refused = worker().refused

    def job(store):
        try:
            service.publish(store, seat.name, token, tile)
            refused.pop(seat.student, None)
        except service.Refused as e:
            refused[seat.student] = str(e)
    worker().put(("tile", seat.student), job)


def _look(name):
    rooms = worker().rooms

    def job(store):
        rooms[name] = store.get_room(name)
    worker().put(("room", name), job)


def beat(state, now=None):
    """After a tick or a full run: join once the token is known, then save, publish and
    look at the room when each is due. Only serializes here; the worker does the rest."""
    seat = state.room
    if seat is None or not seat.name or not state.token:
        return
    if not seat.joined:
        join(state)
    now, run = now or time.monotonic(), state.run
    setup = (run.mount, run.session.config)
    paused = seat.was_running and not run.running
    seat.was_running = run.running
    if setup != seat.saved_setup or paused or (run.running and now - seat.saved >= SAVE_EVERY):
        seat.saved_setup, seat.saved = setup, now
        _save(seat, run.session)
        seat.dirty = True
    if not seat.teacher and (seat.dirty or (run.running and now - seat.published >= PUBLISH_EVERY)):
        seat.published, seat.dirty = now, False
        _publish(seat, state.token, run)
    if now - seat.fetched >= LOOK_EVERY:
        seat.fetched = now
        _look(seat.name)
