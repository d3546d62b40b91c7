"""Draw a digit in the browser and watch the network read it: a small web server.

    python test_single.py --serve            then open http://127.0.0.1:8000/

The server does two jobs, with nothing but the standard library's http.server:

1. It serves the page, show/web/index.html with its style.css, app.js, draw.js (the
   drawing pad) and backward.js (the digit followed backward), which the live page of
   train.py --live shares. The files are read into
   memory when the server starts and looked up by exact path in a table; a request's
   path is never joined to a folder name, so no path ("/../x", "/%2e%2e/x", "/web/") can
   reach any other file on the disk.
2. It answers POST /api/predict. The page sends the drawing as a PNG (canvas.toDataURL);
   the server makes it look like an MNIST digit (data/preprocess.py, the same steps as
   for --image), runs the network, and answers with the prediction, the ten
   probabilities, the 28 × 28 image the network saw, and the hidden units that fired
   most; with "unit": j, also hidden unit j's computation, z = b + Σₖ wₖ xₖ, term by term;
   for a convolutional network, each filter's feature map instead of the hidden units.
   The answer also follows the image backward for a label (show/backward_views.py): the
   error at the output, the gradient of the pixels, the loss and the loss after one
   plain gradient step; with "unit", how the error reaches that unit; with "cell", one
   cell of a feature map, worked out.
   GET /api/model describes the model, and GET /api/weights gives every hidden unit's
   weight picture (or every filter's): they never change, so the page asks for them once
   instead of with every answer. GET /api/mistakes lists the test images the network
   gets wrong. docs/serve.md documents the API with examples.

Every answer is JSON, errors too: {"error": "what is wrong"} with a 4xx status (5xx
when the fault is the server's), so a bad request can never crash the server or leave
the page without an explanation. Only the server's own page is answered: a request that
another web page makes through the browser is refused with 403 (show/own_page.py).
ThreadingHTTPServer answers each connection in its own thread, so several browsers can
draw at once; they share the network, which forward() only reads, never changes.

PageServer and Handler are what the drawing page and train.py's live page
(show/live_server.py) have in common: the table of files, JSON answers and errors,
/api/predict, /api/model, /api/weights and /api/mistakes. A server says which network
answers (network()), with which learning rate, how it describes it and which test images it
gets wrong; the live page's answers with the network being trained.
"""

import base64
import binascii
import errno
import ipaddress
import json
import os
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from data import DataError, load_mnist
from data.preprocess import decode_image_bytes, mnist_style
from data.catalog import lookup
from network.architecture import convolutions, describe, sizes
from network.metrics import mistakes
from network.model_file import ModelFileError, check_model_fits, load_network
from network.more_activations import activation_of
from network.network import Network
from network.training import evaluate

from .backward_views import backward, cell_sum, largest_first, output_and_step, unit_backward
from .own_page import is_loopback, not_its_own_page
from .weight_pictures import feature_maps, input_patterns

MAX_BODY = 1_000_000  # bytes: a 140 × 140 drawing as PNG is a few kB; anything near 1 MB is not a drawing
DISCARD_AT_MOST = 16 * MAX_BODY  # bytes of a too-large body read and dropped so the client sees the 413
SIDE = 28  # the network reads SIDE × SIDE images
TOP_UNITS = 8  # how many of the most active hidden units an answer shows
TOP_TERMS = 8  # how many of the largest terms w_i x_i (or w_ju dz_u, backward) a unit's computation lists one by one
DEFAULT_LR = 0.1  # the learning rate of the step an answer tries, when neither the request nor the run says
WEB_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web")

# The only files the server sends: URL path → (file in WEB_FOLDER, Content-Type).
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/draw.js": ("draw.js", "text/javascript; charset=utf-8"),
    "/backward.js": ("backward.js", "text/javascript; charset=utf-8"),
}

# The page may load its parts from this server only, and talk to nothing else: no script
# from elsewhere can run in it, and it works the same with no internet connection.
CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"


class BadRequest(Exception):
    """A request the server cannot answer; the message says why and goes back as {"error": ...}."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------- the network's side

def weight_pictures(net):
    """The answer to GET /api/weights, as JSON bytes: the picture of each first-layer hidden unit.

    Column j of the first weight matrix W (784 × hidden) holds one weight per pixel:
    laid out as 28 × 28 it is the pattern unit j responds to, positive weights where
    ink makes it fire and negative ones where ink holds it back. A network without a
    hidden layer has no such pictures: {"weights": []}, and neither has a convolutional
    network, whose dense layers read the feature maps, not the pixels: its pictures are
    its first convolution's filters, {"weights": [], "filters": [picture of filter f, ...]}.
    """
    if convolutions(net):
        return pictures_json(None, convolutions(net)[0].W)
    return pictures_json(net.layers[0].W if len(net.layers) > 1 else None)


def pictures_json(W, filters_W=None):
    """{"weights": [picture of unit j, ...]} as JSON bytes: column j of W divided by its
    largest |weight| (input_patterns), each number with three decimals; with filters_W, also
    "filters": the same for each column (filter) of a convolution's weights.

    Dividing keeps the picture and drops the scale, which differs from unit to unit and
    says nothing to the eye; three decimals are plenty for a picture and keep the answer
    small. The JSON is written out here, "%.3f" for each number (the decimal that
    round(w, 3) gives), rather than by rounding and json.dumps: the live page of train.py
    asks for 100 000 numbers every few seconds, and this takes half the time.
    """
    text = '{"weights":[' + _pictures_text(W) + "]"
    if filters_W is not None:
        text += ',"filters":[' + _pictures_text(filters_W) + "]"
    return (text + "}").encode("ascii")


def _pictures_text(W):
    """The pictures of W's columns, scaled by input_patterns, as JSON lists separated by commas."""
    patterns = input_patterns(W) if W is not None else []
    return ",".join("[" + ",".join(["%.3f" % w for w in pattern]) + "]" for pattern in patterns)


def predict_answer(net, inputs, unit=None, label=None, lr=DEFAULT_LR, cell=None):
    """The answer to /api/predict for the 784 inputs (0-1) of one image, as a dict for JSON.

    One forward pass gives every layer's activations [X, A₁, ..., P]: P holds the ten
    probabilities and A₁ the first hidden layer, whose TOP_UNITS strongest units are
    listed, strongest first (their weight pictures come from GET /api/weights). With a
    unit number, the answer also holds that unit's computation (unit_computation). For a
    convolutional network, the first layer gives instead every filter's feature map,
    φ(Z₁) before its pooling: "feature_maps", one list of height × width values per
    filter (3 decimals), and "hidden" is [].

    The backward pass follows, for label (the prediction when None) and a step with
    learning rate lr: the answer holds show/backward_views.py's output_and_step; the
    unit's computation, how the error reaches it (unit_backward); and with cell,
    {"filter", "row", "column"}, that cell of the first convolution's maps (cell_sum).
    """
    check_label(net, label)
    check_lr(lr)
    b = backward(net, inputs, label)
    Z, activations = b.Z, b.A
    probabilities = activations[-1].rows[0]
    hidden = []
    if len(activations) > 2 and not convolutions(net):
        first_layer = activations[1].rows[0]
        strongest = sorted(range(len(first_layer)), key=lambda j: -first_layer[j])[:TOP_UNITS]
        hidden = [{"unit": j, "activation": first_layer[j]} for j in strongest]
    answer = {
        "prediction": activations[-1].argmax()[0],
        "probabilities": probabilities,
        "input": inputs,
        "hidden": hidden,
    }
    if convolutions(net):
        answer["feature_maps"] = [[round(value, 3) for value in fmap] for fmap in feature_maps(net, Z)]
    answer.update(output_and_step(net, b, lr))
    if unit is not None:
        answer["unit"] = unit_computation(net, activations, unit)
        answer["unit"].update(unit_backward(net, b, unit, TOP_TERMS))
    if cell is not None:
        answer["cell"] = cell_sum(net, b, *checked_cell(net, cell))
    return answer


def unit_computation(net, activations, j):
    """How first-layer unit j reaches its activation for one image, term by term, as a dict for JSON.

    The unit adds up one term per pixel, its weight times the pixel's value, and its bias:
        z_j = b_j + Σ_k x_k w_kj     (k over the 784 pixels; x_k = 0 where there is no ink)
    and passes z through the hidden layers' activation φ: a = φ(z), relu(z) = max(z, 0)
    (docs/math.md, section 4, for one image). The answer lists the TOP_TERMS largest terms
    x_k w_kj by size, with their pixel k, x_k and w_kj, and the sum of all the others, so
    that the page can write the sum out with the numbers in it. z is added up here in the
    order of the formula; the activation is the one the network's own forward pass
    computed (activations[1]), so what the page shows is what the network did.
    """
    if len(activations) < 3:
        raise BadRequest("this network has no hidden layer: there is no unit to show")
    if convolutions(net):
        raise BadRequest("a convolutional network's first layer is a convolution: its filters, not units, "
                         "read the pixels")
    layer, x = net.layers[0], activations[0].rows[0]
    units = layer.W.shape[1]
    if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < units:
        raise BadRequest(f'"unit" must be a whole number from 0 to {units - 1}, not {json.dumps(j)}')
    weights = [row[j] for row in layer.W.rows]
    terms = [w * xi for w, xi in zip(weights, x)]
    z = sum(terms) + layer.b.rows[0][j]
    shown, others = largest_first(terms, (i for i in range(len(x)) if x[i]), TOP_TERMS)
    return {
        "unit": j,
        "bias": layer.b.rows[0][j],
        "terms": [{"pixel": i, "x": x[i], "w": weights[i], "wx": terms[i]} for i in shown],
        "others": {"count": len(others), "sum": sum(terms[i] for i in others)},
        "z": z,
        "activation": activations[1].rows[0][j],
        "function": activation_of(net),
        "weights": weights,
    }


def check_label(net, label):
    """BadRequest unless label is None or one of net's classes, a whole number from 0."""
    classes = net.layers[-1].W.shape[1]
    if label is not None and (isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes):
        raise BadRequest(f'"label" must be a whole number from 0 to {classes - 1}, not {json.dumps(label)}')


def check_lr(lr):
    """BadRequest unless lr is a positive number (the step's learning rate)."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < float("inf"):
        raise BadRequest(f'"lr" must be a positive number, e.g. 0.1, not {json.dumps(lr)}')


def checked_cell(net, cell):
    """(filter, row, column) of a request's "cell", checked against net's first convolution, or BadRequest."""
    if not convolutions(net):
        raise BadRequest('this network has no convolution: "cell" names a place in a feature map of one')
    filters, height, width = net.layers[0].output_shape
    if not isinstance(cell, dict) or set(cell) != {"filter", "row", "column"}:
        raise BadRequest('"cell" must be an object {"filter": f, "row": r, "column": c}')
    for key, size in (("filter", filters), ("row", height), ("column", width)):
        value = cell[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
            raise BadRequest(f'the cell\'s "{key}" must be a whole number from 0 to {size - 1}, not {json.dumps(value)}')
    return cell["filter"], cell["row"], cell["column"]


def mistakes_answer(test_set, predicted, confidence):
    """The answer to GET /api/mistakes: every test image whose predicted class is wrong, the most
    confident first (network/metrics.py), each with its index, label, the network's answer,
    the probability it gave that answer, and its pixels (0-255), for the page to draw."""
    return [{"index": i, "label": test_set.labels[i], "prediction": predicted[i], "probability": confidence[i],
             "pixels": list(test_set.image(i))} for i in mistakes(test_set.labels, predicted, confidence)]


def model_description(net):
    """The answer to GET /api/model: the layer sizes, the layers in words, the activation, the
    convolutions (each one's filters, kernel and the height and width of its feature maps; [] for a
    fully connected network) and what the model file says about its training."""
    return {
        "sizes": sizes(net),
        "layers": describe(net),
        "activation": activation_of(net),
        "convolutions": [{"filters": conv.filters, "kernel": conv.kernel, "map_height": conv.output_shape[1],
                          "map_width": conv.output_shape[2]} for conv in convolutions(net)],
        "dataset": net.metadata.get("dataset"),
        "test_accuracy": net.metadata.get("test_accuracy"),
        "metadata": net.metadata,
    }


# ---------------------------------------------------------------------- reading a request

def read_prediction_request(body, lr=DEFAULT_LR):
    """(inputs, asked) of a request body: the 784 network inputs (0-1) it describes and what else
    it asks, as keyword arguments of predict_answer; or BadRequest saying what is wrong.

    The body is JSON with exactly one of
        "image":  a data URL, "data:image/png;base64,...", as canvas.toDataURL() gives:
                  any picture of a digit, made MNIST-like by data/preprocess.py;
        "pixels": 784 numbers 0-255, row by row, light ink on black like MNIST: used as
                  they are, divided by 255;
    and, if wanted, "unit": the number of a first-layer unit whose computation to show;
    "label": the class to follow backward (else the prediction); "lr": the learning rate
    of the step to try (else lr, the run's); "cell": {"filter", "row", "column"}, a cell
    of the first convolution's feature maps to work out.
    """
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest('the body must be JSON, e.g. {"image": "data:image/png;base64,..."}') from None
    if not isinstance(request, dict) or len({"image", "pixels"} & request.keys()) != 1:
        raise BadRequest('send a JSON object with either "image" (a data URL) or "pixels" (784 numbers)')
    if "image" in request:
        inputs = _inputs_from_data_url(request["image"])
    else:
        inputs = _inputs_from_pixels(request["pixels"])
    asked = {"lr": lr}
    asked.update((key, request[key]) for key in ("unit", "label", "lr", "cell") if key in request)
    return inputs, asked


def _inputs_from_data_url(url):
    """The MNIST-like inputs of the picture in a base64 data URL."""
    if not isinstance(url, str) or not url.startswith("data:image/") or ";base64," not in url:
        raise BadRequest('"image" must be a data URL: "data:image/png;base64,..."')
    try:
        data = base64.b64decode(url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest('"image" is not valid base64 after "base64,"') from None
    try:
        return mnist_style(decode_image_bytes(data))
    except ValueError as error:  # not a picture, or nothing drawn on it
        raise BadRequest(str(error)) from None
    except ImportError:  # Pillow reads the PNG; "pixels" works without it
        raise BadRequest("this server cannot read images: Pillow is not installed (pip install Pillow)", 501) from None


def _inputs_from_pixels(pixels):
    """784 grey levels 0-255, checked, divided by 255."""
    if not isinstance(pixels, list) or len(pixels) != SIDE * SIDE:
        raise BadRequest(f'"pixels" must be a list of {SIDE * SIDE} numbers ({SIDE} rows of {SIDE})')
    for value in pixels:
        # bool is a kind of int in Python, but true and false are not grey levels
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 255:
            raise BadRequest(f'"pixels" must be numbers from 0 to 255, not {json.dumps(value)}')
    if not any(pixels):
        raise BadRequest("the image is empty: every pixel is 0")
    return [value / 255 for value in pixels]


# ---------------------------------------------------------------------- HTTP

class Handler(BaseHTTPRequestHandler):
    """Answers one HTTP request: a file of the page's table, GET /api/model, GET /api/weights,
    GET /api/mistakes or POST /api/predict, asking self.server (a PageServer) for the network
    and the files.
    """

    server_version = "DigitServer"
    timeout = 30  # seconds a silent client may hold its thread before it is dropped
    # protocol_version stays "HTTP/1.0": one request per connection. A refused request's
    # body may stay unread, and it then goes with the closed connection instead of being
    # read as the next request.

    def do_GET(self):
        self.answer(self.get)

    def do_POST(self):
        self.answer(self.post)

    def answer(self, route):
        """Let route(path) answer, if the request is the server's own page's (else 403); a BadRequest
        becomes its 4xx, a bug a 500, both as JSON errors."""
        path = self.path.split("?", 1)[0]
        try:
            refused = not_its_own_page(self.command, self.headers, self.server.server_address)
            if refused:
                raise BadRequest(refused, 403)
            route(path)
        except BadRequest as error:
            self.send_json(error.status, {"error": str(error)})
        except ConnectionError:  # the client went away: there is no one to answer
            pass
        except Exception:  # a bug: say so to the client and on the console, and keep serving
            traceback.print_exc()
            self.send_json(500, {"error": "the server failed to answer; see its console"})

    def get(self, path):
        if path == "/api/model":
            self.send_json(200, self.server.model_description())
        elif path == "/api/weights":
            self.send_bytes(200, "application/json", self.server.weights_json())
        elif path == "/api/mistakes":
            self.send_bytes(200, "application/json", self.server.mistakes_json())
        elif path == "/api/predict":
            self.send_json(405, {"error": "use POST for /api/predict"}, {"Allow": "POST"})
        elif path in self.server.files:
            content_type, content = self.server.files[path]
            self.send_bytes(200, content_type, content, {"Content-Security-Policy": CONTENT_SECURITY_POLICY})
        else:
            raise BadRequest(f"nothing here: {path}", 404)

    def post(self, path):
        if path != "/api/predict":
            raise BadRequest(f"nothing to POST to here: {path}", 404)
        inputs, asked = read_prediction_request(self.read_body(), self.server.learning_rate())
        self.send_json(200, predict_answer(self.server.network(), inputs, **asked))

    def read_body(self):
        """The request's body, after checking its declared length against MAX_BODY."""
        if self.headers.get("Content-Length") is None:
            raise BadRequest("the request needs a Content-Length header", 411)
        try:
            length = int(self.headers["Content-Length"])
        except ValueError:
            length = -1
        if length < 0:
            raise BadRequest("Content-Length must be a whole number of bytes")
        try:
            if length > MAX_BODY:
                self.discard(length)
                raise BadRequest(f"the body is {length} bytes; at most {MAX_BODY} are accepted", 413)
            return self.rfile.read(length)
        except OSError:  # the client stopped sending before the end of its body
            raise BadRequest("the body did not arrive in time", 408) from None

    def discard(self, length):
        """Read and drop a refused body (up to DISCARD_AT_MOST bytes) before answering.

        A client sends its whole body before it reads the answer. Were the server to close
        the connection with the body unread, the client would find the connection broken
        and never see the 413 that says why.
        """
        left = min(length, DISCARD_AT_MOST)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)

    def send_json(self, status, obj, headers=None):
        self.send_bytes(status, "application/json", json_bytes(obj), headers)

    def send_bytes(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # always the current page and answer
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code="-", size="-"):
        """Log only failed requests: the page asks for a prediction several times a second."""
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)


def json_bytes(obj):
    """obj as compact JSON in UTF-8. allow_nan=False: a NaN would be invalid JSON; the network's outputs are finite."""
    return json.dumps(obj, allow_nan=False, separators=(",", ":")).encode("utf-8")


class PageServer(ThreadingHTTPServer):
    """An HTTP server for one page: the files of its table (URL path → (file in WEB_FOLDER,
    Content-Type)), read into memory at start, and the network that answers its API.

    A subclass says which network answers /api/predict (network()) and with which learning
    rate it tries a step (learning_rate()), and gives the answers to GET /api/model
    (model_description()), GET /api/weights (weights_json(), the JSON as bytes: pictures
    of every unit are large, and worth encoding once) and GET /api/mistakes (mistakes_json()).
    """

    def __init__(self, address, files, handler=Handler):
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        self.files = {}
        for path, (name, content_type) in files.items():
            with open(os.path.join(WEB_FOLDER, name), "rb") as f:
                self.files[path] = (content_type, f.read())
        super().__init__(address, handler)

    @property
    def url(self):
        """The address to open in a browser, e.g. http://127.0.0.1:8000/."""
        host, port = self.server_address[:2]
        if ipaddress.ip_address(host).is_unspecified:  # 0.0.0.0 or ::, all of this machine's addresses
            host = "::1" if ":" in host else "127.0.0.1"
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class DrawingServer(PageServer):
    """The drawing page's server: one network that never changes, its description and pictures made
    once, and its mistakes on test_set, found when first asked for (a pass over the whole test set)."""

    def __init__(self, address, net, test_set):
        self.net = net
        self.description = model_description(net)
        self.pictures = weight_pictures(net)
        self.test_set = test_set
        self.mistakes = None  # the JSON of GET /api/mistakes, once made
        self.finding_mistakes = threading.Lock()  # the first request finds them; others wait for it
        super().__init__(address, STATIC_FILES)

    def network(self):
        return self.net

    def learning_rate(self):
        """The learning rate of the run that trained the network (its settings in the model file), else DEFAULT_LR."""
        settings = self.net.metadata.get("settings")
        lr = settings.get("lr") if isinstance(settings, dict) else None
        return lr if isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0 else DEFAULT_LR

    def model_description(self):
        return self.description

    def weights_json(self):
        return self.pictures

    def mistakes_json(self):
        with self.finding_mistakes:
            if self.mistakes is None:
                _, _, predicted, confidence = evaluate(self.net, self.test_set)
                self.mistakes = json_bytes(mistakes_answer(self.test_set, predicted, confidence))
            return self.mistakes


def make_server(model, host="127.0.0.1", port=8000, test_set=None):
    """A DrawingServer for model (a Network, or the path of a model file) listening on host:port,
    whose mistakes are those on test_set (default: the MNIST test set, data.load_mnist()).

    port=0 picks a free port (see server.url). Nothing is answered until serve_forever()
    runs; shutdown() stops that, server_close() frees the port. Raises ModelFileError
    for a missing or bad model file, one that does not read 28 × 28 images into 10
    classes, or one trained on another data set than MNIST (Fashion-MNIST: the page is
    for digits); DataError when the MNIST test set cannot be read; OSError when the
    address cannot be used (say, the port is taken).
    """
    if isinstance(model, Network):
        net, name = model, "the network"
    else:
        net, name = load_network(model), model
    digits = lookup("mnist")
    check_model_fits(net, name, "mnist", SIDE * SIDE, len(digits.class_names))
    if test_set is None:
        (test_set,) = load_mnist(parts=("test",))
    return DrawingServer((host, port), net, test_set)


def cannot_listen(host, port, error):
    """The one-line message for an address that cannot be used; for a port that is taken (or not
    allowed), it names one that is free now to try instead."""
    message = f"cannot listen on {host}:{port}: {error.strerror or error}"
    if error.errno not in (errno.EADDRINUSE, errno.EACCES):
        return f"{message}: check --host"
    free = free_port(host, port)
    return f"{message}: try --port {free}, which is free now" if free else f"{message}: choose another --port"


def free_port(host, port, tries=100):
    """A port after port on host on which a server could listen now (the first of the next tries
    ports, from 1024 up), or None. Now only: another program may take it a moment later."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(max(port + 1, 1024), min(max(port + 1, 1024) + tries, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will (allow_reuse_address)
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def warn_if_open_to_others(host, port):
    """On stderr, a warning when host is not this machine only: others can then use the page."""
    if not is_loopback(host):
        print(f"warning: serving on {host}, not on this machine only: anyone who can reach it "
              f"on port {port} can use the page and the API", file=sys.stderr)


def main(model, host="127.0.0.1", port=8000, test_set=None):
    """Serve the drawing page for model (a Network or a model file's path) until Ctrl-C, with its
    mistakes on test_set (default: the MNIST test set).

    Returns the exit code: 0 after Ctrl-C, 2 when the server cannot start. A missing or
    bad model file, a test set that cannot be read, or an address that cannot be used, is
    reported in one line on stderr before anything is served; an address other than this
    machine's own gets a warning.
    """
    program = os.path.basename(sys.argv[0])  # the script that called main, as argparse names it
    try:
        server = make_server(model, host, port, test_set)
    except (ModelFileError, DataError) as error:
        print(f"{program}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{program}: error: {cannot_listen(host, port, error)}", file=sys.stderr)
        return 2
    warn_if_open_to_others(host, server.server_address[1])
    try:
        # Inside the try: a Ctrl-C that comes as soon as this line is out must still stop cleanly.
        print(f"Serving the digit drawing page at {server.url}  (open it in a browser; Ctrl-C stops)", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        server.server_close()
    return 0
