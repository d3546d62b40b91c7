// Drawing a digit and asking the network about it: what the drawing page (app.js) and
// train.py's live page (live.js) share, as an ES module.
//
// The pages do no machine learning themselves. While you draw, the drawing is sent as a
// PNG to POST /api/predict (at most every THROTTLE_MS, and once more when the pen lifts),
// and what comes back goes to the page's own onAnswer. The rest are small helpers to
// show answers: the ten probability bars, 28 × 28 pictures painted on a canvas, and the
// colours of weights.

const THROTTLE_MS = 150; // while drawing, ask for a prediction at most this often
const STROKE_WIDTH = 22; // pixels on the 280 × 280 canvas: about as thick, for its size, as an MNIST pen stroke
// The drawing is sent shrunk to SEND_SIZE × SEND_SIZE: the server's preprocessing is plain
// Python and takes time for every pixel, and a quarter of the pixels still gives a digit
// far sharper than the 20 × 20 it ends up as.
const SEND_SIZE = 140;
export const SIDE = 28; // the network reads SIDE × SIDE images

// The drawing on canvas as the PNG data URL the server is sent, SEND_SIZE pixels square.
export function pngOf(canvas) {
  const small = document.createElement("canvas");
  small.width = small.height = SEND_SIZE;
  const context = small.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(canvas, 0, 0, SEND_SIZE, SEND_SIZE);
  return small.toDataURL("image/png");
}

// The drawing pad on canvas, with a Clear button. Calls, as things happen:
//   onThinking()               the drawing changed: an answer is on its way
//   onAnswer(answer)           the server's answer about the drawing as it was sent
//   onProblem(message)         the server refused, or did not answer
//   onReady(ok)                no more answers to wait for (ok: the last one was an answer)
//   onEmpty()                  Clear was pressed
// and asks extra() for what else each request asks (a label, a unit: {} without it).
// Returns {clear(), load(pixels), again()}: empty the pad; put a 28 × 28 image (0-255) on it,
// which is then sent as those very pixels until a stroke is drawn over it; ask again about
// what is on the pad (the page wants something else of it).
export function drawingPad(canvas, clearButton, { onThinking, onAnswer, onProblem, onReady, onEmpty, extra = () => ({}) }) {
  const pen = canvas.getContext("2d");
  let strokePointer = null; // the pointerId of the stroke being drawn, or null
  let lastPoint = null;
  let drawingVersion = 0; // goes up on Clear, so that an answer about an older drawing is dropped
  let wanted = false; // the drawing changed since the last request was sent
  let inFlight = false; // a request is on its way; its answer sends the next one if wanted
  let timer = null;
  let lastSent = -Infinity;
  let loaded = null; // {pixels} of an image put on the pad with load(), until a stroke is drawn over it
  let empty = true;

  function blank() {
    pen.fillStyle = "#000"; // black, not transparent: MNIST digits are light ink on black
    pen.fillRect(0, 0, canvas.width, canvas.height);
    pen.strokeStyle = pen.fillStyle = "#fff";
    pen.lineWidth = STROKE_WIDTH;
    pen.lineCap = pen.lineJoin = "round";
  }

  function canvasPoint(event) {
    // The canvas may be shown smaller or larger than its 280 × 280 pixels.
    const box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height),
    };
  }

  function drawTo(point) {
    pen.beginPath();
    pen.moveTo(lastPoint.x, lastPoint.y);
    pen.lineTo(point.x, point.y);
    pen.stroke();
    lastPoint = point;
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || strokePointer !== null) return; // the main button, one stroke at a time
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId); // keep the stroke even if the pen leaves the square
    strokePointer = event.pointerId;
    loaded = null;
    empty = false;
    lastPoint = canvasPoint(event);
    // A tap leaves a round dot (a line of length zero would leave nothing).
    pen.beginPath();
    pen.arc(lastPoint.x, lastPoint.y, STROKE_WIDTH / 2, 0, 2 * Math.PI);
    pen.fill();
    ask(false);
  });

  canvas.addEventListener("pointermove", (event) => {
    if (event.pointerId !== strokePointer) return;
    // A fast pen moves further than one event per frame; the coalesced events hold every
    // point it passed, so curves stay round instead of becoming polygons.
    const coalesced = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const each of coalesced.length ? coalesced : [event]) drawTo(canvasPoint(each));
    ask(false);
  });

  function endStroke(event) {
    if (event.pointerId !== strokePointer) return;
    strokePointer = null;
    ask(true);
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  function reset() {
    blank();
    drawingVersion += 1;
    clearTimeout(timer);
    timer = null;
    wanted = false;
    loaded = null;
    empty = true;
  }

  function clear() {
    reset();
    onEmpty();
  }
  clearButton.addEventListener("click", clear);

  function load(pixels) {
    reset();
    const image = document.createElement("canvas");
    image.width = image.height = SIDE;
    paint(image, pixels.map((v) => v / 255), grey);
    pen.imageSmoothingEnabled = false; // the image's very pixels, each a 10 × 10 square
    pen.drawImage(image, 0, 0, canvas.width, canvas.height);
    loaded = { pixels };
    empty = false;
    ask(true);
  }

  function again() {
    if (!empty) ask(true);
  }

  function ask(now) {
    wanted = true;
    onThinking();
    if (inFlight) return;
    clearTimeout(timer);
    const wait = now ? 0 : Math.max(0, lastSent + THROTTLE_MS - performance.now());
    timer = setTimeout(send, wait);
  }

  async function send() {
    timer = null;
    wanted = false;
    inFlight = true;
    lastSent = performance.now();
    const version = drawingVersion;
    const { answer, problem } = await predict({ ...(loaded ?? { image: pngOf(canvas) }), ...extra() });
    inFlight = false;
    const current = version === drawingVersion; // not when Clear was pressed meanwhile: that drawing is gone
    if (current && problem) onProblem(problem);
    else if (current) onAnswer(answer);
    if (wanted) ask(strokePointer === null); // drawn since: ask about the drawing as it is now
    else if (current) onReady(!problem);
  }

  blank();
  onEmpty();
  return { clear, load, again };
}

// POST /api/predict with request ({image} or {pixels}, and perhaps {unit, label, lr, cell}): {answer} or {problem}.
export async function predict(request) {
  try {
    const response = await fetch("api/predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    const answer = await response.json();
    return response.ok ? { answer } : { problem: answer.error };
  } catch (error) {
    return { problem: "the server does not answer: is it still running?" };
  }
}

// The ten probability bars, made in the list element list: show(probabilities, best), clear().
export function probabilityBars(list, names = [...Array(10).keys()]) {
  const bars = names.map((name) => {
    const row = document.createElement("li");
    row.innerHTML = '<span class="label"></span><span class="track"><span class="fill"></span></span><span class="value"></span>';
    row.querySelector(".label").textContent = name;
    list.append(row);
    return { row, fill: row.querySelector(".fill"), value: row.querySelector(".value") };
  });
  return {
    show(probabilities, best) {
      probabilities.forEach((p, d) => {
        bars[d].fill.style.width = `${100 * p}%`;
        bars[d].value.textContent = percent(p);
        bars[d].row.classList.toggle("best", d === best);
      });
    },
    clear() {
      for (const bar of bars) {
        bar.fill.style.width = "0";
        bar.value.textContent = "";
        bar.row.classList.remove("best");
      }
    },
  };
}

// A button showing test image digit ({index, label, pixels 0-255}), titled "test image 7, a 9"
// with names[label], with an empty caption (its last child) for the page to fill.
export function digitButton(digit, names, className) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.title = `test image ${digit.index}, a ${names[digit.label]}`;
  const picture = Object.assign(document.createElement("canvas"), { width: SIDE, height: SIDE });
  paint(picture, digit.pixels.map((v) => v / 255), grey);
  button.append(picture, document.createElement("span"));
  return button;
}

export function percent(p) {
  return `${(100 * p).toFixed(p >= 0.9995 || p < 0.0005 ? 0 : 1)} %`;
}

// A weight from -1 to 1 as a colour: blue for positive (ink there makes the unit fire),
// white for 0, red for negative (ink there holds it back): the colours of the training pictures.
export function weightColour(w) {
  const fade = 255 * (1 - Math.min(1, Math.abs(w)));
  return w >= 0 ? [fade, fade, 255] : [255, fade, fade];
}

// A grey level from 0 (black) to 1 (white): how the network's inputs look.
export function grey(v) {
  return [255 * v, 255 * v, 255 * v];
}

// Paint the width × height values of a picture (SIDE × SIDE unless said), row by row, on a canvas of that size.
export function paint(canvas, values, colour, width = SIDE, height = SIDE) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  values.forEach((v, i) => {
    const [red, green, blue] = colour(v);
    image.data[4 * i] = red;
    image.data[4 * i + 1] = green;
    image.data[4 * i + 2] = blue;
    image.data[4 * i + 3] = 255;
  });
  context.putImageData(image, 0, 0);
}
