"""What a teacher and a student may do in a room, over a Store.

The teacher holds a random key (in the teacher's link); the store keeps only its sha256,
so a copy of the store cannot change a room. A student is known by a random token the
page keeps; the public id is a hash of it, so a student can write only their own tile
and submissions. Every refusal is Refused(one plain sentence) for the screen; a store
that cannot be reached raises StoreDown (store.py), which the caller shows differently.
"""
import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass

from ..saves import save_bytes
from .rules import (MAX_STUDENTS, MAX_SUBMISSIONS, Challenge, breaks, check_nickname,
                    check_room_name, parameters, rank_key, score)

RATE = 5.0          # writes per second a student (or a room's teacher) may keep up
BURST = 10          # writes they may make at once after a pause
# Rooms made: a page (by its token) may make 3 at once, then one a minute; this process
# (whoever asks, token or not) 30 at once, then one every 2 s, so no one fills the store.
CREATE_RATE, CREATE_BURST = 1 / 60, 3
PROCESS_CREATE_RATE, PROCESS_CREATE_BURST = 1 / 2, 30
EXPIRE_EVERY = 60.0     # seconds: the service expires old rooms at most this often
MAX_QUERY = 4000    # characters in a sent setup's link query
MAX_TITLE = 80      # characters in its title


class Refused(Exception):
    """A request the room does not accept; its message is one plain sentence."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class _Bucket:
    tokens: float
    at: float


class Limiter:
    """A token bucket per writer: RATE writes a second, BURST at once. `clock` is
    time.monotonic unless a test drives it."""

    def __init__(self, rate=RATE, burst=BURST, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, who: str) -> bool:
        """Take one token from who's bucket; False when it is empty."""
        now = self.clock()
        with self._lock:
            b = self._buckets.setdefault(who, _Bucket(self.burst, now))
            b.tokens, b.at = min(self.burst, b.tokens + (now - b.at) * self.rate), now
            if len(self._buckets) > 10_000:         # forget the full ones: bounded memory
                self._buckets = {k: v for k, v in self._buckets.items()
                                 if v.tokens + (now - v.at) * self.rate < self.burst or k == who}
            if b.tokens < 1:
                return False
            b.tokens -= 1
            return True


LIMITER = Limiter()      # one per process: a session's writes all go through its replica
CREATING = Limiter(CREATE_RATE, CREATE_BURST)                     # by the creating page
CREATING_HERE = Limiter(PROCESS_CREATE_RATE, PROCESS_CREATE_BURST)  # by this process


def _limit(limiter, who, said="Too many changes at once: wait a moment and try again."):
    if not limiter.allow(who):
        raise Refused(said)


class Expiry:
    """Runs store.expire(now) at most once every `every` seconds of `clock` (time.time,
    the stores' own clock, unless a test moves it): the service calls it on its way, so
    closed and idle rooms go without anyone remembering to."""

    def __init__(self, every=EXPIRE_EVERY, clock=time.time):
        self.every, self.clock, self.last = every, clock, -math.inf
        self._lock = threading.Lock()

    def __call__(self, store) -> None:
        now = self.clock()
        with self._lock:
            if now - self.last < self.every:
                return
            self.last = now
        store.expire(now)


EXPIRY = Expiry()        # one per process


def _checked(check, value):
    """check(value), its ValueError as a refusal."""
    try:
        return check(value)
    except ValueError as e:
        raise Refused(str(e)) from None


def student_id(token) -> str:
    """The public id of the browser holding this secret token: it cannot be turned back
    into the token, so showing it (a tile's owner, a copy link) gives nobody the run."""
    if not isinstance(token, str) or not 16 <= len(token) <= 200:
        raise Refused("This page has no identity yet: reload it.")
    return _sha256(f"nnp-student:{token}")[:16]


def save_key(room: str, student: str, opens: tuple = ()) -> str:
    """Where a page's run is saved: per room and student, so joining another room keeps
    this one's run; a copy opened from a link (`opens`: ("run" or "copy", id)) has its
    own, so training a copy never overwrites the student's own run."""
    return "/".join((room, student, *(["-".join(opens)] if opens else [])))


def run_query(room: str, sub_id: str) -> str:
    """The link query that opens a copy of a submitted run."""
    return f"room={room}&run={sub_id}"


# -- reading and checking a room ----------------------------------------------------------
def _room(store, name) -> dict:
    name = _checked(check_room_name, name)
    room = store.get_room(name)
    if room is None:
        raise Refused(f"There is no room called {name}; it may have expired.")
    return room


def _open_room(store, name) -> dict:
    room = _room(store, name)
    if room["closed"]:
        raise Refused(f"The room {name} is closed.")
    return room


def is_teacher(room: dict | None, key) -> bool:
    """Whether `key` is this room's teacher key (a page shows the teacher's controls only
    then; the service checks it again on every change). No room (None) has no teacher."""
    return (room is not None and isinstance(key, str)
            and hmac.compare_digest(_sha256(key), room["key_hash"]))


def _teachers_room(store, name, key, limiter) -> dict:
    """The open room, when `key` is its teacher's."""
    room = _open_room(store, name)
    if not is_teacher(room, key):
        raise Refused("Only the teacher's link can change this room.")
    _limit(limiter, f"teacher:{name}")
    return room


def challenge_of(room: dict) -> Challenge | None:
    return Challenge.from_dict(room["challenge"]) if room["challenge"] else None


# -- the teacher ------------------------------------------------------------------------
def create_room(store, name, challenge: Challenge | None = None, token=None,
                limiters=(CREATING, CREATING_HERE), expiry=EXPIRY) -> str:
    """A new room; returns the teacher's key (shown once, in the teacher's link). Limited
    per creating page when its token is given, and per process always."""
    name = _checked(check_room_name, name)
    by_page, by_process = limiters
    said = "Too many rooms made at once: wait a minute and try again."
    if token is not None:
        _limit(by_page, student_id(token), said)
    _limit(by_process, "process", said)
    expiry(store)
    key = secrets.token_urlsafe(24)
    room = {"name": name, "key_hash": _sha256(key), "created": time.time(),
            "challenge": challenge.to_dict() if challenge else None,
            "frozen": False, "closed": False, "setup": None}
    if not store.create_room(name, room):
        raise Refused(f"The room name {name} is taken: choose another.")
    return key


def send_setup(store, room, key, setup: dict, limiter=LIMITER) -> None:
    """Offer every student a setup: {"query": a link's query string, "title": text}."""
    _teachers_room(store, room, key, limiter)
    query, title = setup.get("query"), setup.get("title", "")
    if not isinstance(query, str) or not 0 < len(query) <= MAX_QUERY:
        raise Refused(f"A setup is a link's settings, at most {MAX_QUERY} characters.")
    if not isinstance(title, str) or len(title.strip()) > MAX_TITLE:
        raise Refused(f"A setup's title is plain text of at most {MAX_TITLE} characters.")
    store.update_room(room, {"setup": {"query": query, "title": title.strip(),
                                       "sent": time.time()}})


def freeze(store, room, key, frozen: bool, limiter=LIMITER) -> None:
    """Stop (or allow again) submissions; tiles keep coming."""
    _teachers_room(store, room, key, limiter)
    store.update_room(room, {"frozen": bool(frozen)})


def clear(store, room, key, limiter=LIMITER) -> None:
    """Empty the leaderboard (every submission and its run)."""
    _teachers_room(store, room, key, limiter)
    store.clear_submissions(room)


def close(store, room, key, limiter=LIMITER) -> None:
    """End the room: its tiles go now, its leaderboard stays readable until it expires."""
    _teachers_room(store, room, key, limiter)
    store.update_room(room, {"closed": True})
    store.delete_tiles(room)


# -- a student ----------------------------------------------------------------------------
def publish(store, room, token, tile: dict, limiter=LIMITER, expiry=EXPIRY) -> None:
    """Put the student's tile (tile.make_tile's) on the room's wall, in their own place."""
    expiry(store)
    _open_room(store, room)
    who = student_id(token)
    _limit(limiter, who)
    tile = {**tile, "nickname": _checked(check_nickname, tile.get("nickname"))}
    if store.count_students(room) >= MAX_STUDENTS and who not in store.get_tiles(room):
        raise Refused(f"The room is full: it holds at most {MAX_STUDENTS} students.")
    store.put_tile(room, who, tile)


def submit(store, room, token, session, blob: bytes | None, nickname: str, limiter=LIMITER,
           expiry=EXPIRY) -> dict:
    """Put the run on the leaderboard, scored here from the run itself; its blob
    (saves.save_bytes(session), made here when None) is kept so run_query(room,
    entry["id"]) opens a copy. Returns the entry."""
    expiry(store)
    r = _open_room(store, room)
    if r["frozen"]:
        raise Refused("Submissions are frozen in this room for now.")
    challenge = challenge_of(r)
    if challenge is None:
        raise Refused("This room has no challenge to submit to.")
    who = student_id(token)
    nickname = _checked(check_nickname, nickname)
    _limit(limiter, who)
    if sum(e["student"] == who for e in store.get_submissions(room)) >= MAX_SUBMISSIONS:
        raise Refused(f"You have made the {MAX_SUBMISSIONS} submissions a student may make.")
    reason = breaks(challenge, session)
    if reason:
        raise Refused(reason)
    value = score(challenge, session)
    entry = {"student": who, "nickname": nickname, "metric": challenge.score,
             "score": None if math.isnan(value) else value, "params": parameters(session),
             "epoch": session.epoch, "submitted": time.time()}
    blob = save_bytes(session) if blob is None else blob
    return {**entry, "id": store.add_submission(room, entry, blob)}


# -- anyone -------------------------------------------------------------------------------
def leaderboard(store, room, expiry=EXPIRY) -> list[dict]:
    """Each student's best submission, the best first (rules.rank_key)."""
    expiry(store)
    _room(store, room)
    best = {}
    for entry in store.get_submissions(room):
        mine = best.get(entry["student"])
        if mine is None or rank_key(entry) < rank_key(mine):
            best[entry["student"]] = entry
    return sorted(best.values(), key=rank_key)
