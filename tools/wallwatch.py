"""A workshop room's wall (`?room=NAME&wall=1`) open in headless Chromium, watched as the
projector shows it: how old its oldest tile is, and how busy the page's main thread is.

A tile's age is the server's time now minus the `updated` time of the tile the wall last
painted (ui/wall/wall.js keeps it as the tile's data-painted, and the server clock's
offset as data-clock-offset on .nnp-wall). The oldest tile's age, sampled while students
play, is how far behind the class the wall runs: publishing (about once a second), the
store, the wall's poll and its repaint all add to it. The main thread's busy fraction is
Chrome's own TaskDuration (Performance.getMetrics) over the watched seconds, as
benchmarks/bench_app.py measures the live view's.
"""
from tools.appserver import CHROMIUM, CHROMIUM_ARGS

# {tiles: how many are painted, oldest: the oldest painted tile's age in s}, or null
# before the wall is drawn.
OLDEST = """() => {
  const box = document.querySelector('.nnp-wall');
  if (!box) return null;
  const now = Date.now() / 1000 + Number(box.dataset.clockOffset || 0);
  const painted = [...box.querySelectorAll('.nnp-tile[data-painted]')]
    .map((t) => Number(t.dataset.painted)).filter(Number.isFinite);
  return { tiles: painted.length, oldest: painted.length ? now - Math.min(...painted) : null };
}"""
VIEWPORT = {"width": 1280, "height": 720}      # a projector's


class WallWatch:
    """The wall in its own Chromium (Playwright's async API): open(), sample() as often as
    wanted, busy_since_mark() after mark(), close()."""

    def __init__(self, url, room):
        self.address = f"{url.rstrip('/')}/?room={room}&wall=1"
        self._pw = self._browser = self.page = self._cdp = None
        self._busy0 = self._t0 = 0.0

    async def open(self):
        from playwright.async_api import async_playwright
        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(executable_path=CHROMIUM,
                                                       args=CHROMIUM_ARGS)
        self.page = await self._browser.new_page(viewport=VIEWPORT)
        self._cdp = await self.page.context.new_cdp_session(self.page)
        await self._cdp.send("Performance.enable")
        await self.page.goto(self.address, wait_until="commit", timeout=60000)

    async def sample(self):
        """(tiles painted, the oldest one's age in s or None)."""
        seen = await self.page.evaluate(OLDEST)
        return (seen["tiles"], seen["oldest"]) if seen else (0, None)

    async def _metrics(self):
        metrics = (await self._cdp.send("Performance.getMetrics"))["metrics"]
        values = {m["name"]: m["value"] for m in metrics}
        return values["TaskDuration"], values["Timestamp"]

    async def mark(self):
        """Start counting the main thread's busy time from now."""
        self._busy0, self._t0 = await self._metrics()

    async def busy_since_mark(self):
        """The main thread's busy fraction since mark() (0..1)."""
        busy, t = await self._metrics()
        return (busy - self._busy0) / max(t - self._t0, 1e-9)

    async def close(self):
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()
