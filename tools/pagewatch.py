"""Watching the live view as a learner's browser shows it, for tests and load tools: the
page itself keeps no counters for them. Add WATCH to a page (an init script, or
page.evaluate on a loaded page): every animation frame it reads the surface canvas's
pixels and counts the distinct surfaces shown. READ_PAGE then gives the epoch shown and
that count; FIRST_SURFACE, when the first surface appeared (ms in the page's clock)."""

WATCH = """
(() => {
  if (window.__watch) return;
  const W = window.__watch = { surfaces: 0, first: null };
  let last = null;
  const copy = document.createElement('canvas');      // read a copy: the page's own canvas
  const ctx = copy.getContext('2d', { willReadFrequently: true });   // stays as it was made
  const look = () => {
    const c = document.querySelector('.nnp-surface canvas');
    if (c && c.width && c.height) {
      if (copy.width !== c.width || copy.height !== c.height) { copy.width = c.width; copy.height = c.height; }
      ctx.clearRect(0, 0, c.width, c.height);
      ctx.drawImage(c, 0, 0);
      const px = new Uint32Array(ctx.getImageData(0, 0, c.width, c.height).data.buffer);
      let h = 0, any = 0;
      for (let i = 0; i < px.length; i++) { h = (h * 31 + px[i]) | 0; any |= px[i]; }
      if (any && h !== last) {           // a blank canvas is no surface yet
        last = h; W.surfaces += 1;
        if (W.first === null) W.first = performance.now();
      }
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""
FIRST_SURFACE = "() => window.__watch && window.__watch.first"
READ_PAGE = """() => {
  const e = document.querySelector('.nnp-epoch');
  return {epoch: e ? Number(e.dataset.epoch || 0) : 0, painted: window.__watch ? window.__watch.surfaces : 0};
}"""

# The wall (?room=NAME&wall=1): how many tiles it shows and how old the oldest is, in
# seconds of the server's clock (each tile holds its store `updated`; the wall holds its
# clock's offset from the page's, as of the last payload).
WALL_AGES = """() => {
  const wall = document.querySelector('.nnp-wall');
  const tiles = [...document.querySelectorAll('.nnp-tile[data-painted]')];
  if (!wall || !tiles.length) return {tiles: 0, oldest: null};
  const now = Date.now() / 1000 + Number(wall.dataset.clockOffset || 0);
  return {tiles: tiles.length, oldest: Math.max(...tiles.map((t) => now - Number(t.dataset.painted)))};
}"""
