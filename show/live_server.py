"""The live page of train.py --live: a web server, beside training, that shows the network learn.

    python train.py --live            then open http://127.0.0.1:8000/

It is the drawing page's server (show/server.py) with the live page's files and a few
more routes; /api/predict, /api/model and /api/weights are answered as there, by the
network as it is at that moment (the view that show/live.py keeps between updates):

    GET  /api/training            the run's state now (LiveTraining.state_dict)
    GET  /api/training/events     the same as it changes: text/event-stream, twice a second
    GET  /api/training/digits     a fixed panel of test digits with the network's answers now
    GET  /api/training/changes    what the weights have learnt: pictures of W − W at the start
    GET  /api/training/layers     each layer's health so far (network/layer_health.py)
    GET  /api/mistakes            the last epoch's test images the network got wrong
    POST /api/training/pause      pause between two updates     ┐ each answers the new state;
    POST /api/training/resume     carry on                      │ 409 and a JSON error when it
    POST /api/training/step       one mini-batch, then paused   ┘ does not fit (docs/live.md)

Training runs in the main thread as always; the server answers in threads of its own, so
its work is kept small: pictures of the weights and the panel's answers are made when a
page asks, at most every few seconds (EveryFewSeconds), once for all the pages open.
An event stream whose reader is slow or gone holds only its own thread: it always sends
the latest state, with the mini-batches since its last message, so a reader that falls
behind skips what it missed, and one that stops reading is dropped after Handler.timeout.
"""

import contextlib
import math
import threading
import time

from network.architecture import convolutions
from network.layer_health import layer_names
from network.more_activations import activation_of

from .earlier_runs import earlier_runs
from .live import LiveTraining, NotNow
from .server import (DEFAULT_LR, Handler, PageServer, cannot_listen, json_bytes, mistakes_answer,
                     model_description, pictures_json, warn_if_open_to_others, weight_pictures)

HTML, CSS, JS = "text/html; charset=utf-8", "text/css; charset=utf-8", "text/javascript; charset=utf-8"
# The only files the live page's server sends: URL path → (file in show/web, Content-Type).
LIVE_FILES = {
    "/": ("live.html", HTML),
    "/live.html": ("live.html", HTML),
    "/style.css": ("style.css", CSS),  # the drawing page's look, which live.css adds to
    "/live.css": ("live.css", CSS),
    "/live.js": ("live.js", JS),
    "/chart.js": ("chart.js", JS),
    "/health.js": ("health.js", JS),
    "/draw.js": ("draw.js", JS),  # the drawing pad, shared with the drawing page
    "/backward.js": ("backward.js", JS),  # the backward views, shared with the drawing page
}
EVENT_INTERVAL = 0.5  # seconds between two messages of an event stream while training runs
KEEP_ALIVE = 15  # seconds of silence (while paused) after which a stream sends a comment, to find readers gone
# Seconds between two makings of the weight pictures (100 000 numbers: about 80 ms) and of
# the test digits' answers (20 forward passes: about 40 ms), at most, while training runs.
PICTURES_EVERY = PANEL_EVERY = 4
PANEL_PER_CLASS = 2  # test digits of each class in the panel: 20 for MNIST
POLL = 0.1  # seconds serve_forever waits between looks at a shutdown() request
STOP_WAIT = 2  # seconds stop() waits for event streams to send their last message


class EveryFewSeconds:
    """compute(view) for the live run's present view, made again at most every `seconds`
    while training runs, and at once after a change while it does not (a Step).

    One value for every reader: ten pages asking cost what one costs. Nothing is made
    again while nothing changes (the run's version stays the same).
    """

    def __init__(self, compute, seconds):
        self.compute, self.seconds = compute, seconds
        self.lock = threading.Lock()  # one computation at a time; others wait and take its value
        self.value, self.version, self.made_at = None, None, -math.inf

    def get(self, live):
        with self.lock:
            now = time.monotonic()
            due = now - self.made_at >= self.seconds or live.state != "running"
            if self.value is None or (due and live.version != self.version):
                self.version = live.version  # read before the view: the view is then as new or newer
                self.value = self.compute(live.view)
                self.made_at = now
            return self.value


def panel_indices(labels, num_classes, per_class=PANEL_PER_CLASS):
    """Test images for the panel: the first of each class in class order, then the second, ...
    A fixed choice, the same whenever the page opens, with every class in it."""
    firsts = [[] for _ in range(num_classes)]
    for i, label in enumerate(labels):
        if len(firsts[label]) < per_class:
            firsts[label].append(i)
    return [each[k] for k in range(per_class) for each in firsts if k < len(each)]


def panel_answer(net, test_set, indices):
    """The answer to GET /api/training/digits: each panel digit's pixels (0-255), label,
    and the class net gives it now with its probability."""
    P = net.probabilities(test_set.matrix(indices))
    digits = []
    for i, row in zip(indices, P.rows):
        prediction = max(range(len(row)), key=row.__getitem__)
        digits.append({"index": i, "label": test_set.labels[i], "pixels": list(test_set.image(i)),
                       "prediction": prediction, "probability": row[prediction]})
    return {"digits": digits}


def change_pictures(net, start):
    """The answer to GET /api/training/changes, as JSON bytes: pictures of what each
    first-layer unit has learnt since the start, its column of W − W_start, scaled like its
    weights (server.pictures_json). The random weights it began with are gone from them:
    where no digit has ink, nothing changes, and what is left is what the digits taught it.
    For a convolutional network, the same for each filter of its first convolution, as
    GET /api/weights gives them: {"weights": [], "filters": [...]}."""
    if convolutions(net):
        return pictures_json(None, convolutions(net)[0].W - convolutions(start)[0].W)
    return pictures_json(net.layers[0].W - start.layers[0].W if len(net.layers) > 1 else None)


class LiveHandler(Handler):
    """The drawing page's Handler with the routes of /api/training."""

    CONTROLS = {"/api/training/pause": LiveTraining.pause,
                "/api/training/resume": LiveTraining.resume,
                "/api/training/step": LiveTraining.step}

    def get(self, path):
        live = self.server.live
        if path == "/api/training":
            self.send_json(200, live.state_dict())
        elif path == "/api/training/events":
            self.stream_events(live)
        elif path == "/api/training/digits":
            self.send_bytes(200, "application/json", self.server.panel.get(live))
        elif path == "/api/training/changes":
            self.send_bytes(200, "application/json", self.server.changes.get(live))
        elif path == "/api/training/layers":
            self.send_json(200, self.server.layer_health())
        elif path == "/api/runs":
            self.send_json(200, self.server.earlier_runs())
        elif path in self.CONTROLS:
            self.send_json(405, {"error": f"use POST for {path}"}, {"Allow": "POST"})
        else:
            super().get(path)

    def post(self, path):
        if path not in self.CONTROLS:
            super().post(path)
            return
        live = self.server.live
        try:
            state = self.CONTROLS[path](live)
        except NotNow as error:
            self.send_json(409, {"error": str(error), "state": live.state})
        else:
            self.send_json(200, state)

    def stream_events(self, live):
        """The run's state as server-sent events: a message when something changed, looked at
        every EVENT_INTERVAL or as soon as the state changes; each holds the state and the
        mini-batches since the last message. Ends after the "stopped" message, or when the
        reader goes away or stops reading for Handler.timeout seconds."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent_version, last_step, quiet_since = None, None, time.monotonic()
        with self.server.stream_open():
            try:
                self.wfile.write(b"retry: 2000\n\n")  # a page whose stream broke asks again after 2 s
                while True:
                    if live.version != sent_version:
                        state = live.state_dict(after_step=last_step)
                        self.wfile.write(b"data: " + json_bytes(state) + b"\n\n")
                        sent_version, quiet_since = state["version"], time.monotonic()
                        if state["recent"]:
                            last_step = state["recent"][-1]["step"]
                        if state["state"] == "stopped":
                            return
                    elif time.monotonic() - quiet_since >= KEEP_ALIVE:
                        self.wfile.write(b": still here\n\n")  # a comment: a reader gone shows up as an error
                        quiet_since = time.monotonic()
                    live.wait_for_news(EVENT_INTERVAL)
            except OSError:  # the page was closed or reloaded, or did not read for Handler.timeout seconds
                return


class LiveServer(PageServer):
    """The live page's server: the LiveTraining it shows, and what is made from its view now and then;
    health is the run's network/layer_health.py listener (None: no layer is watched)."""

    def __init__(self, address, live, settings, runs_dir=None, record_path=None, health=None):
        self.live, self.health = live, health
        self.mistakes = (None, b"[]")  # (the test answers, the JSON of their mistakes)
        self.finding_mistakes = threading.Lock()
        self.settings, self.runs_dir, self.record_path = settings, runs_dir, record_path
        indices = panel_indices(live.test_set.labels, live.test_set.num_classes)
        self.panel = EveryFewSeconds(lambda net: json_bytes(panel_answer(net, live.test_set, indices)), PANEL_EVERY)
        self.pictures = EveryFewSeconds(weight_pictures, PICTURES_EVERY)
        self.changes = EveryFewSeconds(lambda net: change_pictures(net, live.start), PICTURES_EVERY)
        self.streams = 0  # event streams open
        self.streams_changed = threading.Condition()
        super().__init__(address, LIVE_FILES, LiveHandler)

    def network(self):
        return self.live.view

    def learning_rate(self):
        """The learning rate of the epoch under way (before the first one begins, the run's setting)."""
        return self.live.lr if self.live.lr is not None else self.settings.get("lr", DEFAULT_LR)

    def model_description(self):
        description = model_description(self.live.view)
        description.update(dataset=self.live.test_set.dataset, class_names=list(self.live.test_set.class_names))
        if self.live.history:
            description["test_accuracy"] = self.live.history[-1]["test_accuracy"]
        return description

    def weights_json(self):
        return self.pictures.get(self.live)

    def mistakes_json(self):
        """The test images the last epoch's test got wrong ([] before the first), made once an epoch."""
        answers = self.live.answers
        with self.finding_mistakes:
            if answers is not None and self.mistakes[0] is not answers:
                predicted, confidence = answers
                self.mistakes = (answers, json_bytes(mistakes_answer(self.live.test_set, predicted, confidence)))
            return self.mistakes[1]

    def layer_health(self):
        """The answer to GET /api/training/layers: the layers' names, φ, and every record so far."""
        view = self.live.view
        records = list(self.health.records) if self.health else []  # a copy: training appends to it
        return {"layers": layer_names(view), "activation": activation_of(view), "records": records}

    def earlier_runs(self):
        """The answer to GET /api/runs: the last few finished runs in runs_dir but this run's record (none
        without a runs_dir). Read from the disk each time: a page opened later sees runs finished since."""
        if self.runs_dir is None:
            return {"folder": None, "dataset": self.settings.get("dataset"), "at_most": 0, "runs": [], "skipped": []}
        return earlier_runs(self.runs_dir, self.settings, self.record_path)

    @contextlib.contextmanager
    def stream_open(self):
        """Count an event stream while it is open, so that stop() can wait for the last messages."""
        with self.streams_changed:
            self.streams += 1
        try:
            yield
        finally:
            with self.streams_changed:
                self.streams -= 1
                self.streams_changed.notify_all()


class LivePage:
    """train.py's side of the live page: the LiveTraining its loop calls (.training), and the
    server, started at once in a thread of its own (.url), stopped by stop()."""

    def __init__(self, net, history, train_set, test_set, settings, host="127.0.0.1", port=8000, paused=False,
                 runs_dir=None, record_path=None, health=None):
        """runs_dir is where the earlier runs' records are, record_path this run's own record (not
        an earlier run), health the run's network/layer_health.py listener, if any. Raises OSError
        with a one-line message when host:port cannot be used (say, the port is taken)."""
        self.training = LiveTraining(net, history, len(train_set), test_set, settings["epochs"],
                                     settings["batch_size"], paused)
        try:
            self.server = LiveServer((host, port), self.training, settings, runs_dir, record_path, health)
        except OSError as error:
            raise OSError(cannot_listen(host, port, error)) from None
        warn_if_open_to_others(host, self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, args=(POLL,), name="live page", daemon=True)
        self.thread.start()

    @property
    def url(self):
        return self.server.url

    def wait_for_ctrl_c(self):
        """Keep serving (the finished run's results) until Ctrl-C."""
        try:
            while self.thread.is_alive():
                self.thread.join(0.5)
        except KeyboardInterrupt:
            pass

    def stop(self):
        """Tell the open pages that the run has stopped, then stop the server and free the port."""
        self.training.stop()
        with self.server.streams_changed:
            self.server.streams_changed.wait_for(lambda: self.server.streams == 0, STOP_WAIT)
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
