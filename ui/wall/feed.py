"""What the wall sends its page, poll by poll: the tiles that changed, the leaderboard,
the room's state, and whether the store answers. No Streamlit here, so a test drives it
against a real store.

The page keeps every tile it was sent and repaints only those that arrive. Each poll
sends the tiles updated in the last REPEAT_S seconds (by the newest `updated` seen, so
the wall's clock does not matter), not only those new since the last poll: a payload
the page never saw (two runs of the fragment in one render) is made good by the next.
Every FULL_S seconds all tiles go again, marked `full`, and the page drops the ones not
in it (a cleared room, a tile missed on a machine whose clock lags).
"""
import time
from dataclasses import dataclass, field

from playground.room.rules import rank_key
from playground.room.store import StoreDown

REPEAT_S = 3.0          # a tile is resent for this long after its update
FULL_S = 30.0           # all tiles, and the page drops what it holds beyond them
BOARD_S = 2.0           # the leaderboard is read this often
BOARD_ROWS = 12         # rows a projector shows legibly beside the grid

# The challenge's score, as the leaderboard's title names it.
SCORE_NAMES = {"test_loss": "test loss", "test_accuracy": "test accuracy", "r2": "R²"}


def clock_text(t):
    """HH:MM on the wall's own clock, as the teacher in the room reads the time."""
    return time.strftime("%H:%M", time.localtime(t))


def board_rows(entries):
    """The leaderboard's rows as the page shows them: best first, already ranked."""
    return [{"nickname": e["nickname"], "score": e["score"], "params": e["params"],
             "run": e["id"]} for e in entries[:BOARD_ROWS]]


def challenge_text(challenge):
    """The challenge in one line (its limits), or '' for a room without one."""
    if not challenge:
        return ""
    parts = [challenge.get("dataset", "")]
    limits = (("max_units", "at most {:,} hidden units"), ("max_layers", "at most {:,} layers"),
              ("epoch_budget", "{:,} epochs"))
    parts += [text.format(challenge[key]) for key, text in limits if challenge.get(key)]
    return " · ".join(p for p in parts if p)


@dataclass
class WallFeed:
    """One wall's view of one room, kept between polls (in its browser session)."""
    room: str
    newest: float = 0.0                         # the newest tile `updated` seen
    full_at: float = float("-inf")              # when all tiles went last
    board_at: float = float("-inf")
    board: list = field(default_factory=list)
    down_since: float | None = None
    known: dict = field(default_factory=dict)   # the room as last read, shown while down
    repeat_s: float = REPEAT_S

    def poll(self, connect, now):
        """The next payload, or a one-sentence string when there is no wall to show
        (unknown or closed room). connect() gives the store. One that does not answer
        (StoreDown) gives no tiles, so the page keeps its own, and a `down` sentence; the
        next answer clears it."""
        try:
            store = connect()
            room = store.get_room(self.room)
            if room is None:
                return f"There is no room called {self.room}."
            if room.get("closed"):
                return f"The room {self.room} is closed."
            full = now - self.full_at >= FULL_S
            tiles = store.get_tiles(self.room, since=0 if full else self.newest - self.repeat_s)
            if now - self.board_at >= BOARD_S:
                entries = sorted(store.get_submissions(self.room), key=rank_key)
                self.board, self.board_at = board_rows(entries), now
        except StoreDown:
            self.down_since = self.down_since or now
            return self.payload(self.known, {}, full=False, now=now)
        self.down_since, self.known = None, room
        if full:
            self.full_at = now
        self.newest = max([self.newest] + [t["updated"] for t in tiles.values()])
        return self.payload(room, tiles, full, now)

    def payload(self, room, tiles, full, now):
        challenge = room.get("challenge") or {}
        down = (f"The room's store is unreachable since {clock_text(self.down_since)}."
                if self.down_since else "")
        return {"room": self.room, "tiles": tiles, "full": full, "board": self.board,
                "score": SCORE_NAMES.get(challenge.get("score"), ""),
                "challenge": challenge_text(challenge), "frozen": bool(room.get("frozen")),
                "down": down, "now": now}
