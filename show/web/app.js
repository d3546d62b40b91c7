// The drawing page: draw on a canvas, send the drawing to the Python server, show its answer.
//
// The page does no machine learning itself. While you draw, it sends the canvas as a PNG
// to POST /api/predict (at most every THROTTLE_MS, and once more when the pen lifts), and
// shows what comes back: the digit, the ten probabilities, the 28 × 28 image the network
// read, and the hidden units that fired most, each with its weight picture (all the
// pictures are fetched once, from GET /api/weights, when the page opens); for a
// convolutional network, each filter of its first convolution and the feature map it
// made of the drawing, what it found and where. body's
// data-state tells the stylesheet (and the browser test) where things stand: empty,
// thinking, ready or error.

"use strict";

const THROTTLE_MS = 150; // while drawing, ask for a prediction at most this often
const STROKE_WIDTH = 22; // pixels on the 280 × 280 canvas: about as thick, for its size, as an MNIST pen stroke
// The drawing is sent shrunk to SEND_SIZE × SEND_SIZE: the server's preprocessing is plain
// Python and takes time for every pixel, and a quarter of the pixels still gives a digit
// far sharper than the 20 × 20 it ends up as.
const SEND_SIZE = 140;

const pad = document.getElementById("pad");
const pen = pad.getContext("2d");
const statusLine = document.getElementById("status");
const digit = document.getElementById("digit");
const confidence = document.getElementById("confidence");

// ---------------------------------------------------------------- drawing

let strokePointer = null; // the pointerId of the stroke being drawn, or null
let lastPoint = null;
let drawingVersion = 0; // goes up on Clear, so that an answer about an older drawing is dropped

function clearPad() {
  pen.fillStyle = "#000"; // black, not transparent: MNIST digits are light ink on black
  pen.fillRect(0, 0, pad.width, pad.height);
  pen.strokeStyle = pen.fillStyle = "#fff";
  pen.lineWidth = STROKE_WIDTH;
  pen.lineCap = pen.lineJoin = "round";
}

function canvasPoint(event) {
  // The canvas may be shown smaller or larger than its 280 × 280 pixels.
  const box = pad.getBoundingClientRect();
  return {
    x: (event.clientX - box.left) * (pad.width / box.width),
    y: (event.clientY - box.top) * (pad.height / box.height),
  };
}

function drawTo(point) {
  pen.beginPath();
  pen.moveTo(lastPoint.x, lastPoint.y);
  pen.lineTo(point.x, point.y);
  pen.stroke();
  lastPoint = point;
}

pad.addEventListener("pointerdown", (event) => {
  if (event.button !== 0 || strokePointer !== null) return; // the main button, one stroke at a time
  event.preventDefault();
  pad.setPointerCapture(event.pointerId); // keep the stroke even if the pen leaves the square
  strokePointer = event.pointerId;
  lastPoint = canvasPoint(event);
  // A tap leaves a round dot (a line of length zero would leave nothing).
  pen.beginPath();
  pen.arc(lastPoint.x, lastPoint.y, STROKE_WIDTH / 2, 0, 2 * Math.PI);
  pen.fill();
  requestPrediction(false);
});

pad.addEventListener("pointermove", (event) => {
  if (event.pointerId !== strokePointer) return;
  // A fast pen moves further than one event per frame; the coalesced events hold every
  // point it passed, so curves stay round instead of becoming polygons.
  const coalesced = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  for (const each of coalesced.length ? coalesced : [event]) drawTo(canvasPoint(each));
  requestPrediction(false);
});

function endStroke(event) {
  if (event.pointerId !== strokePointer) return;
  strokePointer = null;
  requestPrediction(true);
}
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);

document.getElementById("clear").addEventListener("click", () => {
  clearPad();
  drawingVersion += 1;
  clearTimeout(timer);
  timer = null;
  wanted = false;
  showEmpty();
});

// ---------------------------------------------------------------- asking the server, throttled

let wanted = false; // the drawing changed since the last request was sent
let inFlight = false; // a request is on its way; its answer sends the next one if wanted
let timer = null;
let lastSent = -Infinity;

function requestPrediction(now) {
  wanted = true;
  document.body.dataset.state = "thinking";
  if (inFlight) return;
  clearTimeout(timer);
  const wait = now ? 0 : Math.max(0, lastSent + THROTTLE_MS - performance.now());
  timer = setTimeout(sendDrawing, wait);
}

function drawingAsPng() {
  const small = document.createElement("canvas");
  small.width = small.height = SEND_SIZE;
  const context = small.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(pad, 0, 0, SEND_SIZE, SEND_SIZE);
  return small.toDataURL("image/png");
}

async function sendDrawing() {
  timer = null;
  wanted = false;
  inFlight = true;
  lastSent = performance.now();
  const version = drawingVersion;
  let problem = null;
  let answer = null;
  try {
    const response = await fetch("api/predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ image: drawingAsPng() }),
    });
    answer = await response.json();
    if (!response.ok) problem = answer.error;
  } catch (error) {
    problem = "the server does not answer: is it still running?";
  }
  inFlight = false;
  const current = version === drawingVersion; // not when Clear was pressed meanwhile: that drawing is gone
  if (current && problem) showProblem(problem);
  else if (current) showAnswer(answer);
  if (wanted) requestPrediction(strokePointer === null); // drawn since: ask about the drawing as it is now
  else if (current) document.body.dataset.state = problem ? "error" : "ready";
}

// ---------------------------------------------------------------- showing the answer

const bars = [];
for (let d = 0; d < 10; d++) {
  const row = document.createElement("li");
  row.innerHTML = `<span class="label">${d}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
  document.getElementById("bars").append(row);
  bars.push({ row, fill: row.querySelector(".fill"), value: row.querySelector(".value") });
}

function percent(p) {
  return `${(100 * p).toFixed(p >= 0.9995 || p < 0.0005 ? 0 : 1)} %`;
}

function showAnswer(answer) {
  digit.textContent = answer.prediction;
  confidence.textContent = `${percent(answer.probabilities[answer.prediction])} sure`;
  answer.probabilities.forEach((p, d) => {
    bars[d].fill.style.width = `${100 * p}%`;
    bars[d].value.textContent = percent(p);
    bars[d].row.classList.toggle("best", d === answer.prediction);
  });
  statusLine.textContent = "Keep drawing, or Clear to start again.";
  paint(document.getElementById("seen"), answer.input, grey, 28, 28);
  if (answer.feature_maps) showFilters(answer.feature_maps);
  else showUnits(answer.hidden);
}

function grey(v) {
  return [255 * v, 255 * v, 255 * v];
}

function showUnits(hidden) {
  const units = document.getElementById("units");
  units.replaceChildren();
  const strongest = hidden.length ? hidden[0].activation : 0;
  for (const { unit, activation } of hidden) {
    const figure = document.createElement("figure");
    const picture = document.createElement("canvas");
    picture.width = picture.height = 28;
    if (weightPictures) paint(picture, weightPictures[unit], weightColour, 28, 28);
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

// A weight from -1 to 1 as a colour: blue for positive (ink there makes the unit fire),
// white for 0, red for negative (ink there holds it back): the colours of the training pictures.
function weightColour(w) {
  const fade = 255 * (1 - Math.abs(w));
  return w >= 0 ? [fade, fade, 255] : [255, fade, fade];
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

// Paint the width × height values of a picture, row by row, on a canvas of that size.
function paint(canvas, values, colour, width, height) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  values.forEach((v, i) => {
    image.data.set([...colour(v), 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
}

function showEmpty() {
  document.body.dataset.state = "empty";
  digit.textContent = "?";
  confidence.textContent = "";
  for (const bar of bars) {
    bar.fill.style.width = "0";
    bar.value.textContent = "";
    bar.row.classList.remove("best");
  }
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

clearPad();
showEmpty();
describeModel();
