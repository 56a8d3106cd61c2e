"""A tab that watches the live view without drawing it: counts what it would show and
asks for frames as the page does, for the load test and the deploy tests.

Its idea of "shown" is deliberately smaller than live.js's: a batch (a payload with a
new `seq`) counts once, its frames with a surface (`z`) as painted and its last frame's
`epoch` as the epoch on screen. That is what a page that keeps up shows; live.js's
pacing (frames spread over `tick_ms`, dropped when it falls behind) is not copied. While
`running`, it asks for the next batch (`want`) when this one would start to play: at
once, or when the batches before it have had their `tick_ms` each. Given a `token` (a
workshop room's member: the page keeps one in localStorage), every trigger carries it,
and the first payload is answered with `have`, as the page answers its first load (it
claims the figures that payload offers, since it draws none): that is how the server
learns who it is, and brings back their saved run. The keys come from
ui/live/schema.py, so a renamed key fails here on import.
"""
import asyncio
import time

from tools.stclient import StreamlitSession, run_async
from ui.live.schema import FRAME, PAYLOAD, TRIGGERS


def _key(table, name):
    """`name`, once the schema says it is one of its keys."""
    if name not in table:
        raise KeyError(f"ui/live/schema.py has no key {name!r}: the live view's client "
                       "must follow it")
    return name


MOUNT, SEQ, RUNNING, TICK_MS, FRAMES, VERSIONS = (
    _key(PAYLOAD, k) for k in ("mount", "seq", "running", "tick_ms", "frames", "versions"))
EPOCH, SURFACE = _key(FRAME, "epoch"), _key(FRAME, "z")
MESSAGE = _key(PAYLOAD, "message")
WANT, HAVE = _key(TRIGGERS, "want"), _key(TRIGGERS, "have")


class LiveSession(StreamlitSession):
    """One tab playing the live view: `epoch`, `painted` (surfaces), `payloads`,
    `first_surface` (seconds from open), `running`, and `data`, the last payload."""

    def __init__(self, base_url, query="", cookies=None, token=None):
        super().__init__(base_url, query, cookies)
        self.token = token              # 32 hex digits (the page's room identity), or None
        self.data = None
        self.mount = self.seq = None
        self.epoch, self.painted, self.payloads = 0, 0, 0
        self.running = False
        self.first_surface = None
        self.played_until = 0.0         # when the batches received so far have played
        self._asking = None             # the pending `want`

    def on_component(self, data):
        if not isinstance(data, dict) or FRAMES not in data:
            return
        self.data, self.payloads = data, self.payloads + 1
        if self.token and self.payloads == 1:        # the page's first load: who it is
            self.spawn(self.trigger(HAVE, {"has": dict(data.get(VERSIONS) or {})}))
        if data[MOUNT] != self.mount:               # a new network: its seqs start afresh
            self.mount, self.seq = data[MOUNT], None
        self.running = bool(data[RUNNING])
        tick = data[TICK_MS] / 1000
        frames = data[FRAMES]
        if data[SEQ] != self.seq and frames:
            self.seq = data[SEQ]
            self.painted += sum(1 for f in frames if f.get(SURFACE))
            self.epoch = int(frames[-1][EPOCH])
            if self.painted and self.first_surface is None:
                self.first_surface = time.perf_counter() - self.opened_at
            if self.running:
                self.played_until = max(time.perf_counter(), self.played_until) + tick
        if self._asking is not None:                # every payload answers the last ask
            self._asking.cancel()
            self._asking = None
        if self.running:
            delay = max(0.0, self.played_until - tick - time.perf_counter())
            self._asking = self.spawn(self._want(delay))

    async def trigger(self, name, value):
        """Every trigger carries the token, as the page's do (live.js)."""
        await super().trigger(name, {**value, "token": self.token} if self.token else value)

    async def _want(self, delay):
        await asyncio.sleep(delay)
        await self.trigger(WANT, {"seq": self.seq})


def warm_up(url, timeout=60):
    """One session's first run, alone, so that the rows measure a warm server: a cold one
    spends its first run importing everything (seconds of CPU no later visitor pays)."""
    async def one():
        s = LiveSession(url)
        try:
            await s.open()
            await s.wait_for(lambda: s.first_surface is not None, timeout, "first surface")
        finally:
            await s.close()
    run_async(one())
