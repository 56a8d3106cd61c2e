"""Measure the playground in a real browser, against the plain Streamlit baseline.

    python benchmarks/bench_app.py [--seconds 10] [--no-baseline]

Starts `streamlit run` on a free port (a fresh server each time), opens it in headless
Chromium (Debian's /usr/bin/chromium through Playwright), presses Play on the first-load
network (moons, 2-8-8-1 tanh), plays for --seconds, presses Pause, and reports:
epochs trained per second, distinct surfaces painted per second in the page, bytes the
server sent per painted surface, how long after the Pause click (in the page) the epoch
counter last changed,
seconds from navigation to the first drawn surface, and the server's CPU use.
The baseline (benchmarks/baseline_app.py) re-sends an st.plotly_chart every tick.
Targets: >= 30 surfaces/s, >= 2,000 epochs/s, Pause <= 300 ms, first surface <= 3 s,
< 100 KB per surface.
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.appserver import (CHROMIUM, CHROMIUM_ARGS, ROOT, free_port,  # noqa: E402
                                  start_server, stop)

TARGETS = {"surfaces_per_s": 30, "epochs_per_s": 2000, "pause_ms": 300, "first_surface_s": 3,
           "kb_per_surface": 100}

# Counts distinct heatmap pictures as Plotly paints them (it draws each heatmap into an
# <image> whose href is a PNG data URL), and notes when the epoch shown last changed.
OBSERVER = r"""
(() => {
  const seen = new Set(); window.__bench = { painted: 0, epoch: 0, changedAt: 0, clickedAt: 0 };
  // When the user's click happened in the page (Playwright's own click takes ~100 ms more).
  document.addEventListener('click', () => { window.__bench.clickedAt = performance.now(); }, true);
  const hash = (s) => { let h = 0; for (let i = 0; i < s.length; i += 7) h = (h * 31 + s.charCodeAt(i)) | 0; return h + ':' + s.length; };
  const note = (img) => {
    const href = img.getAttribute('href') || img.getAttribute('xlink:href') || '';
    if (!href.startsWith('data:')) return;
    const h = hash(href); if (!seen.has(h)) { seen.add(h); window.__bench.painted++; }
  };
  new MutationObserver((muts) => { for (const m of muts) {
    if (m.type === 'attributes' && m.attributeName === 'href' && m.target.closest('.heatmaplayer')) note(m.target);
    for (const n of m.addedNodes || []) if (n.querySelectorAll) {
      if (n.tagName === 'image') note(n); n.querySelectorAll('.heatmaplayer image').forEach(note); }
  }}).observe(document, { subtree: true, childList: true, attributes: true });  // a filter would miss xlink:href
  const poll = () => {
    const el = document.querySelector('.nnp-epoch');
    let e = el ? Number(el.dataset.epoch || 0) : 0;
    if (!el) { const m = /Epoch ([\d,]+)/.exec(document.body ? document.body.innerText : ''); e = m ? Number(m[1].replace(/,/g, '')) : 0; }
    if (e !== window.__bench.epoch) { window.__bench.epoch = e; window.__bench.changedAt = performance.now(); }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(browser, script, seconds):
    port = free_port()
    server = start_server(port, script=script)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(OBSERVER)
        received = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.append(len(payload))))
        t0 = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector(".heatmaplayer image", state="attached", timeout=30000)
        first_surface = time.perf_counter() - t0
        page.wait_for_timeout(1500)
        start = page.evaluate("() => ({...window.__bench})")
        bytes0, cpu0, wall0 = sum(received), cpu_seconds(server.pid), time.perf_counter()
        page.get_by_role("button", name=re.compile("Play")).first.click()
        page.wait_for_timeout(int(seconds * 1000))
        end = page.evaluate("() => ({...window.__bench})")
        played = time.perf_counter() - wall0
        cpu = (cpu_seconds(server.pid) - cpu0) / played
        sent = sum(received) - bytes0
        page.get_by_role("button", name=re.compile("Pause")).first.click()
        page.wait_for_timeout(2000)
        clicked, stopped = page.evaluate("() => [window.__bench.clickedAt, window.__bench.changedAt]")
        painted = end["painted"] - start["painted"]
        page.close()
        return {
            "epochs_per_s": (end["epoch"] - start["epoch"]) / played,
            "surfaces_per_s": painted / played,
            "kb_per_surface": sent / 1024 / max(painted, 1),
            "pause_ms": max(0.0, stopped - clicked),
            "first_surface_s": first_surface,
            "server_cpu": cpu,
        }
    finally:
        stop(server)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ours = measure(browser, ROOT / "streamlit_app.py", args.seconds)
        base = None if args.no_baseline else measure(
            browser, ROOT / "benchmarks" / "baseline_app.py", args.seconds)
        browser.close()
    print(f"{'metric':18} {'playground':>11} {'baseline':>9} {'ratio':>6} {'target':>8}")
    for key, unit in (("surfaces_per_s", ""), ("epochs_per_s", ""), ("kb_per_surface", ""),
                      ("pause_ms", ""), ("first_surface_s", ""), ("server_cpu", "cores")):
        b = base[key] if base else float("nan")
        ratio = ours[key] / b if base and b else float("nan")
        target = TARGETS.get(key)
        lower_is_better = key in ("kb_per_surface", "pause_ms", "first_surface_s")
        ok = "" if target is None else (
            "ok" if (ours[key] <= target if lower_is_better else ours[key] >= target) else "MISS")
        print(f"{key:18} {ours[key]:11.1f} {b:9.1f} {ratio:6.2f} "
              f"{'' if target is None else ('<=' if lower_is_better else '>=') + str(target):>8} {ok}")


if __name__ == "__main__":
    main()
