"""Many NN Playground sessions at once: does every one of them still animate?

    python benchmarks/load_test.py [--sessions 1,10,20,40] [--seconds 15]
                                   [--client browser|ws|both] [--url URL [--server-pids P,Q]]
                                   [--deploy N] [--room NAME] [--json]

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
           the distinct surfaces seen on its canvas (tools/pagewatch.py), epochs the
           .nnp-epoch element's data-epoch. Chromium itself needs CPU: on a 2-core
           machine 40 pages starve the server, so the rows measure the machine more than
           the app. "client CPU" shows how much went to the browser.
  ws       speaks Streamlit's websocket protocol directly, as the page does
           (tools/stclient.py; the live view's frames: tools/livesession.py):
           one process, asyncio, a few ms of CPU per session-second. Redraws are the
           surfaces the server delivered (frames with a surface in new batches), i.e. what
           a browser that keeps up would paint; epochs are the last frame's epoch.
"ms/sess-s" is the server's CPU per session-second (ms of CPU each playing student costs
per second): what sizes a box. Targets (TARGET_*): memory < 2 GB, and issue 9's.

--room NAME (issue 19; ws students): every student joins the workshop room NAME (its
session URL has ?room=NAME, its triggers a token of its own, so it publishes a tile about
once a second and saves its run), and the room's wall (`?room=NAME&wall=1`) is open in
headless Chromium at 1280x720 meanwhile (tools/wallwatch.py). The row adds the age of
the wall's oldest painted tile, sampled 4 times a second (p95 and max, seconds; targets
<= 2 s p95), and the wall page's main-thread busy fraction (< 50%). The room is created
in the store when it does not exist; a deployment or server this starts gets a fresh
NNP_DATA_DIR (SQLite) unless NNP_STORE or NNP_DATA_DIR is set, and with --url this
process must see the same store as the server. Each room row is measured after the same
run without the room, in this process, and says the students' redraws/s as a share of
it (target >= 90%), and that share per core of server CPU: here the wall's Chromium
takes the server's own cores, as a projector's browser would not.
--json prints the rows as one JSON line on stdout (a list of objects: sessions,
redraws_mean, redraws_min, epochs_mean, first_surface_s, ..., and for a room
tile_age_p95_s, tile_age_max_s, wall_main_thread, wall_tiles, redraws_vs_plain,
redraws_per_core_vs_plain, wall_cpu (the cores the wall's Chromium took) and the
baseline row as plain); the table goes to stderr.
"""
import argparse
import asyncio
import json
import math
import os
import re
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.appserver import (CHROMIUM, CHROMIUM_ARGS, free_port,  # noqa: E402
                             start_server, stop)
from tools.deploy import DeployError, start_deployment  # noqa: E402
from tools.livesession import MESSAGE, LiveSession, warm_up  # noqa: E402
from tools.load import FIRST_PAINT, FIRST_SURFACE, READ_PAGE, session_query  # noqa: E402
from tools.procstat import (ProcSampler, cpu_seconds, descendants, is_chromium,  # noqa: E402
                            listening_pids)
from tools.wallwatch import WallWatch  # noqa: E402

# Issue 9: 10 sessions on one `streamlit run` >= 15 redraws/s each; 40 through deploy/'s
# default replicas >= 5 redraws/s each, >= 200 epochs/s mean, first surface <= 4 s.
TARGET_REDRAWS = {10: 15.0, 40: 5.0}    # sessions -> redraws/s every session must reach
TARGET_EPOCHS = {40: 200.0}             # sessions -> mean epochs/s
TARGET_FIRST = {40: 4.0}                # sessions -> slowest first surface, seconds
TARGET_RSS = 2 * 1024**3
# Issue 19: in a room, the wall's oldest tile at most this old (p95, s), its main thread
# less busy than this.
TARGET_TILE_AGE = 2.0
TARGET_WALL_BUSY = 0.5
TARGET_ROOM_SHARE = 0.9                 # students' redraws/s in a room / the same run without
WALL_SAMPLE_S = 0.25                    # how often the wall's oldest tile is read
WALL_FILL_S = 30.0                      # how long the wall may take to show every student
WARMUP = 2.0                            # seconds of play before measuring
OPEN_TIMEOUT = 240.0                    # seconds for the slowest first surface

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
    room: str = ""                # the workshop room the students joined, if any
    tile_ages: list = field(default_factory=list)   # the wall's oldest tile's age, s, per sample
    store_ages: list = field(default_factory=list)  # ... in the store, at the same moments
    wall_tiles: int | None = None  # tiles the wall showed at the end
    wall_main_thread: float | None = None   # the wall page's main-thread busy fraction
    wall_cpu: float | None = None  # cores the wall's Chromium took (on a projector's laptop
                                   # in a real room; here, from the same cores as the server)
    plain: "Row | None" = None    # a room row's baseline: the same run without the room


def mean(values):
    return sum(values) / len(values) if values else None


def room_share(r):
    """A room row's students' mean redraws/s over its baseline's, and the same per core
    of server CPU (the wall's browser shares this machine's cores: a real wall does not);
    (None, None) without both."""
    if not (r.plain and r.redraws and r.plain.redraws):
        return None, None
    share = mean(r.redraws) / mean(r.plain.redraws)
    per_core = share * r.plain.server_cpu / r.server_cpu if r.server_cpu else None
    return share, per_core


def percentile(values, q):
    """The q-th percentile (0..100) of values, nearest rank; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def row_json(r):
    """A row as the --json line has it."""
    out = {"sessions": r.sessions, "client": r.client, "failed": r.failed,
           "redraws_mean": mean(r.redraws), "redraws_min": min(r.redraws, default=None),
           "epochs_mean": mean(r.epochs), "epochs_min": min(r.epochs, default=None),
           "first_surface_s": max(r.first_surface, default=None),
           "server_cpu": r.server_cpu, "client_cpu": r.client_cpu,
           "rss_peak_mb": r.rss_peak / 2**20, "load": r.load, "note": r.note}
    if r.room:
        out.update(room=r.room, tile_age_p95_s=percentile(r.tile_ages, 95),
                   tile_age_max_s=max(r.tile_ages, default=None),
                   wall_main_thread=r.wall_main_thread, wall_tiles=r.wall_tiles,
                   wall_cpu=r.wall_cpu,
                   store_tile_age_p95_s=percentile(r.store_ages, 95))
        share, per_core = room_share(r)
        out.update(redraws_vs_plain=share, redraws_per_core_vs_plain=per_core,
                   plain=row_json(r.plain) if r.plain else None)
    return out


def rates(before, after):
    """Per-session (epochs/s, redraws/s) from two snapshots [(t, epoch, painted)]."""
    out = []
    for (t0, e0, p0), (t1, e1, p1) in zip(before, after):
        dt = max(t1 - t0, 1e-9)
        out.append(((e1 - e0) / dt, (p1 - p0) / dt))
    return out


async def watch_wall(wall, row, stop):
    """Sample the wall's oldest tile into row.tile_ages until `stop` is set, and the
    store's oldest into row.store_ages (the publishing's share of the wall's lag)."""
    from playground.room.store import open_store
    store = open_store()
    while not stop.is_set():
        tiles, oldest = await wall.sample()
        row.wall_tiles = tiles
        if oldest is not None:
            row.tile_ages.append(oldest)
        updated = [t["updated"] for t in store.get_tiles(row.room).values()]
        if updated:
            row.store_ages.append(time.time() - min(updated))
        try:
            await asyncio.wait_for(stop.wait(), WALL_SAMPLE_S)
        except asyncio.TimeoutError:
            pass


async def wall_filled(wall, n):
    """Wait (up to WALL_FILL_S) until the wall shows all n students."""
    deadline = time.perf_counter() + WALL_FILL_S
    while (await wall.sample())[0] < n and time.perf_counter() < deadline:
        await asyncio.sleep(WALL_SAMPLE_S)


async def measure_ws(url, n, seconds, server_pids, room=""):
    joined = f"&room={room}" if room else ""
    sessions = [LiveSession(url, session_query(i) + joined,
                            token=secrets.token_hex(16) if room else None) for i in range(n)]
    row = Row(n, "ws", room=room)
    wall = WallWatch(url, room) if room else None
    me = [os.getpid()]
    sampler = ProcSampler(server_pids).__enter__()     # memory peak from the first visit on
    try:
        await asyncio.gather(*(s.open() for s in sessions))
        await asyncio.gather(*(s.wait_for(lambda s=s: s.first_surface is not None, OPEN_TIMEOUT,
                                          "first surface") for s in sessions))
        row.first_surface = [s.first_surface for s in sessions]
        await asyncio.gather(*(s.press("play") for s in sessions))
        if wall is not None:
            await wall.open()
            await wall_filled(wall, n)
        await asyncio.sleep(WARMUP)
        if wall is not None:
            stop = asyncio.Event()
            await wall.mark()
            watching = asyncio.create_task(watch_wall(wall, row, stop))
        browser = [p for p in descendants(os.getpid()) if is_chromium(p)] if wall else []
        cpu0, mine0, wall0 = cpu_seconds(server_pids), cpu_seconds(me), time.perf_counter()
        browser0 = cpu_seconds(browser)
        before = [(time.perf_counter(), s.epoch, s.painted) for s in sessions]
        await asyncio.sleep(seconds)
        after = [(time.perf_counter(), s.epoch, s.painted) for s in sessions]
        elapsed = time.perf_counter() - wall0
        row.server_cpu = (cpu_seconds(server_pids) - cpu0) / elapsed
        row.client_cpu = (cpu_seconds(me) - mine0) / elapsed
        row.wall_cpu = (cpu_seconds(browser) - browser0) / elapsed if wall else None
        if wall is not None:
            stop.set()
            await watching
            row.wall_main_thread = await wall.busy_since_mark()
        sampler.__exit__(None, None, None)
        row.rss_peak = sampler.peak
        for s, (e, r) in zip(sessions, rates(before, after)):
            if s.error is not None:
                row.failed += 1
            row.epochs.append(e)
            row.redraws.append(r)
        row.note = stopped_note(sessions)
    finally:
        sampler.__exit__(None, None, None)
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
        if wall is not None:
            await wall.close()
    return row


def stopped_note(sessions):
    """Which sessions had stopped playing by the end, and why (the live view's message:
    finished, failed, diverged): each such row's minimum is that session's, not the load's."""
    stopped = [f"{i} at epoch {s.epoch:,}: {(s.data or {}).get(MESSAGE) or 'no message'}"
               for i, s in enumerate(sessions) if not s.running]
    return f"{len(stopped)} stopped playing ({'; '.join(stopped)})"[:400] if stopped else ""


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
                page.wait_for_function(FIRST_SURFACE, timeout=OPEN_TIMEOUT * 1000,
                                       polling=100)
            row.first_surface = [page.evaluate(FIRST_SURFACE) / 1000
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


def option_env(name):
    """Streamlit's environment variable for an option: runner.postScriptGC ->
    STREAMLIT_RUNNER_POST_SCRIPT_GC."""
    return "STREAMLIT_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace(".", "_").upper()


class Target:
    """What is measured against: a fresh server per N, a deployment per N, or a given URL."""

    def __init__(self, args):
        self.args, self.server, self.deployment = args, None, None
        self.data_dir = None

    def __enter__(self):
        a = self.args
        if a.room and not a.url and not (os.environ.get("NNP_STORE")
                                         or os.environ.get("NNP_DATA_DIR")):
            self.data_dir = tempfile.TemporaryDirectory(prefix="nnp-load-")
            os.environ["NNP_DATA_DIR"] = self.data_dir.name   # the servers' store and ours
        if a.room:
            open_room(a.room)
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
        if self.data_dir is not None:
            del os.environ["NNP_DATA_DIR"]
            self.data_dir.cleanup()


def open_room(name):
    """Make the room NAME in the store this process sees (NNP_STORE), unless it exists."""
    from playground.room import service
    from playground.room.store import open_store
    store = open_store()
    if store.get_room(name) is None:
        service.create_room(store, name)


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
                return asyncio.run(measure_ws(target.url, n, args.seconds, target.pids,
                                              args.room))
            return measure_browser(target.url, n, args.seconds, target.pids)
        except Exception as e:              # noqa: BLE001 - one bad row should not end the run
            return Row(n, client, failed=n, note=f"{type(e).__name__}: {e}"[:120])


# -- the table --------------------------------------------------------------------------
def verdict(row):
    need = TARGET_REDRAWS.get(row.sessions)
    misses = []
    if row.failed or not row.redraws:
        misses.append(f"{row.failed} failed")
    else:
        if need is not None and min(row.redraws) < need:
            misses.append(f"redraws<{need:g}")
        epochs = TARGET_EPOCHS.get(row.sessions)
        if epochs is not None and mean(row.epochs) < epochs:
            misses.append(f"epochs<{epochs:g}")
        first = TARGET_FIRST.get(row.sessions)
        if first is not None and max(row.first_surface) > first:
            misses.append(f"first surface>{first:g}s")
    if row.rss_peak >= TARGET_RSS:
        misses.append("memory>=2GB")
    if row.room:
        p95 = percentile(row.tile_ages, 95)
        if p95 is None or p95 > TARGET_TILE_AGE:
            misses.append(f"tile age p95>{TARGET_TILE_AGE:g}s")
        if row.wall_main_thread is None or row.wall_main_thread >= TARGET_WALL_BUSY:
            misses.append(f"wall busy>={TARGET_WALL_BUSY:.0%}")
        share, _ = room_share(row)
        if share is None or share < TARGET_ROOM_SHARE:
            misses.append(f"redraws<{TARGET_ROOM_SHARE:.0%} of no room")
    if not misses:
        return "ok" if need is not None else "-"
    return "MISS " + ", ".join(misses)


def table(rows):
    head = (f"{'client':8} {'N':>3} {'epochs/s mean':>13} {'min':>7} {'redraws/s mean':>14} "
            f"{'min':>5} {'server CPU':>10} {'ms/sess-s':>9} {'RSS MB':>7} {'1st surface':>11} {'client CPU':>10} "
            f"{'load':>5}  target")
    lines = [head, "-" * len(head)]
    for r in rows:
        if r.plain:                     # a room row's baseline first
            lines.append(line(r.plain) + " (the same, no room)")
        lines.append(line(r) + (f"\n{'':12} room {r.room}: {wall_text(r)}" if r.room else ""))
    return "\n".join(lines)


def line(r):
    """One row of the table (without a room row's wall line)."""
    if not r.redraws:
        return f"{r.client:8} {r.sessions:3} failed (load {r.load:.1f}): {r.note}"
    return (f"{r.client:8} {r.sessions:3} {mean(r.epochs):13,.0f} "
            f"{min(r.epochs):7,.0f} {mean(r.redraws):14.1f} "
            f"{min(r.redraws):5.1f} {r.server_cpu:10.2f} {1000 * r.server_cpu / r.sessions:9.1f} "
            f"{r.rss_peak / 2**20:7.0f} "
            f"{max(r.first_surface):10.1f}s {r.client_cpu:10.2f} {r.load:5.1f}  {verdict(r)}")


def wall_text(r):
    """A room row's wall figures, in words."""
    if not r.tile_ages:
        return f"the wall showed no tiles ({r.wall_tiles} painted)"
    share, per_core = room_share(r)
    if share is not None:
        shares = (f"; students' redraws/s {share:.0%} of the same run without the room "
                  f"({mean(r.plain.redraws):.1f}/s, server CPU {r.plain.server_cpu:.2f}), "
                  + (f"{per_core:.0%} per core of server CPU" if per_core else ""))
    else:
        shares = "; no baseline without the room"
    return (f"oldest tile on the wall p95 {percentile(r.tile_ages, 95):.2f} s, max "
            f"{max(r.tile_ages):.2f} s ({r.wall_tiles} tiles; in the store p95 "
            f"{percentile(r.store_ages, 95):.2f} s); wall main thread "
            f"{r.wall_main_thread:.0%} busy, its Chromium {r.wall_cpu:.2f} cores{shares}")


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
    ap.add_argument("--deploy", nargs="?", const="auto", metavar="N",
                    help="measure N replicas behind nginx (deploy/start_replicas.sh); "
                         "alone, its default: one per core")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                    help="a Streamlit option for the servers this starts, e.g. "
                         "runner.postScriptGC=false (repeatable)")
    ap.add_argument("--room", metavar="NAME",
                    help="the ws students join workshop room NAME; its wall is watched")
    ap.add_argument("--json", action="store_true",
                    help="print the rows as one JSON line (the table goes to stderr)")
    args = ap.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    clients = ("ws", "browser") if args.client == "both" else (args.client,)
    if args.room:
        if args.client == "browser":
            ap.error("--room measures websocket students: use --client ws")
        clients = ("ws",)
        from playground.room.rules import check_room_name
        try:
            check_room_name(args.room)
        except ValueError as e:
            ap.error(f"--room: {e}")
    out = sys.stderr if args.json else sys.stdout
    print(f"{os.cpu_count()} cores; {args.seconds:g} s per row after {WARMUP:g} s of play; "
          f"server: {args.url or (f'{args.deploy} replicas behind nginx' if args.deploy else 'streamlit run, fresh per row')}",
          flush=True, file=out)
    rows = []
    for client in clients:
        for n in counts:
            try:
                plain = measure(argparse.Namespace(**{**vars(args), "room": None}), client,
                                n) if args.room else None
                rows.append(measure(args, client, n))
                rows[-1].plain = plain
            except DeployError as e:        # nothing to measure: say why, in one line
                sys.exit(f"load_test: {e}")
            print("\n".join(table(rows[-1:]).splitlines()[2:]), flush=True, file=out)
    print(file=out)
    print(table(rows), file=out)
    notes = [f"{r.client} {r.sessions}: {r.note}" for r in rows if r.note]
    if notes:
        print("\n".join(notes), file=out)
    if args.json:
        print(json.dumps([row_json(r) for r in rows]), flush=True)


if __name__ == "__main__":
    main()
