"""Driving many app sessions at once, for the load test and the load smoke tests: a
Streamlit websocket client (WsSession), a deployment of replicas behind nginx, and the
server's CPU and memory read from /proc."""
import asyncio
import json
import os
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.runtime.state.session_state import (  # a component trigger's widget id
    STREAMLIT_INTERNAL_KEY_PREFIX as INTERNAL_KEY_PREFIX)

from tools.appserver import ROOT, free_port, start_server, stop  # noqa: F401
# The page as a browser shows it: its first surface, the surfaces shown, the epoch.
from tools.pagewatch import FIRST_SURFACE, READ_PAGE, WATCH as FIRST_PAINT  # noqa: F401

DATASETS = ("moons", "circles", "xor-cloud", "spiral", "gaussians")
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)   # none diverges: every session plays on


def session_query(i):
    """Session i's own settings, as a URL query (without the '?')."""
    return f"lr={LEARNING_RATES[i % len(LEARNING_RATES)]}&dataset={DATASETS[i % len(DATASETS)]}"


# -- processes and /proc ----------------------------------------------------------------
@dataclass
class Deployment:
    """deploy/start_replicas.sh running: its nginx URL, replicas {name: (pid, port)}."""
    proc: subprocess.Popen
    url: str = ""
    dir: str = ""
    nginx_pid: int = 0
    replicas: dict = field(default_factory=dict)
    output: list = field(default_factory=list)

    @property
    def pids(self):
        return [self.nginx_pid] + [pid for pid, _ in self.replicas.values()]

    def stop(self, timeout=15):
        """SIGTERM the script, which stops nginx and the replicas; returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                for pid in self.pids + [self.proc.pid]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.proc.wait()
        return self.proc.returncode


def start_deployment(replicas, port, timeout=120, env=None):
    """Run deploy/start_replicas.sh and wait for its `ready` line."""
    proc = subprocess.Popen(["bash", str(ROOT / "deploy" / "start_replicas.sh"), str(replicas),
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout] + [lines.put(None)],
                     daemon=True).start()
    d = Deployment(proc)
    deadline = time.monotonic() + timeout
    while not d.url:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None:
            d.stop()
            raise RuntimeError("start_replicas.sh did not become ready:\n" + "".join(d.output))
        d.output.append(line)
        words = line.split()
        if line.startswith("replica "):
            d.replicas[words[1]] = (int(words[3]), int(words[5]))
        elif line.startswith("nginx pid"):
            d.nginx_pid = int(words[2])
        elif line.startswith("dir "):
            d.dir = words[1]
        elif line.startswith("ready "):
            d.url = words[1].rstrip("/")
    return d


def proc_children():
    """pid -> [child pids], for every process."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    return children


def descendants(pid, children=None):
    children = proc_children() if children is None else children
    out, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids):
    """User + system CPU seconds so far, summed over the processes still alive."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return total


def rss_bytes(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def listening_pids(port):
    """The processes holding a listening TCP socket on `port` (from /proc/net/tcp*)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f[9])
    pids = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            pids.add(int(fd.parent.parent.name))
    return sorted(pids)


class ProcSampler:
    """Samples the servers' resident memory in the background; keeps the peak."""

    def __init__(self, pids, every=0.25):
        self.pids, self.every, self.peak = pids, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pids))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, rss_bytes(self.pids))


# -- the websocket client ---------------------------------------------------------------
class WsSession:
    """One browser tab's conversation with the Streamlit server, over its websocket.

    What the page does, and so this does (from streamlit/web/server/starlette/
    starlette_websocket.py, runtime/app_session.py and the frontend's App):
    - connect to /_stcore/stream with subprotocol "streamlit" (the page also passes an XSRF
      token there; the server only checks it for auth cookies, and only with an Origin);
    - send BackMsg.rerun_script(ClientState: query_string, widget_states, page_script_hash,
      context_info) to run the script; a button press is one such rerun whose widget_states
      hold {id of the button, trigger_value: true};
    - on ForwardMsg.auto_rerun(interval, fragment_id), send rerun_script with that
      fragment_id and is_auto_rerun every `interval` seconds (the page's setInterval);
      stop on stop_auto_rerun, and drop every timer when a full (non-fragment) run starts
      (new_session without fragment ids), as the page's cleanupAutoReruns does;
    - read the live view's data from the bidi_component element's JSON, and "paint" it
      as live.js does: a batch with a new seq adds its frames with a surface when running,
      or only its last frame when paused; a new mount (a new network) starts afresh;
    - while playing, ask for the next batch as live.js does (ui/live/schema.py's `want`
      trigger: the component's "events" widget with a JSON trigger value, in its
      fragment) when less than a batch is left to play.
    Differences from the page, none of which change the server's work much: it sends only
    the widget values it changes (the page sends all of them; the server keeps the rest),
    and no cached_message_hashes (the server then sends elements in full rather than as
    references; the live view's data changes every tick, so it is never cached anyway).
    """

    def __init__(self, base_url, query="", cookies=None):
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.page_url = base_url
        self.query, self.cookies = query, dict(cookies or {})
        self.widgets = {}               # widget key (or button label) -> widget id
        self.page_hash = ""
        self.timers = {}                # fragment id -> (interval, task)
        self.live_id = self.live_fragment = ""   # the live view's widget id and fragment
        self.played_until = 0.0         # when the frames received so far are all shown
        self._asking = None             # the pending `want`
        self.mount = self.seq = None
        self.epoch, self.painted, self.payloads, self.bytes = 0, 0, 0, 0
        self.running = False
        self.runs_finished = 0
        self.opened_at = self.first_surface = None
        self.headers = {}               # the handshake response's headers
        self.error = None
        self.ws = None
        self._reader = None

    # -- talking ---------------------------------------------------------------------------
    async def open(self, timeout=30):
        import websockets
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} \
            if self.cookies else None
        self.opened_at = time.perf_counter()
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
            open_timeout=timeout, proxy=None, ping_interval=None)
        self.headers = {k.lower(): v for k, v in self.ws.response.headers.raw_items()}
        self._reader = asyncio.create_task(self._read())
        await self.rerun()

    async def rerun(self, triggers=(), fragment_id="", auto=False, events=()):
        """events: (widget id, JSON trigger value) pairs, as a component's triggers."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.SetInParent()
        state.widget_states.widgets.extend(WidgetState(id=w, trigger_value=True) for w in triggers)
        state.widget_states.widgets.extend(WidgetState(id=w, json_trigger_value=v)
                                           for w, v in events)
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, auto
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = self.page_url + ("?" + self.query if self.query else "")
        info.is_embedded, info.color_scheme = False, "light"
        await self.ws.send(msg.SerializeToString())

    async def press(self, key):
        """Click the button with this key (or, failing that, this label)."""
        await self.wait_for(lambda: key in self.widgets, 60, f"a button {key!r}")
        await self.rerun(triggers=[self.widgets[key]])

    async def wait_for(self, condition, timeout, what="the condition"):
        deadline = time.perf_counter() + timeout
        while not condition():
            if self.error is not None:
                raise RuntimeError(f"session failed while waiting for {what}: {self.error!r}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no {what} after {timeout} s")
            await asyncio.sleep(0.02)

    async def close(self):
        for _, task in self.timers.values():
            task.cancel()
        self.timers.clear()
        if self._asking is not None:        # a pending task left to the garbage collector
            self._asking.cancel()           # runs Python in its __del__ at any moment
            try:
                await self._asking
            except (asyncio.CancelledError, Exception):
                pass
            self._asking = None
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass

    # -- listening -------------------------------------------------------------------------
    async def _read(self):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        try:
            async for data in self.ws:
                self.bytes += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except asyncio.CancelledError:
            raise
        except Exception as e:              # noqa: BLE001 - kept for the caller to report
            self.error = e
        else:
            self.error = ConnectionError("the server closed the websocket")
        finally:
            for _, task in self.timers.values():
                task.cancel()
            self.timers.clear()

    def _handle(self, msg):
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
            if not msg.metadata.run.fragment_ids:           # a full run: timers restart
                for _, task in self.timers.values():
                    task.cancel()
                self.timers.clear()
        elif kind == "auto_rerun":
            fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid and self.timers.get(fid, (None,))[0] != interval:
                if fid in self.timers:
                    self.timers[fid][1].cancel()
                self.timers[fid] = (interval, asyncio.create_task(self._every(interval, fid)))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                if fid in self.timers:
                    self.timers.pop(fid)[1].cancel()
        elif kind == "script_finished":
            self.runs_finished += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "bidi_component":
                self.live_fragment = msg.delta.fragment_id
            self._element(msg.delta.new_element)

    def _element(self, element):
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":         # the app raised: the page would show a traceback
            self.error = RuntimeError(f"the app raised {proto.type}: {proto.message}")
        widget_id = getattr(proto, "id", "")
        if kind == "button" and widget_id:
            self.widgets.setdefault(proto.label, widget_id)
            if not widget_id.endswith("-None"):
                self.widgets[widget_id.rsplit("-", 1)[1]] = widget_id
        elif kind == "bidi_component" and proto.WhichOneof("data") == "json":
            self.live_id = proto.id
            data = json.loads(proto.json)
            if isinstance(data, dict) and "frames" in data:
                self._live(data)

    def _live(self, data):
        """What live.js does with one update, counted instead of drawn."""
        self.payloads += 1
        if data.get("mount") != self.mount:
            self.mount, self.seq = data.get("mount"), None
        self.running = bool(data.get("running"))
        frames = data.get("frames") or []
        tick = data.get("tick_ms", 500) / 1000
        if data.get("seq") != self.seq and frames:
            self.seq = data.get("seq")
            shown = frames if self.running else frames[-1:]
            self.painted += sum(1 for f in shown if f.get("z"))
            self.epoch = int(shown[-1].get("epoch", self.epoch))
            if self.painted and self.first_surface is None:
                self.first_surface = time.perf_counter() - self.opened_at
            if self.running:
                self.played_until = max(time.perf_counter(), self.played_until) + tick
        if self._asking is not None:            # every payload answers the last ask
            self._asking.cancel()
            self._asking = None
        if self.running:
            delay = max(0.0, self.played_until - tick - time.perf_counter())
            self._asking = asyncio.get_running_loop().create_task(self._want(delay))

    async def _want(self, delay):
        """live.js's `want`: less than a batch is left to play, so ask for the next."""
        await asyncio.sleep(delay)
        events = f"{INTERNAL_KEY_PREFIX}_{self.live_id}__events"
        value = json.dumps([{"event": "want", "value": {"seq": self.seq}}])
        await self.rerun(fragment_id=self.live_fragment, events=[(events, value)])

    async def _every(self, interval, fragment_id):
        """The page's setInterval: a fixed period, whether or not the last run finished."""
        start, k = time.perf_counter(), 0
        while True:
            k += 1
            await asyncio.sleep(max(0.0, start + k * interval - time.perf_counter()))
            await self.rerun(fragment_id=fragment_id, auto=True)


def run_async(coroutine):
    """asyncio.run in a thread of its own: works where an event loop is already running
    (Playwright's sync API keeps one in the main thread)."""
    out = {}

    def target():
        try:
            out["value"] = asyncio.run(coroutine)
        except BaseException as e:          # noqa: BLE001 - re-raised in the caller
            out["error"] = e
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def warm_up(url, timeout=60):
    """One session's first run, alone. A cold server's first runs, started together, can
    fail: Plotly imports pandas lazily, and threads racing on that import see a
    half-initialized module ("partially initialized module 'pandas'"). Until the app
    imports pandas up front, the load test measures a warm server."""
    async def one():
        s = WsSession(url)
        try:
            await s.open()
            await s.wait_for(lambda: s.first_surface is not None, timeout, "first surface")
        finally:
            await s.close()
    run_async(one())
