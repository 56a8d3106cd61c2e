"""Measure the live view in a real browser, against TensorFlow Playground and a one-line
Streamlit app, in one run of the same headless Chromium.

    python benchmarks/bench_app.py [--seconds 10]
    python benchmarks/bench_app.py --query '' --query '' --panel '' --panel 'Why is it stuck?'

Plays, in turn: our app (first-load network: moons, 2-8-8-1 tanh), TensorFlow Playground
built from source (../shared/anchors/tensorflow-playground beside this repository, served
by `python3 -m http.server`; tanh, batch 10, xor, 8,8) and a one-line Streamlit app
(st.write and a chart, benchmarks/baseline_app.py). For each page it records, in the
page's own clock:

- distinct surfaces painted per second: every animation frame the page samples all of the
  surface's pixels (a canvas: our `.nnp-surface canvas`, TF Playground's `#heatmap canvas`;
  an old Plotly heatmap's `<image>` href) and counts a change; and the page's animation
  frames per second, the most surfaces any page can show (a display's rate: about 60);
- unit pictures animating per second (the first hidden unit's picture in the diagram);
- epochs per second while animating (`.nnp-epoch`, `#iter-number`);
- main-thread busy share while playing (Chrome's Performance.getMetrics TaskDuration: its
  tasks' wall time), and the CPU time in them (ThreadTime): on a 2-core machine whose other
  core trains, a task also waits (a commit waits for the compositor), so busy > CPU. Both
  leave out this bench's own sampling (it reads every pixel of the surface each frame:
  ~0.08 of our main thread), which it times itself and prints apart;
- Pause: how long after the click the epoch counter last moved, and how far the epoch
  shown 2 s later is from the one on screen at the click;
- first surface after navigation (the one-line app: its first element), the median of
  five loads, with where the time went (one load's marks) (page shell, script start, component mount, plotly.js loaded, diagram); on
  a server's later pages, and on its first (cold: the server imports everything; the
  median over three fresh servers).

Then prints the figures and the ratios against the issue's targets. Absolute rates vary
3-5x between machines; the ratios within one run do not.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.appserver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    free_port,
    healthy,
    start_server,
    stop,
)

# TensorFlow Playground built from source, kept beside this repository (../shared/anchors).
TFP_DIR = ROOT.parent / "shared" / "anchors" / "tensorflow-playground"
LOADS = 5           # first surface: the median of this many loads of a warm server
COLD = 3            # a server's first page: the median over this many fresh servers
TFP_HASH = "#activation=tanh&batchSize=10&dataset=xor&networkShape=8,8&seed=0.1"

# Runs in every page before its own scripts. Samples, once per animation frame, the
# surface and one unit picture, and the epoch shown; notes milestones of the first load.
OBSERVER = r"""
(() => {
  const B = window.__bench = { frames: 0, surfaces: 0, units: 0, epoch: 0, changedAt: 0, clickedAt: 0,
                               epochAtClick: null, marks: {}, selfMs: 0 };
  const mark = (name) => { if (B.marks[name] === undefined) B.marks[name] = performance.now(); };
  const epochNow = () => {
    const ours = document.querySelector('.nnp-epoch');
    if (ours) return Number(ours.dataset.epoch || 0);
    const tfp = document.querySelector('#iter-number');
    if (tfp) return Number((tfp.textContent || '0').replace(/,/g, '')) || 0;
    return 0;
  };
  // The click's time and the epoch on screen at that moment, read from the page itself.
  document.addEventListener('click', () => { B.clickedAt = performance.now(); B.epochAtClick = epochNow(); }, true);
  const scratch = document.createElement('canvas');
  const sig = (el) => {           // a cheap signature of what an element shows, or null
    if (!el) return null;
    if (el.tagName === 'CANVAS') {
      // Every pixel at the canvas's own size: a downscaled copy (24 x 24 once) merged
      // the small late-training changes and counted ~50 of 58 distinct surfaces a second.
      const w = Math.min(el.width, 256), ht = Math.min(el.height, 256);
      if (!w || !ht) return null;
      scratch.width = w; scratch.height = ht;
      const c = scratch.getContext('2d', { willReadFrequently: true });
      c.clearRect(0, 0, w, ht); c.drawImage(el, 0, 0, w, ht);
      const d = c.getImageData(0, 0, w, ht).data;
      let h = 0, any = false;
      for (let i = 0; i < d.length; i += 1) { h = (h * 31 + d[i]) | 0; if (d[i]) any = true; }
      return any ? String(h) : null;
    }
    const href = el.getAttribute('href') || el.getAttribute('xlink:href') || '';
    if (!href.startsWith('data:')) return null;
    let h = 0; for (let i = 0; i < href.length; i += 7) h = (h * 31 + href.charCodeAt(i)) | 0;
    return h + ':' + href.length;
  };
  let lastSurface = null, lastUnit = null;
  const poll = () => {
    const began = performance.now();
    B.frames++;                  // the display's frames: the most any page can show
    if (document.querySelector('[data-testid=stApp]')) mark('shell');
    const app = document.querySelector('[data-testid=stApp]');
    if (app && app.dataset.testScriptState === 'running') mark('script_started');
    if (B.marks.script_started !== undefined && app && app.dataset.testScriptState === 'notRunning') mark('script_done');
    if (document.querySelector('.nnp-live')) mark('mount');
    if (window.Plotly) mark('plotly_ready');
    if (document.querySelector('.nnp-diagram .main-svg')) mark('diagram');
    if (document.querySelector('[data-testid=stMarkdownContainer] p')) mark('first_element');
    const surface = document.querySelector('.nnp-surface canvas, #heatmap canvas, .nnp-surface .heatmaplayer image');
    const s = sig(surface);
    if (s !== null) { mark('first_surface'); if (s !== lastSurface) { B.surfaces++; lastSurface = s; } }
    const unit = document.querySelector('canvas.nnp-unit:not(.nnp-input), .nnp-diagram .layer-above image, #network canvas');
    const u = sig(unit);
    if (u !== null && u !== lastUnit) { B.units++; lastUnit = u; }
    const e = epochNow();
    if (e !== B.epoch) { B.epoch = e; B.changedAt = performance.now(); }
    B.selfMs += performance.now() - began;   // this observer's own main-thread time
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""

SNAPSHOT = "() => ({...window.__bench})"


def busy_seconds(cdp):
    """The page's main thread so far: its tasks' wall seconds, and its CPU seconds."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"], metrics["ThreadTime"]


def resource_timing(page, fragment):
    return page.evaluate(
        """f => performance.getEntriesByType('resource').filter(e => e.name.includes(f))
              .map(e => [e.startTime, e.responseEnd])[0] || null""", fragment)


def play_and_pause(page, play, pause, seconds):
    """Play for `seconds`, Pause; the page's figures while playing and after."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.wait_for_timeout(1000)
    start = page.evaluate(SNAPSHOT)
    (busy0, cpu0), wall0 = busy_seconds(cdp), time.perf_counter()
    play()
    page.wait_for_timeout(int(seconds * 1000))
    end = page.evaluate(SNAPSHOT)
    (busy1, cpu1), played = busy_seconds(cdp), time.perf_counter() - wall0
    observer = (end["selfMs"] - start["selfMs"]) / 1000     # the bench's own sampling
    pause()
    page.wait_for_timeout(2500)
    after = page.evaluate(SNAPSHOT)
    return {
        "surfaces_per_s": (end["surfaces"] - start["surfaces"]) / played,
        "frames_per_s": (end["frames"] - start["frames"]) / played,
        "units_per_s": (end["units"] - start["units"]) / played,
        "epochs_per_s": (end["epoch"] - start["epoch"]) / played,
        "busy": (busy1 - busy0 - observer) / played,
        "cpu": (cpu1 - cpu0 - observer) / played,
        "observer": observer / played,
        "pause_ms": max(0.0, after["changedAt"] - after["clickedAt"]),
        "pause_jump": after["epoch"] - (after["epochAtClick"] or 0),
    }


def new_page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(OBSERVER)
    return page


def first(page, mark, timeout=60_000):
    page.wait_for_function(f"() => window.__bench && window.__bench.marks.{mark} !== undefined",
                           timeout=timeout)
    return page.evaluate("() => window.__bench.marks")


def open_panel(page, name):
    """Open one of the "More" panels (its segment of the control), and let its charts draw."""
    choice = page.locator(".st-key-panel").get_by_role("radio", name=name, exact=True)
    choice.click()
    page.wait_for_function("el => el.getAttribute('aria-checked') === 'true'",
                           arg=choice.element_handle())
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    page.wait_for_timeout(1000)     # its charts drawn


def ours(browser, seconds, query="", panel=""):
    """Our app, opened at `query` (a link's "?..."; empty: the first-load network), with
    the "More" panel named `panel` open (empty: none)."""
    cold = cold_load(browser, "first_surface")
    port = free_port()
    server = start_server(port)
    try:
        load(browser, port, "first_surface")            # the server's first page imports all
        warm = median_load(browser, port, "first_surface")
        page = new_page(browser)
        page.goto(f"http://127.0.0.1:{port}/{query}")
        marks = first(page, "first_surface")
        page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
        page.wait_for_selector(".nnp-diagram .main-svg", state="attached")
        marks = page.evaluate("() => window.__bench.marks")
        plotly = resource_timing(page, "plotly")
        if panel:
            open_panel(page, panel)
        button = lambda key: page.locator(f".st-key-{key}").get_by_role("button").first
        out = play_and_pause(page, lambda: button("play").click(), lambda: button("pause").click(),
                             seconds)
        # The page's picture after Pause is the run's own state: one Step shows one more epoch.
        shown = page.evaluate("() => window.__bench.epoch")
        button("step").click()
        page.wait_for_function("e => window.__bench.epoch !== e", arg=shown, timeout=20_000)
        out["step_after_pause"] = page.evaluate("() => window.__bench.epoch") - shown
        page.close()
        out.update(first_s=warm, marks=marks, plotly=plotly, cold_s=cold)
        return out
    finally:
        stop(server)


def check_tf_playground():
    """Stop before measuring anything when TF Playground's build is not where it is read."""
    if not (TFP_DIR / "index.html").is_file():
        sys.exit(f"bench_app: no TensorFlow Playground build at {TFP_DIR} (index.html): build "
                 "it there, beside this repository, or measure only our app with --query ''")


def tf_playground(browser, seconds):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(TFP_DIR)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not healthy(f"http://127.0.0.1:{port}", "/index.html"):
            if time.monotonic() > deadline:
                raise RuntimeError("http.server did not start")
            time.sleep(0.1)
        page = new_page(browser)
        page.goto(f"http://127.0.0.1:{port}/index.html{TFP_HASH}")
        marks = first(page, "first_surface")
        button = page.locator("#play-pause-button")
        out = play_and_pause(page, button.click, button.click, seconds)
        page.close()
        out.update(first_s=marks["first_surface"] / 1000, marks=marks)
        return out
    finally:
        stop(server)


def load(browser, port, mark):
    """Seconds from navigation to `mark` on a fresh page of the server at `port`."""
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{port}/")
    marks = first(page, mark)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    page.close()
    return marks[mark] / 1000


def median_load(browser, port, mark, pages=LOADS):
    """The median of `pages` loads' seconds to `mark` (one load varies by ~20%)."""
    return statistics.median(load(browser, port, mark) for _ in range(pages))


def cold_load(browser, mark, script=None, servers=COLD):
    """The median seconds to `mark` on a server's first page (it imports everything then),
    over `servers` fresh servers: one first page varies by ~25%."""
    times = []
    for _ in range(servers):
        port = free_port()
        server = start_server(port, **({"script": script} if script else {}))
        try:
            times.append(load(browser, port, mark))
        finally:
            stop(server)
    return statistics.median(times)


def oneline(browser):
    """The one-line app's first element: on its server's first page (cold) and second."""
    script = ROOT / "benchmarks" / "baseline_app.py"
    cold = cold_load(browser, "first_element", script)
    port = free_port()
    server = start_server(port, script=script)
    try:
        load(browser, port, "first_element")
        warm = median_load(browser, port, "first_element")
        page = new_page(browser)
        page.goto(f"http://127.0.0.1:{port}/")
        marks = first(page, "first_element")
        page.close()
        return {"first_s": warm, "marks": marks, "cold_s": cold}
    finally:
        stop(server)


def surfaces_met(us, tfp):
    """The issue's rule: twice TF Playground's distinct surfaces, or 50/s where that is
    past the display's rate (no page shows more surfaces than it gets animation frames:
    the most either page got a second here, about 60)."""
    display = max(us["frames_per_s"], tfp["frames_per_s"])
    beyond_display = 2 * tfp["surfaces_per_s"] > display
    return us["surfaces_per_s"] >= (50 if beyond_display else 2 * tfp["surfaces_per_s"])


def table(us, tfp, one):
    rows = [  # name, ours, theirs, ratio, target, met
        ("surfaces painted /s", us["surfaces_per_s"], tfp["surfaces_per_s"],
         us["surfaces_per_s"] / max(tfp["surfaces_per_s"], 1e-9),
         ">= 2x TFP (or >= 50/s)", surfaces_met(us, tfp)),
        ("  display frames /s", us["frames_per_s"], tfp["frames_per_s"], float("nan"),
         "(the most a page shows)", None),
        ("unit pictures /s", us["units_per_s"], tfp["units_per_s"],
         us["units_per_s"] / max(tfp["units_per_s"], 1e-9), ">= 10/s", us["units_per_s"] >= 10),
        ("epochs /s", us["epochs_per_s"], tfp["epochs_per_s"],
         us["epochs_per_s"] / max(tfp["epochs_per_s"], 1e-9), ">= 100x TFP",
         us["epochs_per_s"] >= 100 * tfp["epochs_per_s"]),
        ("first surface s, later pages", us["first_s"], one["first_s"], us["first_s"] / one["first_s"],
         "<= 1.5x one-line app", us["first_s"] <= 1.5 * one["first_s"]),
        ("first surface s, 1st page", us["cold_s"], one["cold_s"],
         us["cold_s"] / one["cold_s"], "<= 1.5x one-line app", us["cold_s"] <= 1.5 * one["cold_s"]),
        ("  TFP first surface s", tfp["first_s"], float("nan"), float("nan"), "", None),
        ("pause ms", us["pause_ms"], tfp["pause_ms"], float("nan"), "<= 300", us["pause_ms"] <= 300),
        ("epochs shown after pause", us["pause_jump"], tfp["pause_jump"], float("nan"),
         "<= 1 frame (speed 100)", abs(us["pause_jump"]) <= 100),
        ("step after pause adds", us["step_after_pause"], float("nan"), float("nan"), "== 1",
         us["step_after_pause"] == 1),
        ("main thread busy", us["busy"], tfp["busy"], us["busy"] / max(tfp["busy"], 1e-9),
         "< 0.5", us["busy"] < 0.5),
        ("  its CPU", us["cpu"], tfp["cpu"], us["cpu"] / max(tfp["cpu"], 1e-9),
         "(ThreadTime)", None),
        ("  + this bench's sampling", us["observer"], tfp["observer"], float("nan"),
         "(not the page's)", None),
    ]
    print(f"{'metric':26} {'ours':>9} {'TFP/1-line':>10} {'ratio':>6}  {'target':24} met")
    for name, a, b, r, target, met in rows:
        flag = "" if met is None else ("ok" if met else "MISS")
        print(f"{name:26} {a:9.2f} {b:10.2f} {r:6.2f}  {target:24} {flag}")


def breakdown(us, one):
    keys = ("shell", "script_started", "mount", "first_surface", "plotly_ready", "diagram",
            "script_done")
    print("\nfirst load (the server's second page), ms after navigation (page clock)")
    print("  ours:     " + "  ".join(f"{k}={us['marks'][k]:.0f}" for k in keys if k in us["marks"]))
    if us.get("plotly"):
        print(f"  ours:     plotly.js fetched {us['plotly'][0]:.0f}-{us['plotly'][1]:.0f}")
    print("  one-line: " + "  ".join(f"{k}={v:.0f}" for k, v in one["marks"].items()
                                      if k in ("shell", "script_started", "first_element",
                                               "script_done")))


def queries_table(runs):
    """Our app at each link (and panel), against the first (the baseline), in one process."""
    base = runs[0][1]
    print(f"{'link (panel)':60} {'surfaces/s':>10} {'ratio':>6} {'units/s':>8} {'epochs/s':>9} {'busy':>5} {'cpu':>5}")
    for query, r in runs:
        print(f"{query:60} {r['surfaces_per_s']:10.1f} "
              f"{r['surfaces_per_s'] / max(base['surfaces_per_s'], 1e-9):6.2f} "
              f"{r['units_per_s']:8.1f} {r['epochs_per_s']:9.0f} {r['busy']:5.2f} {r['cpu']:5.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--json", action="store_true", help="also print the raw figures as JSON")
    ap.add_argument("--query", action="append", default=[],
                    help="only our app, opened at each of these links' '?...' (repeatable), "
                         "after the first one as a baseline; prints surfaces/s side by side")
    ap.add_argument("--panel", action="append", default=[],
                    help="with --query: the \"More\" panel to open before Play at the link of "
                         "the same place (repeatable, in order; '' or missing: none)")
    args = ap.parse_args()
    if args.query:
        panels = args.panel + [""] * (len(args.query) - len(args.panel))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            runs = [((q or "(first-load network)") + (f" ({panel})" if panel else ""),
                     ours(browser, args.seconds, q, panel))
                    for q, panel in zip(args.query, panels)]
            browser.close()
        queries_table(runs)
        return
    check_tf_playground()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        one = oneline(browser)
        us = ours(browser, args.seconds)
        tfp = tf_playground(browser, args.seconds)
        browser.close()
    table(us, tfp, one)
    breakdown(us, one)
    if args.json:
        print(json.dumps({"ours": us, "tfp": tfp, "oneline": one}, default=str))


if __name__ == "__main__":
    main()
