// The live view's pure parts (ui/live/pure.js), run by node's test runner from
// tests/unit/test_live_js.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { axisPx, bytesFromBase64, due, EDGE_BUCKETS, enqueue, nextMessage, edgeBucket, edgeLayers, edgeLook, formatNumber,
         incoming, LOSS_POINTS, lossRanges, niceAbove, paint, plotArea, sayNow, SAY_MS, shouldAsk, spokenStats,
         statsText, surfaceBox, thinLoss, toData, toPixels, unitLut, unitName, unitPlace } from "../../ui/live/pure.js";

test("paint looks each value up in the table and puts row 0 at the bottom", () => {
  const lut = new Uint8Array(768);
  for (let v = 0; v < 256; v++) { lut[3 * v] = v; lut[3 * v + 1] = 255 - v; lut[3 * v + 2] = 7; }
  const values = Uint8Array.from([0, 1, 2, 255]);            // rows: [0, 1] bottom, [2, 255] top
  const px = paint(values, lut, 2);
  assert.deepEqual([...px], [2, 253, 7, 255, 255, 0, 7, 255, 0, 255, 7, 255, 1, 254, 7, 255]);
});

test("output unit j takes its own table; hidden units and a lone output the shared one", () => {
  const shared = "shared", outputs = ["class 0", "class 1", "class 2"];
  assert.equal(unitLut(1, 2, 2, shared, outputs), "class 2");   // layers: hidden, output
  assert.equal(unitLut(1, 0, 2, shared, outputs), "class 0");
  assert.equal(unitLut(0, 2, 2, shared, outputs), shared);      // a hidden unit
  assert.equal(unitLut(1, 0, 2, shared, []), shared);           // 2 classes, regression
  assert.equal(unitLut(0, 0, 1, shared, outputs), "class 0");   // no hidden layer
});

test("base64 decodes to the bytes", () => {
  assert.deepEqual([...bytesFromBase64(Buffer.from([0, 128, 255]).toString("base64"))], [0, 128, 255]);
});

test("frames wait for their time, then one shows per call", () => {
  assert.equal(due(3, 100, 10, 89).show, -1);               // more than a frame early
  assert.deepEqual(due(3, 100, 10, 91), { show: 0, drop: 0, next: 110 });  // due within one
  const d = due(3, 100, 10, 100);
  assert.deepEqual(d, { show: 0, drop: 0, next: 110 });
});

// Plays `seconds` of frames due every 1000/60 ms on a display of `fps` beats a second
// whose beats jitter by +-2 ms; returns the beats, those that showed a frame, frames used.
function play(fps, seconds = 10) {
  let next = 0, beats = 0, shown = 0, used = 0;
  for (let now = 0; now < seconds * 1000; now += 1000 / fps, beats += 1) {
    const d = due(100000, next, 1000 / 60, now + (Math.round(now * 7) % 5) - 2);
    if (d.show >= 0) { shown += 1; used += d.show + 1; next = d.next; }
  }
  return { beats, shown, used };
}

test("every beat of a display at or below the frames' rate shows a frame, despite jitter", () => {
  for (const fps of [30, 58, 59, 60]) {
    const { beats, shown } = play(fps);
    assert.equal(shown, beats);
  }
});

test("a faster display still plays the frames at their own pace", () => {
  for (const fps of [75, 120, 144]) assert.ok(Math.abs(play(fps).used - 600) <= 1);
});

test("a tab that fell behind drops frames instead of queueing them", () => {
  const d = due(10, 100, 10, 135);                           // 3 frames late
  assert.equal(d.show, 3);
  assert.equal(d.drop, 3);
  assert.equal(d.next, 140);
  assert.equal(due(2, 100, 10, 1000).show, 1);                // never past the last frame
});

test("the page asks for the next batch once, when less than a batch is left", () => {
  assert.equal(shouldAsk(true, false, 5, 15), true);
  assert.equal(shouldAsk(true, true, 5, 15), false);
  assert.equal(shouldAsk(true, false, 20, 15), false);
  assert.equal(shouldAsk(false, false, 0, 15), false);       // paused or hidden: nothing
});

test("a newer question replaces an older one waiting; a control or a click is kept", () => {
  let box = enqueue([], "want", { seq: 1 });
  box = enqueue(box, "control", { name: "play" });
  box = enqueue(box, "want", { seq: 2 });                    // the stale question goes
  box = enqueue(box, "point", { x1: 0 });
  box = enqueue(box, "control", { name: "pause" });          // both presses stay, in order
  assert.deepEqual(box.map(([n, v]) => [n, v.seq ?? v.name ?? v.x1]),
                   [["control", "play"], ["want", 2], ["point", 0], ["control", "pause"]]);
});

test("a message holds the oldest waiting trigger of each name; the rest wait", () => {
  const box = [["control", "play"], ["point", 1], ["control", "pause"], ["point", 2], ["have", 3]];
  const { batch, rest } = nextMessage(box);
  assert.deepEqual(batch, [["control", "play"], ["point", 1], ["have", 3]]);
  assert.deepEqual(rest, [["control", "pause"], ["point", 2]]);
  assert.deepEqual(nextMessage(rest), { batch: rest, rest: [] });
  assert.deepEqual(nextMessage([]), { batch: [], rest: [] });
});

test("the surface canvas reaches half a cell beyond the plot area", () => {
  assert.deepEqual(surfaceBox({ l: 10, t: 20, w: 99, h: 99 }, 100),
                   { left: 9.5, top: 19.5, width: 100, height: 100 });
});

test("huge numbers get an exponent, like the server's text", () => {
  assert.equal(formatNumber(0.12345), "0.1235");
  assert.equal(formatNumber(90577300000000000000), "9.058e+19");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatNumber(-3e-7), "0.0000");             // a finished run's loss, rounded
  assert.equal(formatNumber(-0.00012), "-0.0001");
});

test("stats: accuracy for two classes, each class's too for three, R² and no accuracy for regression", () => {
  const two = { train_loss: 0.5, train_acc: 0.75, train_r2: null, train_class_acc: [0.5, 1],
                test_loss: null };
  assert.equal(statsText(two), "Train loss 0.5000 · accuracy 75.0%");
  const three = { ...two, train_class_acc: [0.5, 1, 0.25] };
  assert.equal(statsText(three),
               "Train loss 0.5000 · accuracy 75.0%\n  per class 0: 50.0% · 1: 100.0% · 2: 25.0%");
  const reg = { train_loss: 0.1, train_acc: null, train_r2: 0.9, train_class_acc: [],
                test_loss: 0.2, test_acc: null, test_r2: -0.5, test_class_acc: [] };
  assert.equal(statsText(reg), "Train loss 0.1000 · R² 0.900\nTest loss 0.2000 · R² -0.500");
});

test("the screen reader hears the epoch and each set's loss and accuracy in words", () => {
  const f = { epoch: 12345, train_loss: 0.31234, train_acc: 0.875, train_r2: null,
              test_loss: 0.4, test_acc: 0.8, test_r2: null };
  assert.equal(spokenStats(f, false),
               "At epoch 12,345: train loss 0.312, accuracy 88 percent; test loss 0.400, accuracy 80 percent.");
  const reg = { ...f, train_acc: null, test_acc: null, train_r2: 0.91, test_r2: null, test_loss: null };
  assert.equal(spokenStats(reg, true), "Stopped at epoch 12,345: train loss 0.312, R squared 0.91.");
});

test("while playing it speaks at most every SAY_MS; stopped, at once", () => {
  assert.equal(sayNow(true, 1000, undefined), true);             // the first time
  assert.equal(sayNow(true, 1000 + SAY_MS - 1, 1000), false);    // too soon
  assert.equal(sayNow(true, 1000 + SAY_MS, 1000), true);
  assert.equal(sayNow(false, 1001, 1000), true);                 // paused: now
});

test("the plot area is the figure less its margins; the plane's, the centred square inside", () => {
  const g = { margin: { l: 44, r: 10, t: 8, b: 40 }, height: 340 };
  assert.deepEqual(plotArea(g, 400), { l: 44, t: 8, w: 346, h: 292 });
  assert.deepEqual(plotArea(g, 400, true), { l: 71, t: 8, w: 292, h: 292 });    // wide: centred across
  assert.deepEqual(plotArea(g, 254, true), { l: 44, t: 54, w: 200, h: 200 });    // narrow: centred down
  assert.deepEqual(plotArea(g, 399.6), plotArea(g, 400));                        // Plotly rounds the width
});

test("a point goes to its pixel and back; a pixel outside the plot area is no point", () => {
  const area = { l: 10, t: 20, w: 200, h: 100 }, xr = [-1, 1], yr = [0, 10];
  assert.deepEqual(toPixels(area, xr, yr, -1, 10), { x: 10, y: 20 });           // top-left
  assert.deepEqual(toPixels(area, xr, yr, 1, 0), { x: 210, y: 120 });           // bottom-right
  assert.deepEqual(toData(area, xr, yr, 110, 70), { x: 0, y: 5 });
  assert.equal(toData(area, xr, yr, 9, 70), null);
  assert.equal(toData(area, xr, yr, 110, 121), null);
});

test("an axis ends at a round number: 1, 2 or 5 times a power of ten", () => {
  assert.deepEqual([0.07, 0.1, 0.11, 0.3, 0.693, 150, 2001, 5e6].map(niceAbove),
                   [0.1, 0.1, 0.2, 0.5, 1, 200, 5000, 5e6]);
});

test("the loss chart's x range runs ahead of the run and is kept while the run is inside it", () => {
  const start = lossRanges(0, NaN, NaN, false, null);
  assert.deepEqual(start, { x: [0, 100], y: [0, 1] });       // empty: 0..100 epochs, 0..1
  const a = lossRanges(90, 0.2, 0.69, false, start);
  assert.deepEqual(a, { x: [0, 100], y: [0, 1] });           // inside: the same axes
  const b = lossRanges(101, 0.2, 0.69, false, a);
  assert.deepEqual(b.x, [0, 200]);                           // past its end: a round step on
  assert.deepEqual(lossRanges(150, 0.2, 0.69, false, b).x, [0, 200]);
  assert.deepEqual(lossRanges(2e6, 0.2, 3.2, false, b).y, [0, 5]);
});

test("a log loss axis spans whole decades around the losses", () => {
  assert.deepEqual(lossRanges(10, 0.003, 0.69, true, null).y, [-3, 0]);
  assert.deepEqual(lossRanges(10, 0.2, 0.69, true, null).y, [-1, 0]);
  assert.deepEqual(lossRanges(10, 1, 1, true, null).y, [0, 1]);     // never an empty range
  assert.deepEqual(lossRanges(10, NaN, NaN, true, null).y, [-2, 0]);
});

test("axisPx maps a value along an axis, linear or log", () => {
  assert.equal(axisPx(50, [0, 100], 200, false), 100);
  assert.equal(axisPx(0.1, [-2, 0], 100, true), 50);
  assert.ok(Number.isNaN(axisPx(0, [-2, 0], 100, true)));
});

test("a weight's line: thicker by its size, none for 0 or NaN, capped", () => {
  assert.equal(edgeBucket(0), 0);
  assert.equal(edgeBucket(NaN), 0);
  assert.equal(edgeBucket(0.1), 1);
  assert.equal(edgeBucket(-0.6), 2);
  assert.equal(edgeBucket(1e9), EDGE_BUCKETS);
  assert.ok(edgeLook(2).width > edgeLook(1).width && edgeLook(2).alpha > edgeLook(1).alpha);
});

test("units are named by layer and place", () => {
  assert.equal(unitName([8, 4], 1, 0), "hidden layer 1, unit 1");
  assert.equal(unitName([8, 4], 1, 9), "hidden layer 2, unit 2");
  assert.equal(unitName([8, 4], 1, 12), "output");
  assert.equal(unitName([2], 3, 4), "output unit 3");
});

test("a unit's place, and what it computes with", () => {
  assert.deepEqual(unitPlace([8, 4], 9), { layer: 1, j: 1 });
  assert.deepEqual(unitPlace([8, 4], 12), { layer: 2, j: 0 });
  const Wb = [1, 2, 3, 4, 5, 6];                     // 2 inputs x 2 units, then 2 biases
  assert.deepEqual(incoming(Wb, 2, 2, 1), { weights: [2, 4], bias: 6 });
});

test("the edges' layers: the switched-on inputs, then each layer's units", () => {
  const layers = edgeLayers(["a", "b", "c"], [1, 2, 3, 4], [3], [2, 0]);
  assert.deepEqual(layers, [["c", "a"], [1, 2, 3], [4]]);
});

test("the loss curve keeps at most LOSS_POINTS points, the first and the last among them", () => {
  const L = { x: [], train: [], test: [], lo: 0.1, hi: 1, tested: true };
  for (let e = 1; e <= LOSS_POINTS; e++) { L.x.push(e); L.train.push(1 / e); L.test.push(null); }
  assert.equal(thinLoss(L), L);                             // not over: the same curve
  L.x.push(LOSS_POINTS + 1); L.train.push(0.5); L.test.push(0.25);
  const thin = thinLoss(L);
  assert.ok(thin.x.length <= LOSS_POINTS / 2 + 1 && thin.x.length > LOSS_POINTS / 2 - 1);
  assert.equal(thin.x[0], 1);
  assert.equal(thin.x.at(-1), LOSS_POINTS + 1);             // the counter's epoch stays last
  assert.equal(thin.test.at(-1), 0.25);
  assert.equal(thin.x.length, thin.train.length);
  assert.equal(thin.lo, 0.1);                               // and so do its ranges
});
