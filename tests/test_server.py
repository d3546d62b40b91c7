"""The drawing page's server (show/server.py), tested over real HTTP on 127.0.0.1.

A small network is trained once for the module (a few seconds); the server runs on a
free port in a thread and is shut down at the end. Every answer is checked against the
network itself, so the tests hold whatever digit the small model happens to predict.
"""

import base64
import http.client
import json
import math
import os
import random
import socket
import sys
import threading

import pytest

from benchmarks.predict_api import png_data_url
from data.preprocess import decode_image_bytes, mnist_style
from my_math import Matrix
from network import SGD, Network, train_epoch
from network.adam import Adam
from network.architecture import make_network
from network.loss import cross_entropy
from network.model_file import ModelFileError, save_network
from show.backward_views import backward, cell_sum, output_and_step, unit_backward
from show.own_page import is_loopback, not_its_own_page
from show.server import (CONTENT_SECURITY_POLICY, MAX_BODY, STATIC_FILES, WEB_FOLDER, BadRequest, main, make_server,
                         pictures_json, predict_answer)
from show.weight_pictures import input_patterns
from tests.http_client import request
from tests.interrupt import running_until_ctrl_c
from tests.missing import NO_PILLOW

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------- helpers, also used by test_browser.py

def train_small_model(train):
    """A 784-32-10 network trained for 2 epochs on the first 2000 images of train: about 85 % right, in seconds."""
    net = make_network([784, 32, 10], seed=0)
    optimizer = Adam()
    rng = random.Random(0)
    part = train.take(2000)
    for _ in range(2):
        train_epoch(net, optimizer, part, 64, rng, 0.003)
    # test_accuracy is a label written into the model for /api/model to report, not a measurement.
    net.metadata.update({"dataset": "mnist", "test_accuracy": 0.85})
    return net


class RunningServer:
    """make_server on a free port of host (127.0.0.1), serving in a thread: use with `with`, which stops it.
    Its mistakes are those on test_set (default: the MNIST test set)."""

    def __init__(self, model, host="127.0.0.1", test_set=None):
        self.server = make_server(model, host, 0, test_set)
        self.host = host
        self.port = self.server.server_address[1]
        # A short poll lets __exit__ stop the server at once rather than in half a second.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) of one request, the path sent exactly as given."""
        return request(self.host, self.port, method, path, body, headers)

    def predict(self, payload):
        """(status, JSON answer) of POST /api/predict with payload: a dict, or raw bytes sent as they are."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
        status, _, answer = self.request("POST", "/api/predict", body, {"Content-Type": "application/json"})
        return status, json.loads(answer)


# ---------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def net(mnist_sets):
    return train_small_model(mnist_sets[0])


@pytest.fixture(scope="module")
def server(net, test_set):
    with RunningServer(net, test_set=test_set.take(1000)) as running:
        yield running


# ---------------------------------------------------------------------- predictions

def test_a_test_digit_drawn_as_png_gets_the_networks_answer(server, net, test_set):
    pytest.importorskip("PIL", reason=NO_PILLOW)
    right = 0
    for i in range(20):
        url = png_data_url(test_set.image(i))
        status, answer = server.predict({"image": url})
        assert status == 200, answer
        # The server preprocesses like --image does, then asks the same network.
        expected_input = mnist_style(decode_image_bytes(base64.b64decode(url.split(",", 1)[1])))
        assert answer["input"] == expected_input
        assert answer["prediction"] == net.predict(Matrix([expected_input]))[0]
        assert answer["probabilities"] == net.probabilities(Matrix([expected_input])).rows[0]
        right += answer["prediction"] == test_set.labels[i]
    assert right >= 14, f"only {right} of 20 test digits read right after the PNG round trip"


def test_pixels_are_used_as_they_are(server, net, test_set):
    pixels = list(test_set.image(0))
    status, answer = server.predict({"pixels": pixels})
    assert status == 200, answer
    X = Matrix([[p / 255 for p in pixels]])
    _, activations = net.forward(X)
    assert answer["input"] == X.rows[0]
    assert answer["prediction"] == activations[-1].argmax()[0] == test_set.labels[0]
    assert answer["probabilities"] == activations[-1].rows[0]
    assert abs(sum(answer["probabilities"]) - 1) < 1e-9


def test_the_hidden_units_listed_are_the_strongest(server, net, test_set):
    status, answer = server.predict({"pixels": list(test_set.image(1))})
    assert status == 200, answer
    hidden_layer = net.forward(Matrix([[p / 255 for p in test_set.image(1)]]))[1][1].rows[0]
    units = answer["hidden"]
    assert len(units) == 8
    assert [unit["activation"] for unit in units] == sorted(hidden_layer, reverse=True)[:8]
    for unit in units:
        assert unit["activation"] == hidden_layer[unit["unit"]]


def test_a_units_computation_adds_up_its_terms(server, net, test_set):
    pixels = list(test_set.image(2))
    status, answer = server.predict({"pixels": pixels, "unit": 5})
    assert status == 200, answer
    unit = answer["unit"]
    x = [p / 255 for p in pixels]
    column, bias = [row[5] for row in net.layers[0].W.rows], net.layers[0].b.rows[0][5]
    products = [w * xi for w, xi in zip(column, x)]
    assert (unit["unit"], unit["weights"], unit["bias"], unit["function"]) == (5, column, bias, "relu")
    assert unit["z"] == sum(products) + bias
    assert unit["activation"] == net.forward(Matrix([x]))[1][1].rows[0][5]  # the network's own
    assert unit["activation"] == pytest.approx(max(unit["z"], 0.0), abs=1e-12)
    with_ink = sorted((i for i in range(784) if x[i]), key=lambda i: -abs(products[i]))
    assert [term["pixel"] for term in unit["terms"]] == with_ink[:8]
    for term in unit["terms"]:
        i = term["pixel"]
        assert (term["x"], term["w"], term["wx"]) == (x[i], column[i], products[i])
    assert unit["others"]["count"] == len(with_ink) - 8
    shown = bias + sum(term["wx"] for term in unit["terms"]) + unit["others"]["sum"]
    assert shown == pytest.approx(unit["z"], abs=1e-12)
    status, plain = server.predict({"pixels": pixels})
    assert "unit" not in plain


def test_an_answer_follows_the_digit_backward_from_the_networks_own_pass(server, net, test_set):
    pixels = list(test_set.image(3))
    x = [p / 255 for p in pixels]
    status, answer = server.predict({"pixels": pixels, "unit": 5, "label": 4, "lr": 0.05})
    assert status == 200, answer
    b = backward(net, x, 4)
    assert {key: answer[key] for key in ("label", "output_error", "input_gradient", "loss", "loss_after_step", "lr")} \
        == output_and_step(net, b, 0.05)
    assert {key: answer["unit"][key] for key in ("delta", "weight_gradient", "bias_gradient", "backward")} \
        == unit_backward(net, b, 5, 8)
    stepped = Network([784, 32, 10])  # the step's loss, again: the network stepped by SGD without momentum
    stepped.layers = [type(layer)(layer.W, layer.b) for layer in net.layers]
    SGD(0.0).step(stepped.layers, net.loss_and_gradients(Matrix([x]), [4])[2], 0.05)
    assert answer["loss_after_step"] == cross_entropy(stepped.probabilities(Matrix([x])), [4])


def test_without_a_label_the_answer_follows_the_prediction_with_the_runs_learning_rate(server, net, test_set):
    status, answer = server.predict({"pixels": list(test_set.image(3))})
    assert status == 200, answer
    assert answer["label"] == answer["prediction"] and answer["lr"] == 0.1  # train_small_model says no rate
    assert answer["loss"] == -math.log(answer["probabilities"][answer["prediction"]])
    assert "unit" not in answer and "cell" not in answer
    with_rate = Network([784, 8, 10])
    with_rate.metadata["settings"] = {"lr": 0.003}
    with RunningServer(with_rate, test_set=test_set.take(10)) as running:
        assert running.predict({"pixels": list(test_set.image(3))})[1]["lr"] == 0.003


def test_a_cnn_answers_a_cells_sum_and_refuses_cells_out_of_range(test_set):
    net = make_network([784, 10], seed=0, conv=[(3, 5)])
    pixels = list(test_set.image(2))
    with RunningServer(net, test_set=test_set.take(10)) as cnn_server:
        status, answer = cnn_server.predict({"pixels": pixels, "cell": {"filter": 2, "row": 12, "column": 9}})
        refused = [cnn_server.predict({"pixels": pixels, "cell": cell}) for cell in (
            {"filter": 3, "row": 0, "column": 0}, {"filter": 0, "row": 24, "column": 0},
            {"filter": 0, "row": 0, "column": -1}, {"filter": 0, "row": 1.5, "column": 0},
            {"filter": 0, "row": 0}, [0, 0, 0], {"filter": True, "row": 0, "column": 0})]
    assert status == 200, answer
    b = backward(net, [p / 255 for p in pixels], answer["prediction"])
    assert answer["cell"] == cell_sum(net, b, 2, 12, 9)
    for status, error in refused:
        assert status == 400 and "cell" in error["error"]


def test_the_mistakes_are_every_wrong_answer_on_the_test_set_most_confident_first(server, net, test_set):
    status, _, body = server.request("GET", "/api/mistakes")
    assert status == 200
    mistakes = json.loads(body)
    P = net.probabilities(test_set.matrix(range(1000)))
    wrong = [i for i, guess in enumerate(P.argmax(axis=1)) if guess != test_set.labels[i]]
    assert sorted(m["index"] for m in mistakes) == wrong and len(wrong) > 20
    for m in mistakes:
        i = m["index"]
        assert (m["label"], m["prediction"], m["pixels"]) == (test_set.labels[i], P.rows[i].index(max(P.rows[i])),
                                                              list(test_set.image(i)))
        assert m["probability"] == pytest.approx(max(P.rows[i]), abs=1e-12)
    assert [m["probability"] for m in mistakes] == sorted((m["probability"] for m in mistakes), reverse=True)


def test_a_network_without_a_hidden_layer_has_no_unit_to_show():
    with pytest.raises(BadRequest, match="no hidden layer"):
        predict_answer(Network([784, 10]), [0.5] * 784, 0)


def test_the_weight_pictures_are_the_first_layers_columns_scaled(server, net):
    status, headers, body = server.request("GET", "/api/weights")
    assert status == 200
    pictures = json.loads(body)["weights"]
    assert len(pictures) == 32
    for j, picture in enumerate(pictures):
        column = [row[j] for row in net.layers[0].W.rows]
        largest = max(map(abs, column))
        assert picture == pytest.approx([w / largest for w in column], abs=0.0005)
        assert max(map(abs, picture)) == 1.0


def test_the_pictures_json_holds_each_scaled_weight_rounded_to_three_decimals():
    rng = random.Random(0)
    edges = [0.0005, -0.0005, 0.0015, 0.0025, -0.1235, 1 / 3, -2 / 3, 1e-9, -1e-9, 0.0, -0.0, 0.9995, 1.0]
    W = Matrix([[rng.gauss(0, 1) for _ in range(7)] for _ in range(300)] + [edges[:7], edges[6:]])
    expected = [[round(w, 3) for w in pattern] for pattern in input_patterns(W)]
    assert json.loads(pictures_json(W)) == {"weights": expected}


def test_the_model_is_described(server):
    status, headers, body = server.request("GET", "/api/model")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    model = json.loads(body)
    assert model["sizes"] == [784, 32, 10] and model["layers"] == "784 → 32 → 10" and model["convolutions"] == []
    assert model["dataset"] == "mnist"
    assert model["test_accuracy"] == 0.85  # the label train_small_model wrote, not a measurement


def test_a_cnn_answers_with_every_filters_feature_map(test_set):
    net = make_network([784, 10], seed=0, conv=[(3, 5)])
    pixels = list(test_set.image(2))
    with RunningServer(net) as cnn_server:
        status, answer = cnn_server.predict({"pixels": pixels})
        _, _, model = cnn_server.request("GET", "/api/model")
        _, _, pictures = cnn_server.request("GET", "/api/weights")
    assert status == 200, answer
    X = Matrix([[p / 255 for p in pixels]])
    conv_maps = net.phi(net.forward(X)[0][1]).rows[0]  # the convolution's 3 maps of 24 × 24, after ReLU
    assert answer["hidden"] == [] and answer["prediction"] == net.predict(X)[0]
    assert answer["feature_maps"] == [[round(v, 3) for v in conv_maps[f * 576:(f + 1) * 576]] for f in range(3)]
    model = json.loads(model)
    assert model["convolutions"] == [{"filters": 3, "kernel": 5, "map_height": 24, "map_width": 24}]
    assert model["layers"] == "1×28×28 → conv 3 filters 5×5 → 3×24×24 → max pool → 3×12×12 → 10"
    pictures = json.loads(pictures)
    assert pictures["weights"] == []  # its dense layer reads the maps, not the pixels
    W = net.layers[0].W
    for f, picture in enumerate(pictures["filters"]):
        column = [row[f] for row in W.rows]
        assert picture == pytest.approx([w / max(map(abs, column)) for w in column], abs=0.0005) and len(picture) == 25


def test_several_clients_at_once_all_get_their_answers(server, net, test_set):
    answers = {}

    def client(i):
        answers[i] = server.predict({"pixels": list(test_set.image(i))})

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for i in range(8):
        status, answer = answers[i]
        assert status == 200
        assert answer["prediction"] == net.predict(Matrix([[p / 255 for p in test_set.image(i)]]))[0]


# ---------------------------------------------------------------------- bad requests

ONE_PIXEL = [0] * 783 + [255]

BAD_BODIES = {
    "not JSON": b"a seven",
    "not UTF-8": b'{"pixels": "\xff"}',
    "a list, not an object": b"[1, 2, 3]",
    "neither image nor pixels": b'{"picture": 1}',
    "both image and pixels": json.dumps({"image": "data:image/png;base64,", "pixels": ONE_PIXEL}).encode(),
    "pixels not a list": b'{"pixels": "0000"}',
    "783 pixels": json.dumps({"pixels": ONE_PIXEL[1:]}).encode(),
    "785 pixels": json.dumps({"pixels": ONE_PIXEL + [0]}).encode(),
    "a pixel above 255": json.dumps({"pixels": [256] + ONE_PIXEL[1:]}).encode(),
    "a negative pixel": json.dumps({"pixels": [-1] + ONE_PIXEL[1:]}).encode(),
    "a NaN pixel": ('{"pixels": [NaN' + ", 0" * 782 + ", 255]}").encode(),
    "a text pixel": json.dumps({"pixels": ["7"] + ONE_PIXEL[1:]}).encode(),
    "a true pixel": json.dumps({"pixels": [True] + ONE_PIXEL[1:]}).encode(),
    "all pixels black": json.dumps({"pixels": [0] * 784}).encode(),
    "image not a string": b'{"image": 7}',
    "image not a data URL": b'{"image": "http://example.invalid/7.png"}',
    "image not base64": b'{"image": "data:image/png;base64,!!not base64!!"}',
    "image not a picture": json.dumps({"image": "data:image/png;base64," + base64.b64encode(b"seven").decode()}).encode(),
    "a unit past the last": json.dumps({"pixels": ONE_PIXEL, "unit": 32}).encode(),
    "a negative unit": json.dumps({"pixels": ONE_PIXEL, "unit": -1}).encode(),
    "a unit that is not a whole number": json.dumps({"pixels": ONE_PIXEL, "unit": 2.5}).encode(),
    "label 10": json.dumps({"pixels": ONE_PIXEL, "label": 10}).encode(),
    "a negative label": json.dumps({"pixels": ONE_PIXEL, "label": -1}).encode(),
    "a label that is not a whole number": json.dumps({"pixels": ONE_PIXEL, "label": 2.5}).encode(),
    "a label in words": json.dumps({"pixels": ONE_PIXEL, "label": "3"}).encode(),
    "a true label": json.dumps({"pixels": ONE_PIXEL, "label": True}).encode(),
    "lr 0": json.dumps({"pixels": ONE_PIXEL, "lr": 0}).encode(),
    "a negative lr": json.dumps({"pixels": ONE_PIXEL, "lr": -0.1}).encode(),
    "lr in words": json.dumps({"pixels": ONE_PIXEL, "lr": "0.1"}).encode(),
    "an infinite lr": ('{"lr": Infinity, "pixels": ' + json.dumps(ONE_PIXEL) + "}").encode(),
    "a cell of a network without convolution": json.dumps(
        {"pixels": ONE_PIXEL, "cell": {"filter": 0, "row": 0, "column": 0}}).encode(),
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=list(BAD_BODIES))
def test_a_bad_request_gets_400_and_a_message(server, body):
    status, answer = server.predict(body)
    assert status == 400
    assert isinstance(answer["error"], str) and answer["error"]


def test_an_empty_drawing_gets_400_and_says_so(server):
    pytest.importorskip("PIL", reason=NO_PILLOW)
    status, answer = server.predict({"image": png_data_url(bytes(784))})  # all black
    assert status == 400
    assert "empty" in answer["error"]


def test_without_pillow_an_image_gets_501_and_says_so(server, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # what `import PIL` then finds: no Pillow
    status, answer = server.predict({"image": "data:image/png;base64," + base64.b64encode(b"a PNG").decode()})
    assert status == 501
    assert "Pillow" in answer["error"]


@pytest.mark.parametrize("size", [MAX_BODY + 1, 5 * MAX_BODY])
def test_a_body_over_the_limit_gets_413(server, size):
    status, _, body = server.request("POST", "/api/predict", b" " * size)
    assert status == 413
    assert "at most" in json.loads(body)["error"]


@pytest.mark.parametrize("length, expected", [(None, 411), ("seven", 400), ("-5", 400), ("\u00b2", 400)])
def test_a_missing_or_bad_content_length_is_refused(server, length, expected):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/predict")  # only the headers given here, no body
        if length is not None:
            connection.putheader("Content-Length", length)
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == expected
        assert json.loads(response.read())["error"]
    finally:
        connection.close()


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "/api/predict", 405),
    ("POST", "/index.html", 404),
    ("POST", "/api/model", 404),
    ("POST", "/api/weights", 404),
    ("POST", "/api/mistakes", 404),
])
def test_the_wrong_method_is_refused(server, method, path, expected):
    status, _, body = server.request(method, path, b"{}" if method == "POST" else None)
    assert status == expected
    assert json.loads(body)["error"]


def test_the_server_still_answers_after_bad_requests(server, test_set):
    for body in BAD_BODIES.values():
        server.predict(body)
    status, answer = server.predict({"pixels": list(test_set.image(0))})
    assert status == 200
    assert answer["prediction"] == test_set.labels[0]


# ---------------------------------------------------------------------- static files

@pytest.mark.parametrize("path", list(STATIC_FILES))
def test_the_page_files_are_served(server, path):
    status, headers, body = server.request("GET", path)
    name, content_type = STATIC_FILES[path]
    assert status == 200
    assert headers["Content-Type"] == content_type
    with open(os.path.join(WEB_FOLDER, name), "rb") as f:
        assert body == f.read()
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'self';")  # nothing from elsewhere


def test_a_query_string_does_not_change_the_file(server):
    status, _, body = server.request("GET", "/?from=bookmark")
    assert status == 200
    assert b"<canvas" in body


@pytest.mark.parametrize("path", [
    "/../README.md",
    "/%2e%2e/README.md",
    "/%2e%2e/",
    "/..%2fREADME.md",
    "/show/server.py",
    "/server.py",
    "/web/",
    "/web/app.js",
    "/show/web/app.js",
    "//etc/passwd",
    "/README.md",
    "/.git/config",
    "/index.html/",
    "/app.js%00",
    "/api/",
    "/favicon.ico",
])
def test_nothing_else_is_served(server, path):
    status, _, body = server.request("GET", path)
    assert status == 404
    assert json.loads(body)["error"]


# ---------------------------------------------------------------------- starting and stopping

def test_make_server_takes_a_model_file(net, tmp_path):
    path = str(tmp_path / "small.json")
    save_network(net, path)
    with RunningServer(path) as running:
        status, _, body = running.request("GET", "/api/model")
    assert status == 200
    assert json.loads(body)["sizes"] == [784, 32, 10]


def test_an_ipv6_loopback_address_works(net):
    try:
        running = RunningServer(net, "::1")
    except OSError:
        pytest.skip("no IPv6 on this machine")
    with running:
        assert running.server.url == f"http://[::1]:{running.port}/"
        assert running.request("GET", "/api/model")[0] == 200


def test_a_missing_model_is_a_model_file_error(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        make_server(str(tmp_path / "missing.json"), "127.0.0.1", 0)


def test_a_model_for_other_inputs_is_refused():
    with pytest.raises(ModelFileError, match="takes 100 inputs .* mnist images have 784 pixels"):
        make_server(Network([100, 10]), "127.0.0.1", 0)


def test_a_model_of_another_data_set_is_refused():
    fashion = Network([784, 16, 10])
    fashion.metadata["dataset"] = "fashion"
    with pytest.raises(ModelFileError, match="trained on fashion"):
        make_server(fashion, "127.0.0.1", 0)


def test_main_reports_a_missing_model_in_one_line_and_exits_2(tmp_path, capsys):
    assert main(str(tmp_path / "missing.json"), "127.0.0.1", 0) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "missing.json" in error and "no such model file" in error


def test_main_reports_a_port_in_use_in_one_line_and_exits_2(net, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(net, "127.0.0.1", port) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in error


def test_main_serves_until_ctrl_c_and_stops_cleanly(net, tmp_path):
    path = str(tmp_path / "small.json")
    save_network(net, path)
    script = f"import sys; from show.server import main; sys.exit(main({path!r}, '127.0.0.1', 0))"
    with running_until_ctrl_c([sys.executable, "-c", script], lambda line: "http://127.0.0.1:" in line,
                              cwd=ROOT) as run:
        url = run.first_line.split("http://", 1)[1].split()[0]
        port = int(url.split(":")[1].rstrip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
    assert run.process.returncode == 0, run.err
    assert "Stopped" in run.out
    assert run.err == ""  # no traceback, and no warning: this machine only


def test_serving_on_every_address_warns_and_answers_any_name_of_the_machine(net, tmp_path):
    """test_single.py --serve --host 0.0.0.0, for a classroom: a warning that others can use the page,
    which answers whatever name of the machine their browsers use."""
    path = str(tmp_path / "small.json")
    save_network(net, path)
    argv = [sys.executable, os.path.join(ROOT, "test_single.py"), "--serve", "--model", path,
            "--host", "0.0.0.0", "--port", "0"]
    with running_until_ctrl_c(argv, lambda line: "http://127.0.0.1:" in line, cwd=tmp_path) as run:
        port = int(run.first_line.split("http://127.0.0.1:", 1)[1].split("/")[0])
        assert request("127.0.0.1", port, "GET", "/", headers={"Host": f"laptop-7.local:{port}"})[0] == 200
    assert run.process.returncode == 0, run.err
    assert run.err == (f"warning: serving on 0.0.0.0, not on this machine only: anyone who can reach it on port {port} "
                       "can use the page and the API\n")


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", True),
    ("127.0.0.2", True),
    ("::1", True),
    ("localhost", True),
    ("0.0.0.0", False),
    ("192.168.1.20", False),
    ("example.invalid", False),
])
def test_is_loopback(host, expected):
    assert is_loopback(host) == expected


# ---------------------------------------------------------------------- only its own page (show/own_page.py)

@pytest.mark.parametrize("host, answered", [
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("LocalHost:{port}", True), ("[::1]:{port}", True),
    ("127.0.0.2:{port}", True), ("localhost", True), ("127.0.0.1", True),
    ("evil.example:{port}", False),  # a name of another site, made to resolve to 127.0.0.1: DNS rebinding
    ("localhost.evil.example:{port}", False), ("192.168.1.20:{port}", False), ("localhost:1{port}", False),
    ("evil.example@localhost:{port}", False), ("localhost/x", False), ("localhost:http", False), ("", False),
])
def test_only_a_host_naming_this_machine_is_answered(server, host, answered):
    host = host.format(port=server.port)
    for method, path, body in (("GET", "/", None), ("GET", "/api/model", None),
                               ("POST", "/api/predict", json.dumps({"pixels": [255] * 784}).encode())):
        status, _, answer = server.request(method, path, body, {"Host": host})
        if answered:
            assert status == 200, (host, method, path)
        else:
            assert status == 403, (host, method, path)
            error = json.loads(answer)["error"]
            assert error == (f"this server answers only pages opened at localhost:{server.port} or "
                             f"127.0.0.1:{server.port}, not at {host}")


@pytest.mark.parametrize("origin, answered", [
    ("http://127.0.0.1:{port}", True),  # the page itself
    ("http://evil.example", False), ("http://localhost:{port}", False),  # localhost: another page than 127.0.0.1's
    ("http://127.0.0.1:1{port}", False), ("https://127.0.0.1:{port}", False), ("null", False),
])
def test_a_post_from_another_page_is_refused(server, origin, answered):
    origin = origin.format(port=server.port)
    body = json.dumps({"pixels": [255] * 784}).encode()
    status, _, answer = server.request("POST", "/api/predict", body, {"Origin": origin})
    if answered:
        assert status == 200
    else:
        assert status == 403
        assert json.loads(answer)["error"] == f"a page from {origin} may not send requests to this server: " \
                                              "only its own page may"
    assert server.request("GET", "/api/model", None, {"Origin": origin})[0] == 200  # reading is not sending


def test_a_server_for_a_classroom_accepts_any_name_of_its_machine_and_still_only_its_pages():
    """Listening on every address (--host 0.0.0.0), a server is reached by names it cannot list: its
    host name, local DNS names, any address of the machine. Pages elsewhere still may not POST."""
    everywhere = ("0.0.0.0", 8000)
    for host in ("laptop-7.local:8000", "192.168.1.20:8000", "localhost:8000", "classroom"):
        assert not_its_own_page("GET", {"Host": host}, everywhere) is None
        assert not_its_own_page("POST", {"Host": host, "Origin": f"http://{host}"}, everywhere) is None
        assert not_its_own_page("POST", {"Host": host, "Origin": "http://evil.example"}, everywhere) == (
            "a page from http://evil.example may not send requests to this server: only its own page may")
    assert not_its_own_page("POST", {"Origin": "http://laptop-7.local:8000"}, everywhere) is not None  # no Host
    assert not_its_own_page("GET", {}, ("127.0.0.1", 8000)) is None  # no Host at all: no browser sent it
