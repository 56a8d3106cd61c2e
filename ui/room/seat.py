"""A page's place in a workshop room, read once from its link: which room, whether as
the teacher (the link holds the key), and a run to open as a copy.

The room's URL keys (ROOM_KEYS) are not settings: they are taken out of the query
before the setup is parsed, and `room` and `key` are kept in the address bar after.
"""
import re
from dataclasses import dataclass

from playground.room.rules import check_room_name
from playground.room.service import save_key

ROOM_KEYS = ("room", "key", "wall", "run", "copy")
KEPT_KEYS = ("room", "key")          # stay in the address bar, so a reload stays in the room
OPENS = ("run", "copy")              # a submitted run / a student's last save: opened as a copy
ID_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")   # a key, a submission's or a student's id


@dataclass
class Seat:
    name: str = ""              # the room's checked name; "" when the link's was refused
    key: str = ""               # the teacher's secret (only the teacher's link holds it)
    opens: tuple = ()           # ("run", SUB_ID) or ("copy", STUDENT_ID): a copy to open, once
    problem: str = ""           # why the link's room part was refused, one sentence
    nickname: str = ""          # shown on the student's tile ("" until the room is joined)
    student: str = ""           # the public id of this browser's token
    joined: bool = False        # the token came, and the reconnect (or the copy) was done
    join_tried: float = -1e9    # monotonic time of the last try (a store down: try again)
    join_failures: int = 0      # tries the store could not answer (each doubles the wait)
    saved_setup: tuple = ()     # (mount, config, epoch when paused) of the run last saved:
                                # a change (a Step while paused) saves again
    was_running: bool = False   # the run played at the last beat (a pause saves)
    saved: float = 0.0          # monotonic time of the last save
    published: float = 0.0      # ... of the last tile
    tile_seq: int = -1          # the live view's batch of frames last published from
    fetched: float = 0.0        # ... of the last look at the room (for a sent setup)
    setup_seen: float = -1.0    # the sent setup's "sent" time the student last answered
    setup_shown: float = -1.0   # ... the page last showed (a newer one needs a full run)
    dirty: bool = False         # the nickname changed: publish the tile now

    @property
    def teacher(self) -> bool:
        return bool(self.key)

    @property
    def save_key(self) -> str:
        return save_key(self.name, self.student, self.opens)

    @property
    def on_wall(self) -> bool:
        """Whether this page publishes a tile: a student's, not the teacher's, nor a copy
        opened from a link (the wall's Spotlight opens one on the teacher's screen)."""
        return not self.key and not self.opens


def split_query(params: dict) -> tuple[dict, dict]:
    """(the room's keys, the setup's keys) of a query."""
    room = {k: v for k, v in params.items() if k in ROOM_KEYS}
    return room, {k: v for k, v in params.items() if k not in ROOM_KEYS}


def _last(value):
    return str(value[-1] if isinstance(value, (list, tuple)) and value else value or "")


def seat_from_query(room: dict) -> Seat | None:
    """The seat a link's room keys describe, or None when it names no room. A bad name or
    id becomes the seat's `problem` (one plain sentence), never an exception."""
    if "room" not in room:
        return None
    try:
        name = check_room_name(_last(room["room"]).strip())
    except ValueError as e:
        return Seat(problem=f"This link's room was refused: {e}")
    ids = {k: _last(room[k]).strip() for k in ("key", *OPENS) if k in room}
    bad = [k for k, v in ids.items() if not ID_TEXT.match(v)]
    if bad:
        return Seat(name=name, problem=f"This link's {bad[0]} is not a valid id, so it "
                                       "was ignored.")
    opens = next(((k, ids[k]) for k in OPENS if k in ids), ())
    return Seat(name=name, key=ids.get("key", ""), opens=opens)


def kept_query(seat: Seat | None) -> dict:
    """The room keys the address bar keeps (the room, and the teacher's key)."""
    if seat is None or not seat.name:
        return {}
    return {k: v for k, v in (("room", seat.name), ("key", seat.key)) if v}
