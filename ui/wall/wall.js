// NN Playground's wall, the page side. Streamlit calls the default export with every
// poll's payload (ui/wall/feed.py writes it); all state lives on parentElement. Each
// student's tile is a small canvas holding their 48x48 surface picture (CSS scales it up)
// with their numbers as text under it; only the tiles in a payload are repainted, the
// page keeps the rest. Spotlight shows one tile large with its loss curve. Server text
// is only set as textContent; the QR code is the server's own SVG.

const STALE_S = 10;          // a playing tile not heard from for this long has gone quiet
const GAP_PX = 8;
const BARE_PX = 56;          // a tile smaller than this drops its text

// A tile's two lines of text under its picture grow with it, within bounds (px).
function textHeight(side) {
  return Math.min(46, Math.max(28, 0.26 * side));
}

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

// The wall hangs from the document's body, not from Streamlit's element: each poll's rerun
// restyles that element (and its ancestors) several times, and every restyle repainted
// the whole wall, 1280x720, about five times a second with nothing on it changed.
function build() {
  const box = el("div", "nnp-wall", document.body);
  const main = el("div", "nnp-wall-main", box);
  const side = el("div", "nnp-wall-side", box);
  const w = {
    box,
    down: el("div", "nnp-wall-down", main),
    grid: el("div", "nnp-wall-grid", main),
    empty: el("div", "nnp-wall-empty", main),
    name: el("div", "nnp-wall-name", side),
    qr: el("div", "nnp-wall-qr", side),
    link: el("div", "nnp-wall-link", side),
    challenge: el("div", "nnp-wall-challenge", side),
    key: el("div", "nnp-wall-key", side),
    boardTitle: el("div", "nnp-wall-board-title", side),
    board: el("ol", "nnp-wall-board", side),
    frozen: el("div", "nnp-wall-frozen", side),
    tiles: new Map(), spot: null, offset: 0, base: "", room: "",
  };
  w.key.textContent = "Each tile: the epoch on the picture; test loss · accuracy (or R²) under it. Click one for Spotlight.";
  w.empty.textContent = "Waiting for students: their tiles appear here as they play.";
  w.spot = buildSpotlight(w, main);
  w.resize = new ResizeObserver(() => layout(w));
  w.resize.observe(w.grid);
  w.keys = (ev) => { if (ev.key === "Escape") closeSpotlight(w); };
  document.addEventListener("keydown", w.keys);
  return w;
}

function teardown(w, root) {
  w.resize.disconnect();
  document.removeEventListener("keydown", w.keys);
  w.box.remove();
  delete root.__nnpWall;
}

// -- the grid ------------------------------------------------------------------------------
// The columns that make the tiles largest in the grid's box, each a square picture with
// (unless `bare`) its text under it.
function bestColumns(n, width, height, bare) {
  let best = { columns: 1, side: 0 };
  for (let c = 1; c <= Math.max(1, n); c++) {
    const rows = Math.ceil(n / c);
    const rowHeight = (height - GAP_PX * (rows - 1)) / rows;
    const text = bare ? 0 : textHeight(rowHeight / 1.26);
    const side = Math.floor(Math.min((width - GAP_PX * (c - 1)) / c, rowHeight - text));
    if (side > best.side) best = { columns: c, side };
  }
  return best;
}

// Many students on a small screen: pictures only (the name shows on hover and in
// Spotlight), since text under a tile this small can't be read from the room anyway.
function layout(w) {
  const n = w.tiles.size;
  w.empty.style.display = n ? "none" : "";
  if (!n) return;
  let best = bestColumns(n, w.grid.clientWidth, w.grid.clientHeight, false);
  const bare = best.side < BARE_PX;
  if (bare) best = bestColumns(n, w.grid.clientWidth, w.grid.clientHeight, true);
  const s = Math.max(16, Math.min(best.side, 320));
  w.grid.classList.toggle("nnp-bare", bare);
  w.grid.style.gridTemplateColumns = `repeat(${best.columns}, ${s}px)`;
  w.grid.style.setProperty("--tile", `${s}px`);
  w.grid.style.setProperty("--tile-font", `${(textHeight(s) / 2.5).toFixed(1)}px`);
}

function newTile(w, id) {
  const t = { id, div: el("div", "nnp-tile"), updated: null, want: 0, data: null };
  const frame = el("div", "nnp-tile-frame", t.div);
  t.canvas = el("canvas", "nnp-tile-pic", frame);
  t.canvas.width = t.canvas.height = 48;
  t.epoch = el("span", "nnp-tile-epoch", frame);
  const line = el("div", "nnp-tile-name", t.div);
  t.dot = el("span", "nnp-dot", line);
  t.nick = el("span", "nnp-tile-nick", line);
  t.nums = el("div", "nnp-tile-nums", t.div);
  t.div.dataset.student = id;
  t.div.addEventListener("click", () => openSpotlight(w, id));
  return t;
}

// A tile's PNG, decoded off the main thread. From a data: URL, not a Blob: making 40
// Blobs a second (for createImageBitmap) took 4-9% of the main thread, in Chrome's blob
// registry; an image element's decode() costs next to nothing here.
function decode(png) {
  const img = new Image();
  img.src = `data:image/png;base64,${png}`;
  return img.decode().then(() => img);
}

function fixed(x, digits) {
  return Number.isFinite(x) ? x.toFixed(digits) : "–";
}

// 12,345: a whole number with thousands separators (toLocaleString, 40 times a second,
// was the page's most expensive function).
function whole(n) {
  return String(Math.round(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function epochText(d) {
  return whole(d.epoch);
}

// A tile's numbers, short enough for a small tile: test loss, then accuracy or R².
function tileNumbers(d) {
  const parts = [fixed(d.test_loss, 3)];
  if (d.accuracy != null) parts.push(`${fixed(100 * d.accuracy, 0)}%`);
  else if (d.r2 != null) parts.push(`R² ${fixed(d.r2, 2)}`);
  return parts.join(" · ");
}

function paintTile(w, t, d) {
  t.data = d;
  t.updated = d.updated;
  t.div.dataset.updated = String(d.updated);
  t.nick.textContent = d.nickname;
  t.div.title = `${d.nickname}: click for Spotlight`;
  t.nums.textContent = tileNumbers(d);
  t.epoch.textContent = epochText(d);
  t.div.classList.toggle("nnp-playing", !!d.playing);
  const want = ++t.want;                            // a newer tile overtakes a slow decode
  decode(d.picture).then((img) => {
    if (want === t.want) {
      const ctx = t.canvas.getContext("2d");
      ctx.drawImage(img, 0, 0, t.canvas.width, t.canvas.height);
      t.div.dataset.painted = String(d.updated);
      if (w.spot.id === t.id) drawSpotlight(w);
    }
  }).catch(() => { t.nums.textContent = "(no picture)"; });
}

// Tiles in the page's order: by nickname, so a student finds theirs and it stays put.
function placeTiles(w) {
  const sorted = [...w.tiles.values()].sort((a, b) =>
    a.data.nickname.localeCompare(b.data.nickname, undefined, { numeric: true }) || (a.id < b.id ? -1 : 1));
  sorted.forEach((t, i) => { if (w.grid.children[i] !== t.div) w.grid.insertBefore(t.div, w.grid.children[i] || null); });
}

function takeTiles(w, data) {
  let moved = false;
  for (const [id, d] of Object.entries(data.tiles || {})) {
    let t = w.tiles.get(id);
    if (!t) { t = newTile(w, id); w.tiles.set(id, t); moved = true; }
    else if (t.updated === d.updated) {             // sent again (feed.py's REPEAT_S), or
      if (d.loss && !t.data.loss) {                 // now with its curve, for Spotlight
        t.data.loss = d.loss;
        if (w.spot.id === id) drawSpotlight(w);
      }
      continue;
    }
    else moved = moved || t.data.nickname !== d.nickname;
    paintTile(w, t, d);
  }
  if (data.full) {
    for (const [id, t] of w.tiles) {
      if (!(id in data.tiles)) { t.div.remove(); w.tiles.delete(id); moved = true; }
    }
  }
  if (moved) { placeTiles(w); layout(w); }
  markStale(w);
}

// Server seconds now, by the offset of the last payload's clock from the page's.
function serverNow(w) {
  return Date.now() / 1000 + w.offset;
}

function markStale(w) {
  const now = serverNow(w);
  for (const t of w.tiles.values()) {
    t.div.classList.toggle("nnp-quiet", !!t.data.playing && now - t.updated > STALE_S);
  }
}

// -- beside the grid -----------------------------------------------------------------------
function runLink(w, key, value) {
  return `${w.base}?room=${encodeURIComponent(w.room)}&${key}=${encodeURIComponent(value)}`;
}

// A leaderboard score as its kind reads best (feed.py's `metric`: the challenge's score).
const SCORE_TEXT = {
  test_accuracy: (v) => `${(100 * v).toFixed(1)}%`,
  r2: (v) => v.toFixed(3),
  test_loss: (v) => (Math.abs(v) >= 1000 ? v.toExponential(2) : v.toPrecision(4)),
};

function scoreText(score, metric) {
  return Number.isFinite(score) ? (SCORE_TEXT[metric] || SCORE_TEXT.test_loss)(score) : "–";
}

function drawBoard(w, data) {
  const said = JSON.stringify([data.score, data.metric, data.board]);
  if (said === w.boardSaid) return;                // the same as on screen: keep its DOM
  w.boardSaid = said;
  w.boardTitle.textContent = `Leaderboard${data.score ? ` · ${data.score}` : ""}`;
  const rows = data.board || [];
  w.board.replaceChildren(...rows.map((r) => {
    const li = el("li", "nnp-wall-entry");
    const a = el("a", "nnp-wall-entry-name", li);
    a.textContent = r.nickname;
    a.href = runLink(w, "run", r.run);
    a.target = "_blank";
    a.rel = "noopener";
    el("span", "nnp-wall-entry-score", li).textContent = scoreText(r.score, data.metric);
    el("span", "nnp-wall-entry-params", li).textContent = `${whole(r.params)} params`;
    return li;
  }));
  if (!rows.length) w.board.replaceChildren(Object.assign(el("li", "nnp-wall-none"), { textContent: "No submissions yet." }));
}

// Text is written only when it changed: writing the same text still replaces its node,
// and the page lays out and repaints for it.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function drawSide(w, data) {
  setText(w.name, data.room);
  if (w.qrText !== data.qr) { w.qr.innerHTML = data.qr; w.qrText = data.qr; }   // segno's SVG
  setText(w.link, data.link);
  setText(w.challenge, data.challenge || "");
  setText(w.frozen, data.frozen ? "Submissions are frozen." : "");
  setText(w.down, data.down || "");
  w.down.style.display = data.down ? "" : "none";
  drawBoard(w, data);
}

// -- Spotlight -----------------------------------------------------------------------------
function buildSpotlight(w, parent) {
  const box = el("div", "nnp-spot", parent);
  const card = el("div", "nnp-spot-card", box);
  const s = {
    box, id: null,
    picture: el("canvas", "nnp-spot-pic", card),
  };
  const info = el("div", "nnp-spot-info", card);
  s.nick = el("div", "nnp-spot-nick", info);
  s.nums = el("div", "nnp-spot-nums", info);
  s.loss = el("canvas", "nnp-spot-loss", info);
  s.link = el("a", "nnp-spot-link", info);
  s.link.textContent = "Open a copy of this run on this screen";
  s.link.target = "_blank";
  s.link.rel = "noopener";
  const close = el("button", "nnp-spot-close", card);
  close.textContent = "×";
  close.title = "Close (Esc)";
  close.addEventListener("click", () => closeSpotlight(w));
  box.addEventListener("click", (ev) => { if (ev.target === box) closeSpotlight(w); });
  box.style.display = "none";
  return s;
}

// The server sends a tile's loss curve only for the tile in Spotlight (`spot`).
function openSpotlight(w, id) {
  if (w.setTrigger) w.setTrigger("spot", id);
  w.spot.id = id;
  w.spot.box.style.display = "";
  w.spot.link.href = runLink(w, "copy", id);
  drawSpotlight(w);
}

function closeSpotlight(w) {
  if (w.spot.id !== null && w.setTrigger) w.setTrigger("spot", "");
  w.spot.id = null;
  w.spot.box.style.display = "none";
}

function drawSpotlight(w) {
  const s = w.spot, t = w.tiles.get(s.id);
  if (!t) { closeSpotlight(w); return; }
  const d = t.data;
  s.nick.textContent = d.nickname;
  s.nums.textContent = `epoch ${epochText(d)} · test loss ${tileNumbers(d)} · ${whole(d.params)} parameters · ${d.playing ? "playing" : "paused"}`;
  const side = Math.round(s.picture.clientWidth * devicePixelRatio) || 320;
  if (s.picture.width !== side) s.picture.width = s.picture.height = side;
  const ctx = s.picture.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(t.canvas, 0, 0, side, side);
  drawLoss(s.loss, d.loss);
}

// The training loss over the epochs, on a log scale when it spans more than a decade.
function drawLoss(canvas, points) {
  const dpr = devicePixelRatio, W = Math.round(canvas.clientWidth * dpr), H = Math.round(canvas.clientHeight * dpr);
  if (!W || !H) return;
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, W, H);
  const pad = { l: 56 * dpr, r: 10 * dpr, t: 10 * dpr, b: 24 * dpr };
  ctx.strokeStyle = "#999"; ctx.lineWidth = dpr;
  ctx.strokeRect(pad.l, pad.t, W - pad.l - pad.r, H - pad.t - pad.b);
  ctx.fillStyle = "#444"; ctx.font = `${12 * dpr}px sans-serif`;
  if (!points) { ctx.fillText("loading the loss curve…", pad.l + 8 * dpr, H / 2); return; }
  const good = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (good.length < 2) { ctx.fillText("no loss curve yet", pad.l + 8 * dpr, H / 2); return; }
  const xs = good.map((p) => p[0]), ys = good.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), lo = Math.min(...ys), hi = Math.max(...ys);
  const log = lo > 0 && hi / lo > 10;
  const f = log ? Math.log10 : (v) => v;
  const y0 = f(lo), y1 = f(hi) === y0 ? y0 + 1 : f(hi);
  const X = (x) => pad.l + (x - x0) / Math.max(x1 - x0, 1) * (W - pad.l - pad.r);
  const Y = (y) => H - pad.b - (f(y) - y0) / (y1 - y0) * (H - pad.t - pad.b);
  ctx.strokeStyle = "#e8710a"; ctx.lineWidth = 2 * dpr;
  ctx.beginPath();
  good.forEach((p, i) => (i ? ctx.lineTo(X(p[0]), Y(p[1])) : ctx.moveTo(X(p[0]), Y(p[1]))));
  ctx.stroke();
  ctx.textAlign = "right";
  ctx.fillText(hi.toPrecision(3), pad.l - 4 * dpr, pad.t + 10 * dpr);
  ctx.fillText(lo.toPrecision(3), pad.l - 4 * dpr, H - pad.b);
  ctx.textAlign = "left";
  ctx.fillText(`epoch ${whole(x0)}`, pad.l, H - 6 * dpr);
  ctx.textAlign = "right";
  ctx.fillText(`${whole(x1)}  training loss${log ? " (log)" : ""}`, W - pad.r, H - 6 * dpr);
}

// Streamlit calls this with every payload, on the same parentElement; the cleanup takes
// the wall down only once its element has left the page (as the live view's does).
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  let w = parentElement.__nnpWall;
  if (!w) w = parentElement.__nnpWall = build();
  w.setTrigger = setTriggerValue;
  w.offset = data.now - Date.now() / 1000;
  w.box.dataset.clockOffset = String(w.offset);
  w.base = data.base; w.room = data.room;
  drawSide(w, data);
  takeTiles(w, data);
  return () => setTimeout(() => {
    if (!parentElement.isConnected && parentElement.__nnpWall === w) teardown(w, parentElement);
  }, 0);
}
