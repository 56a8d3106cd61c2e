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
"""
import argparse
import asyncio
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.appserver import (CHROMIUM, CHROMIUM_ARGS, free_port,  # noqa: E402
                             start_server, stop)
from tools.deploy import DeployError, start_deployment  # noqa: E402
from tools.livesession import LiveSession, warm_up  # noqa: E402
from tools.load import FIRST_PAINT, FIRST_SURFACE, READ_PAGE, session_query  # noqa: E402
from tools.procstat import ProcSampler, cpu_seconds, descendants, listening_pids  # noqa: E402

# Issue 9: 10 sessions on one `streamlit run` >= 15 redraws/s each; 40 through deploy/'s
# default replicas >= 5 redraws/s each, >= 200 epochs/s mean, first surface <= 4 s.
TARGET_REDRAWS = {10: 15.0, 40: 5.0}    # sessions -> redraws/s every session must reach
TARGET_EPOCHS = {40: 200.0}             # sessions -> mean epochs/s
TARGET_FIRST = {40: 4.0}                # sessions -> slowest first surface, seconds
TARGET_RSS = 2 * 1024**3
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


def rates(before, after):
    """Per-session (epochs/s, redraws/s) from two snapshots [(t, epoch, painted)]."""
    out = []
    for (t0, e0, p0), (t1, e1, p1) in zip(before, after):
        dt = max(t1 - t0, 1e-9)
        out.append(((e1 - e0) / dt, (p1 - p0) / dt))
    return out


async def measure_ws(url, n, seconds, server_pids):
    sessions = [LiveSession(url, session_query(i)) for i in range(n)]
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
    else:
        if need is not None and min(row.redraws) < need:
            misses.append(f"redraws<{need:g}")
        epochs = TARGET_EPOCHS.get(row.sessions)
        if epochs is not None and sum(row.epochs) / len(row.epochs) < epochs:
            misses.append(f"epochs<{epochs:g}")
        first = TARGET_FIRST.get(row.sessions)
        if first is not None and max(row.first_surface) > first:
            misses.append(f"first surface>{first:g}s")
    if row.rss_peak >= TARGET_RSS:
        misses.append("memory>=2GB")
    if not misses:
        return "ok" if need is not None else "-"
    return "MISS " + ", ".join(misses)


def table(rows):
    head = (f"{'client':8} {'N':>3} {'epochs/s mean':>13} {'min':>7} {'redraws/s mean':>14} "
            f"{'min':>5} {'server CPU':>10} {'ms/sess-s':>9} {'RSS MB':>7} {'1st surface':>11} {'client CPU':>10} "
            f"{'load':>5}  target")
    lines = [head, "-" * len(head)]
    for r in rows:
        if not r.redraws:
            lines.append(f"{r.client:8} {r.sessions:3} failed (load {r.load:.1f}): {r.note}")
            continue
        lines.append(
            f"{r.client:8} {r.sessions:3} {sum(r.epochs) / len(r.epochs):13,.0f} "
            f"{min(r.epochs):7,.0f} {sum(r.redraws) / len(r.redraws):14.1f} "
            f"{min(r.redraws):5.1f} {r.server_cpu:10.2f} {1000 * r.server_cpu / r.sessions:9.1f} "
            f"{r.rss_peak / 2**20:7.0f} "
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
    ap.add_argument("--deploy", nargs="?", const="auto", metavar="N",
                    help="measure N replicas behind nginx (deploy/start_replicas.sh); "
                         "alone, its default: one per core")
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
            try:
                rows.append(measure(args, client, n))
            except DeployError as e:        # nothing to measure: say why, in one line
                sys.exit(f"load_test: {e}")
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(table(rows))
    notes = [f"{r.client} {r.sessions}: {r.note}" for r in rows if r.note]
    if notes:
        print("\n".join(notes))


if __name__ == "__main__":
    main()
