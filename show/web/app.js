// The drawing page: draw on a canvas, send the drawing to the Python server, show its answer.
//
// draw.js does the drawing and the asking; this file shows what comes back: the digit,
// the ten probabilities, the 28 × 28 image the network read, and the hidden units that
// fired most, each with its weight picture (all the pictures are fetched once, from
// GET /api/weights, when the page opens); for a convolutional network, each filter of its
// first convolution and the feature map it made of the drawing, what it found and where.
// body's data-state tells the stylesheet (and the browser test) where things stand:
// empty, thinking, ready or error.

import { drawingPad, paint, grey, percent, probabilityBars, weightColour } from "./draw.js";

const statusLine = document.getElementById("status");
const digit = document.getElementById("digit");
const confidence = document.getElementById("confidence");
const bars = probabilityBars(document.getElementById("bars"));

function showAnswer(answer) {
  digit.textContent = answer.prediction;
  confidence.textContent = `${percent(answer.probabilities[answer.prediction])} sure`;
  bars.show(answer.probabilities, answer.prediction);
  statusLine.textContent = "Keep drawing, or Clear to start again.";
  paint(document.getElementById("seen"), answer.input, grey);
  if (answer.feature_maps) showFilters(answer.feature_maps);
  else showUnits(answer.hidden);
}

function showUnits(hidden) {
  const units = document.getElementById("units");
  units.replaceChildren();
  const strongest = hidden.length ? hidden[0].activation : 0;
  for (const { unit, activation } of hidden) {
    const figure = document.createElement("figure");
    const picture = document.createElement("canvas");
    picture.width = picture.height = 28;
    if (weightPictures) paint(picture, weightPictures[unit], weightColour);
    const strength = document.createElement("div");
    strength.className = "strength";
    const level = document.createElement("div");
    level.style.width = `${strongest > 0 ? (100 * activation) / strongest : 0}%`;
    strength.append(level);
    const caption = document.createElement("figcaption");
    caption.textContent = `unit ${unit} · ${activation.toFixed(2)}`;
    figure.append(picture, strength, caption);
    units.append(figure);
  }
}

// Each filter beside its feature map. White is the map's own strongest value, so that each shows
// where its filter found most; a map whose strongest is below a quarter of the strongest of all
// is drawn on that quarter's scale instead, dim, rather than blowing its faint noise up to white.
function showFilters(maps) {
  const filters = document.getElementById("filters");
  filters.replaceChildren();
  const strongestOfAll = Math.max(...maps.map((values) => Math.max(...values)));
  maps.forEach((values, f) => {
    const strongest = Math.max(...values);
    const white = Math.max(strongest, strongestOfAll / 4);
    const figure = document.createElement("figure");
    const filter = document.createElement("canvas");
    filter.className = "filter";
    filter.width = filter.height = convolution.kernel;
    if (filterPictures) paint(filter, filterPictures[f], weightColour, convolution.kernel, convolution.kernel);
    const map = document.createElement("canvas");
    map.className = "map";
    map.width = convolution.map_width;
    map.height = convolution.map_height;
    paint(map, values, (v) => grey(white > 0 ? v / white : 0), convolution.map_width, convolution.map_height);
    const caption = document.createElement("figcaption");
    caption.textContent = `filter ${f} · strongest ${strongest.toFixed(2)}`;
    const pair = document.createElement("div");
    pair.className = "pair";
    pair.append(filter, map);
    figure.append(pair, caption);
    filters.append(figure);
  });
}

function showEmpty() {
  document.body.dataset.state = "empty";
  digit.textContent = "?";
  confidence.textContent = "";
  bars.clear();
  statusLine.textContent = "Draw a digit, as large as the square.";
  const seen = document.getElementById("seen");
  seen.getContext("2d").clearRect(0, 0, seen.width, seen.height);
  document.getElementById("units").replaceChildren();
  document.getElementById("filters").replaceChildren();
}

function showProblem(message) {
  showEmpty();
  statusLine.textContent = message.charAt(0).toUpperCase() + message.slice(1);
}

// ---------------------------------------------------------------- the model, once

let weightPictures = null; // weightPictures[j]: hidden unit j's 784 weights, scaled to -1..1
let filterPictures = null; // filterPictures[f]: filter f's K × K weights, scaled to -1..1
let convolution = null; // a convolutional network's first convolution: filters, kernel, map_height, map_width

async function describeModel() {
  const footer = document.getElementById("model");
  try {
    const model = await (await fetch("api/model")).json();
    const pictures = await (await fetch("api/weights")).json();
    weightPictures = pictures.weights;
    filterPictures = pictures.filters;
    if (model.convolutions.length) {
      convolution = model.convolutions[0];
      document.getElementById("units-card").hidden = true;
      document.getElementById("filters-card").hidden = false;
      document.getElementById("kernel-size").textContent = `${convolution.kernel} × ${convolution.kernel}`;
    }
    const parts = [`Model: ${convolution ? model.layers : model.sizes.join(" → ")}`];
    if (model.dataset) parts.push(`trained on ${model.dataset.toUpperCase()}`);
    if (typeof model.test_accuracy === "number") {
      parts.push(`${(100 * model.test_accuracy).toFixed(1)} % right on its test images`);
    }
    footer.textContent = parts.join(" · ");
    if (model.sizes.length > 2 && !convolution) document.getElementById("hidden-count").textContent = model.sizes[1];
  } catch (error) {
    footer.textContent = "The server does not answer: is it still running?";
  }
}

drawingPad(document.getElementById("pad"), document.getElementById("clear"), {
  onThinking: () => (document.body.dataset.state = "thinking"),
  onAnswer: showAnswer,
  onProblem: showProblem,
  onReady: (ok) => (document.body.dataset.state = ok ? "ready" : "error"),
  onEmpty: showEmpty,
});
describeModel();
