"""Where rooms, tiles, submissions and saves outlive a process: one small interface, an
embedded default (SQLite, one file) and a server for rooms that span machines (Redis).

Chosen by ONE setting, read here only: NNP_STORE, unset or sqlite:///path/file.sqlite3
for SQLite (default file: rooms.sqlite3 in NNP_DATA_DIR, else <repo>/.nnp-data), or
redis://host:port/db for Redis. Every method raises StoreDown, one sentence, when the
store cannot be reached or written, so the caller can carry on without it.
Everything goes in and out as JSON-able dicts, except a run's blob, which is bytes.
"""
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IDLE = 24 * 3600            # seconds: a room with no write for this long expires
SAVE_KEPT = 7 * 24 * 3600   # seconds: a student's save nobody rewrote for this long expires


class StoreDown(Exception):
    """The store cannot be reached or written (down, full, read-only): one sentence."""


class Store:
    """The interface both stores implement; `now` is time.time(). A room's dict is the
    service's (the store reads only its "closed"); a tile gets "updated": now."""

    def create_room(self, name: str, room: dict) -> bool:
        """Keep a new room; False when the name is taken."""
        raise NotImplementedError

    def get_room(self, name: str) -> dict | None:
        raise NotImplementedError

    def update_room(self, name: str, changes: dict) -> None:
        """Set these top-level keys of the room's dict."""
        raise NotImplementedError

    def put_tile(self, name: str, student_id: str, tile: dict) -> None:
        raise NotImplementedError

    def get_tiles(self, name: str, since: float = 0) -> dict[str, dict]:
        """The tiles updated after `since`, by student id."""
        raise NotImplementedError

    def delete_tiles(self, name: str) -> None:
        raise NotImplementedError

    def count_students(self, name: str) -> int:
        """How many students have a tile in the room."""
        raise NotImplementedError

    def add_submission(self, name: str, entry: dict, blob: bytes) -> str:
        """Keep a submitted run's entry and blob under a new id (returned; the entry
        read back holds it as "id")."""
        raise NotImplementedError

    def get_submissions(self, name: str) -> list[dict]:
        """Every entry, the oldest first."""
        raise NotImplementedError

    def get_submission_blob(self, name: str, sub_id: str) -> bytes | None:
        raise NotImplementedError

    def clear_submissions(self, name: str) -> None:
        raise NotImplementedError

    def put_save(self, student_id: str, blob: bytes, meta: dict) -> None:
        """Keep a student's run (meta: room, nickname, epoch, saved), replacing the last."""
        raise NotImplementedError

    def get_save(self, student_id: str) -> tuple[bytes, dict] | None:
        raise NotImplementedError

    def expire(self, now: float) -> int:
        """Drop closed rooms' tiles, rooms (with their tiles and submissions) idle IDLE
        seconds, and saves older than SAVE_KEPT; returns how many rooms were dropped."""
        raise NotImplementedError

    def ping(self) -> None:
        """Return when the store answers; StoreDown when it does not."""
        raise NotImplementedError


def new_id() -> str:
    """A submission's id: random, short, safe in a link (?room=NAME&run=ID)."""
    return secrets.token_hex(6)


def data_dir() -> Path:
    """Where the embedded store keeps its file: NNP_DATA_DIR, else <repo>/.nnp-data."""
    return Path(os.environ.get("NNP_DATA_DIR") or ROOT / ".nnp-data")


def open_store(url: str | None = None) -> Store:
    """The store the URL (else NNP_STORE) names; SQLite in data_dir() by default.
    ValueError for a URL of no known kind."""
    url = url or os.environ.get("NNP_STORE") or ""
    if url.startswith("redis://"):
        from .redis_store import RedisStore      # the redis client only when it is used
        return RedisStore(url)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite://"):])     # sqlite:///tmp/r.sqlite3 is /tmp/r.sqlite3
    elif url:
        raise ValueError(f"NNP_STORE must be sqlite:///path/file.sqlite3 or "
                         f"redis://host:port/db, not {url!r}.")
    else:
        path = data_dir() / "rooms.sqlite3"
    from .sqlite_store import SqliteStore
    return SqliteStore(path)
