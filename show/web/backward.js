// Following one digit backward: what the drawing page (app.js) and the live page (live.js)
// show of an answer of POST /api/predict with a label, a unit or a cell (docs/serve.md).
//
// The server computes every number with the network's own backward pass
// (show/backward_views.py); here they are only written out. Gradients are drawn as the
// step would move things, −∂L/∂·, in the colours of the weight pictures: blue where the
// step raises a weight (or where more ink would lower the loss), red where it lowers it.

import { grey, paint, percent, weightColour } from "./draw.js";

// A number with three significant digits, the minus sign a real one, and 10⁻⁵ rather than e-5.
export function num(v, signed = false) {
  if (v === 0) return signed ? "±0" : "0";
  const size = Math.abs(v);
  let text = Number.isInteger(v) && size < 1e6 ? String(size)
    : size < 1e-3 || size >= 1e6 ? size.toExponential(2) : size.toPrecision(3);
  if (text.includes("e")) {
    const [mantissa, exponent] = text.split("e");
    const superscript = [...String(Number(exponent))].map((d) => "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"["-0123456789".indexOf(d)]).join("");
    text = `${mantissa} × 10${superscript}`;
  }
  return (v < 0 ? "−" : signed ? "+" : "") + text;
}

// A probability with as many decimals as it takes to tell it from 1 (−ln 0.999963, not −ln 1.00).
function probability(p) {
  return p > 0.995 && p < 1 ? p.toFixed(Math.min(12, Math.ceil(-Math.log10(1 - p)) + 1)) : num(p);
}

// values / their largest size: −1 … 1 for weightColour (all 0 stays 0).
function scaled(values) {
  const largest = Math.max(1e-300, ...values.map(Math.abs));
  return values.map((v) => v / largest);
}

// −∂L/∂x on a 28 × 28 canvas: blue where more ink would make the network surer of the label.
export function paintInputGradient(canvas, gradient) {
  paint(canvas, scaled(gradient.map((g) => -g)), weightColour);
}

// The ten buttons that choose the label to follow backward; onPick(c) when one is pressed.
// show(answer, trueLabel) marks the answer's label, and the true one of a test digit.
export function labelPicker(group, names, onPick) {
  const buttons = names.map((name, c) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = name;
    button.addEventListener("click", () => onPick(c));
    group.append(button);
    return button;
  });
  return {
    show(answer, trueLabel = null) {
      buttons.forEach((button, c) => {
        button.setAttribute("aria-pressed", String(c === answer.label));
        button.classList.toggle("answer", c === answer.prediction);
        button.classList.toggle("true-label", c === trueLabel);
      });
    },
  };
}

// The error at the output, p − y, class by class, and what one plain step on this digit would
// do to its loss, as HTML. names: the classes' names.
export function outputHtml(answer, names) {
  const largest = Math.max(...answer.output_error.map(Math.abs)) || 1;
  const rows = answer.output_error.map((e, c) => `<tr class="${c === answer.label ? "label" : ""}">
    <th>${names[c]}</th><td>${percent(answer.probabilities[c])}</td><td>${c === answer.label ? 1 : 0}</td>
    <td data-weight="${-e / largest}">${num(e)}</td></tr>`).join("");
  const p = answer.probabilities[answer.label];
  const change = answer.loss_after_step - answer.loss;
  return `
    <div class="output-row">
      <table class="output-error">
        <tr><th>class</th><th>p</th><th>y</th><th>p − y</th></tr>
        ${rows}
      </table>
      <div>
        <p class="formula">The error at the output, dz<sub>c</sub> = p<sub>c</sub> − y<sub>c</sub> for each class c
          (y = 1 for the label, ${names[answer.label]}, and 0 for the others): the loss L = −ln p<sub>label</sub>
          falls if the label's score z rises (<span class="positive">blue</span>: dz &lt; 0) and the others' fall
          (<span class="negative">red</span>). This error is what goes back into the network.</p>
        <p class="step-line">L = −ln p<sub>${names[answer.label]}</sub> = −ln ${probability(p)} = <b>${num(answer.loss)}</b>.
          One plain gradient step on this digit alone (every weight and bias w ← w − η·∂L/∂w, η = ${num(answer.lr)},
          no momentum) would make it <b class="${change <= 0 ? "down" : "up"}">${num(answer.loss_after_step)}</b>
          (${num(change, true)}). The network is not changed: the step is tried on a copy.</p>
      </div>
    </div>`;
}

// How the error reaches a hidden unit: its dz worked out, term by term, as HTML; then
// paintUnitPictures paints the digit and the step of its weights on the canvases it names.
export function unitBackwardHtml(answer, names) {
  const u = answer.unit;
  const back = u.backward;
  const fromClass = back.to_output;
  const who = (t) => (fromClass ? `class ${names[t.unit]}${t.unit === answer.label ? " (the label)" : ""}`
    : `unit ${t.unit} of layer 2`);
  const error = fromClass ? "(p<sub>c</sub> − y<sub>c</sub>)" : "dz<sub>u</sub>";
  const rows = back.terms.map((t) => `<tr><td>${who(t)}</td>
    <td class="num">${num(t.w)} × ${t.dz < 0 ? `(${num(t.dz)})` : num(t.dz)}</td>
    <td class="num">${num(t.wdz, true)}</td></tr>`).join("");
  const others = back.others.count ? `<tr><td colspan="2">the other ${back.others.count}
    ${fromClass ? "classes" : "units"}</td><td class="num">${num(back.others.sum, true)}</td></tr>` : "";
  const slope = u.function === "relu" ? "relu′(z)" : `${u.function}′(z)`;
  const silent = u.delta === 0 && back.slope === 0;
  const direction = u.delta < 0 ? "raising" : "lowering";
  return `
    <p class="formula">Backward: the error of the unit, dz = ∂L/∂z = ${slope} · Σ<sub>${fromClass ? "c" : "u"}</sub>
      w<sub>${fromClass ? "c" : "u"}</sub> ${error}, over the ${back.terms.length + back.others.count}
      ${fromClass ? "classes" : "units of layer 2"} its activation reaches through its weights w</p>
    <table class="terms backward-terms">
      <tr><th></th><th class="num">w × ${fromClass ? "(p − y)" : "dz"}</th><th class="num">term</th></tr>
      ${rows}${others}
      <tr class="total"><td colspan="2">Σ, the error reaching the unit</td><td class="num">${num(back.sum)}</td></tr>
      <tr class="total"><td colspan="2">${slope}, at z = ${num(u.z)}</td><td class="num">${num(back.slope)}</td></tr>
      <tr class="total delta"><td colspan="2">dz = ${slope} × Σ</td><td class="num">${num(u.delta)}</td></tr>
    </table>
    <div class="unit-pictures two">
      <figure><canvas class="unit-x" width="28" height="28"></canvas><figcaption>x: the pixels</figcaption></figure>
      <figure><canvas class="unit-dw" width="28" height="28"></canvas>
        <figcaption>−∂L/∂w = −dz · x: where the step moves its weights</figcaption></figure>
    </div>
    <p class="note">${silent
      ? `${slope} = 0: the unit did not fire (z ≤ 0), so no error passes through it. This digit changes none of
        its weights, and its bias gradient is 0.`
      : `Its weight gradient is ∂L/∂w<sub>k</sub> = x<sub>k</sub> · dz, its bias gradient dz = ${num(u.bias_gradient)}.
        A plain step moves each weight by −η · x<sub>k</sub> · dz: every pixel with ink moves its weight the same way,
        ${direction} them (${u.delta < 0 ? "blue" : "red"}), so that this digit makes the unit fire
        ${u.delta < 0 ? "more" : "less"}, which lowers L. Pixels without ink leave their weights alone.`}</p>`;
}

export function paintUnitPictures(container, answer) {
  paint(container.querySelector(".unit-x"), answer.input, grey);
  paint(container.querySelector(".unit-dw"), scaled(answer.unit.weight_gradient.map((g) => -g)), weightColour);
}

// Colour the cells that outputHtml and cellHtml mark, once they are in container: data-weight (−1 … 1) as
// weightColour, data-grey (0 … 1) as grey, the text white on dark ones. The colours are set here, from
// the script, because the pages' Content-Security-Policy lets no style attribute of HTML through.
export function colourCells(container) {
  for (const cell of container.querySelectorAll("[data-weight], [data-grey]")) {
    const [red, green, blue] = "weight" in cell.dataset ? weightColour(Number(cell.dataset.weight))
      : grey(Number(cell.dataset.grey));
    cell.style.background = `rgb(${red}, ${green}, ${blue})`;
    cell.style.color = red + green + blue < 300 ? "#fff" : "";
  }
}

// One cell of a feature map worked out: the K × K patch, the filter, their products, z, φ(z)
// and its 2 × 2 pooling window, as HTML.
export function cellHtml(cell, K) {
  // kind: "grey" for the pixels (0 … 1), "weight" for numbers of either sign, scaled to the grid's largest.
  const grid = (values, kind, digits) => {
    const largest = kind === "grey" ? 1 : Math.max(1e-300, ...values.map(Math.abs));
    const rows = [];
    for (let r = 0; r < K; r++) {
      const cells = values.slice(r * K, (r + 1) * K).map((v) => `<td data-${kind}="${v / largest}">${v.toFixed(digits)}</td>`);
      rows.push(`<tr>${cells.join("")}</tr>`);
    }
    return `<table class="cell-grid">${rows.join("")}</table>`;
  };
  const rule = cell.function === "relu" ? "relu(z) = max(z, 0)" : `${cell.function}(z)`;
  const total = cell.products.reduce((a, b) => a + b, 0);
  const window = cell.pooling;
  let pooled = "No 2 × 2 window covers this cell (a last odd row or column): the pooling leaves it out.";
  if (window) {
    const at = (k) => `row ${window.row + Math.floor(k / 2)}, column ${window.column + (k % 2)}`;
    const values = window.values.map((v, k) => (k === window.winner ? `<b>${num(v)}</b>` : num(v))).join(", ");
    pooled = `Its 2 × 2 pooling window (rows ${window.row}–${window.row + 1}, columns ${window.column}–${window.column + 1})
      holds ${values}. ${window.won
      ? "The largest is this cell's: <b class=\"down\">it won</b>, and goes on to the next layer (and gets the gradient back)."
      : `The largest is at ${at(window.winner)}: <b class="up">this cell lost</b>; the pooling drops it, and no gradient comes back to it.`}`;
  }
  return `
    <p class="formula">z = b + Σ x · w over the ${K} × ${K} patch of the image whose top left corner is at
      (row ${cell.row}, column ${cell.column}):</p>
    <div class="cell-grids">
      <figure>${grid(cell.patch, "grey", 2)}<figcaption>x: the patch</figcaption></figure>
      <figure>${grid(cell.weights, "weight", 2)}<figcaption>w: filter ${cell.filter}</figcaption></figure>
      <figure>${grid(cell.products, "weight", 3)}<figcaption>x · w</figcaption></figure>
    </div>
    <table class="terms">
      <tr><td>the bias b</td><td class="num">${num(cell.bias, true)}</td></tr>
      <tr><td>Σ x · w, the ${K * K} products</td><td class="num">${num(total, true)}</td></tr>
      <tr class="total"><td>z, the sum</td><td class="num">${num(cell.z)}</td></tr>
      <tr class="total"><td>${rule}</td><td class="num">${num(cell.activation)}</td></tr>
    </table>
    <p class="note">${pooled}</p>`;
}
