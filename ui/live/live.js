// NN Playground's live view: one Plotly graph per chart, mounted once and updated in
// place. Streamlit calls this function again with every data update, so all state lives
// on parentElement. Frames arrive in batches (one batch per server tick); they are
// played back on requestAnimationFrame, spread over the tick, with Plotly.restyle.
// Text from the server is only ever set with textContent, never as HTML.

const CONFIG = { displayModeBar: false, responsive: true };

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

function build(root) {
  const box = el("div", "nnp-live", root);
  const left = el("div", "nnp-left", box);
  const right = el("div", "nnp-right", box);
  const stats = el("div", "nnp-stats", right);
  const st = {
    box, root,
    diagram: el("div", "nnp-diagram", left),
    epoch: el("div", "nnp-epoch", stats),
    numbers: el("div", "nnp-numbers", stats),
    rate: el("div", "nnp-rate", stats),
    wrap: el("div", "nnp-surface-wrap", right),
    loss: el("div", "nnp-loss", right),
    message: el("div", "nnp-message", right),
    queue: [], versions: {}, seq: null, mount: null, next: 0, raf: null,
    lossData: { x: [], train: [], test: [] }, painted: 0,
  };
  st.surface = el("div", "nnp-surface", st.wrap);
  st.points = el("div", "nnp-points", st.wrap);
  // Clicking the plane reports where, in data coordinates, for adding or removing points.
  st.points.addEventListener("click", (ev) => {
    const full = st.points._fullLayout;
    if (!full || !st.setTrigger || !st.clickable) return;
    const box = st.points.getBoundingClientRect();
    const px = ev.clientX - box.left - full._size.l, py = ev.clientY - box.top - full._size.t;
    if (px < 0 || py < 0 || px > full._size.w || py > full._size.h) return;
    st.setTrigger("point", { x1: full.xaxis.p2d(px), x2: full.yaxis.p2d(py), at: Date.now() });
  });
  st.epoch.textContent = "Epoch 0";
  // Pause answers at once in the page; the server's own pause follows within a tick.
  st.onClick = (ev) => {
    const hit = ev.target.closest && ev.target.closest(".st-key-play, .st-key-pause, .st-key-step, .st-key-reset");
    if (!hit) return;
    if (hit.classList.contains("st-key-play")) st.frozen = false;
    else { st.queue = []; st.frozen = true; }
  };
  document.addEventListener("click", st.onClick, true);
  // A hidden tab tells the server, which pauses it after a while (abandoned tabs must not
  // keep training on a shared server).
  st.onVisibility = () => st.setTrigger && st.setTrigger("visible", !document.hidden);
  document.addEventListener("visibilitychange", st.onVisibility);
  return st;
}

function decode(b64, n) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const rows = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = bytes.subarray(i * n, (i + 1) * n);
  return rows;
}

function fmt(x, digits) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(digits);
}

function showFrame(st, f, Plotly) {
  if (f.z) {
    Plotly.restyle(st.surface, { z: [decode(f.z, st.n)] }, [0]);
    st.painted += 1;
    window.__nnpPainted = (window.__nnpPainted || 0) + 1;
  }
  st.epoch.textContent = "Epoch " + f.epoch.toLocaleString("en-US");
  st.epoch.dataset.epoch = String(f.epoch);
  st.numbers.textContent =
    `Train loss ${fmt(f.train_loss, 4)} · accuracy ${fmt(100 * f.train_acc, 1)}%` +
    (f.test_loss === null ? "" :
      `\nTest loss ${fmt(f.test_loss, 4)} · accuracy ${fmt(100 * f.test_acc, 1)}%`);
  const L = st.lossData;
  if (L.x.length === 0 || f.epoch > L.x[L.x.length - 1]) {
    L.x.push(f.epoch); L.train.push(f.train_loss); L.test.push(f.test_loss);
    if (L.x.length > 4000) {                      // keep the curve light: every other point
      for (const k of ["x", "train", "test"]) L[k] = L[k].filter((_, i) => i % 2 === 0 || i === L[k].length - 1);
    }
    // A 3,000-point restyle costs ~10 ms: redraw the curve 4 times a second, not per frame.
    if (!st.queue.length || performance.now() - (st.lossAt || 0) > 250) drawLoss(st, Plotly);
  }
}

function drawLoss(st, Plotly) {
  if (!st.versions.loss) return;
  const L = st.lossData;
  st.lossAt = performance.now();
  Plotly.restyle(st.loss, { x: [L.x, L.x], y: [L.train, L.test] }, [0, 1]);
}

function loop(st, Plotly) {
  st.raf = null;
  const now = performance.now();
  if (st.queue.length && now >= st.next) {
    // Running behind (a slow tab): skip to the newest frames rather than lag further.
    while (st.queue.length > 2 * st.batch) st.queue.shift();
    showFrame(st, st.queue.shift(), Plotly);
    st.next = Math.max(st.next + st.interval, now);
  }
  if (st.queue.length) st.raf = requestAnimationFrame(() => loop(st, Plotly));
}

// Streamlit can leave a stale copy of this view behind when a timed fragment rerun races a
// full rerun under heavy load; the copy never updates again. Remove any copy that has not
// updated for a second while this one is updating (its element rebuilds if it is reused).
function dropStaleCopies(st) {
  const now = Date.now();
  st.box.dataset.updated = String(now);
  for (const other of document.querySelectorAll(".nnp-live")) {
    if (other === st.box || Number(other.dataset.updated || 0) >= now - 1000) continue;
    const parent = other.parentElement, old = parent && parent.__nnp;
    if (old) {
      if (old.raf) cancelAnimationFrame(old.raf);
      document.removeEventListener("click", old.onClick, true);
      document.removeEventListener("visibilitychange", old.onVisibility);
      delete parent.__nnp;
    }
    other.remove();
  }
}

function takeFrames(st, data, Plotly) {
  const frames = data.frames || [];
  if (!data.running) {                            // paused or stopped: show the last state now
    // (a paused update can repeat the last batch's seq: it must still end a frozen queue)
    const fresh = data.seq !== st.seq || st.frozen || st.queue.length;
    st.seq = data.seq; st.queue = []; st.frozen = false;
    if (fresh && frames.length) showFrame(st, frames[frames.length - 1], Plotly);
    return;
  }
  if (data.seq === st.seq) return;
  st.seq = data.seq;
  if (!frames.length) return;
  if (st.frozen) return;                          // Pause was pressed: wait for the server
  st.batch = frames.length;
  st.interval = data.tick_ms / frames.length;
  st.queue.push(...frames);
  if (!st.raf) st.raf = requestAnimationFrame(() => loop(st, Plotly));
}

function apply(st, data, Plotly, setTrigger) {
  dropStaleCopies(st);
  if (data.mount !== st.mount) {                  // a new network: start the views afresh
    st.mount = data.mount; st.queue = []; st.versions = {}; st.seq = null;
    st.lossData = { x: [], train: [], test: [] };
  }
  const specs = data.specs || {};
  const draw = (name) => {
    const spec = specs[name];
    if (!spec || st.versions[name] === spec.version) return;
    const div = { surface: st.surface, points: st.points, loss: st.loss, diagram: st.diagram }[name];
    Plotly.react(div, spec.figure.data, spec.figure.layout, CONFIG);
    st.versions[name] = spec.version;
    if (name === "loss") drawLoss(st, Plotly);
  };
  ["surface", "points", "loss"].forEach(draw);
  // The diagram is the slowest to draw: after this update's frame, so the epoch and the
  // surface answer Pause and Step first.
  setTimeout(() => draw("diagram"), 0);
  if (!st.versions.surface || !st.versions.loss) {   // a remounted view lacks its figures
    setTrigger("resync", Date.now());
    return;
  }
  st.n = data.n;
  st.rate.textContent = data.rate || "";
  st.clickable = !!data.clickable;
  st.wrap.classList.toggle("nnp-clickable", st.clickable);
  st.message.textContent = data.message || "";
  takeFrames(st, data, Plotly);                   // first: the epoch answers Pause and Step
  if (data.history) {
    st.lossData = { x: data.history.epoch.slice(), train: data.history.train.slice(),
                    test: data.history.test.slice() };
    drawLoss(st, Plotly);
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  let st = parentElement.__nnp;
  if (!st) st = parentElement.__nnp = build(parentElement);
  st.setTrigger = setTriggerValue;
  st.pending = data;
  loadPlotly(data.plotly_url).then((Plotly) => {
    if (st.pending !== data) return;              // a newer update has arrived meanwhile
    apply(st, data, Plotly, setTriggerValue);
  }).catch((e) => { st.message.textContent = String(e); });
  return () => {
    if (st.raf) cancelAnimationFrame(st.raf);
    document.removeEventListener("click", st.onClick, true);
    document.removeEventListener("visibilitychange", st.onVisibility);
    delete parentElement.__nnp;
  };
}
