// The live page of train.py --live: the run's figures as they change, the network's weights
// and answers every few seconds, and Pause, Resume and Step.
//
// Where everything comes from (docs/live.md describes the API):
//   GET  api/training/events   the run's state, twice a second while it trains (server-sent
//                              events), with the mini-batches since the last message
//   GET  api/weights           the first layer's weight pictures  ┐ (a CNN's: its first
//   GET  api/training/changes  or what they have learnt so far    │ convolution's filters)
//   GET  api/training/digits   the test digits and their answers  │ asked again every
//   GET  api/training/layers   each layer's health so far         ┘ REFRESH_MS, while the network changes
//   POST api/predict           the drawing; a unit's sum; the digit followed backward (backward.js):
//                              every ANSWERS_MS while training runs, at once when asked
//   GET  api/mistakes          the test images the last epoch's test got wrong (after each epoch)
//   GET  api/runs              earlier runs' test curves, drawn faintly behind this one's (once)
//   POST api/training/pause, resume, step
// body's data-state is the run's state: connecting, running, paused, finished, stopped, or
// lost while the server does not answer. The stylesheet and the browser test read it.

import {
  cellHtml, colourCells, labelPicker, outputHtml, paintInputGradient, paintUnitPictures, unitBackwardHtml,
} from "./backward.js";
import { drawChart } from "./chart.js";
import { digitButton, drawingPad, grey, paint, percent, pngOf, predict, probabilityBars, SIDE, weightColour } from "./draw.js";
import { drawHealth, flatWords } from "./health.js";

const REFRESH_MS = 4000; // the weight pictures and the answers are asked for again at most this often (as the server makes them)
// While training runs, a digit followed backward is asked for again at most this often: each answer tries
// a step of every weight on a copy of the network, work the server's thread takes from training.
const ANSWERS_MS = 8000;
const MISTAKES_SHOWN = 30; // small pictures of the last test's mistakes, the surest first
// The earlier runs' colours: none of them the current run's (indigo, black, orange).
const EARLIER_COLOURS = ["#0f9d8a", "#c2255c", "#5c940d", "#b08900", "#8c6d46"];
const EARLIER_HIDDEN = "live-earlier-runs-hidden"; // remembered in localStorage when they are hidden

let run = null; // the last state the server sent
const points = []; // every mini-batch received, in order: {step, loss, accuracy}
let classNames = [..."0123456789"];
let refreshed = { version: null, at: -Infinity }; // when the pictures and answers were last asked for
let answered = -Infinity; // when the unit's sum and the drawing were last asked for
let refreshing = false;
let askedMeanwhile = null; // a refresh asked for now (a switch pressed, a Step) while one was under way: {anyway}
let tilesFrom = "api/weights"; // or "api/training/changes"
let selectedUnit = null; // the hidden unit whose sum is shown (a CNN: the filter whose feature map is shown)
let digitFor = null; // the digit it is shown for: {request: {pixels} or {image}, title, label (a test digit's)}
let following = false; // a unit, a digit or a drawing has been chosen: the digit is followed backward too
let pickedLabel = null; // the label picked to follow it back for (else a test digit's own, or the answer)
let selectedCell = null; // a CNN: the cell {filter, row, column} of a feature map whose sum is shown
let health = null; // the layers' health from api/training/layers
let drawing = null; // the drawing's request {image}, once something is drawn
let convolution = null; // a CNN's first convolution {filters, kernel, map_height, map_width}; null for a dense network
let activationName = "relu"; // φ, the hidden layers' activation
let earlier = []; // the earlier runs from api/runs, newest first, each with its colour and whether it is drawn

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- the run's state

let events = null;

function listen() {
  events = new EventSource("api/training/events");
  events.onmessage = (message) => show(JSON.parse(message.data));
  events.onerror = () => {
    // The browser tries again by itself; the page says so meanwhile.
    if (run?.state !== "stopped") setState("lost");
  };
}

// A browser keeps about six connections to one server, and every open page holds one for
// its events: a page out of sight lets go of its own.
document.addEventListener("visibilitychange", () => {
  if (document.hidden && events) {
    events.close();
    events = null;
  } else if (!document.hidden && !events && run?.state !== "stopped") {
    listen();
    refresh(true);
  }
});

function show(state) {
  const newEpoch = !run || run.history.length !== state.history.length;
  const newStep = state.last_step && JSON.stringify(state.last_step) !== JSON.stringify(run?.last_step);
  run = state;
  const last = points.length ? points[points.length - 1].step : -Infinity;
  points.push(...state.recent.filter((p) => p.step > last));
  setState(state.state);
  showFigures(state);
  redrawChart();
  if (newStep) showStep(state.last_step);
  if (newEpoch) showConfusion(state);
  if (newEpoch) showDiagnoses(state);
  if (newEpoch) listMistakes();
  if (state.state === "stopped" && events) {
    events.close(); // for good: the server is going away
    events = null;
  }
}

function setState(state) {
  document.body.dataset.state = state;
  const words = {
    running: run?.pausing ? "pausing…" : "training",
    paused: "paused",
    finished: "finished",
    stopped: "stopped",
    lost: "no connection",
  };
  $("state").textContent = words[state] ?? state;
  $("problem").textContent = {
    lost: "The server does not answer: is train.py --live still running? The page will reconnect by itself.",
    stopped: run?.stop_reason
      ? `Training stopped: ${run.stop_reason}.`
      : "train.py has stopped (Ctrl-C in the terminal): the page shows the network as it last was.",
  }[state] ?? "";
  $("notice").textContent = state === "finished"
    ? "Training has finished and the model is saved: these are the results. Ctrl-C in the terminal ends it." : "";
  const live = run && ["running", "paused"].includes(state);
  $("pause").disabled = !live || state !== "running" || run.pausing;
  $("resume").disabled = !live || state !== "paused";
  $("step").disabled = !live || state !== "paused";
}

function showFigures(state) {
  $("epoch").textContent = `${state.epoch} / ${state.epochs}`;
  $("batch").textContent = `${state.batch} / ${state.batches_per_epoch}`;
  $("images-seen").textContent = state.images_seen.toLocaleString("en");
  $("speed").textContent = state.images_per_second ? Math.round(state.images_per_second).toLocaleString("en") : "–";
  $("left").textContent = state.history.length === state.epochs ? "done" : duration(state.seconds_left);
  $("lr").textContent = state.lr === null ? "–" : Number(state.lr.toPrecision(3)).toString();
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, "0")} min`;
}

let chartWanted = false;
function redrawChart() {
  if (chartWanted) return; // once per frame at most, however many messages come
  chartWanted = true;
  requestAnimationFrame(() => {
    chartWanted = false;
    if (run) {
      const behind = $("show-earlier").checked ? earlier.filter((r) => r.drawn) : [];
      drawChart($("chart"), {
        points, history: run.history, epochs: run.epochs, batchesPerEpoch: run.batches_per_epoch, earlier: behind,
      });
      $("chart").dataset.points = points.length; // how many mini-batches it shows (the browser test reads it)
      $("chart").dataset.earlier = behind.length; // and how many earlier runs behind them
    }
  });
}
window.addEventListener("resize", redrawChart);

// ---------------------------------------------------------------- earlier runs, behind this one

// Ask once which earlier runs to draw (the server chooses: docs/live.md), and list them
// under the chart, each with its colour, what differs from this run, and a box to hide it.
async function loadEarlierRuns() {
  let answer;
  try {
    answer = await (await fetch("api/runs")).json();
  } catch (error) {
    return; // no earlier runs, then: the chart is the same without them
  }
  earlier = (answer.runs ?? []).map((r, i) => ({ ...r, colour: EARLIER_COLOURS[i % EARLIER_COLOURS.length], drawn: true }));
  if (!answer.folder) return;
  $("earlier").hidden = false;
  $("earlier-runs").replaceChildren(...earlier.map(earlierRunItem));
  const where = `${answer.folder}/`;
  const dataset = String(answer.dataset).toUpperCase();
  $("earlier-rule").textContent = earlier.length
    ? `The ${earlier.length === 1 ? "last finished run" : `last ${earlier.length} finished runs`} of ${dataset} in ${where}`
      + ` (at most ${answer.at_most}), newest first, with what they did differently from this one.`
      + " Hover over a run for its command."
    : `No finished run of ${dataset} in ${where} yet to draw behind this one. Every run of train.py leaves its`
      + " record there: the next run's page will draw this one.";
  $("show-earlier").disabled = earlier.length === 0;
  redrawChart();
}

function earlierRunItem(r) {
  const item = document.createElement("li");
  const label = document.createElement("label");
  label.title = `${r.command}\nstarted ${r.started} · ${r.file}`;
  const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: true });
  box.addEventListener("change", () => {
    r.drawn = box.checked;
    redrawChart();
  });
  const swatch = document.createElement("span");
  swatch.className = "line-swatch";
  swatch.style.background = r.colour;
  const name = document.createElement("b");
  name.textContent = r.name;
  const after = ` after ${r.epochs} epoch${r.epochs === 1 ? "" : "s"}`;
  label.append(box, swatch, name, ` · ${r.differs || "the same settings"} · ${percent(r.final_test_accuracy)}${after}`);
  item.append(label);
  return item;
}

$("show-earlier").checked = localStorage.getItem(EARLIER_HIDDEN) === null;
$("show-earlier").addEventListener("change", () => {
  if ($("show-earlier").checked) localStorage.removeItem(EARLIER_HIDDEN);
  else localStorage.setItem(EARLIER_HIDDEN, "yes");
  $("earlier-runs").classList.toggle("off", !$("show-earlier").checked);
  redrawChart();
});
$("earlier-runs").classList.toggle("off", !$("show-earlier").checked);

function showStep(step) {
  const change = step.loss_after - step.loss_before;
  $("step-result").innerHTML = `
    <p class="step-where">Epoch ${step.epoch}, mini-batch ${step.batch}: one update of every weight and bias.</p>
    <table class="step-table">
      <tr><th></th><th>before</th><th>after</th></tr>
      <tr><th>loss on this mini-batch</th><td>${step.loss_before.toFixed(4)}</td><td>${step.loss_after.toFixed(4)}</td></tr>
      <tr><th>right answers in it</th><td>${percent(step.accuracy_before)}</td><td>${percent(step.accuracy_after)}</td></tr>
    </table>
    <p class="step-change ${change <= 0 ? "down" : "up"}">The loss went ${change <= 0 ? "down" : "up"} by
      ${Math.abs(change).toFixed(4)}.</p>
    <p class="note">Each weight moved a little against its gradient, the direction in which the loss on
      these images grows: so on these same images the loss is now ${change <= 0 ? "lower" : "higher (the step overshot)"}.</p>`;
}

// What training noticed after each epoch (network/diagnosis.py): newest first, a sign once
// for as long as it lasts, as in the terminal.
function showDiagnoses(state) {
  const list = $("diagnoses");
  list.replaceChildren();
  let before = [];
  const said = [];
  for (const h of state.history) {
    const found = h.diagnoses ?? [];
    for (const d of found) {
      if (!before.some((b) => b.kind === d.kind)) said.push({ epoch: h.epoch, message: d.message });
    }
    before = found;
  }
  for (const { epoch, message } of said.reverse()) {
    const item = document.createElement("li");
    const when = document.createElement("strong");
    when.textContent = `After epoch ${epoch}: `;
    item.append(when, message.charAt(0).toUpperCase() + message.slice(1));
    list.append(item);
  }
  $("diagnoses-card").hidden = said.length === 0;
}

function showConfusion(state) {
  const h = state.history[state.history.length - 1];
  if (!state.confusion || !h) return;
  const table = document.createElement("table");
  table.className = "confusion";
  const head = table.insertRow();
  head.insertCell().outerHTML = '<th class="corner">true ↓<br>answer →</th>';
  for (const name of classNames) head.insertCell().outerHTML = `<th>${name}</th>`;
  state.confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const line = table.insertRow();
    line.insertCell().outerHTML = `<th>${classNames[t]}</th>`;
    row.forEach((count, p) => {
      const cell = line.insertCell();
      cell.textContent = count || "";
      // Right answers green by their share of the row; mistakes red, four times as strong to be seen.
      const share = t === p ? count / total : Math.min(1, (4 * count) / total);
      cell.style.background = t === p ? `rgba(30, 150, 80, ${share * 0.55})` : `rgba(215, 48, 31, ${share * 0.55})`;
    });
  });
  $("confusion").replaceChildren(table);
  const caption = document.createElement("p");
  caption.className = "note";
  caption.textContent = `After epoch ${h.epoch}, on ${state.confusion.flat().reduce((a, b) => a + b, 0)
    .toLocaleString("en")} test images: ${percent(h.test_accuracy)} right. Each row is a true class; the numbers
    off the diagonal are the mistakes.`;
  $("confusion").append(caption);
}

// ---------------------------------------------------------------- Pause, Resume, Step

async function control(action) {
  for (const id of ["pause", "resume", "step"]) $(id).disabled = true; // one control at a time
  try {
    const response = await fetch(`api/training/${action}`, { method: "POST" });
    const answer = await response.json();
    if (response.ok) {
      show(answer);
      if (action === "step") refresh(true); // show what the step did to the pictures and answers now
    } else {
      $("problem").textContent = answer.error;
      if (run) setState(run.state);
    }
  } catch (error) {
    setState("lost");
  }
}
for (const action of ["pause", "resume", "step"]) $(action).addEventListener("click", () => control(action));

// ---------------------------------------------------------------- pictures and answers, every few seconds

// Ask again for what changed since the last time, if REFRESH_MS have passed (ANSWERS_MS for
// the unit's sum and the drawing, while training runs): now, even so, after a Step; and all
// of it, even while paused, when asked to. Asked now while a refresh is under way (the switch
// pressed), it comes right after that one.
async function refresh(now = false, anyway = false) {
  if (!run || document.hidden) return; // a page out of sight asks for nothing
  if (refreshing) {
    if (now || anyway) askedMeanwhile = { anyway: anyway || askedMeanwhile?.anyway === true };
    return;
  }
  const due = now || anyway || performance.now() - refreshed.at >= REFRESH_MS;
  if (!due || (run.version === refreshed.version && !anyway)) return;
  refreshing = true;
  refreshed = { version: run.version, at: performance.now() };
  try {
    const [weights, digits, layers] = await Promise.all([
      fetch(tilesFrom).then((r) => r.json()),
      fetch("api/training/digits").then((r) => r.json()),
      fetch("api/training/layers").then((r) => r.json()),
    ]);
    showTiles(convolution ? weights.filters : weights.weights);
    showDigits(digits.digits);
    showHealth(layers);
    if (now || anyway || run.state !== "running" || performance.now() - answered >= ANSWERS_MS) {
      answered = performance.now();
      await Promise.all([showUnit(), drawing ? askAboutDrawing() : null]);
    }
  } catch (error) {
    // the event stream says when the server is gone
  }
  refreshing = false;
  if (askedMeanwhile) {
    const { anyway: all } = askedMeanwhile;
    askedMeanwhile = null;
    refresh(true, all);
  }
}
setInterval(refresh, 500);

for (const [id, from] of [["show-weights", "api/weights"], ["show-changes", "api/training/changes"]]) {
  $(id).addEventListener("click", () => {
    tilesFrom = from;
    $("show-weights").setAttribute("aria-pressed", String(from === "api/weights"));
    $("show-changes").setAttribute("aria-pressed", String(from !== "api/weights"));
    $("tiles-weights").hidden = from !== "api/weights";
    $("tiles-changes").hidden = from === "api/weights";
    refresh(true, true);
  });
}

// One tile per hidden unit (28 × 28 weights) or, for a CNN, per filter of its first convolution (K × K).
function showTiles(weights) {
  const tiles = $("tiles");
  const side = convolution ? convolution.kernel : SIDE;
  if (tiles.children.length !== weights.length) {
    tiles.replaceChildren(...weights.map((_, j) => {
      const tile = document.createElement("button");
      tile.type = "button";
      tile.className = "tile";
      tile.title = `${convolution ? "filter" : "unit"} ${j}`;
      tile.append(Object.assign(document.createElement("canvas"), { width: side, height: side }));
      tile.addEventListener("click", () => {
        selectedUnit = j;
        selectedCell = null;
        following = true;
        for (const t of tiles.children) t.classList.toggle("selected", t === tile);
        showUnit();
      });
      return tile;
    }));
  }
  weights.forEach((w, j) => paint(tiles.children[j].firstChild, w, weightColour, side, side));
}

function showDigits(digits) {
  const panel = $("digits");
  if (panel.children.length !== digits.length) {
    panel.replaceChildren(...digits.map((d) => {
      const figure = digitButton(d, classNames, "digit");
      figure.addEventListener("click", () => follow({ request: { pixels: d.pixels }, title: figure.title, label: d.label }));
      return figure;
    }));
    digitFor ??= { request: { pixels: digits[0].pixels }, title: panel.children[0].title, label: digits[0].label };
  }
  digits.forEach((d, i) => {
    const figure = panel.children[i];
    const right = d.prediction === d.label;
    figure.classList.toggle("right", right);
    figure.classList.toggle("wrong", !right);
    figure.lastChild.textContent = `${classNames[d.prediction]} ${right ? "✓" : "✗"}`;
  });
}

// ---------------------------------------------------------------- the test images it gets wrong

async function listMistakes() {
  let mistakes;
  try {
    mistakes = await (await fetch("api/mistakes")).json();
  } catch (error) {
    return; // the event stream says when the server is gone
  }
  const epoch = run.history.length;
  $("mistakes-note").textContent = mistakes.length
    ? `After epoch ${epoch}: ${mistakes.length.toLocaleString("en")} test images wrong, the surest first: the
      answer, how sure, (the true class).${mistakes.length > MISTAKES_SHOWN ? ` The first ${MISTAKES_SHOWN}:` : ""}
      Click one to look inside for it.`
    : `After epoch ${epoch}: every test image right.`;
  $("mistakes").replaceChildren(...mistakes.slice(0, MISTAKES_SHOWN).map((m) => {
    const figure = digitButton(m, classNames, "digit wrong mistake");
    figure.lastChild.innerHTML = `${classNames[m.prediction]} <small>${percent(m.probability)}</small>
      (${classNames[m.label]})`;
    figure.addEventListener("click", () => follow({ request: { pixels: m.pixels }, title: figure.title, label: m.label }));
    return figure;
  }));
}

// ---------------------------------------------------------------- each layer's health

function showHealth(layers) {
  if (health && health.records.length === layers.records.length) return; // no new look since: nothing to draw
  health = layers;
  $("flat-words").textContent = flatWords(layers.activation);
  if (run) drawHealth($("health"), health, run.epochs);
  $("health").dataset.records = layers.records.length; // how many looks it shows (the browser test reads it)
}
window.addEventListener("resize", () => health && run && drawHealth($("health"), health, run.epochs));

// ---------------------------------------------------------------- inside one unit, and backward

// Look inside for another digit (a test digit, a mistake), from its own label.
function follow(digit) {
  digitFor = digit;
  pickedLabel = null;
  following = true;
  showUnit();
}

let labels = null; // the label picker, made once the classes' names are known

// What POST api/predict is asked about the digit: its label, and the unit or the cell shown.
function askedAbout() {
  const label = pickedLabel ?? digitFor.label;
  return {
    ...digitFor.request,
    ...(label === undefined ? {} : { label }),
    ...(selectedUnit === null || convolution ? {} : { unit: selectedUnit }),
    ...(selectedCell === null ? {} : { cell: selectedCell }),
  };
}

function showBackward(answer) {
  $("backward-card").hidden = false;
  labels ??= labelPicker($("labels"), classNames, (c) => {
    pickedLabel = c;
    showUnit();
  });
  labels.show(answer, digitFor.label ?? null);
  $("backward").innerHTML = `<p class="unit-title">${digitFor.title.charAt(0).toUpperCase() + digitFor.title.slice(1)},
    label ${classNames[answer.label]}</p>${outputHtml(answer, classNames)}`;
  colourCells($("backward"));
}

async function showUnit() {
  if (!digitFor || !following) return;
  if (convolution) return showFilter(selectedUnit);
  const { answer, problem } = await predict(askedAbout());
  if (problem) {
    $("unit").textContent = problem;
    return;
  }
  showBackward(answer);
  if (selectedUnit === null) return;
  const u = answer.unit;
  const fmt = (v) => (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(3);
  const rows = u.terms.map((t) => `<tr><td>pixel (${Math.floor(t.pixel / 28)}, ${t.pixel % 28})</td>
    <td class="num">${t.w.toFixed(3)} × ${t.x.toFixed(2)}</td><td class="num">${fmt(t.wx)}</td></tr>`).join("");
  const others = u.others.count ? `<tr><td colspan="2">the other ${u.others.count} pixels with ink</td>
    <td class="num">${fmt(u.others.sum)}</td></tr>` : "";
  // (row, column) of a pixel counts from 0 at the top left, as the 784 inputs are laid out
  const rule = u.function === "relu" ? "relu(z) = max(z, 0)" : `${u.function}(z)`;
  $("unit").innerHTML = `
    <p class="unit-title">Unit ${u.unit}, for ${digitFor.title}</p>
    <div class="unit-pictures">
      <figure><canvas id="unit-x" width="28" height="28"></canvas><figcaption>x: the pixels</figcaption></figure>
      <figure><canvas id="unit-w" width="28" height="28"></canvas><figcaption>w: its weights</figcaption></figure>
      <figure><canvas id="unit-wx" width="28" height="28"></canvas><figcaption>w × x, pixel by pixel</figcaption></figure>
    </div>
    <p class="formula">Forward: z = b + Σ<sub>k</sub> w<sub>k</sub> x<sub>k</sub>, over the 784 pixels k
      (x<sub>k</sub> = 0 where there is no ink: those terms are 0)</p>
    <table class="terms">
      <tr><th></th><th class="num">w<sub>k</sub> × x<sub>k</sub></th><th class="num">term</th></tr>
      <tr><td>the bias b</td><td></td><td class="num">${fmt(u.bias)}</td></tr>
      ${rows}${others}
      <tr class="total"><td colspan="2">z, the sum</td><td class="num">${u.z.toFixed(3)}</td></tr>
      <tr class="total"><td colspan="2">${rule}</td><td class="num">${u.activation.toFixed(3)}</td></tr>
    </table>
    <p class="note">${u.activation > 0 ? "It fires: the ink falls more on its blue weights than on its red ones."
      : "It stays silent: the ink falls more on its red weights than on its blue ones."}</p>`;
  const largest = (values) => Math.max(1e-12, ...values.map(Math.abs));
  const w = largest(u.weights);
  const products = u.weights.map((wi, i) => wi * answer.input[i]);
  const wx = largest(products);
  paint($("unit-x"), answer.input, grey);
  paint($("unit-w"), u.weights.map((v) => v / w), weightColour);
  paint($("unit-wx"), products.map((v) => v / wx), weightColour);
  $("inside").innerHTML = `<p class="unit-title">Unit ${u.unit}, backward, for label ${classNames[answer.label]}</p>
    ${unitBackwardHtml(answer, classNames)}`;
  paintUnitPictures($("inside"), answer);
}

// ---------------------------------------------------------------- inside one filter (a CNN)

// Filter f's feature map for the current digit: at each place where the K × K filter fits,
// its weighted sum of the pixels under it, through φ (the answer's feature_maps, as the
// network computed them), beside the digit and the filter's weights; the place where it
// found most is framed on the digit.
async function showFilter(f) {
  const [{ answer, problem }, pictures] = await Promise.all([
    predict(askedAbout()), fetch("api/weights").then((r) => r.json()),
  ]);
  if (problem) {
    $("unit").textContent = problem;
    return;
  }
  showBackward(answer);
  if (f === null) return;
  const { kernel: K, map_height: H, map_width: W } = convolution;
  const map = answer.feature_maps[f];
  const strongest = Math.max(...map);
  const at = map.indexOf(strongest);
  const [row, column] = [Math.floor(at / W), at % W];
  const found = map.filter((v) => v > 0).length;
  const rule = activationName === "relu" ? "relu(z) = max(z, 0)" : `${activationName}(z)`;
  $("unit").innerHTML = `
    <p class="unit-title">Filter ${f}, for ${digitFor.title}</p>
    <div class="unit-pictures">
      <figure><canvas id="unit-x" width="${SIDE}" height="${SIDE}"></canvas><figcaption>x: the pixels</figcaption></figure>
      <figure><canvas id="unit-w" width="${K}" height="${K}"></canvas><figcaption>w: its ${K} × ${K} weights</figcaption></figure>
      <figure><canvas id="unit-map" width="${W}" height="${H}"></canvas><figcaption>its feature map, ${H} × ${W}</figcaption></figure>
    </div>
    <p class="formula">At each of the ${H} × ${W} places where the filter fits on the image:
      z = b + Σ<sub>k</sub> w<sub>k</sub> x<sub>k</sub> over the ${K * K} pixels k under it, and the map holds ${rule}.</p>
    <table class="terms">
      <tr><td>strongest, at row ${row}, column ${column} (framed on the digit)</td><td class="num">${strongest.toFixed(3)}</td></tr>
      <tr><td>places where it found something (above 0)</td><td class="num">${found} of ${H * W}</td></tr>
    </table>
    <p class="note">The map is bright where the ink under the filter falls on its blue weights more than on its
      red ones. The layers after it read these maps, not the pixels: a filter has no single sum to show.</p>`;
  paint($("unit-x"), answer.input, grey);
  const pen = $("unit-x").getContext("2d");
  pen.strokeStyle = "#ffd43b";
  pen.strokeRect(column - 0.5, row - 0.5, K + 1, K + 1);
  paint($("unit-w"), pictures.filters[f], weightColour, K, K);
  paint($("unit-map"), map, (v) => grey(strongest > 0 ? Math.max(v, 0) / strongest : 0), W, H);
  const cell = answer.cell?.filter === f ? answer.cell : null;
  if (cell) {
    const mark = $("unit-map").getContext("2d");
    mark.fillStyle = "#ffd43b";
    mark.fillRect(cell.column, cell.row, 1, 1);
  }
  $("unit-map").title = "click a cell to see its sum";
  $("unit-map").addEventListener("click", (event) => {
    const box = $("unit-map").getBoundingClientRect();
    selectedCell = {
      filter: f,
      row: Math.min(H - 1, Math.floor(((event.clientY - box.top) / box.height) * H)),
      column: Math.min(W - 1, Math.floor(((event.clientX - box.left) / box.width) * W)),
    };
    showUnit();
  });
  $("inside").innerHTML = cell ? `<p class="unit-title">Filter ${f}, the cell at row ${cell.row}, column ${cell.column}
    of its feature map</p>${cellHtml(cell, K)}` : '<p class="note">Click a cell of the feature map to see its sum.</p>';
  colourCells($("inside"));
}

// ---------------------------------------------------------------- the drawing

const bars = probabilityBars($("bars"));

function showAnswer(answer) {
  $("digit").textContent = classNames[answer.prediction];
  $("confidence").textContent = `${percent(answer.probabilities[answer.prediction])} sure`;
  bars.show(answer.probabilities, answer.prediction);
  paintInputGradient($("why-picture"), answer.input_gradient);
  const name = classNames[answer.prediction];
  $("why-caption").innerHTML = `Why ${name}: the gradient of L = −ln p<sub>${name}</sub> by the pixels.
    <span class="positive">Blue</span>: more ink here would make the network surer of ${name};
    <span class="negative">red</span>: less sure.`;
}

async function askAboutDrawing() {
  const { answer } = await predict(drawing);
  if (answer && drawing) showAnswer(answer);
}

drawingPad($("pad"), $("clear"), {
  onThinking: () => {},
  onAnswer: (answer) => {
    showAnswer(answer);
    $("status").textContent = "Read by the network as it is now. Keep drawing, or Clear.";
    drawing = { image: pngOf($("pad")) };
    if (digitFor?.title !== "your drawing") pickedLabel = null; // the drawing now: followed back from its answer
    digitFor = { request: drawing, title: "your drawing" };
    following = true;
    showUnit();
  },
  onProblem: (message) => ($("status").textContent = message.charAt(0).toUpperCase() + message.slice(1)),
  onReady: () => {},
  onEmpty: () => {
    drawing = null;
    $("why-picture").getContext("2d").clearRect(0, 0, SIDE, SIDE);
    $("digit").textContent = "?";
    $("confidence").textContent = "";
    bars.clear();
    $("status").textContent = "Draw a digit: the network reads it as it is now.";
  },
});

// ---------------------------------------------------------------- start

async function describeModel() {
  try {
    const model = await (await fetch("api/model")).json();
    if (model.class_names) classNames = model.class_names;
    activationName = model.activation;
    convolution = model.convolutions[0] ?? null;
    document.body.classList.toggle("cnn", convolution !== null); // the words for filters instead of units
    if (convolution) {
      for (const each of document.querySelectorAll(".kernel-size")) each.textContent = `${convolution.kernel} × ${convolution.kernel}`;
    }
    const layers = convolution ? model.layers : model.sizes.join(" → ");
    const parts = [`Model: ${layers}`, `learning ${String(model.dataset).toUpperCase()}`];
    $("model").textContent = parts.join(" · ");
    if (model.dataset !== "mnist") document.body.classList.add("not-digits"); // nothing to draw: no pad
  } catch (error) {
    $("model").textContent = "The server does not answer: is train.py --live still running?";
  }
}

await describeModel();
listen();
loadEarlierRuns();
