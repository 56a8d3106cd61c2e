"""The store for rooms that span machines: a redis-server shared by every deployment,
through the `redis` client. Short socket timeouts and no retries, so a dead or hung
server costs a caller half a second, never a hang; every failure to reach or write it
(down, read-only replica, out of memory) becomes StoreDown.

Keys, all under "nnp:" (a room NAME, a student id S, a submission id ID):
  room:NAME          hash: each top-level key of the room's dict, as JSON
  tiles:NAME         hash: S -> the tile, as JSON
  tiles-at:NAME      sorted set: S by the time its tile was updated (for `since`)
  subs:NAME          hash: ID -> the entry, as JSON;  subs-order:NAME: list of IDs
  blobs:NAME         hash: ID -> the run's blob
  touched            sorted set: NAME by its last write (for idle rooms)
  save:S             hash: blob, meta (JSON);  saved: sorted set of S by time
A room's keys expire IDLE seconds after its last write, a save SAVE_KEPT after its own,
so memory stays bounded even when nobody calls `expire`.
"""
import functools
import json
import time

import redis
from redis.backoff import NoBackoff
from redis.exceptions import (BusyLoadingError, ConnectionError, OutOfMemoryError,
                              ReadOnlyError, RedisError, TimeoutError)
from redis.retry import Retry

from .store import IDLE, SAVE_KEPT, Store, StoreDown, new_id

TIMEOUT_S = 0.5
DOWN = (ConnectionError, TimeoutError, ReadOnlyError, OutOfMemoryError, BusyLoadingError)
DOWN_REPLIES = ("OOM", "READONLY", "MISCONF", "LOADING")     # a server that refuses writes
ROOM_KEYS = ("room", "tiles", "tiles-at", "subs", "subs-order", "blobs")
# Set hash fields only on a key that does (ARGV[1] = "1") or does not ("0") exist yet;
# atomically, so two teachers cannot both create one room. Returns 1 when set.
HSET_IF = """
if redis.call('EXISTS', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


def _guarded(method):
    """The method, with the client's failures to reach or write the server as StoreDown."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as e:
            if isinstance(e, DOWN) or str(e).startswith(DOWN_REPLIES):
                raise StoreDown(f"The room store at {self.where} cannot be used ({e}).") from e
            raise
    return guarded


def _fields(d: dict) -> list:
    """A dict as HSET's flat [key, JSON value, ...]."""
    return [x for key, value in d.items() for x in (key, json.dumps(value))]


class RedisStore(Store):
    def __init__(self, url: str):
        self.client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S,
            retry=Retry(NoBackoff(), 0), decode_responses=False)
        kw = self.client.connection_pool.connection_kwargs
        self.where = f"{kw.get('host', 'localhost')}:{kw.get('port', 6379)}"   # no password
        self._hset_if = self.client.register_script(HSET_IF)

    def _keys(self, name):
        return [f"nnp:{kind}:{name}" for kind in ROOM_KEYS]

    def _touch(self, pipe, name, now):
        """Queue: the room's keys live IDLE seconds more; it was written at `now`."""
        for key in self._keys(name):
            pipe.expire(key, IDLE)
        pipe.zadd("nnp:touched", {name: now})

    @_guarded
    def ping(self):
        self.client.ping()

    # -- rooms ------------------------------------------------------------------------
    @_guarded
    def create_room(self, name, room):
        made = self._hset_if(keys=[f"nnp:room:{name}"], args=[0, IDLE, *_fields(room)])
        if made:
            self.client.zadd("nnp:touched", {name: time.time()})
        return bool(made)

    @_guarded
    def get_room(self, name):
        fields = self.client.hgetall(f"nnp:room:{name}")
        return {k.decode(): json.loads(v) for k, v in fields.items()} or None

    @_guarded
    def update_room(self, name, changes):
        if changes and self._hset_if(keys=[f"nnp:room:{name}"], args=[1, IDLE, *_fields(changes)]):
            with self.client.pipeline() as pipe:
                self._touch(pipe, name, time.time())
                pipe.execute()

    # -- tiles ------------------------------------------------------------------------
    @_guarded
    def put_tile(self, name, student_id, tile):
        now = time.time()
        with self.client.pipeline() as pipe:
            pipe.hset(f"nnp:tiles:{name}", student_id, json.dumps({**tile, "updated": now}))
            pipe.zadd(f"nnp:tiles-at:{name}", {student_id: now})
            self._touch(pipe, name, now)
            pipe.execute()

    @_guarded
    def get_tiles(self, name, since=0):
        students = self.client.zrangebyscore(f"nnp:tiles-at:{name}", f"({since}", "+inf")
        if not students:
            return {}
        tiles = self.client.hmget(f"nnp:tiles:{name}", students)
        return {s.decode(): json.loads(t) for s, t in zip(students, tiles) if t is not None}

    @_guarded
    def delete_tiles(self, name):
        self.client.delete(f"nnp:tiles:{name}", f"nnp:tiles-at:{name}")

    @_guarded
    def count_students(self, name):
        return self.client.hlen(f"nnp:tiles:{name}")

    # -- submissions ------------------------------------------------------------------
    @_guarded
    def add_submission(self, name, entry, blob):
        sub_id = new_id()
        with self.client.pipeline() as pipe:
            pipe.hset(f"nnp:subs:{name}", sub_id, json.dumps({**entry, "id": sub_id}))
            pipe.hset(f"nnp:blobs:{name}", sub_id, bytes(blob))
            pipe.rpush(f"nnp:subs-order:{name}", sub_id)
            self._touch(pipe, name, time.time())
            pipe.execute()
        return sub_id

    @_guarded
    def get_submissions(self, name):
        ids = self.client.lrange(f"nnp:subs-order:{name}", 0, -1)
        entries = self.client.hmget(f"nnp:subs:{name}", ids) if ids else []
        return [json.loads(e) for e in entries if e is not None]

    @_guarded
    def get_submission_blob(self, name, sub_id):
        return self.client.hget(f"nnp:blobs:{name}", sub_id)

    @_guarded
    def clear_submissions(self, name):
        self.client.delete(f"nnp:subs:{name}", f"nnp:subs-order:{name}", f"nnp:blobs:{name}")

    # -- saves ------------------------------------------------------------------------
    @_guarded
    def put_save(self, student_id, blob, meta):
        with self.client.pipeline() as pipe:
            pipe.hset(f"nnp:save:{student_id}", mapping={"blob": bytes(blob),
                                                         "meta": json.dumps(meta)})
            pipe.expire(f"nnp:save:{student_id}", SAVE_KEPT)
            pipe.zadd("nnp:saved", {student_id: time.time()})
            pipe.execute()

    @_guarded
    def get_save(self, student_id):
        blob, meta = self.client.hmget(f"nnp:save:{student_id}", ["blob", "meta"])
        return (blob, json.loads(meta)) if blob is not None else None

    # -- expiry -----------------------------------------------------------------------
    @_guarded
    def expire(self, now):
        idle = [n.decode() for n in self.client.zrangebyscore("nnp:touched", "-inf",
                                                               f"({now - IDLE}")]
        names = [n.decode() for n in self.client.zrange("nnp:touched", 0, -1)]
        closed = [n for n, c in zip(names, self._closed(names)) if c and n not in idle]
        old = self.client.zrangebyscore("nnp:saved", "-inf", f"({now - SAVE_KEPT}")
        with self.client.pipeline() as pipe:
            for name in idle:
                pipe.delete(*self._keys(name))
                pipe.zrem("nnp:touched", name)
            for name in closed:
                pipe.delete(f"nnp:tiles:{name}", f"nnp:tiles-at:{name}")
            for student in old:
                pipe.delete(f"nnp:save:{student.decode()}")
                pipe.zrem("nnp:saved", student)
            pipe.execute()
        return len(idle)

    def _closed(self, names):
        """Whether each room is closed (a room gone by its TTL counts as open: nothing
        of it is left to drop)."""
        with self.client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hget(f"nnp:room:{name}", "closed")
            return [json.loads(c) if c is not None else False for c in pipe.execute()]
