"""The pages in a real browser: headless Chromium draws a digit with the mouse on the drawing
page, and watches train.py --live's page move, pauses it and steps it.

Chromium is driven through the DevTools protocol over a pipe (--remote-debugging-pipe):
JSON commands go in on its file descriptor 3 and answers come out on 4, each message
ending with a NUL byte. The mouse events it is sent become the same Pointer Events a
person's mouse makes, so the page's own drawing, throttling, fetch and display code run.
Skipped when Chromium is not installed.

Run as a script, it takes the screenshots in docs/: the drawing page with a trained
model (a drawing, a mistake, a CNN's cell), or (--live) the live page in the third epoch
of a short run:

    python tests/test_browser.py docs/serve.png [models/mnist.json]
    python tests/test_browser.py --mistake docs/serve-mistake.png models/mnist.json
    python tests/test_browser.py --cnn docs/cnn-page.png models/cnn.json
    python tests/test_browser.py --live docs/live.png
"""

import base64
import contextlib
import fcntl
import json
import math
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

CHROMIUM = shutil.which("chromium")
NO_CHROMIUM = "Chromium is not installed: sudo apt-get install chromium"
WINDOW = (1100, 900)  # wide enough for the two-column layout


class Chromium:
    """A headless Chromium showing url, with send(method, **params) for DevTools commands to the page."""

    def __init__(self, url):
        self.profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # Chromium reads fd 3 and writes fd 4. A small Python program puts our pipe ends
        # there and then becomes Chromium (exec); the ends are first moved to 10 and
        # above, so that putting one at 3 or 4 cannot overwrite the other.
        r = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)
        w = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (to_browser_read, from_browser_write):
            os.close(fd)
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                 f"--user-data-dir={self.profile.name}", "--remote-debugging-pipe"]
        launcher = f"import os, sys; os.dup2({r}, 3); os.dup2({w}, 4); os.execv(sys.argv[1], sys.argv[1:])"
        self.process = subprocess.Popen(
            [sys.executable, "-c", launcher, CHROMIUM, *flags, url],
            pass_fds=(r, w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r)
        os.close(w)
        self.buffer = b""
        self.next_id = 0
        self.session = None
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(target for target in targets if target["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]

    def send(self, method, timeout=10, **params):
        """Send one DevTools command and return its result; events that arrive meanwhile are skipped."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                    raise TimeoutError(f"Chromium did not answer {method} within {timeout} s")
                chunk = os.read(self.from_browser, 1 << 16)
                if not chunk:
                    raise ConnectionError("Chromium closed its DevTools pipe")
                self.buffer += chunk
            text, self.buffer = self.buffer.split(b"\0", 1)
            answer = json.loads(text)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (awaited if it is a promise)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30):
        """Poll a JavaScript expression until it is truthy; its value. The timeout only ends a test
        that would wait for ever."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"still false after {timeout} s: {expression}")

    def mouse(self, kind, x, y, pressed):
        self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                  buttons=1 if pressed else 0, clickCount=1)

    def drag(self, points):
        """Press the left button at points[0], move through the rest, release: one stroke."""
        self.mouse("mousePressed", *points[0], True)
        for x, y in points[1:]:
            self.mouse("mouseMoved", x, y, True)
        self.mouse("mouseReleased", *points[-1], False)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, TimeoutError, RuntimeError):
            pass  # it is killed below if it did not go
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)
        self.profile.cleanup()


def three():
    """The strokes of a hand-drawn 3 in the unit square: a top bow and a larger bottom bow, each an arc."""
    def arc(cx, cy, r, start, end, steps=24):
        return [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a)))
                for a in (start + (end - start) * i / steps for i in range(steps + 1))]
    return [arc(0.48, 0.33, 0.15, -160, 90), arc(0.48, 0.64, 0.17, -90, 150)]


def box_of(browser, element_id):
    """The element's place in the page: {"x", "y", "width", "height"} in CSS pixels."""
    return browser.wait_for(f"(() => {{ const r = document.getElementById('{element_id}').getBoundingClientRect();"
                            " return r.width > 0 && {x: r.x, y: r.y, width: r.width, height: r.height}; })()")


def click(browser, element_id):
    browser.evaluate(f"document.getElementById('{element_id}').scrollIntoView({{block: 'center'}})")
    box = box_of(browser, element_id)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    browser.mouse("mousePressed", x, y, True)
    browser.mouse("mouseReleased", x, y, False)


def draw_on_pad(browser, strokes):
    """Draw strokes (lists of (x, y) in 0..1 across the pad) with the mouse; the page's state once it has answered."""
    box = box_of(browser, "pad")
    for stroke in strokes:
        browser.drag([(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke])
    return browser.wait_for("['ready', 'error'].includes(document.body.dataset.state)"
                            " && document.body.dataset.state")


def drawing_as_sent(browser):
    """The PNG data URL the page sends for its drawing: draw.js's own pngOf, imported into the page."""
    return browser.evaluate("import('./draw.js').then(m => m.pngOf(document.getElementById('pad')))")


def open_page(url):
    browser = Chromium(url)
    # about:blank comes first, so the page's elements may not be there yet
    browser.wait_for("document.readyState === 'complete'"
                     " && document.getElementById('model')?.textContent.startsWith('Model')")
    return browser


SHOWN = """({
    state: document.body.dataset.state,
    digit: document.getElementById('digit').textContent,
    bars: [...document.querySelectorAll('#bars .value')].map(v => v.textContent),
    best: [...document.querySelectorAll('#bars li')].findIndex(li => li.classList.contains('best')),
    units: document.querySelectorAll('#units .unit').length,
    // a canvas nothing was painted on is transparent: alpha 0
    painted: [...document.querySelectorAll('#units canvas, #seen')]
        .filter(c => c.getContext('2d').getImageData(0, 0, 1, 1).data[3] === 255).length,
})"""


def served_page(make_net, test_set):
    """(browser, server, net): the drawing page open in headless Chromium, served with make_net(), its
    mistakes those on test_set."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from missing import NO_PILLOW
    pytest.importorskip("PIL", reason=NO_PILLOW)  # the server reads the page's PNGs with Pillow
    from test_server import RunningServer

    net = make_net()
    with RunningServer(net, test_set=test_set) as server:
        browser = open_page(f"http://127.0.0.1:{server.port}/")
        try:
            yield browser, server, net
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page(test_set):
    """The page served with a small network: untrained is enough, the page must show what the server says.
    Its mistakes are those on 300 test images."""
    from network import Network
    yield from served_page(lambda: Network([784, 32, 10], seed=0), test_set.take(300))


def test_a_digit_drawn_with_the_mouse_is_read_and_shown(page):
    from my_math import Matrix

    browser, server, net = page
    click(browser, "clear")
    assert draw_on_pad(browser, three()) == "ready"
    shown = browser.evaluate(SHOWN)
    status, answer = server.predict({"image": drawing_as_sent(browser)})
    assert status == 200, answer
    assert answer["prediction"] == net.predict(Matrix([answer["input"]]))[0]
    assert shown["digit"] == str(answer["prediction"])
    assert shown["best"] == answer["prediction"]
    assert len(shown["bars"]) == 10 and all(value.endswith("%") for value in shown["bars"])
    assert shown["units"] == 8
    assert shown["painted"] == 8 + 1  # the weight pictures and what the network saw


def test_clear_empties_the_pad_and_the_answer(page):
    browser, _, _ = page
    assert draw_on_pad(browser, three()) == "ready"
    click(browser, "clear")
    shown = browser.evaluate(SHOWN)
    assert (shown["state"], shown["digit"], shown["best"], shown["units"]) == ("empty", "?", -1, 0)
    # the pad is black again: the largest red value of all its pixels is 0
    assert browser.evaluate("Math.max(...document.getElementById('pad').getContext('2d')"
                            ".getImageData(0, 0, 280, 280).data.filter((_, i) => i % 4 === 0))") == 0


def test_a_tap_leaves_a_dot_the_network_reads(page):
    browser, _, _ = page
    click(browser, "clear")
    assert draw_on_pad(browser, [[(0.5, 0.5)]]) == "ready"
    assert browser.evaluate(SHOWN)["digit"] in list("0123456789")


def page_number(browser, value, signed=False):
    """value as the pages write it: backward.js's own num()."""
    return browser.evaluate(f"import('./backward.js').then(m => m.num({value!r}, {str(signed).lower()}))")


def pixel(browser, canvas_id, k):
    """[red, green, blue] of pixel k (row by row) of a 28 × 28 canvas."""
    return browser.evaluate(f"[...document.getElementById('{canvas_id}').getContext('2d')"
                            f".getImageData({k % 28}, {k // 28}, 1, 1).data].slice(0, 3)")


def test_a_drawing_shows_why_this_answer_as_the_gradient_by_the_pixels(page):
    browser, server, net = page
    click(browser, "clear")
    assert draw_on_pad(browser, three()) == "ready"
    status, answer = server.predict({"image": drawing_as_sent(browser)})
    assert status == 200 and answer["label"] == answer["prediction"]
    gradient = answer["input_gradient"]
    surer, less_sure = gradient.index(min(gradient)), gradient.index(max(gradient))
    assert pixel(browser, "why-picture", surer) == [0, 0, 255]  # −∂L/∂x at its largest: blue
    assert pixel(browser, "why-picture", less_sure)[0] == 255 and pixel(browser, "why-picture", less_sure)[2] < 255
    caption = browser.evaluate("document.getElementById('why-caption').textContent")
    assert f"surer of {answer['prediction']}" in caption
    shown = browser.evaluate("document.querySelector('#backward .step-line').textContent")
    assert page_number(browser, answer["loss"]) in shown and page_number(browser, answer["loss_after_step"]) in shown
    # the label's p − y, 1 − p_label, is the largest error (the others' p add up to it): full blue
    assert browser.evaluate("getComputedStyle(document.querySelector('.output-error tr.label td:last-child'))"
                            ".backgroundColor") == "rgb(0, 0, 255)"


def test_clicking_a_unit_shows_its_backward_sum(page):
    browser, server, net = page
    click(browser, "clear")
    assert draw_on_pad(browser, three()) == "ready"
    browser.evaluate("document.querySelector('#units .unit').id = 'first-unit'")
    click(browser, "first-unit")  # the unit that fired most: its error is not 0
    delta = browser.wait_for("document.querySelector('#inside .delta .num')?.textContent")
    unit = int(browser.evaluate("document.querySelector('#inside .unit-title').textContent").split()[1].rstrip(","))
    status, answer = server.predict({"image": drawing_as_sent(browser), "unit": unit})
    assert status == 200 and answer["unit"]["delta"] != 0
    assert delta == page_number(browser, answer["unit"]["delta"])
    terms = browser.evaluate("[...document.querySelectorAll('#inside .backward-terms tr')].map(r => r.textContent)")
    assert len(terms) == 1 + 8 + 1 + 3  # the head, 8 classes, the other 2, Σ, φ′(z), dz
    largest = answer["unit"]["backward"]["terms"][0]
    assert page_number(browser, largest["wdz"], True) in terms[1]
    assert browser.evaluate("document.querySelector('#units .unit.selected') !== null")
    # another label: the same unit, followed back from class 0
    browser.evaluate("document.querySelector('#labels button').id = 'label-0'")
    click(browser, "label-0")
    browser.wait_for("document.querySelector('#labels button[aria-pressed=\"true\"]').textContent === '0'"
                     " && document.body.dataset.state === 'ready'")
    status, answer = server.predict({"image": drawing_as_sent(browser), "unit": unit, "label": 0})
    browser.wait_for(f"document.querySelector('#inside .delta .num').textContent === "
                     f"{page_number(browser, answer['unit']['delta'])!r}")


def test_clicking_a_mistake_loads_it_into_the_pad_and_the_views(page, test_set):
    browser, server, net = page
    click(browser, "clear")
    browser.wait_for("document.querySelectorAll('.mistake').length > 0", timeout=30)
    status, _, body = server.request("GET", "/api/mistakes")
    first = json.loads(body)[0]
    shown = browser.evaluate("document.querySelectorAll('.mistake').length")
    assert shown == min(48, len(json.loads(body)))
    browser.evaluate("document.querySelector('.mistake').id = 'first-mistake'")
    click(browser, "first-mistake")
    browser.wait_for(f"document.getElementById('status').textContent.startsWith('Test image {first['index']}')"
                     " && document.body.dataset.state === 'ready'")
    assert browser.evaluate("document.getElementById('digit').textContent") == str(first["prediction"])
    assert browser.evaluate("document.querySelector('#labels button[aria-pressed=\"true\"]').textContent") \
        == str(first["label"])  # followed back for its true class
    pixels = list(test_set.image(first["index"]))
    status, answer = server.predict({"pixels": pixels, "label": first["label"]})
    assert answer["prediction"] == first["prediction"]
    step = browser.evaluate("document.querySelector('#backward .step-line').textContent")
    assert page_number(browser, answer["loss"]) in step
    assert [pixel(browser, "seen", k)[0] for k in range(0, 784, 29)] == [pixels[k] for k in range(0, 784, 29)]


FILTERS_SHOWN = """({
    units_hidden: document.getElementById('units-card').hidden,
    filters_hidden: document.getElementById('filters-card').hidden,
    figures: document.querySelectorAll('#filters figure').length,
    captions: [...document.querySelectorAll('#filters figcaption')].map(c => c.textContent),
    sizes: [...document.querySelectorAll('#filters canvas')].map(c => [c.width, c.height]),
    painted: [...document.querySelectorAll('#filters canvas')]
        .filter(c => c.getContext('2d').getImageData(0, 0, 1, 1).data[3] === 255).length,
    kernel: document.getElementById('kernel-size').textContent,
})"""


def test_a_cnn_shows_each_filter_and_its_feature_map(page_of_a_cnn):
    browser, server, net = page_of_a_cnn
    assert draw_on_pad(browser, three()) == "ready"
    shown = browser.evaluate(FILTERS_SHOWN)
    status, answer = server.predict({"image": drawing_as_sent(browser)})
    assert status == 200 and len(answer["feature_maps"]) == 3 and answer["hidden"] == []
    assert (shown["units_hidden"], shown["filters_hidden"], shown["figures"]) == (True, False, 3)
    assert shown["sizes"] == [[5, 5], [24, 24]] * 3 and shown["painted"] == 6 and shown["kernel"] == "5 × 5"
    assert shown["captions"] == [f"filter {f} · strongest {max(m):.2f}" for f, m in enumerate(answer["feature_maps"])]
    # a click on a cell of filter 1's map: that cell's sum, worked out
    browser.evaluate("document.querySelectorAll('#filters canvas.map')[1].id = 'map-1'")
    browser.evaluate("document.getElementById('map-1').scrollIntoView({block: 'center'})")
    box = box_of(browser, "map-1")
    x, y = box["x"] + box["width"] * (11.5 / 24), box["y"] + box["height"] * (9.5 / 24)
    browser.mouse("mousePressed", x, y, True)
    browser.mouse("mouseReleased", x, y, False)
    title = browser.wait_for("document.querySelector('#inside .cell-grid') && "
                             "document.querySelector('#inside .unit-title').textContent")
    assert " ".join(title.split()) == "Filter 1, the cell at row 9, column 11 of its feature map"
    status, answer = server.predict({"image": drawing_as_sent(browser), "cell": {"filter": 1, "row": 9, "column": 11}})
    z = browser.evaluate("[...document.querySelectorAll('#inside .terms .total .num')].map(c => c.textContent)")
    assert z == [page_number(browser, answer["cell"]["z"]), page_number(browser, answer["cell"]["activation"])]
    grids = browser.evaluate("document.querySelectorAll('#inside .cell-grid td').length")
    assert grids == 3 * 25
    patch = browser.evaluate("[...document.querySelectorAll('#inside .cell-grid')[0].querySelectorAll('td')]"
                             ".map(td => getComputedStyle(td).backgroundColor)")
    grey = [round(255 * x) for x in answer["cell"]["patch"]]
    assert patch == [f"rgb({g}, {g}, {g})" for g in grey]  # the pixels in grey, as the image
    click(browser, "clear")
    assert browser.evaluate(FILTERS_SHOWN)["figures"] == 0


@pytest.fixture(scope="module")
def page_of_a_cnn(test_set):
    """The page served with an untrained convolutional network of 3 filters of 5 × 5."""
    from network.architecture import make_network
    yield from served_page(lambda: make_network([784, 10], seed=0, conv=[(3, 5)]), test_set.take(50))
def screenshot(browser, down_to=None):
    """The whole page, as PNG bytes; with down_to, from the top to the bottom of that element (its id)."""
    page = browser.send("Page.getLayoutMetrics")["cssContentSize"]
    height = page["height"]
    if down_to:
        height = browser.evaluate(f"document.getElementById('{down_to}').getBoundingClientRect().bottom"
                                  " + window.scrollY + 16")
    whole_page = {"x": 0, "y": 0, "width": page["width"], "height": height, "scale": 1}
    return base64.b64decode(browser.send("Page.captureScreenshot", format="png", clip=whole_page,
                                         captureBeyondViewport=True)["data"])


@contextlib.contextmanager
def drawing_page(model):
    """(server, browser): the drawing page served with model, open in headless Chromium; both closed after."""
    from test_server import RunningServer

    with RunningServer(model) as server:
        browser = open_page(f"http://127.0.0.1:{server.port}/")
        try:
            yield server, browser
        finally:
            browser.close()


def save_png(path, png):
    with open(path, "wb") as f:
        f.write(png)


def take_screenshot(path, model):
    """Draw a 3 on the page served with model, follow it back into the unit that fired most, and save
    what the browser shows as a PNG at path."""
    with drawing_page(model) as (server, browser):
        browser.wait_for("document.querySelectorAll('.mistake').length > 0", timeout=120)
        state = draw_on_pad(browser, three())
        browser.evaluate("document.querySelector('#units .unit').click()")
        browser.wait_for("document.querySelector('#inside .backward-terms') !== null")
        digit = browser.evaluate("document.getElementById('digit').textContent")
        text = browser.evaluate("document.getElementById('inside').innerText")
        png = screenshot(browser)
    save_png(path, png)
    print(f"{path}: the page after drawing a 3; it reads {digit} ({state}); inside the unit:\n{text}")


def take_mistake_screenshot(path, model):
    """Click the mistake the network is surest of on the page served with model, follow it back from its
    true class into the unit that fired most, and save the page down to that as a PNG at path."""
    with drawing_page(model) as (server, browser):
        browser.wait_for("document.querySelectorAll('.mistake').length > 0", timeout=120)
        browser.evaluate("document.querySelector('.mistake').click()")
        browser.wait_for("document.getElementById('status').textContent.startsWith('Test image')"
                         " && document.body.dataset.state === 'ready'")
        browser.evaluate("document.querySelector('#units .unit').click()")
        browser.wait_for("document.querySelector('#inside .backward-terms') !== null")
        browser.evaluate("window.scrollTo(0, 0)")
        status = browser.evaluate("document.getElementById('status').textContent")
        text = browser.evaluate("document.getElementById('inside').innerText")
        png = screenshot(browser, "backward-card")
    save_png(path, png)
    print(f"{path}: {status}; inside the unit:\n{text}")


def take_cnn_screenshot(path, model):
    """Draw a 3 on the page served with the CNN model, click the cell of filter 3's map where it found
    most, and save what the browser shows as a PNG at path."""
    with drawing_page(model) as (server, browser):
        browser.wait_for("document.querySelectorAll('.mistake').length > 0", timeout=600)
        draw_on_pad(browser, three())
        browser.evaluate("document.querySelectorAll('#filters canvas.map')[3].id = 'map-3'")
        status, answer = server.predict({"image": drawing_as_sent(browser)})
        values = answer["feature_maps"][3]
        at = values.index(max(values))
        height, width = 24, 24
        browser.evaluate("document.getElementById('map-3').scrollIntoView({block: 'center'})")
        box = box_of(browser, "map-3")
        x = box["x"] + box["width"] * ((at % width + 0.5) / width)
        y = box["y"] + box["height"] * ((at // width + 0.5) / height)
        browser.mouse("mousePressed", x, y, True)
        browser.mouse("mouseReleased", x, y, False)
        browser.wait_for("document.querySelector('#inside .cell-grid') !== null", timeout=30)
        browser.evaluate("window.scrollTo(0, 0)")
        text = browser.evaluate("document.getElementById('inside').innerText")
        png = screenshot(browser)
    save_png(path, png)
    print(f"{path}: the page of a CNN after drawing a 3, a cell of filter 3 clicked:\n{text}")


# ---------------------------------------------------------------------- train.py --live's page

LIVE_RUN = ["--limit", "20000", "--test-limit", "200", "--batch-size", "16", "--hidden", "32", "--epochs", "2",
            "--no-plots"]  # ended by Ctrl-C long before it finishes

CHART_PIXELS = """(() => {
    const chart = document.getElementById('chart');
    const pixels = chart.getContext('2d').getImageData(0, 0, chart.width, chart.height).data;
    let hash = 0;
    for (let i = 0; i < pixels.length; i++) hash = (hash * 31 + pixels[i]) | 0;
    return hash;
})()"""

MOVING = f"""({{state: document.body.dataset.state, batch: document.getElementById('batch').textContent,
              seen: document.getElementById('images-seen').textContent, chart: {CHART_PIXELS},
              points: document.getElementById('chart').dataset.points}})"""


def open_live_page(run, state="running"):
    """Chromium on the live page of run, once it is in state with its tiles and test digits drawn."""
    browser = Chromium(run.url)
    # about:blank comes first, with no body
    browser.wait_for(f"document.body?.dataset.state === '{state}' && document.querySelectorAll('.tile').length > 0"
                     " && document.querySelectorAll('.digit').length > 0", timeout=30)
    return browser


def test_the_live_page_moves_while_training_stops_when_paused_and_steps(tmp_path):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from live_run import LiveRun

    with LiveRun(*LIVE_RUN, cwd=tmp_path) as run:
        browser = open_live_page(run)
        try:
            before = browser.evaluate(MOVING)
            # the page moves: another mini-batch, more points, other pixels in the chart
            browser.wait_for(f"(now => now.batch !== {json.dumps(before['batch'])} && now.chart !== {before['chart']}"
                             f" && Number(now.points) > {before['points']})({MOVING})", timeout=60)

            click(browser, "pause")
            browser.wait_for("document.body.dataset.state === 'paused'")
            state = run.state()  # Pause is answered once training has stopped: these figures stay
            # the last message sent before the pause has arrived
            browser.wait_for(f"(now => now.batch === '{state['batch']} / {state['batches_per_epoch']}'"
                             f" && now.seen === '{state['images_seen']:,}')({MOVING})")
            paused = browser.evaluate(MOVING)
            time.sleep(1.5)  # nothing may move while paused: a wait for something that must not come
            assert browser.evaluate(MOVING) == paused

            click(browser, "step")
            browser.wait_for("document.querySelector('.step-table') !== null")
            # the step's point comes by the event stream, which may trail the Step button's answer
            browser.wait_for(f"Number(document.getElementById('chart').dataset.points) > {int(paused['points'])}")
            stepped = browser.evaluate(MOVING)
            assert stepped["batch"] == f"{state['batch'] + 1} / {state['batches_per_epoch']}"
            assert int(stepped["points"]) == int(paused["points"]) + 1  # one more point: a fraction of a pixel
            shown = browser.evaluate("document.querySelector('.step-table').textContent")
            last_step = run.state()["last_step"]
            assert f"{last_step['loss_before']:.4f}" in shown and f"{last_step['loss_after']:.4f}" in shown

            browser.evaluate("document.querySelector('.tile:nth-child(4)').id = 'unit-3'")
            click(browser, "unit-3")  # unit 3's sum for the first test digit of the panel, as the API works it out
            total = browser.wait_for("document.querySelector('#unit .terms .total .num')?.textContent")
            digit = run.get("/api/training/digits")[1]["digits"][0]
            status, answer = run.post("/api/predict", {"pixels": digit["pixels"], "unit": 3})
            assert status == 200 and total == f"{answer['unit']['z']:.3f}"
            title = browser.evaluate("document.querySelector('.unit-title').textContent")
            assert title == f"Unit 3, for test image {digit['index']}, a {digit['label']}"
            # and backward, from the digit's true class: the unit's dz as the API works it out
            status, answer = run.post("/api/predict", {"pixels": digit["pixels"], "unit": 3, "label": digit["label"]})
            delta = browser.wait_for("document.querySelector('#inside .delta .num')?.textContent")
            assert delta == page_number(browser, answer["unit"]["delta"])
            step = browser.evaluate("document.querySelector('#backward .step-line').textContent")
            assert page_number(browser, answer["loss_after_step"]) in step and answer["lr"] == state["lr"]

            assert run.ctrl_c() == 130
            browser.wait_for("document.body.dataset.state === 'stopped'")
            assert "stopped" in browser.evaluate("document.getElementById('state').textContent")
        finally:
            browser.close()


def test_the_live_page_draws_earlier_runs_faintly_and_can_hide_them(tmp_path):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from live_run import LiveRun
    from test_compare_runs import write_record

    write_record(tmp_path / "runs", "default", [0.90, 0.93])
    write_record(tmp_path / "runs", "sigmoid", [0.80, 0.86], activation="sigmoid")
    with open(tmp_path / "runs" / "20000101-000000-broken.json", "w") as f:
        f.write("{")  # skipped: the page still opens
    with LiveRun(*LIVE_RUN, "--paused", cwd=tmp_path) as run:
        browser = open_live_page(run, "paused")
        try:
            browser.wait_for("document.getElementById('chart').dataset.earlier === '2'")
            legend = browser.evaluate("[...document.querySelectorAll('#earlier-runs li')].map(li => li.textContent)")
            # LIVE_RUN changes from the records' settings (the defaults): --hidden 32 and more, all named.
            assert [line.split(" · ")[0].strip() for line in legend] == ["sigmoid", "default"]  # newest first
            assert "--activation sigmoid" in legend[0] and "--activation" not in legend[1]
            assert "--hidden 128" in legend[1] and legend[0].endswith("86.0 % after 2 epochs")
            assert "last 2 finished runs of MNIST in runs/" in browser.evaluate(
                "document.getElementById('earlier-rule').textContent")
            drawn = browser.evaluate(CHART_PIXELS)

            click(browser, "show-earlier")  # hidden
            browser.wait_for("document.getElementById('chart').dataset.earlier === '0'")
            hidden = browser.evaluate(CHART_PIXELS)
            assert hidden != drawn
            browser.evaluate("document.querySelector('#earlier-runs input').id = 'sigmoid-box'")
            click(browser, "sigmoid-box")  # while all are hidden, only unticked
            click(browser, "show-earlier")
            browser.wait_for("document.getElementById('chart').dataset.earlier === '1'")
            assert browser.evaluate(CHART_PIXELS) not in (drawn, hidden)
            click(browser, "sigmoid-box")
            browser.wait_for("document.getElementById('chart').dataset.earlier === '2'")
            assert browser.evaluate(CHART_PIXELS) == drawn
        finally:
            browser.close()


CNN_LIVE_RUN = ["--conv", "3x5", "--hidden", "16", "--limit", "128", "--test-limit", "100", "--batch-size", "64",
                "--epochs", "1", "--no-plots"]  # 2 mini-batches of a small CNN

TILES = """({
    sizes: [...document.querySelectorAll('#tiles canvas')].map(c => [c.width, c.height]),
    painted: [...document.querySelectorAll('#tiles canvas')]
        .filter(c => c.getContext('2d').getImageData(0, 0, 1, 1).data[3] === 255).length,
    titles: [...document.querySelectorAll('.tile')].map(t => t.title),
    heading: document.querySelector('#weights-card h2').innerText,
})"""


def test_the_live_page_of_a_cnn_shows_its_filters_steps_and_reads_a_drawing(tmp_path):
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from live_run import LiveRun

    with LiveRun(*CNN_LIVE_RUN, "--paused", cwd=tmp_path) as run:
        browser = open_live_page(run, "paused")
        try:
            tiles = browser.evaluate(TILES)
            assert tiles == {"sizes": [[5, 5]] * 3, "painted": 3, "titles": ["filter 0", "filter 1", "filter 2"],
                             "heading": "WHAT EACH FILTER LOOKS FOR"}
            assert browser.evaluate("document.getElementById('model').textContent").startswith(
                "Model: 1×28×28 → conv 3 filters 5×5")

            click(browser, "step")
            browser.wait_for("document.querySelector('.step-table') !== null")
            click(browser, "show-changes")
            browser.wait_for("document.getElementById('show-changes').getAttribute('aria-pressed') === 'true'")
            assert browser.evaluate(TILES)["sizes"] == [[5, 5]] * 3

            browser.evaluate("document.querySelector('.tile:nth-child(3)').id = 'filter-2'")
            click(browser, "filter-2")  # filter 2's feature map for the first test digit of the panel
            title = browser.wait_for("document.querySelector('#unit .unit-title')?.textContent")
            digit = run.get("/api/training/digits")[1]["digits"][0]
            assert title == f"Filter 2, for test image {digit['index']}, a {digit['label']}"
            strongest = browser.evaluate("document.querySelector('#unit .terms .num').textContent")
            status, answer = run.post("/api/predict", {"pixels": digit["pixels"]})
            assert status == 200 and strongest == f"{max(answer['feature_maps'][2]):.3f}"
            assert browser.evaluate("[...document.querySelectorAll('#unit canvas')].map(c => [c.width, c.height])") == [
                [28, 28], [5, 5], [24, 24]]
            browser.evaluate("document.getElementById('unit-map').scrollIntoView({block: 'center'})")
            box = box_of(browser, "unit-map")  # a click on its cell at row 13, column 6: that cell's sum
            x, y = box["x"] + box["width"] * (6.5 / 24), box["y"] + box["height"] * (13.5 / 24)
            browser.mouse("mousePressed", x, y, True)
            browser.mouse("mouseReleased", x, y, False)
            browser.wait_for("document.querySelector('#inside .cell-grid') !== null")
            status, answer = run.post("/api/predict", {"pixels": digit["pixels"], "label": digit["label"],
                                                       "cell": {"filter": 2, "row": 13, "column": 6}})
            shown = browser.evaluate("[...document.querySelectorAll('#inside .terms .total .num')].map(c => c.textContent)")
            assert shown == [page_number(browser, answer["cell"]["z"]), page_number(browser, answer["cell"]["activation"])]

            browser.evaluate("document.getElementById('pad').scrollIntoView({block: 'center'})")
            box = box_of(browser, "pad")
            for stroke in three():
                browser.drag([(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke])
            assert browser.wait_for("document.getElementById('digit').textContent !== '?'"
                                    " && document.getElementById('digit').textContent") in list("0123456789")
            assert browser.evaluate("document.querySelector('.unit-title').textContent") == "Filter 2, for your drawing"

            click(browser, "resume")
            browser.wait_for("document.body.dataset.state === 'finished' && document.querySelector('.confusion') !== null",
                             timeout=60)
            # after the epoch: its test's mistakes, and each layer's health
            status, mistakes = run.get("/api/mistakes")
            assert status == 200 and len(mistakes) > 0
            browser.wait_for(f"document.querySelectorAll('#mistakes .mistake').length === {min(30, len(mistakes))}")
            first = browser.evaluate("document.querySelector('#mistakes .mistake').title")
            assert first == f"test image {mistakes[0]['index']}, a {mistakes[0]['label']}"
            browser.wait_for("document.getElementById('health').dataset.records === '1'", timeout=30)
            status, layers = run.get("/api/training/layers")
            assert layers["layers"] == ["layer 1 (convolution)", "layer 2", "layer 3 (output)"]
        finally:
            browser.close()


def take_live_screenshot(path):
    """The live page in the third epoch of a short run, two earlier runs of the same length (Adam,
    sigmoid) faintly behind it, a unit open and followed backward for a 3 drawn, the second epoch's
    mistakes and the layers' health, as a PNG at path."""
    from live_run import TRAIN, LiveRun

    args = ["--limit", "12000", "--test-limit", "2000", "--epochs", "3", "--no-plots"]
    with tempfile.TemporaryDirectory() as folder:
        python = shutil.which("pypy3") or sys.executable  # the same numbers; PyPy is five times faster
        for earlier in (["--optimizer", "adam", "--name", "adam"], ["--activation", "sigmoid", "--name", "sigmoid"]):
            subprocess.run([python, TRAIN, *args, *earlier, "--quiet", "--out", "models/earlier.json"], cwd=folder,
                           check=True, stdout=subprocess.DEVNULL)
        with LiveRun(*args, cwd=folder) as run:
            browser = open_live_page(run)
            try:
                run.wait_for(lambda state: state["epoch"] == 3 and state["batch"] >= 20, timeout=900)
                click(browser, "pause")
                browser.wait_for("!document.getElementById('step').disabled")
                click(browser, "step")
                browser.wait_for("document.querySelector('.step-table') !== null", timeout=30)
                browser.wait_for("!document.getElementById('resume').disabled")
                click(browser, "resume")
                click(browser, "show-changes")
                browser.evaluate("document.querySelector('.tile:nth-child(6)').id = 'unit-5'")
                click(browser, "unit-5")
                browser.wait_for("document.querySelector('#inside .backward-terms') !== null", timeout=30)
                browser.wait_for("document.querySelectorAll('#mistakes .mistake').length > 0", timeout=30)
                browser.wait_for("Number(document.getElementById('health').dataset.records) > 1", timeout=60)
                browser.evaluate("document.getElementById('pad').scrollIntoView({block: 'center'})")
                box = box_of(browser, "pad")
                for stroke in three():
                    browser.drag([(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke])
                browser.wait_for("document.getElementById('digit').textContent !== '?'")
                time.sleep(3.5)  # the pictures and the unit drawn again once more
                browser.evaluate("window.scrollTo(0, 0)")
                png = screenshot(browser)
                state = run.state()
                behind = browser.evaluate("document.getElementById('chart').dataset.earlier")
            finally:
                browser.close()
    save_png(path, png)
    print(f"{path}: the live page at epoch {state['epoch']}, mini-batch {state['batch']}, {behind} earlier runs behind it")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from my_math.fast import use_fast_forms
    use_fast_forms()  # as test_single.py --serve computes
    if sys.argv[1] == "--live":
        take_live_screenshot(sys.argv[2])
    elif sys.argv[1] == "--cnn":
        take_cnn_screenshot(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--mistake":
        take_mistake_screenshot(sys.argv[2], sys.argv[3])
    else:
        take_screenshot(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "models/mnist.json")
