"""Measure the wall (?room=NAME&wall=1) in headless Chromium while every student's tile
changes about once a second.

    python benchmarks/bench_wall.py [--students 40] [--seconds 20] [--size 1280x720] [--json]

A writer thread plays the students: it puts each student's tile into a real store (a
SQLite file in a temporary directory, or --store URL) once a second, spread over the
second as forty browsers would, each time with a new picture. The app server reads the
same store. Recorded, in one window of --seconds:
- the wall page's main-thread busy share (Chrome's Performance.getMetrics TaskDuration);
- the oldest painted tile's age on the wall (seconds since its `updated` in the store),
  sampled every 250 ms: p95 and max. A tile is at most ~1 s old when it is written, so
  the wall's own delay is this minus about 1 s.
- tiles repainted per second (all tiles' data-painted changes): about --students.
"""
import argparse
import base64
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from playground.pictures.png import png_bytes  # noqa: E402
from playground.room.store import open_store  # noqa: E402
from tools.appserver import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop  # noqa: E402
from tools.pagewatch import WALL_AGES  # noqa: E402

ROOM = "bench-wall"
# Counts the tiles' repaints (their data-painted changes) from now on.
COUNT_PAINTS = """() => { window.__paints = 0;
  new MutationObserver((ms) => { window.__paints += ms.length; })
    .observe(document.querySelector('.nnp-wall-grid'), { attributes: true, subtree: true,
                                                         attributeFilter: ['data-painted'] }); }"""


def picture(n, k):
    """Student n's k-th picture: a gradient that moves with k (a new PNG each time)."""
    x = np.linspace(0, 1, 48)
    shade = (np.add.outer(x, x) * 120 + 8 * k + 37 * n) % 256
    rgb = np.stack([shade, 255 - shade, np.full_like(shade, (91 * n) % 256)], axis=-1)
    return base64.b64encode(png_bytes(rgb.astype(np.uint8))).decode("ascii")


def tile(n, k):
    return {"nickname": f"Student {n + 1}", "epoch": 100 * k, "test_loss": 1 / (k + 2),
            "accuracy": min(1.0, 0.5 + k / 100), "r2": None, "setup": "dataset=moons",
            "params": 33, "playing": True, "picture": picture(n, k),
            "loss": [[e, 1 / (1 + e)] for e in range(0, 100 * k + 1, max(1, k))][-100:]}


def students(store, count, stopped, still=False):
    """Each student's tile once a second, the students spread over the second (`still`:
    once only, to measure the polling without repaints)."""
    k = 0
    while not stopped.is_set() and not (still and k):
        start = time.monotonic()
        for n in range(count):
            store.put_tile(ROOM, f"s{n:03d}", tile(n, k))
            time.sleep(max(0.0, start + (n + 1) / count - time.monotonic()))
        k += 1


def measure(page, seconds):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def busy():
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")
    page.evaluate(COUNT_PAINTS)
    busy0, t0 = busy(), time.perf_counter()
    oldest = []
    while time.perf_counter() - t0 < seconds:
        ages = page.evaluate(WALL_AGES)
        if ages["oldest"] is not None:
            oldest.append(ages["oldest"])
        page.wait_for_timeout(250)
    paints, busy1 = page.evaluate("() => window.__paints"), busy()
    took = time.perf_counter() - t0
    oldest.sort()
    return {"busy": (busy1 - busy0) / took,
            "tile_age_p95_s": oldest[int(0.95 * (len(oldest) - 1))], "tile_age_max_s": oldest[-1],
            "repaints_per_s": paints / took, "samples": len(oldest)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--store", default="",
                    help="NNP_STORE for the run (default: a temporary SQLite file)")
    ap.add_argument("--still", action="store_true", help="tiles written once, never changed")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    width, height = map(int, args.size.split("x"))
    with tempfile.TemporaryDirectory() as where:
        url = args.store or f"sqlite:///{where}/rooms.sqlite3"
        store = open_store(url)
        store.create_room(ROOM, {})
        stopped = threading.Event()
        writer = threading.Thread(target=students, daemon=True,
                                  args=(store, args.students, stopped, args.still))
        writer.start()
        port = free_port()
        os.environ["NNP_STORE"] = url                  # the server reads the same store
        server = start_server(port, Path(where) / "server.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"http://127.0.0.1:{port}/?room={ROOM}&wall=1")
                page.wait_for_function(
                    "(n) => document.querySelectorAll('.nnp-tile[data-painted]').length >= n",
                    arg=args.students, timeout=120_000)
                page.wait_for_timeout(2000)
                row = {"students": args.students, "size": args.size, **measure(page, args.seconds)}
                browser.close()
        finally:
            stopped.set()
            stop(server)
    if args.json:
        print(json.dumps(row))
    else:
        print(f"{'students':>8} {'size':>9} {'busy':>5} {'age p95 s':>9} {'age max s':>9} "
              f"{'repaints/s':>10}")
        print(f"{row['students']:8d} {row['size']:>9} {row['busy']:5.2f} "
              f"{row['tile_age_p95_s']:9.2f} {row['tile_age_max_s']:9.2f} "
              f"{row['repaints_per_s']:10.1f}")


if __name__ == "__main__":
    main()
