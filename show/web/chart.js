// The live page's chart: loss above, accuracy below, against the epochs, drawn with
// nothing but a canvas's 2D context.
//
// Each mini-batch is a point at x = its step / the mini-batches per epoch: faint as
// measured, and a bold line through their moving average, because one mini-batch of 128
// images is a noisy measurement. The epochs' figures are dots at x = 1, 2, ...: the
// training images (averaged while the epoch ran) and the test images (after it), the test
// dots joined by a line. Behind them all, faintly, earlier runs' test figures after each
// epoch, one colour per run, as far as this run's epochs go.

const SMOOTHING = 0.95; // each smoothed point keeps this much of the one before: about the last 20 mini-batches
const COLOURS = { batch: "#4f46e5", train: "#1f2430", test: "#e07b00", grid: "#e3e5ec", text: "#5d6475" };
const EARLIER_ALPHA = 0.45; // how faint an earlier run's line is
const MARGIN = { left: 52, right: 14, top: 10, bottom: 40, gap: 30 };

// Draw the chart on canvas. points: [{step, loss, accuracy}] in order; history: the
// epochs' results; epochs: how many the run has; batchesPerEpoch: mini-batches in one;
// earlier: the earlier runs to draw behind, [{history: [{epoch, test_loss, test_accuracy}], colour}].
export function drawChart(canvas, { points, history, epochs, batchesPerEpoch, earlier = [] }) {
  const { context, width, height } = blankCanvas(canvas);
  context.font = "12px system-ui, sans-serif";

  const panelHeight = (height - MARGIN.top - MARGIN.bottom - MARGIN.gap) / 2;
  const x = (epochsDone) => MARGIN.left + (epochsDone / epochs) * (width - MARGIN.left - MARGIN.right);
  const batches = points.map((p) => ({ ...p, x: x(p.step / batchesPerEpoch) }));
  const lossSmooth = smoothed(points.map((p) => p.loss));
  const accuracySmooth = smoothed(points.map((p) => p.accuracy));
  const behind = earlier.map((r) => ({ ...r, history: r.history.filter((h) => h.epoch <= epochs) }));

  // The loss axis goes up to what the smoothed curve and the epochs reach; single noisy
  // mini-batches above that are clipped at the top.
  const highest = Math.max(0.5, ...lossSmooth, ...history.flatMap((h) => [h.train_loss, h.test_loss]),
    ...behind.flatMap((r) => r.history.map((h) => h.test_loss)));
  const top = niceCeiling(highest);
  const loss = panel(context, "loss", MARGIN.top, panelHeight, top, niceCeiling(top / 5),
    (v) => String(Number(v.toFixed(2))));
  const accuracy = panel(context, "accuracy", MARGIN.top + panelHeight + MARGIN.gap, panelHeight, 1, 0.25,
    (v) => `${Math.round(100 * v)} %`);
  for (const p of [loss, accuracy]) {
    p.axes(width, epochs, x);
  }

  for (const r of behind) {
    const at = (key) => r.history.map((h) => [x(h.epoch), h[key]]);
    loss.line(at("test_loss"), r.colour, 2, EARLIER_ALPHA, true);
    accuracy.line(at("test_accuracy"), r.colour, 2, EARLIER_ALPHA, true);
  }
  loss.line(batches.map((b) => [b.x, b.loss]), COLOURS.batch, 1, 0.25);
  loss.line(batches.map((b, i) => [b.x, lossSmooth[i]]), COLOURS.batch, 2, 1);
  accuracy.line(batches.map((b) => [b.x, b.accuracy]), COLOURS.batch, 1, 0.25);
  accuracy.line(batches.map((b, i) => [b.x, accuracySmooth[i]]), COLOURS.batch, 2, 1);
  loss.line(history.map((h) => [x(h.epoch), h.test_loss]), COLOURS.test, 1.5, 1);
  accuracy.line(history.map((h) => [x(h.epoch), h.test_accuracy]), COLOURS.test, 1.5, 1);
  for (const h of history) {
    loss.dot(x(h.epoch), h.train_loss, COLOURS.train);
    loss.dot(x(h.epoch), h.test_loss, COLOURS.test);
    accuracy.dot(x(h.epoch), h.train_accuracy, COLOURS.train);
    accuracy.dot(x(h.epoch), h.test_accuracy, COLOURS.test);
  }

  context.fillStyle = COLOURS.text;
  context.textAlign = "center";
  context.textBaseline = "bottom";
  context.fillText("epochs", (MARGIN.left + width - MARGIN.right) / 2, height - 2);
}

// The canvas cleared, as many pixels as the page gives it times the screen's density, so that
// lines are sharp on any screen: {context, width, height}, drawn on in CSS pixels.
export function blankCanvas(canvas) {
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d");
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.clearRect(0, 0, width, height);
  return { context, width, height };
}

// The exponential moving average of values, corrected at the start (as Adam corrects its
// moments), so that the first points are not pulled towards 0.
function smoothed(values) {
  let average = 0;
  return values.map((v, i) => {
    average = SMOOTHING * average + (1 - SMOOTHING) * v;
    return average / (1 - SMOOTHING ** (i + 1));
  });
}

// 0.5, 1, 2, 2.5, 5, 10, ... times a power of ten: the smallest at or above value.
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

// One of the two panels: title, values 0 to high drawn from top down height pixels,
// a line across and a label every tick.
function panel(context, title, top, height, high, tick, label) {
  const y = (v) => top + height * (1 - Math.min(Math.max(v, 0), high) / high);
  return {
    axes(width, epochs, x) {
      context.strokeStyle = COLOURS.grid;
      context.fillStyle = COLOURS.text;
      context.lineWidth = 1;
      context.textAlign = "right";
      context.textBaseline = "middle";
      for (let i = 0; i * tick <= high * (1 + 1e-9); i++) {
        const v = i * tick;
        context.beginPath();
        context.moveTo(MARGIN.left, y(v));
        context.lineTo(width - MARGIN.right, y(v));
        context.stroke();
        context.fillText(label(v), MARGIN.left - 6, y(v));
      }
      context.textAlign = "center";
      context.textBaseline = "top";
      const every = Math.ceil(epochs / 10); // at most about ten labels along the axis
      for (let e = 0; e <= epochs; e += every) {
        context.beginPath();
        context.moveTo(x(e), top);
        context.lineTo(x(e), top + height);
        context.stroke();
        context.fillText(String(e), x(e), top + height + 3);
      }
      context.save();
      context.translate(12, top + height / 2);
      context.rotate(-Math.PI / 2);
      context.textBaseline = "middle";
      context.fillText(title, 0, 0);
      context.restore();
    },
    // A line through the points xy ([x, value]); with marks, a small dot at each (one point: the dot alone).
    line(xy, colour, width, alpha, marks = false) {
      if (xy.length < (marks ? 1 : 2)) return;
      context.save();
      context.globalAlpha = alpha;
      context.strokeStyle = context.fillStyle = colour;
      context.lineWidth = width;
      context.lineJoin = "round";
      context.beginPath();
      xy.forEach(([px, v], i) => (i ? context.lineTo(px, y(v)) : context.moveTo(px, y(v))));
      context.stroke();
      for (const [px, v] of marks ? xy : []) {
        context.beginPath();
        context.arc(px, y(v), 2.5, 0, 2 * Math.PI);
        context.fill();
      }
      context.restore();
    },
    dot(px, v, colour) {
      context.fillStyle = colour;
      context.strokeStyle = "#fff";
      context.lineWidth = 2;
      context.beginPath();
      context.arc(px, y(v), 5, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    },
  };
}
