// NN Playground's live view, the page side. Streamlit calls the default export again with
// every payload (its keys: SCHEMA, written in ui/live/schema.py); all state lives on
// parentElement. The surface and each unit's picture are canvases painted with
// putImageData through a colour lookup table (pure.js); Plotly draws the rest (axes,
// points, hover, the loss curve, the diagram) and loads after the first surface is on
// screen. Frames play on requestAnimationFrame; when fewer than a batch are left the
// page asks the server for the next (`want`), so a hidden tab asks for nothing and a
// slow one drops frames instead of queueing them. Server text is only set as textContent.
// The canvases sit on the plot areas the payload describes (`plane`, `diagram`: the
// numbers that build the Plotly layouts), so the page reads nothing of Plotly's own.

const CONFIG = { displayModeBar: false, responsive: true };

// -- the page's messages to the server: one at a time ----------------------------------
// Of two trigger messages that wait while the script runs, Streamlit's server keeps only
// the newer (its _coalesce_widget_states): a control pressed just before a question for
// frames was lost (Space's Play on a fresh page, seen in CI). So the page numbers its
// messages (`n`) and sends the next only once a payload's `heard` says the server has
// run this one; what comes meanwhile waits in the outbox (pure.js enqueue). The channel
// is the page's, not a view's: Streamlit sometimes mounts the view afresh on a new element
// (after Regenerate, say), and a view's own outbox went with it, and a diagram edit too.
const RESEND_MS = 3000;       // unheard this long, a message went with the connection: it
                              // goes again, with its number (the server skips a repeat)

function channel() {
  return window.__nnpChannel || (window.__nnpChannel = {
    outbox: [], waiting: null, resend: null, said: 0, setTrigger: null });
}

function trigger(name, value) {
  if (!SCHEMA.triggers.includes(name)) throw new Error(`unknown trigger ${name}`);
  const ch = channel();
  ch.outbox = enqueue(ch.outbox, name, { ...value, token: pageToken() });
  send(ch);
}

function send(ch) {
  if (!ch.setTrigger) return;
  const w = ch.waiting;
  if (w) {
    if (performance.now() - w.at >= RESEND_MS) post(ch, w.batch, w.n);
    return;
  }
  if (!ch.outbox.length) return;
  const { batch, rest } = nextMessage(ch.outbox);
  ch.outbox = rest;
  post(ch, batch, ++ch.said);
}

function post(ch, batch, n) {
  for (const [name, value] of batch) ch.setTrigger(name, { ...value, n });
  ch.waiting = { n, batch, at: performance.now() };
  clearTimeout(ch.resend);
  ch.resend = setTimeout(() => send(ch), RESEND_MS);
}

// Every payload says the last message the server heard: the next may go.
function heard(data) {
  const ch = channel();
  if (ch.waiting && data.heard >= ch.waiting.n) {
    ch.waiting = null;
    clearTimeout(ch.resend);
  }
  send(ch);
}

// This browser's identity for the workshop room: a random secret made once and kept in
// localStorage (never in a link), sent with every trigger. Without storage (a private
// window that refuses it) the page keeps one for as long as it is open.
function pageToken() {
  if (window.__nnpToken) return window.__nnpToken;
  let token = null;
  try { token = window.localStorage.getItem(TOKEN_KEY); } catch (e) { /* no storage */ }
  if (!token || !/^[0-9a-f]{32}$/.test(token)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    try { window.localStorage.setItem(TOKEN_KEY, token); } catch (e) { /* kept in the page */ }
  }
  return (window.__nnpToken = token);
}

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__nnpPlotly) {
    window.__nnpPlotly = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = new URL(url, window.location.origin).href;
      s.onload = () => resolve(window.Plotly);
      s.onerror = () => { window.__nnpPlotly = null; reject(new Error("Plotly did not load")); };
      document.head.appendChild(s);
    });
  }
  return window.__nnpPlotly;
}

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

// -- building the view once ------------------------------------------------------------
function build(root) {
  const frame = el("div", "nnp-frame", root);    // its width picks the columns (live.css)
  const box = el("div", "nnp-live", frame);
  const left = el("div", "nnp-left", box);
  const mid = el("div", "nnp-mid", box);
  const side = el("div", "nnp-side", box);
  const stats = el("div", "nnp-stats", side);
  const st = {
    box, frame, root, stats,
    diagramWrap: el("div", "nnp-diagram-wrap", left),
    epoch: el("div", "nnp-epoch", stats),
    numbers: el("div", "nnp-numbers", stats),
    rate: el("div", "nnp-rate", stats),
    wrap: el("div", "nnp-surface-wrap", mid),
    message: el("div", "nnp-message", side),
    lossWrap: el("div", "nnp-loss-wrap", side),
    queue: [], specs: {}, drawn: {}, seq: null, mount: null, next: 0, raf: null,
    lossData: noLoss(), shown: 0, units: [], inputs: [], controls: [],
  };
  st.loss = el("div", "nnp-loss", st.lossWrap);          // Plotly's axes, under
  st.lossCanvas = el("canvas", "nnp-loss-lines", st.lossWrap);   // the curves, ours
  st.diagram = el("div", "nnp-diagram", st.diagramWrap);  // Plotly: nodes and names
  st.edges = el("canvas", "nnp-edges", st.diagramWrap);   // the weights' curves, ours
  st.unitLayer = el("div", "nnp-units", st.diagramWrap);  // the pictures, ours
  st.edit = el("div", "nnp-edit", st.diagramWrap);        // + and − for layers and units
  st.zoomBox = el("div", "nnp-zoom", st.diagramWrap);     // a unit's picture, large
  st.zoomCanvas = el("canvas", "", st.zoomBox);
  st.zoomCanvas.width = st.zoomCanvas.height = ZOOM_PX;
  st.zoomName = el("div", "nnp-zoom-name", st.zoomBox);
  st.colourKey = el("div", "nnp-colour-key", left);
  st.diagramWrap.addEventListener("mousemove", (ev) => zoom(st, pictureAt(ev)));
  st.diagramWrap.addEventListener("mouseleave", () => zoom(st, null));
  st.diagramWrap.addEventListener("click", (ev) => clickDiagram(st, ev));
  st.diagramWrap.addEventListener("keydown", (ev) => {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.getAttribute("role") === "switch") {
      ev.preventDefault();
      clickDiagram(st, ev);
    }
  });
  st.surface = el("div", "nnp-surface", st.wrap);
  st.canvas = el("canvas", "", st.surface);
  st.points = el("div", "nnp-points", st.wrap);
  st.epoch.textContent = "Epoch 0";
  describe(st);
  st.points.addEventListener("click", (ev) => clickPlane(st, ev));
  st.onClick = (ev) => controlPressed(st, ev);
  document.addEventListener("click", st.onClick, true);
  st.onKey = (ev) => shortcut(st, ev);
  window.addEventListener("keydown", st.onKey, true);
  st.widths = new Map();
  st.sizes = new ResizeObserver((entries) => resized(st, entries));
  for (const e of [st.points, st.diagram, st.diagramWrap, st.lossWrap, stats]) st.sizes.observe(e);
  document.addEventListener("focusin", pointerFocus, true);
  return st;
}

// What a screen reader is told: the canvases' names (a canvas is only pixels to it), and
// a visually hidden polite live region that says the epoch, loss and accuracy (speak()).
function describe(st) {
  const label = (e, text) => { e.setAttribute("role", "img"); e.setAttribute("aria-label", text); };
  label(st.canvas, "The decision surface: what the network predicts at each point of the plane");
  label(st.lossCanvas, "The loss curves: train and test loss by epoch");
  st.say = el("div", "nnp-say", st.box);
  st.say.setAttribute("role", "status");
  st.say.setAttribute("aria-live", "polite");
  st.say.setAttribute("aria-atomic", "true");
}

function speak(st, f, paused) {
  const now = performance.now();
  if (!sayNow(st.running && !paused, now, st.saidAt)) return;
  st.saidAt = now;
  setText(st.say, spokenStats(f, paused));
}

// Streamlit's <main> is focusable (the "Skip to main content" link's target), so a click on
// plain text in it (the title) focused the whole main, and the next key press (Space, s)
// made Chrome draw its focus ring around all of it. Focus a click gives main goes back to
// the page; the link's keyboard focus (:focus-visible) stays.
function pointerFocus(ev) {
  const t = ev.target;
  if (t.tagName === "MAIN" && !t.matches(":focus-visible")) t.blur();
}

// The view belongs to its parentElement: taking it down removes everything build() made,
// so a later call builds into an empty element and there is only ever one view.
function teardown(st, parent) {
  if (st.raf) cancelAnimationFrame(st.raf);
  document.removeEventListener("click", st.onClick, true);
  window.removeEventListener("keydown", st.onKey, true);
  st.sizes.disconnect();
  document.removeEventListener("focusin", pointerFocus, true);
  if (st.Plotly) [st.points, st.loss, st.diagram].forEach((div) => st.Plotly.purge(div));
  st.frame.remove();
  delete parent.__nnp;
}

// Clicking the plane reports where, in data coordinates, for adding or removing points.
function clickPlane(st, ev) {
  if (!st.clickable || !st.plane) return;
  const box = st.points.getBoundingClientRect(), r = st.plane.range;
  const at = toData(planeArea(st), r, r, ev.clientX - box.left, ev.clientY - box.top);
  if (at) trigger("point", { x1: at.x, x2: at.y, at: Date.now() });
}

// A control pressed, by its key or its button: Play lets frames play again; the others
// stop them at once (the server's answer shows what comes next).
function hold(st, name) {
  if (name === "play") { st.frozen = false; return; }
  st.queue = []; st.frozen = true;
}

// A click on a control's button (Streamlit's class `st-key-<name>` for a widget keyed
// `name`). Pause answers in the page at once and, instead of the button's own message,
// tells the server which epoch was on screen, so the run stops there (one message: the
// button's and a trigger's would be two reruns racing). The others wait for the server.
function controlPressed(st, ev) {
  const name = ev.target.closest && SCHEMA.controls.find((n) => ev.target.closest(`.st-key-${n}`));
  if (!name) return;
  hold(st, name);
  if (name === "pause" && st.running) {
    ev.stopPropagation(); ev.preventDefault();
    trigger("control", { name, epoch: st.shown, at: Date.now() });
  }
}

// The keys (SCHEMA.keys: Space plays or pauses, s steps, r resets), when the focus is not
// in a text field: each presses the first of its controls that the server offers now.
function shortcut(st, ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target, tag = t && t.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
  if (ev.key === " " && (tag === "BUTTON" || (t.getAttribute && t.getAttribute("role") === "switch"))) return;
  const names = SCHEMA.keys[ev.key];
  if (!names) return;
  ev.preventDefault(); ev.stopPropagation();       // (Streamlit's own "r" would rerun)
  const name = names.find((n) => st.controls.includes(n));
  if (!name) return;
  hold(st, name);
  trigger("control", { name, epoch: st.shown, at: Date.now() });
}

// -- geometry: the canvases sit on the plot areas the payload describes ----------------
// The boxes' widths as the last layout left them, kept by a ResizeObserver: read on every
// frame from the element, a width forced the page to lay out mid-frame (the frame's new
// text had just changed it), and that layout was most of the page's own script time.
function width(st, e) {
  if (!st.widths.has(e)) st.widths.set(e, e.clientWidth);    // before the first report
  return st.widths.get(e);
}

function resized(st, entries) {
  for (const entry of entries) st.widths.set(entry.target, entry.target.clientWidth);
  place(st); drawLoss(st);
}

function planeArea(st) {
  return plotArea(st.plane, width(st, st.points), true);
}

function place(st) {
  if (!st.n || !st.plane) return;
  const area = planeArea(st), box = surfaceBox(area, st.n);
  Object.assign(st.surface.style, { left: `${area.l}px`, top: `${area.t}px`,
                                    width: `${area.w}px`, height: `${area.h}px` });
  Object.assign(st.canvas.style, { left: `${box.left - area.l}px`, top: `${box.top - area.t}px`,
                                   width: `${box.width}px`, height: `${box.height}px` });
  placeUnits(st);
}

// The unit pictures on their nodes, once the diagram is drawn.
function placeUnits(st) {
  const g = st.diagramGeometry;
  if (!g || !st.drawn.diagram) return;
  const area = plotArea(g, width(st, st.diagram)), px = g.picture_px;
  const put = (canvases, places) => canvases.forEach((c, i) => {
    const xy = places && places[i];
    if (!xy) { c.style.display = "none"; return; }
    const at = toPixels(area, g.x_range, g.y_range, xy[0], xy[1]);
    Object.assign(c.style, { display: "block", width: `${px}px`, height: `${px}px`,
                             left: `${at.x - px / 2}px`, top: `${at.y - px / 2}px` });
  });
  put(st.units, st.unitsXY);
  put(st.inputs, st.inputsXY);
  st.nodes = { area, inputs: (st.inputsXY || []).map((xy) => toPixels(area, g.x_range, g.y_range, xy[0], xy[1])),
               units: (st.unitsXY || []).map((xy) => toPixels(area, g.x_range, g.y_range, xy[0], xy[1])) };
  placeEdit(st);
  drawEdges(st);
}

// -- the diagram: its edges, its + and −, its switches and its large pictures ----------
const ZOOM_PX = 168;          // a unit's picture on hover or tap (TF Playground's: 100)
const EDGES_MS = 100;         // the curves are redrawn at most this often while playing: a
                              // redraw of hundreds of wide curves costs the page a few ms,
                              // and ten a second show the weights change as smoothly

// The weights as TF Playground's curves from each node's right side to the next layer's
// left, coloured by sign and thicker by size: one canvas stroke per sign and size bucket.
// Redrawn only when a weight's look (sign and bucket) or the nodes' places changed: the
// same picture again cost the page its strokes and Chrome a copy of the whole canvas,
// and late in a run the weights move inside their buckets for seconds on end.
function drawEdges(st) {
  const net = st.network, W = st.weights, g = st.diagramGeometry, nodes = st.nodes;
  if (!net || !W || !nodes || !st.drawn.diagram) return;
  const w = Math.max(1, width(st, st.diagram)), h = g.height, dpr = window.devicePixelRatio || 1;
  const layers = edgeLayers(nodes.inputs, nodes.units, net.hidden, net.rows);
  const half = g.picture_px / 2 + 3, edges = [];
  W.forEach((m, l) => {
    const from = layers[l], to = layers[l + 1];
    if (!from || !to || m.length !== (from.length + 1) * to.length) return;   // not this network's
    for (let r = 0; r < from.length; r++) {
      for (let j = 0; j < to.length; j++) {
        const v = m[r * to.length + j], b = edgeBucket(v);
        if (b && from[r] && to[j]) edges.push([(v > 0 ? EDGE_BUCKETS + 1 : 0) + b, from[r], to[j]]);
      }
    }
  });
  const look = [w, h, dpr, net.colours, edges.map((e) => [e[0], e[1].x, e[1].y, e[2].x, e[2].y])].join();
  if (look === st.edgesLook) return;
  st.edgesLook = look;
  const c = st.edges;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    Object.assign(c.style, { width: `${w}px`, height: `${h}px` });
  }
  const ctx = c.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const paths = new Map();
  for (const [key, a, b] of edges) {
    if (!paths.has(key)) paths.set(key, new Path2D());
    const p = paths.get(key), x0 = a.x + half, x1 = b.x - half, mx = (x0 + x1) / 2;
    p.moveTo(x0, a.y);
    p.bezierCurveTo(mx, a.y, mx, b.y, x1, b.y);
  }
  for (const [key, p] of paths) {
    const positive = key > EDGE_BUCKETS, look = edgeLook(key - (positive ? EDGE_BUCKETS + 1 : 0));
    ctx.strokeStyle = net.colours[positive ? 1 : 0];
    ctx.globalAlpha = look.alpha; ctx.lineWidth = look.width;
    ctx.stroke(p);
  }
  ctx.globalAlpha = 1;
}

// The + and − above the hidden layers: one pair for the number of layers, one per layer
// for its units (only what the link lets the learner change). Made once per network.
function buildEdit(st) {
  const net = st.network, key = JSON.stringify([net.hidden, net.editable]);
  if (st.editKey === key) return;
  st.editKey = key;
  const rows = [];
  const button = (row, text, change, layer, label) => {
    const b = el("button", "nnp-edit-button", row);
    b.type = "button"; b.textContent = text; b.title = label;
    b.setAttribute("aria-label", label);
    b.dataset.change = change; b.dataset.layer = String(layer);
  };
  if (net.editable.includes("layers")) {
    const n = net.hidden.length, row = el("div", "nnp-edit-row nnp-edit-layers");
    button(row, "−", "remove_layer", n, "Remove the last hidden layer");
    el("span", "", row).textContent = `${n} hidden layer${n === 1 ? "" : "s"}`;
    button(row, "+", "add_layer", n, "Add a hidden layer");
    rows.push(row);
    net.hidden.forEach((units, i) => {
      const r = el("div", "nnp-edit-row nnp-edit-units");
      button(r, "−", "remove_unit", i + 1, `Remove a unit from hidden layer ${i + 1}`);
      button(r, "+", "add_unit", i + 1, `Add a unit to hidden layer ${i + 1}`);
      rows.push(r);
    });
  }
  st.edit.replaceChildren(...rows);
}

// The rows of + and − over their layers' columns (x: the layer's place in the axes).
function placeEdit(st) {
  const net = st.network, g = st.diagramGeometry, area = st.nodes && st.nodes.area;
  if (!net || !area) return;
  buildEdit(st);
  const x = (layer) => toPixels(area, g.x_range, g.y_range, layer, 0).x;
  for (const row of st.edit.children) {
    const layers = row.classList.contains("nnp-edit-layers");
    const at = layers ? x((1 + net.hidden.length) / 2) : x(+row.lastChild.dataset.layer);
    Object.assign(row.style, { left: `${at}px`, top: layers ? "2px" : "28px" });
  }
}

// Which picture the pointer is on: {kind: "input" or "unit", k}, or null.
function pictureAt(ev) {
  const c = ev.target.closest && ev.target.closest("canvas.nnp-unit");
  return c && c.__node ? c.__node : null;
}

// A click on an input node switches its feature (if the link lets the learner); a tap
// on a unit shows its picture large (a phone has no hover); a + or − changes the network.
function clickDiagram(st, ev) {
  const b = ev.target.closest && ev.target.closest(".nnp-edit-button");
  if (b) {
    trigger("network", { change: b.dataset.change, layer: +b.dataset.layer, at: Date.now() });
    return;
  }
  const node = pictureAt(ev), net = st.network;
  if (node && node.kind === "input" && net && net.editable.includes("features")) {
    zoom(st, null);
    trigger("network", { change: "feature", feature: net.features[node.k][0], at: Date.now() });
    return;
  }
  zoom(st, node);
}

// Show picture `node` large beside it, with its name (null: hide it).
function zoom(st, node) {
  st.zoomed = node;
  if (!node) { st.zoomBox.style.display = "none"; return; }
  const net = st.network, nodes = st.nodes;
  const src = (node.kind === "input" ? st.inputs : st.units)[node.k];
  const at = nodes && (node.kind === "input" ? nodes.inputs : nodes.units)[node.k];
  if (!src || !at || !net) { st.zoomBox.style.display = "none"; return; }
  const outputs = nodes.units.length - net.hidden.reduce((a, b) => a + b, 0);
  const feature = node.kind === "input" && net.features[node.k];
  const switchable = net.editable.includes("features");
  setText(st.zoomName, feature
    ? `feature ${feature[1]}: ${feature[2] ? "on" : "off"}${switchable ? ` (click to switch ${feature[2] ? "off" : "on"})` : ""}`
    : unitName(net.hidden, outputs, node.k) + unitNumbers(st, node.k, outputs));
  drawZoom(st);
  const side = st.diagramGeometry.picture_px / 2 + 10, wide = ZOOM_PX + 12;
  const room = width(st, st.diagramWrap), right = at.x + side + wide <= room;
  const top = Math.max(0, Math.min(at.y - wide / 2, st.diagramGeometry.height - wide - 24));
  const left = Math.max(0, Math.min(right ? at.x + side : at.x - side - wide, room - wide));
  Object.assign(st.zoomBox.style, { display: "block", top: `${top}px`, left: `${left}px` });
}

// A unit's bias and its weights in, under its large picture (the numbers of the frame
// whose curves are on screen); the weights only when there are a few.
function unitNumbers(st, k, outputs) {
  const net = st.network, W = st.weights;
  const { layer, j } = unitPlace(net.hidden, k);
  const sizes = [net.rows.length, ...net.hidden, outputs];
  if (!W || !W[layer] || W[layer].length !== (sizes[layer] + 1) * sizes[layer + 1]) return "";
  const { weights, bias } = incoming(W[layer], sizes[layer], sizes[layer + 1], j);
  const signed = (v) => (v < 0 ? "−" : "+") + formatNumber(Math.abs(v), 3);
  const from = (r) => layer === 0 ? net.features[net.rows[r]][1] : `unit ${r + 1}`;
  const ins = weights.length <= 8 ? "\nweights in: " + weights.map((v, r) => `${from(r)} ${signed(v)}`).join(", ") : "";
  return `\nbias ${signed(bias)}${ins}`;
}

function drawZoom(st) {
  const node = st.zoomed, src = node && (node.kind === "input" ? st.inputs : st.units)[node.k];
  if (!src) return;
  const ctx = st.zoomCanvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(src, 0, 0, ZOOM_PX, ZOOM_PX);
}

// What the colours mean, under the diagram: the pictures' -1..+1 (their own table, so
// 3+ classes' greys show as greys) and the weights' two colours.
function drawColourKey(st) {
  const net = st.network, lut = st.unitLut;
  const key = lut && net ? `${st.unitKey}${net.colours}` : "";
  if (!key || st.colourKeyFor === key) return;
  st.colourKeyFor = key;
  const rgb = (v) => `rgb(${lut[3 * v]},${lut[3 * v + 1]},${lut[3 * v + 2]})`;
  const bar = el("span", "nnp-colour-bar");
  bar.style.background = `linear-gradient(to right, ${[0, 64, 128, 192, 255].map(rgb).join(", ")})`;
  const line = (colour) => {
    const s = el("span", "nnp-line-swatch");
    s.style.borderTop = `3px solid ${colour}`;
    return s;
  };
  const text = (t) => document.createTextNode(t);
  st.colourKey.replaceChildren(
    text("Colours show data, neuron and weight values: "), text("−1 "), bar, text(" +1"),
    text(" · weights "), line(net.colours[0]), text(" − "), line(net.colours[1]),
    text(" +, thicker when larger"));
}

// -- painting --------------------------------------------------------------------------
function paintSurface(st, z) {
  const n = st.n;
  if (st.canvas.width !== n) { st.canvas.width = n; st.canvas.height = n; st.image = null; }
  const ctx = st.canvas.getContext("2d");
  if (!st.image) st.image = ctx.createImageData(n, n);
  paint(z, st.lut, n, st.image.data);
  ctx.putImageData(st.image, 0, 0);
}

// Picture k of a row of small canvases over the diagram (`canvases`: st.units or
// st.inputs), made and placed the first time, painted through `lut`.
function paintPicture(st, canvases, k, cls, values, lut) {
  const un = st.unitN;
  let c = canvases[k];
  if (!c) {
    c = canvases[k] = el("canvas", cls, st.unitLayer);
    c.width = un; c.height = un;
    c.__node = { kind: canvases === st.inputs ? "input" : "unit", k };
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", cls.includes("nnp-input") ? `Input ${k + 1} over the plane`
      : `Unit ${k + 1}'s output over the plane`);
    placeUnits(st);
  }
  const ctx = c.getContext("2d");
  c.__img = c.__img || ctx.createImageData(un, un);
  paint(values, lut, un, c.__img.data);
  ctx.putImageData(c.__img, 0, 0);
}

function paintUnits(st, layers) {
  const size = st.unitN * st.unitN;
  st.lastUnits = layers;
  let k = 0;
  for (const [l, b64] of layers.entries()) {
    const bytes = bytesFromBase64(b64);
    for (let off = 0, j = 0; off + size <= bytes.length; off += size, k++, j++) {
      const lut = unitLut(l, j, layers.length, st.unitLut, st.outputLuts);
      paintPicture(st, st.units, k, "nnp-unit", bytes.subarray(off, off + size), lut);
    }
  }
  for (; k < st.units.length; k++) st.units[k].style.display = "none";
  if (st.zoomed && st.zoomed.kind === "unit") drawZoom(st);
}

// The input nodes' pictures: each feature over the plane, painted once per network
// (they never change while it trains).
function paintInputs(st, b64) {
  const size = st.unitN * st.unitN, bytes = bytesFromBase64(b64);
  for (let k = 0; (k + 1) * size <= bytes.length; k++) {
    paintPicture(st, st.inputs, k, "nnp-unit nnp-input",
                 bytes.subarray(k * size, (k + 1) * size), st.unitLut);
  }
  placeUnits(st);
}

// The input nodes of the features left off, faded; where the learner may switch them,
// each is a switch a click, Enter or Space flips (so a keyboard reaches it too).
function fadeInputs(st) {
  const net = st.network, switchable = !!net && net.editable.includes("features");
  st.inputs.forEach((c, k) => {
    const feature = net && net.features[k];
    if (!feature) return;
    c.classList.toggle("nnp-off", !feature[2]);
    if (switchable) {
      Object.assign(c, { tabIndex: 0, title: `${feature[1]}: click to switch it ${feature[2] ? "off" : "on"}` });
      c.setAttribute("role", "switch");
      c.setAttribute("aria-checked", String(feature[2]));
      c.setAttribute("aria-label", `input feature ${feature[1]}`);
    } else {                      // a picture, as every unit's is
      c.removeAttribute("tabindex"); c.removeAttribute("aria-checked");
      c.setAttribute("role", "img");
      c.setAttribute("aria-label", `input feature ${feature[1]} over the plane`);
    }
  });
  st.diagramWrap.classList.toggle("nnp-switchable", switchable);
}

// Text only changes when it differs: the paused state the server confirms after Pause is
// the frame already on screen, and the page should not even rewrite it.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// The numbers beside the surface change every frame. In a box of fixed size (contain:
// strict) each frame's text lays out that box alone; before, it relaid the whole view's
// grid, 57 times a second. The box is measured afresh when its text's lines or its width
// change, and grows when a line wraps (its overflow is read with only it to lay out); it
// does not shrink back, so the chart below does not jump as digits come and go.
function fitStats(st) {
  const box = st.stats;
  const shape = [st.epoch, st.numbers, st.rate].map((e) => e.textContent.split("\n").length).join()
    + `@${width(st, box)}`;
  if (st.statsShape !== shape) {
    st.statsShape = shape;
    Object.assign(box.style, { contain: "", height: "" });
    Object.assign(box.style, { contain: "strict", height: `${box.offsetHeight}px` });
  } else if (box.scrollHeight > box.clientHeight) box.style.height = `${box.scrollHeight}px`;
}

function show(st, f, paused = false) {
  if (f.z) { st.lastZ = bytesFromBase64(f.z); paintSurface(st, st.lastZ); }
  if (f.units) paintUnits(st, f.units);
  const now = performance.now();
  if (f.weights && (!st.running || !(now - st.edgesAt < EDGES_MS))) {   // bounded: see EDGES_MS
    st.edgesAt = now;
    st.weights = f.weights.map((b64) => { const b = bytesFromBase64(b64); return new Float32Array(b.buffer, 0, b.length / 4); });
    drawEdges(st);
    if (st.zoomed) zoom(st, st.zoomed);           // its numbers follow the curves
  }
  st.shown = f.epoch;
  setText(st.epoch, "Epoch " + f.epoch.toLocaleString("en-US"));
  st.epoch.dataset.epoch = String(f.epoch);
  setText(st.numbers, statsText(f));
  fitStats(st);
  speak(st, f, paused);
  const L = st.lossData;
  if (L.x.length === 0 || f.epoch > L.x[L.x.length - 1]) {
    addLoss(L, f.epoch, f.train_loss, f.test_loss);
    st.lossData = thinLoss(L);
  }
  drawLoss(st);                                   // with the counter, every frame
}

// -- the loss curve: Plotly draws its axes, the page its curves (a Plotly restyle of
// thousands of points costs ~10 ms, too much for every frame; a canvas path, ~0.2 ms) --
function noLoss() {
  return { x: [], train: [], test: [], lo: Infinity, hi: 0, tested: false };
}

function addLoss(L, epoch, train, test) {
  L.x.push(epoch); L.train.push(train); L.test.push(test);
  if (test !== null) L.tested = true;                   // the run has test points
  for (const v of [train, test]) {
    if (v > 0 && v < L.lo) L.lo = v;
    if (v > L.hi) L.hi = v;
  }
}

// The loss curve from the server's history, up to epoch `upTo`: while playing, the server
// has trained ahead of the page, and the frames still queued add their points as they show.
function lossFromHistory(h, upTo) {
  let L = noLoss();
  h.epoch.forEach((e, i) => { if (e <= upTo) { addLoss(L, e, h.train[i], h.test[i]); L = thinLoss(L); } });
  return L;
}

// The loss axes' ranges and ticks as a Plotly layout update: a log axis is labelled at
// whole decades where it spans two or more, else at 1, 2 and 5 (every tick of a decade
// was labelled, and 0.1, 0.09, 0.08... overlapped).
function lossAxes(r, log) {
  const dtick = !log ? null : r.y[1] - r.y[0] >= 2 ? 1 : "D2";
  return { "xaxis.range": r.x, "xaxis.autorange": false, "yaxis.range": r.y,
           "yaxis.autorange": false, "yaxis.dtick": dtick };
}

function drawLoss(st) {
  const L = st.lossData, lg = st.lossGeometry;
  if (!lg) return;
  const last = L.x.length ? L.x[L.x.length - 1] : 0;
  const r = lossRanges(last, L.lo, L.hi, st.logScale, st.lossRanges);
  if (!st.lossRanges || r.x[1] !== st.lossRanges.x[1] || r.y.join() !== st.lossRanges.y.join()) {
    st.lossRanges = r;
    if (st.Plotly && st.drawn.loss) st.Plotly.relayout(st.loss, lossAxes(r, st.logScale));
  }
  const m = lg.margin, w = Math.max(1, width(st, st.lossWrap) - m.l - m.r);
  const h = lg.height - m.t - m.b, dpr = window.devicePixelRatio || 1, c = st.lossCanvas;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    Object.assign(c.style, { left: `${m.l}px`, top: `${m.t}px`, width: `${w}px`, height: `${h}px` });
  }
  const ctx = c.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  [L.train, L.test].forEach((ys, i) => {
    const look = lg.lines[i];
    ctx.beginPath();
    let pen = false;
    for (let k = 0; k < ys.length; k++) {
      const px = axisPx(L.x[k], r.x, w, false), py = h - axisPx(ys[k], r.y, h, st.logScale);
      if (ys[k] === null || !Number.isFinite(py)) { pen = false; continue; }
      if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.strokeStyle = look.color; ctx.lineWidth = look.width;
    ctx.setLineDash(look.dash === "dot" ? [2, 3] : []);
    ctx.stroke();
  });
  c.dataset.epoch = String(last);                 // the curve's last epoch, as .nnp-epoch's
  lossLegend(st, lg.lines, L.tested);
}

// Which line is which, above the chart's top right corner (the test line only when the
// run has test points).
function lossLegend(st, lines, withTest) {
  if (st.lossLegendLines === lines && st.lossLegendTest === withTest) return;   // per frame
  st.lossLegendLines = lines; st.lossLegendTest = withTest;
  if (!st.lossLegend) {                           // over the chart, in the page's flow
    st.lossLegend = el("div", "nnp-loss-legend");
    st.lossWrap.before(st.lossLegend);
  }
  st.lossLegend.replaceChildren(...lines.slice(0, withTest ? 2 : 1).map((look) => {
    const item = el("span", "nnp-legend-item");
    const swatch = el("span", "nnp-line-swatch", item);
    swatch.style.borderTop = `${look.width}px ${look.dash === "dot" ? "dotted" : "solid"} ${look.color}`;
    item.appendChild(document.createTextNode(look.name));
    return item;
  }));
}

// The legend under the plane: one swatch per class (or regression's -1, 0, +1).
function drawLegend(st, legend) {
  const key = JSON.stringify(legend || []);
  if (st.legendKey === key) return;
  st.legendKey = key;
  st.legend = st.legend || el("div", "nnp-legend", st.wrap.parentElement);
  st.legend.replaceChildren(...(legend || []).map(([name, colour]) => {
    const item = el("span", "nnp-legend-item");
    el("span", "nnp-swatch", item).style.background = colour;
    item.appendChild(document.createTextNode(name));
    return item;
  }));
}

// -- playing frames --------------------------------------------------------------------
function loop(st) {
  st.raf = null;
  const d = due(st.queue.length, st.next, st.interval, performance.now());
  if (d.show >= 0) {
    const f = st.queue[d.show];
    st.queue.splice(0, d.show + 1);
    st.next = d.next;
    show(st, f);
  }
  ask(st);
  if (st.queue.length) st.raf = requestAnimationFrame(() => loop(st));
}

function ask(st) {
  if (!shouldAsk(st.running && !st.frozen, st.asked, st.queue.length, st.batch)) return;
  st.asked = true;
  trigger("want", { seq: st.seq, has: holds(st), at: Date.now() });
}

// The figures the page holds for this network ({name: version}): what it has been sent,
// whether or not Plotly has drawn it yet. The server believes only this.
function holds(st) {
  return Object.fromEntries(Object.entries(st.specs).map(([name, s]) => [name, s.version]));
}

// A paused payload whose figures the page lacks (it was overtaken before the page saw the
// one that carried them, or this is the first): say what the page holds, so the server
// sends the rest. While the server plays, the next `want` says it.
function sayWhatWeHold(st, data) {
  const has = holds(st), versions = data.versions;
  if (data.running || !versions || !Object.keys(versions).some((k) => has[k] !== versions[k])) return;
  trigger("have", { has, at: Date.now() });
}

function takeFrames(st, data) {
  const frames = data.frames || [], was = st.running;
  st.running = !!data.running;
  st.asked = false;                               // every payload answers a request
  if (!data.running) {                            // paused or stopped: the last state, now
    // (a paused update can repeat the last batch's seq: it must still end a frozen queue)
    const fresh = data.seq !== st.seq || st.frozen || st.queue.length;
    st.seq = data.seq; st.queue = []; st.frozen = false;
    if (fresh && frames.length) show(st, frames[frames.length - 1], was);   // "Stopped at"
    return;
  }
  if (data.seq !== st.seq && frames.length && !st.frozen) {
    st.seq = data.seq;
    st.batch = frames.length;
    st.interval = data.tick_ms / frames.length;
    const now = performance.now();
    if (!st.queue.length && st.next < now) st.next = now;
    st.queue.push(...frames);
    const extra = st.queue.length - 2 * st.batch;  // never more than two batches behind
    if (extra > 0) st.queue.splice(0, extra);
  }
  if (st.queue.length && !st.raf) st.raf = requestAnimationFrame(() => loop(st));
  else ask(st);
}

// -- one payload -----------------------------------------------------------------------
function apply(st, data) {
  if (data.mount !== st.mount) {                  // a new network: start the views afresh
    st.mount = data.mount; st.queue = []; st.seq = null; st.specs = {}; st.drawn = {};
    st.lossData = noLoss(); st.lossRanges = null; st.weights = null; zoom(st, null);
    // The old network's figures are never shown beside the new one's frames: hidden
    // until this network's own are drawn (they normally come with this very payload).
    for (const name of FIGURES) if (!(data.specs || {})[name]) figureDiv(st, name).style.visibility = "hidden";
    for (const over of [st.edges, st.unitLayer, st.edit]) over.style.visibility = st.diagram.style.visibility;
  }
  for (const k of Object.keys(data)) if (!SCHEMA.payload.includes(k)) console.warn(`live view: unknown key ${k}`);
  for (const part of ["plane", "diagram"]) {      // the canvases cannot be placed without
    for (const k of SCHEMA[part]) if (!(data[part] && k in data[part])) console.error(`live view: no ${part}.${k}`);
  }
  st.n = data.n; st.unitN = data.unit_n; st.unitsXY = data.units_xy; st.inputsXY = data.inputs_xy;
  st.plane = data.plane; st.diagramGeometry = data.diagram; st.controls = data.controls || [];
  st.network = data.network;
  st.wrap.style.height = `${st.plane.height}px`;
  st.lossGeometry = data.loss; st.lossWrap.style.height = `${data.loss.height}px`;
  if (st.logScale !== !!data.loss.log) { st.logScale = !!data.loss.log; st.lossRanges = null; }
  const lut = bytesFromBase64(data.lut);
  const unitKey = data.unit_lut + (data.output_luts || []).join();
  const unitRecolour = st.unitKey !== undefined && st.unitKey !== unitKey;
  if (st.unitKey !== unitKey) {                   // once per network: decode the tables
    st.unitKey = unitKey;
    st.unitLut = bytesFromBase64(data.unit_lut);
    st.outputLuts = (data.output_luts || []).map(bytesFromBase64);
  }
  const recolour = st.lut && st.lut.join() !== lut.join();
  st.lut = lut;
  st.canvas.style.imageRendering = data.discrete ? "pixelated" : "auto";
  drawLegend(st, data.legend);
  if (!st.placed) { place(st); st.placed = true; }
  if (recolour && st.lastZ) paintSurface(st, st.lastZ);
  if (unitRecolour && st.lastUnits) paintUnits(st, st.lastUnits);
  if (st.inputsKey !== data.inputs + unitKey) {
    st.inputsKey = data.inputs + unitKey;
    paintInputs(st, data.inputs);
  }
  fadeInputs(st);
  drawColourKey(st);
  setText(st.rate, data.rate || "");
  fitStats(st);
  st.clickable = !!data.clickable;
  st.wrap.classList.toggle("nnp-clickable", st.clickable);
  st.message.textContent = data.message || "";
  Object.assign(st.specs, data.specs || {});
  if (data.history) {                            // before the frames, which add their points
    const frames = data.frames || [];
    const upTo = !data.running ? Infinity : frames.length ? frames[0].epoch - 1 : st.shown;
    const L = st.lossData = lossFromHistory(data.history, upTo), f = frames[frames.length - 1];
    if (!data.running && f && (!L.x.length || f.epoch > L.x[L.x.length - 1])) {
      addLoss(L, f.epoch, f.train_loss, f.test_loss);     // the frame on screen, if not in it
    }
  }
  takeFrames(st, data);                           // the epoch answers Pause and Step
  if (data.scroll) st.box.scrollIntoView({ block: "start", behavior: "smooth" });   // + margin: live.css
  drawLoss(st);
}

const FIGURES = ["points", "loss", "diagram"];

function figureDiv(st, name) {
  return { points: st.points, loss: st.loss, diagram: st.diagram }[name];
}

// The Plotly figures, once Plotly has loaded: the diagram last, it is the slowest.
function drawFigures(st) {
  const Plotly = st.Plotly;
  const draw = (name) => {
    const spec = st.specs[name];
    if (!spec || st.drawn[name] === spec.version) return;
    const div = figureDiv(st, name);
    let layout = spec.figure.layout;
    if (name === "loss") {                        // the axes the page's curves are drawn on
      const L = st.lossData;
      st.lossRanges = lossRanges(L.x.length ? L.x[L.x.length - 1] : 0, L.lo, L.hi, st.logScale, null);
      const axes = lossAxes(st.lossRanges, st.logScale);
      layout = { ...layout, xaxis: { ...layout.xaxis, range: axes["xaxis.range"], autorange: false },
                 yaxis: { ...layout.yaxis, range: axes["yaxis.range"], autorange: false,
                          dtick: axes["yaxis.dtick"] ?? undefined } };
    }
    Plotly.react(div, spec.figure.data, layout, CONFIG);
    if (!div.__nnpPlaced) { div.on("plotly_afterplot", () => place(st)); div.__nnpPlaced = true; }
    st.drawn[name] = spec.version;
    div.style.visibility = "";
    if (name === "diagram") {
      for (const over of [st.edges, st.unitLayer, st.edit]) over.style.visibility = "";
      placeUnits(st);                     // the edges wait for their network's nodes
    }
  };
  ["points", "loss"].forEach(draw);
  place(st);
  setTimeout(() => { draw("diagram"); placeUnits(st); }, 0);
}

// Streamlit calls this with every payload, on the same parentElement, and calls the
// returned cleanup when the element unmounts, and also for a call that a newer payload
// overtook while Streamlit was still importing this module. So a cleanup takes the view
// down only once its element has left the page: the newer call, on the same element,
// may come after the cleanup's timer (a module import can take a task), and deciding by
// the calls counted so far then took the view down just before it was built again,
// leaving the page with none for a moment (CI saw it once). Taking it down removes its
// DOM (leaving it, as this view once did, left a frozen second copy on the page).
export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = component.data && component.data[0];       // schema.py wire()
  if (!data) return;
  let st = parentElement.__nnp;
  if (!st) st = parentElement.__nnp = build(parentElement);
  channel().setTrigger = setTriggerValue;
  apply(st, data);
  heard(data);
  // Ask for the figures it lacks (the first payload carries only the surface) as soon as
  // the surface is on screen: the question's run also brings the sidebar (streamlit_app.py
  // draws a page's sidebar in its second run). Plotly, loading meanwhile, draws them.
  sayWhatWeHold(st, data);
  loadPlotly(data.plotly_url).then((Plotly) => {
    st.Plotly = Plotly;
    drawFigures(st);
  }).catch((e) => { st.message.textContent = String(e); });
  return () => setTimeout(() => {
    if (!parentElement.isConnected && parentElement.__nnp === st) teardown(st, parentElement);
  }, 0);
}
