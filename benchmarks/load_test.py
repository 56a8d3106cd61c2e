"""Many NN Playground sessions at once: does every one of them still animate?

    python benchmarks/load_test.py [--sessions 1,10,20,40] [--seconds 15]
                                   [--client browser|ws|both] [--url URL [--server-pids P,Q]]
                                   [--deploy N]

For each N in --sessions it opens N sessions at once, each with its own settings in the
URL query (`?lr=...&dataset=...`, a share link), presses Play in each, lets them play for
--seconds, and reports per session: epochs/s (from the epoch the page shows) and redraws/s
(surfaces painted), mean and minimum over sessions; the server's CPU (cores, summed over
its processes, from /proc) and peak resident memory; the slowest session's time from
opening the page to its first drawn surface; the CPU the client itself used; and the
machine's load average when the row began (other work on the machine skews every row).

Without --url it starts a fresh `streamlit run` per N (or, with --deploy N, N replicas
behind nginx via deploy/start_replicas.sh), so each row's memory is its own, and warms it
with one session first (see warm_up). --set runner.postScriptGC=false passes a Streamlit
option to the servers it starts, to compare settings.

Two clients:
  browser  one headless Chromium (Debian's), one context and page per session. Redraws are
           window.__nnpPainted, epochs the .nnp-epoch element's data-epoch. Chromium itself
           needs CPU: on a 2-core machine 40 pages starve the server, so the rows measure
           the machine more than the app. "client CPU" shows how much went to the browser.
  ws       speaks Streamlit's websocket protocol directly, as the page does (see WsSession):
           one process, asyncio, a few ms of CPU per session-second. Redraws are the
           surfaces the server delivered (frames with a surface in new batches), i.e. what
           a browser that keeps up would paint; epochs are the last frame's epoch.
Targets: at 20 sessions every session redraws >= 2/s, at 40 >= 1/s; memory < 2 GB.
"""
import argparse
import asyncio
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.appserver import (CHROMIUM, CHROMIUM_ARGS, ROOT, free_port,  # noqa: E402
                                  start_server, stop)

DATASETS = ("moons", "circles", "xor-cloud", "spiral", "gaussians")
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)   # none diverges: every session plays on
TARGET_REDRAWS = {20: 2.0, 40: 1.0}     # sessions -> redraws/s every session must reach
TARGET_RSS = 2 * 1024**3
WARMUP = 2.0                            # seconds of play before measuring
OPEN_TIMEOUT = 240.0                    # seconds for the slowest first surface

# Notes the first surface's time (ms since navigation) when live.js first counts a paint.
FIRST_PAINT = """
(() => {
  let painted = 0;
  Object.defineProperty(window, "__nnpPainted", {
    configurable: true,
    get() { return painted; },
    set(v) { if (!window.__nnpFirstPaint && v >= 1) window.__nnpFirstPaint = performance.now();
             painted = v; },
  });
})();
"""
READ_PAGE = """() => {
  const e = document.querySelector('.nnp-epoch');
  return {epoch: e ? Number(e.dataset.epoch || 0) : 0, painted: window.__nnpPainted || 0};
}"""


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
      or only its last frame when paused; a new mount (a new network) starts afresh.
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

    async def rerun(self, triggers=(), fragment_id="", auto=False):
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.SetInParent()
        state.widget_states.widgets.extend(WidgetState(id=w, trigger_value=True) for w in triggers)
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
        if data.get("seq") == self.seq or not frames:
            return
        self.seq = data.get("seq")
        shown = frames if self.running else frames[-1:]
        self.painted += sum(1 for f in shown if f.get("z"))
        self.epoch = int(shown[-1].get("epoch", self.epoch))
        if self.painted and self.first_surface is None:
            self.first_surface = time.perf_counter() - self.opened_at

    async def _every(self, interval, fragment_id):
        """The page's setInterval: a fixed period, whether or not the last run finished."""
        start, k = time.perf_counter(), 0
        while True:
            k += 1
            await asyncio.sleep(max(0.0, start + k * interval - time.perf_counter()))
            await self.rerun(fragment_id=fragment_id, auto=True)


# -- one measurement --------------------------------------------------------------------
@dataclass
class Row:
    sessions: int
    client: str
    epochs: list = field(default_factory=list)      # per session, epochs/s
    redraws: list = field(default_factory=list)     # per session, surfaces/s
    first_surface: list = field(default_factory=list)
    failed: int = 0
    server_cpu: float = 0.0       # cores
    client_cpu: float = 0.0       # cores
    rss_peak: int = 0             # bytes
    load: float = 0.0             # the machine's 1-minute load average when the row began
    note: str = ""


def rates(before, after):
    """Per-session (epochs/s, redraws/s) from two snapshots [(t, epoch, painted)]."""
    out = []
    for (t0, e0, p0), (t1, e1, p1) in zip(before, after):
        dt = max(t1 - t0, 1e-9)
        out.append(((e1 - e0) / dt, (p1 - p0) / dt))
    return out


async def measure_ws(url, n, seconds, server_pids):
    sessions = [WsSession(url, session_query(i)) for i in range(n)]
    row = Row(n, "ws")
    me = [os.getpid()]
    sampler = ProcSampler(server_pids).__enter__()     # memory peak from the first visit on
    try:
        await asyncio.gather(*(s.open() for s in sessions))
        await asyncio.gather(*(s.wait_for(lambda s=s: s.first_surface is not None, OPEN_TIMEOUT,
                                          "first surface") for s in sessions))
        row.first_surface = [s.first_surface for s in sessions]
        await asyncio.gather(*(s.press("play") for s in sessions))
        await asyncio.sleep(WARMUP)
        cpu0, mine0, wall0 = cpu_seconds(server_pids), cpu_seconds(me), time.perf_counter()
        before = [(time.perf_counter(), s.epoch, s.painted) for s in sessions]
        await asyncio.sleep(seconds)
        after = [(time.perf_counter(), s.epoch, s.painted) for s in sessions]
        wall = time.perf_counter() - wall0
        row.server_cpu = (cpu_seconds(server_pids) - cpu0) / wall
        row.client_cpu = (cpu_seconds(me) - mine0) / wall
        sampler.__exit__(None, None, None)
        row.rss_peak = sampler.peak
        for s, (e, r) in zip(sessions, rates(before, after)):
            if s.error is not None:
                row.failed += 1
            row.epochs.append(e)
            row.redraws.append(r)
    finally:
        sampler.__exit__(None, None, None)
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return row


def measure_browser(url, n, seconds, server_pids):
    from playwright.sync_api import sync_playwright
    row = Row(n, "browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sampler = ProcSampler(server_pids).__enter__()
        try:
            pages = []
            for i in range(n):          # navigations start together: a burst of visitors
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                page.add_init_script(FIRST_PAINT)
                page.goto(f"{url}/?{session_query(i)}", wait_until="commit", timeout=60000)
                pages.append(page)
            for page in pages:
                page.wait_for_function("() => window.__nnpFirstPaint", timeout=OPEN_TIMEOUT * 1000,
                                       polling=100)
            row.first_surface = [page.evaluate("() => window.__nnpFirstPaint") / 1000
                                 for page in pages]
            for page in pages:
                page.locator(".st-key-play").get_by_role("button").first.click(timeout=60000)
            time.sleep(WARMUP)
            client = [pid for pid in descendants(os.getpid()) if pid not in server_pids]
            client.append(os.getpid())

            def snapshot():
                out = []
                for page in pages:
                    v = page.evaluate(READ_PAGE)
                    out.append((time.perf_counter(), v["epoch"], v["painted"]))
                return out

            cpu0, client0, wall0 = (cpu_seconds(server_pids), cpu_seconds(client),
                                    time.perf_counter())
            before = snapshot()
            time.sleep(seconds)
            after = snapshot()
            wall = time.perf_counter() - wall0
            row.server_cpu = (cpu_seconds(server_pids) - cpu0) / wall
            row.client_cpu = (cpu_seconds(client) - client0) / wall
            sampler.__exit__(None, None, None)
            row.rss_peak = sampler.peak
            for e, r in rates(before, after):
                row.epochs.append(e)
                row.redraws.append(r)
        finally:
            sampler.__exit__(None, None, None)
            browser.close()
    return row


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


def option_env(name):
    """Streamlit's environment variable for an option: runner.postScriptGC ->
    STREAMLIT_RUNNER_POST_SCRIPT_GC."""
    return "STREAMLIT_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace(".", "_").upper()


class Target:
    """What is measured against: a fresh server per N, a deployment per N, or a given URL."""

    def __init__(self, args):
        self.args, self.server, self.deployment = args, None, None

    def __enter__(self):
        a = self.args
        if a.url:
            self.url = a.url.rstrip("/")
            if a.server_pids:
                self.pids = [int(p) for p in a.server_pids.split(",")]
            else:
                self.pids = listening_pids(urlsplit(self.url).port or 80)
                self.pids += [c for p in self.pids for c in descendants(p)]
        elif a.deploy:
            port = free_port()
            env = dict(os.environ, **{option_env(o.split("=", 1)[0]): o.split("=", 1)[1]
                                      for o in a.set})
            self.deployment = start_deployment(a.deploy, port, env=env)
            self.url, self.pids = self.deployment.url, self.deployment.pids
            self.pids += [c for p in [self.deployment.nginx_pid] for c in descendants(p)]
        else:
            port = free_port()
            self.server = start_server(port, options=[o.split("=", 1) for o in a.set])
            self.url, self.pids = f"http://127.0.0.1:{port}", [self.server.pid]
        if self.deployment is not None:
            for _, replica_port in self.deployment.replicas.values():
                warm_up(f"http://127.0.0.1:{replica_port}")
        else:
            warm_up(self.url)
        return self

    def __exit__(self, *exc):
        if self.server is not None:
            stop(self.server)
        if self.deployment is not None:
            self.deployment.stop()


def load_average():
    return float(Path("/proc/loadavg").read_text().split()[0])


def measure(args, client, n):
    load = load_average()
    row = _measure(args, client, n)
    row.load = load
    return row


def _measure(args, client, n):
    with Target(args) as target:
        try:
            if client == "ws":
                return asyncio.run(measure_ws(target.url, n, args.seconds, target.pids))
            return measure_browser(target.url, n, args.seconds, target.pids)
        except Exception as e:              # noqa: BLE001 - one bad row should not end the run
            return Row(n, client, failed=n, note=f"{type(e).__name__}: {e}"[:120])


# -- the table --------------------------------------------------------------------------
def verdict(row):
    need = TARGET_REDRAWS.get(row.sessions)
    misses = []
    if row.failed or not row.redraws:
        misses.append(f"{row.failed} failed")
    elif need is not None and min(row.redraws) < need:
        misses.append(f"redraws<{need:g}")
    if row.rss_peak >= TARGET_RSS:
        misses.append("memory>=2GB")
    if not misses:
        return "ok" if need is not None else "-"
    return "MISS " + ", ".join(misses)


def table(rows):
    head = (f"{'client':8} {'N':>3} {'epochs/s mean':>13} {'min':>7} {'redraws/s mean':>14} "
            f"{'min':>5} {'server CPU':>10} {'RSS MB':>7} {'1st surface':>11} {'client CPU':>10} "
            f"{'load':>5}  target")
    lines = [head, "-" * len(head)]
    for r in rows:
        if not r.redraws:
            lines.append(f"{r.client:8} {r.sessions:3} failed (load {r.load:.1f}): {r.note}")
            continue
        lines.append(
            f"{r.client:8} {r.sessions:3} {sum(r.epochs) / len(r.epochs):13,.0f} "
            f"{min(r.epochs):7,.0f} {sum(r.redraws) / len(r.redraws):14.1f} "
            f"{min(r.redraws):5.1f} {r.server_cpu:10.2f} {r.rss_peak / 2**20:7.0f} "
            f"{max(r.first_surface):10.1f}s {r.client_cpu:10.2f} {r.load:5.1f}  {verdict(r)}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--sessions", default="1,10,20,40", help="comma-separated session counts")
    ap.add_argument("--seconds", type=float, default=15, help="seconds measured per count")
    ap.add_argument("--client", choices=("browser", "ws", "both"), default="both")
    ap.add_argument("--url", help="an app already running (e.g. nginx from deploy/)")
    ap.add_argument("--server-pids", help="with --url: the processes to measure (default: "
                                          "whatever listens on the URL's port)")
    ap.add_argument("--deploy", type=int, metavar="N",
                    help="measure N replicas behind nginx (deploy/start_replicas.sh)")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                    help="a Streamlit option for the servers this starts, e.g. "
                         "runner.postScriptGC=false (repeatable)")
    args = ap.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    clients = ("ws", "browser") if args.client == "both" else (args.client,)
    print(f"{os.cpu_count()} cores; {args.seconds:g} s per row after {WARMUP:g} s of play; "
          f"server: {args.url or (f'{args.deploy} replicas behind nginx' if args.deploy else 'streamlit run, fresh per row')}",
          flush=True)
    rows = []
    for client in clients:
        for n in counts:
            rows.append(measure(args, client, n))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(table(rows))
    notes = [f"{r.client} {r.sessions}: {r.note}" for r in rows if r.note]
    if notes:
        print("\n".join(notes))


if __name__ == "__main__":
    main()
