// The live view's pure parts: no DOM, no Plotly, so node tests them
// (tests/unit/test_live_js.py runs tests/unit/live_pure.test.mjs). view.py puts this
// file in front of live.js; as a module of its own it only exports.

// base64 text -> bytes.
export function bytesFromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// RGBA pixels of an n x n picture of uint8 values through a 256-entry RGB lookup table
// (768 bytes). Row 0 of the values is the bottom of the plane (x2 grows upward); row 0
// of an image is its top, so the rows flip.
export function paint(values, lut, n, out = new Uint8ClampedArray(n * n * 4)) {
  for (let r = 0; r < n; r++) {
    const src = (n - 1 - r) * n, dst = r * n * 4;
    for (let c = 0; c < n; c++) {
      const v = values[src + c] * 3, o = dst + c * 4;
      out[o] = lut[v]; out[o + 1] = lut[v + 1]; out[o + 2] = lut[v + 2]; out[o + 3] = 255;
    }
  }
  return out;
}

// The lookup table for unit j of layer `layer` (of `layers` hidden and output layers):
// an output unit's own table when it has one (3+ classes: P(class j) in class j's
// colour), else the shared one (hidden units, and a lone sigmoid or linear output).
export function unitLut(layer, j, layers, shared, outputs) {
  return layer === layers - 1 && outputs && outputs[j] ? outputs[j] : shared;
}

// Which of `queued` frames to show at time `now` (ms), frames being due every `interval`
// ms from `next`. A frame due within the coming interval shows now: animation frames
// jitter by a few ms around the frames' own ~16.7 ms, and waiting for the exact time
// skipped a beat whenever one came early. One frame a beat at most, so a faster display
// still plays at the frames' pace. A tab that fell behind shows the newest due frame and
// drops the ones before it: it never plays a backlog. Returns {show: index or -1, drop, next}.
export function due(queued, next, interval, now) {
  const late = Math.floor((now - next) / interval);
  if (queued === 0 || late < -1) return { show: -1, drop: 0, next };
  const show = Math.max(0, Math.min(queued - 1, late));
  return { show, drop: show, next: next + (show + 1) * interval };
}

// Whether to ask the server for the next batch: playing, not already asked, and less
// than a batch left to play (so the next one arrives while this one plays).
export function shouldAsk(playing, asked, queued, batch) {
  return playing && !asked && queued < Math.max(1, batch);
}

// The page's triggers waiting to be sent ([[name, value], ...], oldest first), with one
// more: a question (want, have) replaces an older one of its name, which it makes stale;
// a control, a point or a change of the network is kept, in order, beside the others.
export const QUESTIONS = ["want", "have"];
export function enqueue(outbox, name, value) {
  const kept = QUESTIONS.includes(name) ? outbox.filter(([n]) => n !== name) : outbox;
  return [...kept, [name, value]];
}

// The next message: the oldest waiting trigger of each name, in order (a message holds
// one value per name: Streamlit keeps the last), and what waits for the one after.
export function nextMessage(outbox) {
  const names = new Set(), batch = [], rest = [];
  for (const entry of outbox) {
    (names.has(entry[0]) ? rest : batch).push(entry);
    names.add(entry[0]);
  }
  return { batch, rest };
}

// Where the n x n surface canvas goes so that its pixel centres sit on the grid, whose
// first and last points are the plot area's edges: half a cell beyond them each side.
export function surfaceBox(area, n) {
  const cw = area.w / (n - 1), ch = area.h / (n - 1);
  return { left: area.l - cw / 2, top: area.t - ch / 2, width: area.w + cw, height: area.h + ch };
}

// A loss or an accuracy for the page: fixed digits, or an exponent once the number is
// huge (a diverging run), the same rule as the server's text (ui/live/playback.py).
export function formatNumber(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (Math.abs(x) >= 1e5) return Number(x).toExponential(3);
  const text = Number(x).toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;   // a tiny negative is "0.0000", not "-0.0000"
}

// The stats under the epoch, for each problem type: loss and accuracy (2 classes), plus
// each class's accuracy (3 or more), or loss and R² (regression: no accuracy).
export function statsText(f) {
  const pct = (a) => (a === null || a === undefined ? "–" : (100 * a).toFixed(1));
  const line = (name, loss, acc, r2, perClass) => {
    const r2Text = r2 === null || r2 === undefined ? "" : ` · R² ${formatNumber(r2, 3)}`;
    const accText = acc === null || acc === undefined ? "" : ` · accuracy ${pct(acc)}%`;
    const classes = perClass && perClass.length > 2
      ? "\n  per class " + perClass.map((a, k) => `${k}: ${pct(a)}%`).join(" · ") : "";
    return `${name} loss ${formatNumber(loss)}${r2 === null || r2 === undefined ? accText : r2Text}${classes}`;
  };
  const train = line("Train", f.train_loss, f.train_acc, f.train_r2, f.train_class_acc);
  return f.test_loss === null ? train
    : train + "\n" + line("Test", f.test_loss, f.test_acc, f.test_r2, f.test_class_acc);
}

// What the live view says to a screen reader (its polite live region): the epoch and each
// set's loss and accuracy (R² for regression) in words, at most every SAY_MS while the run
// plays (every frame would be a stream no one can follow), and at once when it stops.
export const SAY_MS = 5000;

export function spokenStats(f, paused) {
  const set = (name, loss, acc, r2) => {
    if (loss === null || loss === undefined) return "";
    const more = r2 !== null && r2 !== undefined ? `, R squared ${formatNumber(r2, 2)}`
      : acc !== null && acc !== undefined ? `, accuracy ${(100 * acc).toFixed(0)} percent` : "";
    return `${name} loss ${formatNumber(loss, 3)}${more}`;
  };
  const sets = [set("train", f.train_loss, f.train_acc, f.train_r2),
                set("test", f.test_loss, f.test_acc, f.test_r2)].filter(Boolean);
  return `${paused ? "Stopped at" : "At"} epoch ${f.epoch.toLocaleString("en-US")}: ${sets.join("; ")}.`;
}

export function sayNow(playing, now, saidAt) {
  return !playing || saidAt === undefined || now - saidAt >= SAY_MS;
}

// The plot area, in px from its figure's top-left, of a figure `width` px wide drawn
// with geometry `g` (ui/live/schema.py PLANE or DIAGRAM): the box inside the margins
// (Plotly rounds the margins and the width); `square`: the largest square inside that
// box, centred (the plane's axes are scale-anchored and constrained to their domain).
export function plotArea(g, width, square = false) {
  const m = g.margin, l = Math.round(m.l), t = Math.round(m.t);
  const w = Math.round(width) - l - Math.round(m.r), h = Math.round(g.height) - t - Math.round(m.b);
  if (!square) return { l, t, w, h };
  const side = Math.max(10, Math.min(w, h));
  return { l: l + (w - side) / 2, t: t + (h - side) / 2, w: side, h: side };
}

// A point of the axes' ranges (x across, y up) -> px of the figure, and back (null
// outside the plot area): the first and last values of a range are the area's edges.
export function toPixels(area, xRange, yRange, x, y) {
  return { x: area.l + (x - xRange[0]) / (xRange[1] - xRange[0]) * area.w,
           y: area.t + (yRange[1] - y) / (yRange[1] - yRange[0]) * area.h };
}

export function toData(area, xRange, yRange, px, py) {
  const u = (px - area.l) / area.w, v = (py - area.t) / area.h;
  if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) return null;
  return { x: xRange[0] + u * (xRange[1] - xRange[0]), y: yRange[1] - v * (yRange[1] - yRange[0]) };
}

// The smallest of 1, 2 and 5 times a power of ten at or above v (v > 0): a round end for
// an axis.
export function niceAbove(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v * (1 - 1e-9)) return m * p;
  return 10 * p;
}

// The loss chart's ranges for curves that end at epoch `last`, with losses from `lo` to
// `hi` (the smallest positive and the largest so far). x runs from 0 to a round epoch
// ahead of the run, kept while the run stays inside it, so the axes are redrawn a few
// times in a run, not every frame; y from 0 to a round value over the highest loss, or
// on a log axis whole decades around the losses (Plotly takes a log axis's range in
// log10 units). `prev`: the ranges shown now, or null.
export function lossRanges(last, lo, hi, log, prev) {
  const xEnd = prev && last <= prev.x[1] ? prev.x[1] : niceAbove(Math.max(100, last * 1.5));
  let y;
  if (!(hi > 0) || !(lo > 0)) y = log ? [-2, 0] : [0, 1];
  else if (log) {
    const a = Math.floor(Math.log10(lo)) + 0, b = Math.ceil(Math.log10(hi)) + 0;   // never -0
    y = [a, Math.max(b, a + 1)];
  } else y = [0, niceAbove(hi * 1.05)];
  return { x: [0, xEnd], y };
}

// The loss curve is redrawn every frame, so it keeps at most LOSS_POINTS points: past
// that, every other one and the last. Between half and all of them: one or two a pixel
// on the widest chart, and a frame's drawing costs the same at any epoch.
export const LOSS_POINTS = 1200;
export function thinLoss(L, most = LOSS_POINTS) {
  if (L.x.length <= most) return L;
  const keep = (_, i, a) => i % 2 === 0 || i === a.length - 1;
  return { ...L, x: L.x.filter(keep), train: L.train.filter(keep), test: L.test.filter(keep) };
}

// Where value v falls along an axis of `size` px showing `range` (log: range in log10
// units), from the axis's start; NaN for a value a log axis cannot show.
export function axisPx(v, range, size, log) {
  const u = log ? (v > 0 ? Math.log10(v) : NaN) : v;
  return ((u - range[0]) / (range[1] - range[0])) * size;
}

// A weight's line on the diagram: its size bucket, 0 (not drawn) to EDGE_BUCKETS, half a
// unit of |w| each, and that bucket's look; the page strokes one path per sign and bucket
// (a few strokes a frame, however many weights), TF Playground's curves' cost bounded.
export const EDGE_BUCKETS = 8;
export function edgeBucket(w) {
  const b = Math.min(EDGE_BUCKETS, Math.ceil(Math.abs(w) * 2));
  return b > 0 ? b : 0;                         // NaN (a diverged run) draws nothing
}
export function edgeLook(bucket) {
  return { width: 0.5 + 0.75 * bucket, alpha: 0.3 + 0.08 * bucket };
}

// A hidden or output unit's name, from its place k among all of them (hidden layers of
// `hidden` units, then `outputs` outputs): "hidden layer 2, unit 3", "output" or
// "output unit 2".
export function unitName(hidden, outputs, k) {
  const { layer, j } = unitPlace(hidden, k);
  if (layer < hidden.length) return `hidden layer ${layer + 1}, unit ${j + 1}`;
  return outputs > 1 ? `output unit ${j + 1}` : "output";
}

// Unit k among all hidden and output units: {layer (0: the first hidden layer; the
// hidden layers' count: the output), j (its place in its layer)}.
export function unitPlace(hidden, k) {
  let layer = 0;
  for (const n of hidden) {
    if (k < n) break;
    k -= n; layer++;
  }
  return { layer, j: k };
}

// What unit j computes with: its weights in (one per row) and its bias, from a layer's
// [W; b] as (rows + 1) x cols, row-major (the frames' `weights`).
export function incoming(Wb, rows, cols, j) {
  const weights = [];
  for (let r = 0; r < rows; r++) weights.push(Wb[r * cols + j]);
  return { weights, bias: Wb[rows * cols + j] };
}

// The diagram's layers as lists of node places: the sources of the first layer's weight
// rows (`rows`: each row's input node), then each hidden layer's and the output's units,
// cut from `units` (all of them, in order) by the `hidden` sizes.
export function edgeLayers(inputs, units, hidden, rows) {
  const layers = [rows.map((i) => inputs[i])];
  let at = 0;
  for (const n of hidden) { layers.push(units.slice(at, at + n)); at += n; }
  layers.push(units.slice(at));
  return layers;
}
