// The drawing page: draw on a canvas, send the drawing to the Python server, show its answer.
//
// draw.js does the drawing and the asking; this file shows what comes back: the digit,
// the ten probabilities beside the gradient of the loss by the pixels (why this answer),
// the 28 × 28 image the network read, and the hidden units that fired most, each with its
// weight picture (all the pictures are fetched once, from GET /api/weights, when the page
// opens); for a convolutional network, each filter of its first convolution and the
// feature map it made of the drawing, what it found and where. Below, the digit followed
// backward (backward.js) for a label, into a clicked unit or a clicked cell of a map; and
// the test images the network gets wrong (GET /api/mistakes), which a click puts on the pad.
// body's data-state tells the stylesheet (and the browser test) where things stand:
// empty, thinking, ready or error.

import {
  cellHtml, colourCells, labelPicker, num, outputHtml, paintInputGradient, paintUnitPictures, unitBackwardHtml,
} from "./backward.js";
import { digitButton, drawingPad, paint, grey, percent, probabilityBars, weightColour } from "./draw.js";

const NAMES = [..."0123456789"];
const MISTAKES_SHOWN = 48; // small pictures of mistakes shown at first, and added by "Show more"

const statusLine = document.getElementById("status");
const digit = document.getElementById("digit");
const confidence = document.getElementById("confidence");
const bars = probabilityBars(document.getElementById("bars"));
const $ = (id) => document.getElementById(id);

// What the page asks of the server besides the digit: a label to follow backward (picked, or the
// true class of a test image on the pad; else the network's answer), a unit, or a cell of a map.
let picked = null;
let testImage = null; // {index, label, prediction} of the test image on the pad, until it is drawn over or cleared
let selectedUnit = null;
let selectedCell = null; // {filter, row, column}

function asked() {
  const label = picked ?? testImage?.label;
  return {
    ...(label === undefined || label === null ? {} : { label }),
    ...(selectedUnit === null ? {} : { unit: selectedUnit }),
    ...(selectedCell === null ? {} : { cell: selectedCell }),
  };
}

function showAnswer(answer) {
  digit.textContent = answer.prediction;
  confidence.textContent = `${percent(answer.probabilities[answer.prediction])} sure`;
  bars.show(answer.probabilities, answer.prediction);
  statusLine.textContent = testImage
    ? `Test image ${testImage.index}, a ${testImage.label}. Draw over it, or Clear.`
    : "Keep drawing, or Clear to start again.";
  paint(document.getElementById("seen"), answer.input, grey);
  showWhy(answer);
  if (answer.feature_maps) showFilters(answer.feature_maps);
  else showUnits(answer.hidden);
  showBackward(answer);
}

// Why this answer: −∂L/∂x for L = −ln p of the label (the answer, unless another is chosen).
function showWhy(answer) {
  paintInputGradient($("why-picture"), answer.input_gradient);
  const label = NAMES[answer.label];
  $("why-caption").innerHTML = `Why ${answer.label === answer.prediction ? "this answer" : `not ${label}`}: the
    gradient of L = −ln p<sub>${label}</sub> by the pixels. <span class="positive">Blue</span>: more ink here
    would make the network surer of ${label}; <span class="negative">red</span>: less sure.`;
}

function showUnits(hidden) {
  const units = document.getElementById("units");
  units.replaceChildren();
  const strongest = hidden.length ? hidden[0].activation : 0;
  for (const { unit, activation } of hidden) {
    const figure = document.createElement("button");
    figure.type = "button";
    figure.className = "unit";
    figure.classList.toggle("selected", unit === selectedUnit);
    figure.title = `unit ${unit}: follow the error back into it`;
    const picture = document.createElement("canvas");
    picture.width = picture.height = 28;
    if (weightPictures) paint(picture, weightPictures[unit], weightColour);
    const strength = document.createElement("div");
    strength.className = "strength";
    const level = document.createElement("div");
    level.style.width = `${strongest > 0 ? (100 * activation) / strongest : 0}%`;
    strength.append(level);
    const caption = document.createElement("span");
    caption.className = "caption";
    caption.textContent = `unit ${unit} · ${activation.toFixed(2)}`;
    figure.append(picture, strength, caption);
    figure.addEventListener("click", () => {
      selectedUnit = unit;
      pad.again();
    });
    units.append(figure);
  }
}

// Each filter beside its feature map. White is the map's own strongest value, so that each shows
// where its filter found most; a map whose strongest is below a quarter of the strongest of all
// is drawn on that quarter's scale instead, dim, rather than blowing its faint noise up to white.
// A click on a map's cell asks for that cell's sum; the cell is then yellow.
function showFilters(maps) {
  const filters = document.getElementById("filters");
  filters.replaceChildren();
  const strongestOfAll = Math.max(...maps.map((values) => Math.max(...values)));
  const { map_width: W, map_height: H } = convolution;
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
    map.width = W;
    map.height = H;
    map.title = `filter ${f}'s feature map: click a cell to see its sum`;
    paint(map, values, (v) => grey(white > 0 ? v / white : 0), W, H);
    if (selectedCell?.filter === f) {
      const pen = map.getContext("2d");
      pen.fillStyle = "#ffd43b";
      pen.fillRect(selectedCell.column, selectedCell.row, 1, 1);
    }
    map.addEventListener("click", (event) => {
      const box = map.getBoundingClientRect();
      selectedCell = {
        filter: f,
        row: Math.min(H - 1, Math.floor(((event.clientY - box.top) / box.height) * H)),
        column: Math.min(W - 1, Math.floor(((event.clientX - box.left) / box.width) * W)),
      };
      pad.again();
    });
    const caption = document.createElement("figcaption");
    caption.textContent = `filter ${f} · strongest ${strongest.toFixed(2)}`;
    const pair = document.createElement("div");
    pair.className = "pair";
    pair.append(filter, map);
    figure.append(pair, caption);
    filters.append(figure);
  });
}

// ---------------------------------------------------------------- backward

const labels = labelPicker($("labels"), NAMES, (c) => {
  picked = c;
  pad.again();
});

function showBackward(answer) {
  labels.show(answer, testImage?.label ?? null);
  $("labels").hidden = false;
  $("backward").innerHTML = outputHtml(answer, NAMES);
  colourCells($("backward"));
  const inside = $("inside");
  if (answer.unit) {
    inside.innerHTML = `<p class="unit-title">Unit ${answer.unit.unit}, for label ${NAMES[answer.label]}</p>
      <p class="formula">Forward, it added up z = b + Σ<sub>k</sub> w<sub>k</sub> x<sub>k</sub> = ${num(answer.unit.z)}
      and passed on ${answer.unit.function}(z) = ${num(answer.unit.activation)}.</p>
      ${unitBackwardHtml(answer, NAMES)}`;
    paintUnitPictures(inside, answer);
  } else if (answer.cell) {
    const c = answer.cell;
    inside.innerHTML = `<p class="unit-title">Filter ${c.filter}, the cell at row ${c.row}, column ${c.column}
      of its feature map</p>${cellHtml(c, convolution.kernel)}`;
    colourCells(inside);
  } else {
    inside.innerHTML = `<p class="note">${convolution ? "Click a cell of a feature map above to see its sum worked out."
      : "Click a hidden unit above to follow the error into it: how much of it reaches the unit, and what a step does to its weights."}</p>`;
  }
}

function showEmpty() {
  document.body.dataset.state = "empty";
  picked = null;
  testImage = null;
  digit.textContent = "?";
  confidence.textContent = "";
  bars.clear();
  statusLine.textContent = "Draw a digit, as large as the square.";
  for (const id of ["seen", "why-picture"]) $(id).getContext("2d").clearRect(0, 0, 28, 28);
  $("why-caption").textContent = "Why this answer: where more ink would make the network surer.";
  document.getElementById("units").replaceChildren();
  document.getElementById("filters").replaceChildren();
  $("labels").hidden = true;
  $("backward").innerHTML = '<p class="note">Draw a digit, or click one of the mistakes below.</p>';
  $("inside").replaceChildren();
}

function showProblem(message) {
  showEmpty();
  statusLine.textContent = message.charAt(0).toUpperCase() + message.slice(1);
}

// ---------------------------------------------------------------- the mistakes

let mistakes = [];

async function listMistakes() {
  try {
    mistakes = await (await fetch("api/mistakes")).json();
  } catch (error) {
    $("mistakes-note").textContent = "The server does not answer: is it still running?";
    return;
  }
  $("mistakes-note").textContent = mistakes.length
    ? `The ${mistakes.length.toLocaleString("en")} test images it gets wrong, the surest first: its answer, how sure it
      was, and (the true class). Click one to put it on the pad and follow it backward for its true class.`
    : "It gets every test image right.";
  showMoreMistakes();
}

function showMoreMistakes() {
  const list = $("mistakes");
  for (const m of mistakes.slice(list.children.length, list.children.length + MISTAKES_SHOWN)) {
    const figure = digitButton(m, NAMES, "mistake");
    figure.lastChild.innerHTML = `${m.prediction} <small>${percent(m.probability)}</small> (${m.label})`;
    figure.addEventListener("click", () => {
      picked = null;
      testImage = m;
      pad.load(m.pixels);
      window.scrollTo({ top: 0, behavior: "smooth" });
    });
    list.append(figure);
  }
  $("more-mistakes").hidden = list.children.length >= mistakes.length;
}
$("more-mistakes").addEventListener("click", showMoreMistakes);

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

// A stroke over a test image makes it a drawing of one's own, whose label is not known.
$("pad").addEventListener("pointerdown", () => (testImage = null));
const pad = drawingPad(document.getElementById("pad"), document.getElementById("clear"), {
  onThinking: () => (document.body.dataset.state = "thinking"),
  onAnswer: showAnswer,
  onProblem: showProblem,
  onReady: (ok) => (document.body.dataset.state = ok ? "ready" : "error"),
  onEmpty: showEmpty,
  extra: asked,
});
await describeModel();
listMistakes();
