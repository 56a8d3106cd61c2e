"""The embedded store: one SQLite file in WAL mode, so the app's replicas on one machine
share rooms and saves with nothing to install. One connection per thread (sqlite3's
connections belong to the thread that made them); a busy file is waited on for at most
BUSY_MS, and any failure of the file becomes StoreDown.
"""
import fcntl
import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .store import IDLE, SAVE_KEPT, Store, StoreDown, new_id

BUSY_MS = 2000      # wait this long for another writer before giving up (StoreDown)
VERSION = 1         # the schema's, kept in the file's user_version
SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (name TEXT PRIMARY KEY, room TEXT NOT NULL,
                                  touched REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tiles (room TEXT NOT NULL, student TEXT NOT NULL,
                                  tile TEXT NOT NULL, updated REAL NOT NULL,
                                  PRIMARY KEY (room, student));
CREATE INDEX IF NOT EXISTS tiles_by_time ON tiles (room, updated);
CREATE TABLE IF NOT EXISTS submissions (room TEXT NOT NULL, id TEXT NOT NULL,
                                        entry TEXT NOT NULL, blob BLOB NOT NULL,
                                        PRIMARY KEY (room, id));
CREATE TABLE IF NOT EXISTS saves (student TEXT PRIMARY KEY, blob BLOB NOT NULL,
                                  meta TEXT NOT NULL, saved REAL NOT NULL);
"""


class SqliteStore(Store):
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    # -- the file ---------------------------------------------------------------------
    def _connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local.writable = not self.path.exists() or os.access(self.path, os.W_OK)
        conn = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        # WAL with NORMAL syncs at checkpoints, not every commit: a power cut may lose the
        # last second of tiles and saves, never the file's consistency (a tile: 5 ms -> 1.5 ms here)
        conn.execute("PRAGMA synchronous = NORMAL")
        if conn.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            self._make(conn)
        return conn

    def _make(self, conn):
        """WAL mode and the tables, in a new file, by one connection at a time: a new file
        is in rollback-journal mode, where two connections making the schema at once
        deadlock and SQLite answers one "database is locked" at once, without waiting
        (a page and the room's worker opening one file together did)."""
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)    # released when the file closes
            if conn.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                conn.execute("PRAGMA journal_mode = WAL")      # kept in the file: set once
                conn.executescript(f"{SCHEMA}; PRAGMA user_version = {VERSION};")

    @contextmanager
    def _db(self, write=False):
        """This thread's connection (made on first use), in a transaction when writing.
        A failure forgets the connection, so the next call tries the file afresh (a file
        made writable again, a disk with room again)."""
        try:
            if write and not getattr(self._local, "writable", True):
                self.close()        # opened read-only while the file was: it stays so
            conn = getattr(self._local, "conn", None) or self._connect()
            self._local.conn = conn
            if write:
                conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if write:
                    conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as e:
            self.close()
            doing = "written" if write else "read"
            raise StoreDown(f"The room store's file {self.path} cannot be {doing} ({e}).") \
                from e

    def close(self):
        """Close this thread's connection (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def ping(self):
        with self._db() as db:
            db.execute("SELECT count(*) FROM rooms").fetchone()

    # -- rooms ------------------------------------------------------------------------
    def create_room(self, name, room):
        with self._db(write=True) as db:
            return db.execute("INSERT OR IGNORE INTO rooms VALUES (?, ?, ?)",
                              (name, json.dumps(room), time.time())).rowcount == 1

    def get_room(self, name):
        with self._db() as db:
            row = db.execute("SELECT room FROM rooms WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else None

    def update_room(self, name, changes):
        with self._db(write=True) as db:
            row = db.execute("SELECT room FROM rooms WHERE name = ?", (name,)).fetchone()
            if row:
                db.execute("UPDATE rooms SET room = ?, touched = ? WHERE name = ?",
                           (json.dumps({**json.loads(row[0]), **changes}), time.time(), name))

    # -- tiles ------------------------------------------------------------------------
    def put_tile(self, name, student_id, tile):
        now = time.time()
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)",
                       (name, student_id, json.dumps({**tile, "updated": now}), now))
            db.execute("UPDATE rooms SET touched = ? WHERE name = ?", (now, name))

    def get_tiles(self, name, since=0):
        with self._db() as db:
            rows = db.execute("SELECT student, tile FROM tiles WHERE room = ? AND updated > ?",
                              (name, since)).fetchall()
        return {student: json.loads(tile) for student, tile in rows}

    def delete_tiles(self, name):
        with self._db(write=True) as db:
            db.execute("DELETE FROM tiles WHERE room = ?", (name,))

    def count_students(self, name):
        with self._db() as db:
            return db.execute("SELECT count(*) FROM tiles WHERE room = ?", (name,)).fetchone()[0]

    # -- submissions ------------------------------------------------------------------
    def add_submission(self, name, entry, blob):
        sub_id = new_id()
        with self._db(write=True) as db:
            db.execute("INSERT INTO submissions VALUES (?, ?, ?, ?)",
                       (name, sub_id, json.dumps({**entry, "id": sub_id}), bytes(blob)))
            db.execute("UPDATE rooms SET touched = ? WHERE name = ?", (time.time(), name))
        return sub_id

    def get_submissions(self, name):
        with self._db() as db:
            rows = db.execute("SELECT entry FROM submissions WHERE room = ? ORDER BY rowid",
                              (name,)).fetchall()
        return [json.loads(entry) for entry, in rows]

    def get_submission_blob(self, name, sub_id):
        with self._db() as db:
            row = db.execute("SELECT blob FROM submissions WHERE room = ? AND id = ?",
                             (name, sub_id)).fetchone()
        return bytes(row[0]) if row else None

    def clear_submissions(self, name):
        with self._db(write=True) as db:
            db.execute("DELETE FROM submissions WHERE room = ?", (name,))

    # -- saves ------------------------------------------------------------------------
    def put_save(self, student_id, blob, meta):
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO saves VALUES (?, ?, ?, ?)",
                       (student_id, bytes(blob), json.dumps(meta), time.time()))

    def get_save(self, student_id):
        with self._db() as db:
            row = db.execute("SELECT blob, meta FROM saves WHERE student = ?",
                             (student_id,)).fetchone()
        return (bytes(row[0]), json.loads(row[1])) if row else None

    # -- expiry -----------------------------------------------------------------------
    def expire(self, now):
        with self._db(write=True) as db:
            idle = [name for name, in db.execute("SELECT name FROM rooms WHERE touched < ?",
                                                 (now - IDLE,))]
            closed = [name for name, room in db.execute("SELECT name, room FROM rooms")
                      if json.loads(room).get("closed")]
            for table, names in (("tiles", idle + closed), ("submissions", idle)):
                db.executemany(f"DELETE FROM {table} WHERE room = ?", [(n,) for n in names])
            db.executemany("DELETE FROM rooms WHERE name = ?", [(n,) for n in idle])
            db.execute("DELETE FROM saves WHERE saved < ?", (now - SAVE_KEPT,))
        return len(idle)
