// The live page's layer health: each layer's activations, gradient and steps through training
// (network/layer_health.py records them; GET api/training/layers gives them), four small
// charts on one canvas, one line per layer, against the epochs, as plots/NAME-layers.png.

import { blankCanvas } from "./chart.js";

const COLOURS = ["#4f46e5", "#e07b00", "#0f9d8a", "#c2255c", "#5c940d", "#8c6d46"];
const GRID = "#e3e5ec";
const TEXT = "#5d6475";
const MARGIN = { left: 44, right: 10, top: 22, bottom: 22, gap: 18, legend: 20 };

// Draw the charts on canvas. health: {layers: names, activation, records: [{epochs, layers: [...]}]};
// epochs: how many the run has (the x axis).
export function drawHealth(canvas, health, epochs) {
  const { context, width, height } = blankCanvas(canvas);
  context.font = "11px system-ui, sans-serif";

  legend(context, health.layers);
  const panelWidth = (width - 2 * (MARGIN.left + MARGIN.right)) / 2;
  const panelHeight = (height - MARGIN.legend - 2 * (MARGIN.top + MARGIN.bottom)) / 2;
  const at = (column, row) => ({
    left: MARGIN.left + column * (panelWidth + MARGIN.left + MARGIN.right),
    top: MARGIN.legend + MARGIN.top + row * (panelHeight + MARGIN.top + MARGIN.bottom),
  });
  const series = (l, key, transform = (v) => v) => health.records
    .map((r) => [r.epochs, r.layers[l][key] === null ? null : transform(r.layers[l][key])]);
  const panels = [
    { title: `${health.activation} activations: mean ± spread`, key: "mean", band: "spread", ...at(0, 0) },
    { title: `share ${flatWords(health.activation)}, %`, key: "flat", transform: (v) => 100 * v, ...at(1, 0) },
    { title: "gradient, log₁₀ RMS(dW)", key: "gradient", transform: (v) => (v > 0 ? Math.log10(v) : null), ...at(0, 1) },
    { title: "update for weight, log₁₀ RMS(ΔW)/RMS(W)", key: "update", line: -3, ...at(1, 1) },
  ];
  for (const panel of panels) {
    const lines = health.layers.map((_, l) => series(l, panel.key, panel.transform));
    const bands = panel.band ? health.layers.map((_, l) => series(l, panel.band)) : [];
    const values = lines.flat().map(([, v]) => v).filter((v) => v !== null);
    bands.forEach((band, l) => band.forEach(([, s], i) => {
      const m = lines[l][i][1];
      if (m !== null && s !== null) values.push(m - s, m + s);
    }));
    if (panel.line !== undefined) values.push(panel.line);
    draw(context, panel, panelWidth, panelHeight, epochs, lines, bands, values);
  }
}

// Where φ is flat, in words: the share of activations the second chart counts.
export function flatWords(activation) {
  return { sigmoid: "saturated", tanh: "saturated", leaky_relu: "with z ≤ 0" }[activation] ?? "at zero";
}

function legend(context, names) {
  let x = MARGIN.left;
  context.textBaseline = "middle";
  context.textAlign = "left";
  names.forEach((name, l) => {
    context.fillStyle = COLOURS[l % COLOURS.length];
    context.fillRect(x, 8, 14, 3);
    context.fillStyle = TEXT;
    context.fillText(name, x + 18, 10);
    x += 26 + context.measureText(name).width;
  });
}

// One panel: its title, a frame with the lowest and highest value marked, the lines, and a band of ±
// the spread under each line that has one. The frame reaches a little beyond them, so that no line
// runs along its edge.
function draw(context, { title, left, top, line }, width, height, epochs, lines, bands, values) {
  let low = values.length ? Math.min(...values) : 0;
  let high = values.length ? Math.max(...values) : 1;
  if (high - low < 1e-9) [low, high] = [low - 0.5, high + 0.5];
  const margin = 0.08 * (high - low);
  const x = (e) => left + (e / epochs) * width;
  const y = (v) => top + height * (1 - (v - low + margin) / (high - low + 2 * margin));
  context.strokeStyle = GRID;
  context.lineWidth = 1;
  context.strokeRect(left, top, width, height);
  context.fillStyle = TEXT;
  context.textAlign = "left";
  context.textBaseline = "bottom";
  context.fillText(title, left, top - 4);
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (const v of [low, high]) context.fillText(Number(v.toPrecision(3)).toString(), left - 4, y(v));
  context.textAlign = "center";
  context.textBaseline = "top";
  for (const e of [0, epochs]) context.fillText(String(e), x(e), top + height + 3);
  if (line !== undefined) {
    context.save();
    context.setLineDash([4, 3]);
    context.strokeStyle = TEXT;
    context.beginPath();
    context.moveTo(left, y(line));
    context.lineTo(left + width, y(line));
    context.stroke();
    context.restore();
  }
  lines.forEach((points, l) => {
    const colour = COLOURS[l % COLOURS.length];
    const band = bands[l];
    if (band) {
      context.save();
      context.globalAlpha = 0.15;
      context.fillStyle = colour;
      context.beginPath();
      const upper = points.map(([e, m], i) => [e, m === null || band[i][1] === null ? null : m + band[i][1]]);
      const lower = points.map(([e, m], i) => [e, m === null || band[i][1] === null ? null : m - band[i][1]]);
      const edge = [...upper, ...lower.reverse()].filter(([, v]) => v !== null);
      edge.forEach(([e, v], i) => (i ? context.lineTo(x(e), y(v)) : context.moveTo(x(e), y(v))));
      if (edge.length) context.fill();
      context.restore();
    }
    context.strokeStyle = context.fillStyle = colour;
    context.lineWidth = 2;
    context.beginPath();
    let drawing = false;
    for (const [e, v] of points) {
      if (v === null) {
        drawing = false;
        continue;
      }
      if (drawing) context.lineTo(x(e), y(v));
      else context.moveTo(x(e), y(v));
      drawing = true;
    }
    context.stroke();
    const last = [...points].reverse().find(([, v]) => v !== null);
    if (last) {
      context.beginPath();
      context.arc(x(last[0]), y(last[1]), 2.5, 0, 2 * Math.PI);
      context.fill();
    }
  });
}
