"""train.py --live: the live page's API against real short runs, and what it is built on.

Runs start with --paused wherever a test needs to know where training is: then nothing
happens but what the test asks for (Step, Resume), and the figures are exact. A run of
640 images in mini-batches of 64 has 10 mini-batches an epoch and takes a second or two.
"""

import http.client
import json
import math
import os
import random
import re
import socket
import threading
import time

import pytest

from my_math import Matrix
from my_math.fast import use_fast_forms
from network import SGD, Network, train_epoch
from network.adam import Adam
from network.architecture import make_network
from network.weight_decay import WeightDecay
from network.checkpoint import load_checkpoint
from network.run_records import RunRecord, load_record
from network.settings import DEFAULTS, parse_args, settings_from
from show.backward_views import backward, output_and_step
from show.earlier_runs import earlier_runs
from show.live import LiveTraining, NotNow, view_of
from show.live_server import LIVE_FILES, EveryFewSeconds, LivePage, change_pictures, panel_indices
from show.server import CONTENT_SECURITY_POLICY, WEB_FOLDER
from show.weight_pictures import input_patterns
from tests.live_run import LiveRun
from tests.test_train import layers, run_train

RUN = ["--limit", "640", "--test-limit", "100", "--batch-size", "64", "--epochs", "2", "--optimizer", "adam",
       "--lr", "0.003", "--hidden", "32", "--seed", "3", "--no-plots"]
BATCHES = 10  # mini-batches an epoch: 640 / 64
# A small CNN: 3 filters of 5 × 5, 2 mini-batches of 64 images an epoch (a CNN trains about 50 images a second).
CNN_RUN = ["--conv", "3x5", "--hidden", "16", "--limit", "128", "--test-limit", "100", "--batch-size", "64",
           "--epochs", "1", "--seed", "3", "--no-plots"]


@pytest.fixture(scope="module")
def without_live(tmp_path_factory):
    """The weights of RUN trained without --live: (model file, its layers)."""
    folder = tmp_path_factory.mktemp("plain")
    result = run_train(*RUN, "--out", "plain.json", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "plain.json", layers(folder / "plain.json")


@pytest.fixture
def paused_run(tmp_path):
    """RUN with --live --paused: nothing has been trained yet."""
    with LiveRun(*RUN, "--paused", "--out", "live.json", cwd=tmp_path) as run:
        yield run


@pytest.fixture(scope="module")
def idle_run(tmp_path_factory):
    """One paused run for the tests that only read, or step."""
    with LiveRun(*RUN, "--paused", cwd=tmp_path_factory.mktemp("idle")) as run:
        yield run


def stream_messages(port, messages, stop_when):
    """Read GET /api/training/events on port into messages (dicts) until stop_when(message) or its end."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/training/events")
    response = connection.getresponse()
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    try:
        for line in response:
            if line.startswith(b"data: "):
                messages.append(json.loads(line[len(b"data: "):]))
                if stop_when(messages[-1]):
                    return
    finally:
        connection.close()


def wait_until(condition, timeout=30):
    """Wait for condition() to hold; timeout (seconds) only ends a test that would wait for ever."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not so after {timeout} s"
        time.sleep(0.02)


# ---------------------------------------------------------------------- the state and the controls

def test_a_run_started_paused_has_trained_nothing(paused_run):
    state = paused_run.wait_for(lambda s: s["lr"] is not None)  # null for the moment before the first epoch begins
    assert {key: state[key] for key in ("state", "epoch", "epochs", "batch", "batches_per_epoch", "batch_size",
                                        "images_seen", "train_images", "history", "recent", "last_step")} == {
        "state": "paused", "epoch": 1, "epochs": 2, "batch": 0, "batches_per_epoch": BATCHES, "batch_size": 64,
        "images_seen": 0, "train_images": 640, "history": [], "recent": [], "last_step": None}
    assert state["lr"] == 0.003  # the cosine schedule's first epoch
    assert state["images_per_second"] is None and state["seconds_left"] is None
    assert "training waits for Resume or Step" in paused_run.out
    time.sleep(0.5)
    assert paused_run.state()["images_seen"] == 0


def test_step_trains_exactly_one_mini_batch_and_says_what_it_did(paused_run):
    status, state = paused_run.post("/api/training/step")
    assert status == 200, state
    assert (state["state"], state["batch"], state["images_seen"]) == ("paused", 1, 64)
    assert [point["step"] for point in state["recent"]] == [1]
    step = state["last_step"]
    assert (step["step"], step["epoch"], step["batch"]) == (1, 1, 1)
    assert step["loss_before"] == state["recent"][0]["loss"]
    assert step["loss_after"] < step["loss_before"]  # one Adam step on a batch lowers its loss
    state = paused_run.control("step")
    assert (state["state"], state["images_seen"], state["last_step"]["step"]) == ("paused", 128, 2)
    time.sleep(0.5)
    assert paused_run.state()["images_seen"] == 128  # paused stays paused


def test_resume_carries_on_and_pause_holds_it_still(tmp_path):
    slow = ["--limit", "4000", "--batch-size", "16", "--epochs", "3"]  # long enough to pause on the way
    with LiveRun(*RUN, *slow, "--paused", cwd=tmp_path) as run:
        status, state = run.post("/api/training/resume")
        assert status == 200 and state["state"] == "running"
        run.wait_for(lambda s: s["images_seen"] >= 160)
        status, state = run.post("/api/training/pause")
        assert status == 200 and state["state"] == "paused"
        time.sleep(0.5)
        assert run.state()["images_seen"] == state["images_seen"]
        assert run.state()["images_per_second"] > 0
        run.control("resume")
        status, answer = run.post("/api/training/step")
        assert status == 409 and "Pause first" in answer["error"]


def test_a_step_across_the_end_of_an_epoch(paused_run):
    for _ in range(BATCHES):
        paused_run.control("step")
    state = paused_run.state()
    assert (state["epoch"], state["batch"], state["images_seen"], state["history"]) == (1, BATCHES, 640, [])
    state = paused_run.control("step")  # the test of epoch 1, then batch 1 of epoch 2
    assert (state["state"], state["epoch"], state["batch"], state["images_seen"]) == ("paused", 2, 1, 704)
    assert len(state["history"]) == 1 and state["history"][0]["epoch"] == 1
    assert len(state["confusion"]) == 10 and sum(map(sum, state["confusion"])) == 100
    assert state["last_step"]["step"] == BATCHES + 1
    assert [point["step"] for point in state["recent"]] == list(range(1, BATCHES + 2))


# ---------------------------------------------------------------------- training is not changed

@pytest.mark.parametrize("workers", [[], ["--workers", "2"]], ids=["one process", "two workers"])
def test_a_live_run_paused_and_stepped_ends_with_the_weights_of_the_run_without_it(tmp_path, without_live, workers):
    with LiveRun(*RUN, *workers, "--paused", "--out", "live.json", cwd=tmp_path) as run:
        for _ in range(3):
            run.control("step")
        run.control("resume")
        run.post("/api/training/pause")  # these three may come after the last mini-batch (409): the run is short
        run.post("/api/training/step")
        status, _ = run.post("/api/predict", {"pixels": [0] * 783 + [255], "unit": 0})  # reading it changes nothing
        assert status == 200
        run.post("/api/training/resume")
        state = run.wait_for(lambda s: s["state"] == "finished")
        assert len(state["history"]) == 2 and state["seconds_left"] is None
        for control in ("pause", "resume", "step"):
            status, answer = run.post(f"/api/training/{control}")
            assert status == 409 and "finished" in answer["error"]
        run.wait_for_line(lambda line: "live page stays up" in line)
        assert run.ctrl_c() == 0
    assert layers(tmp_path / "live.json") == without_live[1]  # bit for bit
    assert "Stopped." in run.out and "Traceback" not in run.err


def test_the_page_is_answered_by_the_network_being_trained(paused_run, test_set):
    net = Network([784, 32, 10], seed=3)  # what RUN's network is before its first update
    pixels = list(test_set.image(0))
    status, answer = paused_run.post("/api/predict", {"pixels": pixels})
    assert status == 200
    assert answer["probabilities"] == net.probabilities(Matrix([[p / 255 for p in pixels]])).rows[0]
    status, weights = paused_run.get("/api/weights")
    assert status == 200
    assert weights["weights"] == [[round(w, 3) for w in pattern] for pattern in input_patterns(net.layers[0].W)]
    status, changes = paused_run.get("/api/training/changes")
    assert status == 200
    assert len(changes["weights"]) == 32 and not any(map(any, changes["weights"]))  # nothing learnt yet
    status, model = paused_run.get("/api/model")
    assert status == 200
    assert (model["sizes"], model["dataset"], model["class_names"]) == ([784, 32, 10], "mnist", list("0123456789"))

    status, digits = paused_run.get("/api/training/digits")
    assert status == 200
    assert [d["label"] for d in digits["digits"]] == list(range(10)) * 2  # the first two of each class
    # the page's digits are predicted together, as one batch of image bytes (a ByteMatrix's product)
    together = net.probabilities(test_set.matrix([d["index"] for d in digits["digits"]])).rows
    for d, P in zip(digits["digits"], together):
        assert d["pixels"] == list(test_set.image(d["index"]))
        assert d["prediction"] == P.index(max(P)) and d["probability"] == max(P)

    paused_run.control("step")
    status, after = paused_run.post("/api/predict", {"pixels": pixels})
    assert status == 200 and after["probabilities"] != answer["probabilities"]  # one update later, another network
    status, changes = paused_run.get("/api/training/changes")
    assert status == 200 and any(map(any, changes["weights"]))


def test_the_page_follows_a_digit_backward_with_the_epochs_learning_rate(paused_run, test_set):
    net = Network([784, 32, 10], seed=3)  # what RUN's network is before its first update
    pixels = list(test_set.image(0))
    status, mistakes = paused_run.get("/api/mistakes")
    assert (status, mistakes) == (200, [])  # no epoch tested yet
    status, answer = paused_run.post("/api/predict", {"pixels": pixels, "unit": 4, "label": 7})
    assert status == 200 and answer["lr"] == paused_run.state()["lr"] == 0.003  # the epoch's, not 0.1
    b = backward(net, [p / 255 for p in pixels], 7)
    assert answer["output_error"] == b.dZ[-1].rows[0] and answer["loss"] == b.loss
    assert answer["unit"]["delta"] == b.dZ[1].rows[0][4]
    assert answer["loss_after_step"] == output_and_step(net, b, 0.003)["loss_after_step"]
    for bad in ({"label": 10}, {"label": 1.5}, {"lr": 0}, {"cell": {"filter": 0, "row": 0, "column": 0}}):
        status, refused = paused_run.post("/api/predict", {"pixels": pixels, **bad})
        assert status == 400 and refused["error"]
    status, health = paused_run.get("/api/training/layers")
    assert health == {"layers": ["layer 1", "layer 2 (output)"], "activation": "relu", "records": []}


def test_after_each_epoch_the_page_lists_its_tests_mistakes_and_each_layers_health(tmp_path, test_set):
    with LiveRun(*RUN, "--paused", "--out", "live.json", cwd=tmp_path) as run:
        for _ in range(BATCHES + 1):  # epoch 1, a step at a time, and its test before the first step of epoch 2
            run.post("/api/training/step")
        state = run.wait_for(lambda s: len(s["history"]) == 1)
        status, mistakes = run.get("/api/mistakes")
        status, health = run.get("/api/training/layers")
    net = load_checkpoint(str(tmp_path / "live.json")).net  # the network of epoch 1, tested and saved
    test = test_set.take(100)
    P = net.probabilities(test.matrix(range(100)))
    wrong = [i for i, row in enumerate(P.rows) if row.index(max(row)) != test.labels[i]]
    assert status == 200 and sorted(m["index"] for m in mistakes) == wrong
    assert len(wrong) == round(100 * (1 - state["history"][0]["test_accuracy"]))
    assert [m["probability"] for m in mistakes] == sorted((m["probability"] for m in mistakes), reverse=True)
    assert [record["step"] for record in health["records"]] == [BATCHES]  # the epoch's last mini-batch
    hidden, output = health["records"][0]["layers"]
    assert 0 < hidden["flat"] < 1 and hidden["spread"] > 0 and output["mean"] is None
    assert -6 < output["update"] < 0 and output["gradient"] > 0


# ---------------------------------------------------------------------- the event stream, Ctrl-C, --resume

def test_the_event_stream_sends_the_run_as_it_goes_and_ctrl_c_stops_it(tmp_path, without_live):
    messages = []
    with LiveRun(*RUN, "--paused", "--out", "run.json", cwd=tmp_path) as run:
        reader = threading.Thread(target=stream_messages, args=(run.port, messages, lambda m: m["state"] == "stopped"))
        reader.start()
        wait_until(lambda: messages)
        for _ in range(BATCHES + 2):  # epoch 1, then two mini-batches of epoch 2
            run.control("step")
        wait_until(lambda: messages[-1]["images_seen"] == 640 + 128)  # sent as it happens, not only at the end
        assert run.ctrl_c() == 130  # while paused in epoch 2
        reader.join(30)
    assert not reader.is_alive()
    assert messages[0]["state"] == "paused" and messages[-1]["state"] == "stopped"
    seen = [m["images_seen"] for m in messages]
    assert seen == sorted(seen) and seen[-1] == 640 + 128
    steps = [point["step"] for m in messages for point in m["recent"]]
    assert steps == list(range(1, BATCHES + 3))  # every mini-batch once, in order
    assert "Traceback" not in run.err
    assert "run.json holds the network after epoch 1 of 2" in run.out
    assert load_checkpoint(str(tmp_path / "run.json")).net.metadata["epochs"] == 1
    with pytest.raises(ConnectionRefusedError):  # the server has let go of its port
        socket.create_connection(("127.0.0.1", run.port), timeout=5)

    with LiveRun("--resume", "--out", "run.json", "--no-plots", cwd=tmp_path) as resumed:
        state = resumed.state()
        assert len(state["history"]) == 1 and state["epoch"] == 2
        resumed.wait_for(lambda s: s["state"] == "finished")
    assert layers(tmp_path / "run.json") == without_live[1]


def test_ten_pages_and_readers_that_never_read_do_not_hold_training_up(tmp_path, test_set):
    with LiveRun(*RUN, "--limit", "3000", "--batch-size", "16", "--epochs", "3", cwd=tmp_path) as run:
        stuck = []
        for path in ("/api/training/events", "/api/weights"):  # asked for, never read
            client = socket.create_connection(("127.0.0.1", run.port))
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
            stuck.append(client)
        answers, messages = [], [[] for _ in range(10)]

        def page(k):
            answers.append(run.get("/api/weights")[0])
            answers.append(run.get("/api/training/digits")[0])
            answers.append(run.post("/api/predict", {"pixels": list(test_set.image(k)), "unit": k})[0])
            stream_messages(run.port, messages[k], lambda m: len(messages[k]) >= 3)

        pages = [threading.Thread(target=page, args=(k,)) for k in range(10)]
        before = run.state()["images_seen"]
        for thread in pages:
            thread.start()
        for thread in pages:
            thread.join(30)
        assert answers == [200] * 30
        assert all(len(m) == 3 and m[0]["images_seen"] < m[2]["images_seen"] for m in messages)
        assert run.state()["images_seen"] > before
        assert run.ctrl_c() == 130  # and Ctrl-C still stops it at once
        for client in stuck:
            client.close()
    assert "Traceback" not in run.err


# ---------------------------------------------------------------------- requests the page does not make

@pytest.mark.parametrize("path", list(LIVE_FILES))
def test_the_page_files_are_served(idle_run, path):
    status, headers, body = idle_run.request("GET", path)
    name, content_type = LIVE_FILES[path]
    assert status == 200 and headers["Content-Type"] == content_type
    with open(os.path.join(WEB_FOLDER, name), "rb") as f:
        assert body == f.read()
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY  # nothing loaded from elsewhere


def test_only_the_live_page_itself_may_read_or_control_the_run(idle_run):
    """Another site's page can neither read the run (DNS rebinding: its own name in the Host header)
    nor pause or step it (a cross-site POST: its address in the Origin header). show/own_page.py."""
    before = idle_run.state()
    for path in ("/", "/api/training", "/api/training/events", "/api/weights"):
        status, _, body = idle_run.request("GET", path, headers={"Host": f"evil.example:{idle_run.port}"})
        assert status == 403 and json.loads(body)["error"].endswith(", not at evil.example:" + str(idle_run.port))
    for control in ("pause", "resume", "step"):
        status, _, body = idle_run.request("POST", f"/api/training/{control}", b"", {"Origin": "http://evil.example"})
        assert status == 403 and json.loads(body)["error"] == (
            "a page from http://evil.example may not send requests to this server: only its own page may")
    after = idle_run.state()
    assert (after["state"], after["images_seen"]) == ("paused", before["images_seen"])
    own = {"Origin": f"http://127.0.0.1:{idle_run.port}"}
    status, _, body = idle_run.request("POST", "/api/training/step", b"", own)
    assert status == 200 and json.loads(body)["images_seen"] == before["images_seen"] + 64


def test_a_live_page_for_a_classroom_warns_and_answers_any_name_of_the_machine(tmp_path):
    with LiveRun(*RUN, "--paused", "--host", "0.0.0.0", cwd=tmp_path) as run:
        named = {"Host": f"laptop-7.local:{run.port}"}
        assert run.request("GET", "/api/training", headers=named)[0] == 200
        own, other = f"http://laptop-7.local:{run.port}", "http://evil.example"
        assert run.request("POST", "/api/training/step", b"", dict(named, Origin=own))[0] == 200
        assert run.request("POST", "/api/training/step", b"", dict(named, Origin=other))[0] == 403
    assert run.returncode == 130, run.err  # Ctrl-C while paused
    assert (f"warning: serving on 0.0.0.0, not on this machine only: anyone who can reach it on port {run.port} "
            "can use the page and the API") in run.err.splitlines()


def test_bad_requests_get_4xx_and_a_json_error(idle_run):
    for method, path, expected in [
        ("GET", "/api/training/pause", 405), ("GET", "/api/training/step", 405),
        ("POST", "/api/training", 404), ("POST", "/api/training/events", 404), ("POST", "/api/training/stop", 404),
        ("GET", "/api/training/nothing", 404), ("GET", "/index.html", 404), ("GET", "/app.js", 404),
        ("GET", "/../README.md", 404), ("GET", "/%2e%2e/train.py", 404), ("GET", "/show/live.py", 404),
    ]:
        status, _, body = idle_run.request(method, path, b"" if method == "POST" else None)
        assert status == expected, (method, path)
        assert json.loads(body)["error"]
    for unit in (32, -1, "3", 1.5, True):
        status, answer = idle_run.post("/api/predict", {"pixels": [255] * 784, "unit": unit})
        assert status == 400 and "unit" in answer["error"]
    before = idle_run.state()["images_seen"]
    status, answer = idle_run.post("/api/training/step", None)
    assert status == 200 and answer["images_seen"] == before + 64  # still working


def test_a_port_in_use_is_one_line_and_exit_2_before_training(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_train(*RUN, "--live", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 2
    assert re.fullmatch(rf"train.py: error: cannot listen on 127.0.0.1:{port}: Address already in use: "
                        r"try --port (\d+), which is free now\n", result.stderr), result.stderr
    suggested = int(re.search(r"--port (\d+)", result.stderr).group(1))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))  # free indeed
    assert result.stdout == "" and not os.path.exists(tmp_path / "models" / "mnist.json")
    assert os.listdir(tmp_path / "runs") == []  # no record of a run that never began


@pytest.mark.parametrize("args, message", [
    (["--paused"], "--port, --host and --paused go with --live"),
    (["--port", "8000"], "--port, --host and --paused go with --live"),
    (["--live", "--port", "70000"], "argument --port: must be a port number from 0 to 65535"),
])
def test_live_options_that_cannot_be_used(tmp_path, args, message):
    result = run_train(*args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr


# ---------------------------------------------------------------------- in this process: the parts

@pytest.mark.parametrize("optimizer", [WeightDecay(SGD(momentum=0.9), 0.01), SGD(0.0), Adam()],
                         ids=["sgd-momentum-decay", "sgd", "adam"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "textbook"])
def test_a_view_keeps_its_weights_while_the_network_learns(optimizer, fast):
    """What the server relies on to read without a lock: an update gives layers new matrices."""
    net = Network([6, 4, 3], seed=0)
    rng = random.Random(0)
    X = Matrix([[rng.random() for _ in range(6)] for _ in range(5)])
    view = view_of(net)
    kept = [(layer.W.rows[0][:], layer.b.rows[0][:]) for layer in view.layers]
    use_fast_forms(fast)
    try:
        optimizer.step(net.layers, net.loss_and_gradients(X, [0, 1, 2, 0, 1])[2], 0.1)
    finally:
        use_fast_forms(True)
    assert [(layer.W.rows[0], layer.b.rows[0]) for layer in view.layers] == kept
    assert [layer.W.rows[0] for layer in net.layers] != [w for w, _ in kept]


def test_pause_and_step_wait_between_updates_in_a_training_thread(test_set):
    part = test_set.take(200)
    live = LiveTraining(Network([784, 8, 10], seed=0), [], len(part), part, 1, 50, paused=True)
    net, rng = live.net, random.Random(0)

    def training():
        live.epoch_begins(1, 0.1)
        train_epoch(net, SGD(0.0), part, 50, rng, 0.1, 1, on_batch=[live.after_batch])
        live.finish()

    thread = threading.Thread(target=training, daemon=True)  # daemon: a bug that leaves it waiting cannot hang pytest
    thread.start()
    first = live.step()
    assert (first["state"], first["images_seen"], first["last_step"]["batch"]) == ("paused", 50, 1)
    assert live.step()["images_seen"] == 100
    assert live.resume()["state"] == "running"
    thread.join(30)
    assert live.state_dict()["state"] == "finished" and live.state_dict()["images_seen"] == 200
    with pytest.raises(NotNow, match="finished"):
        live.pause()


def test_every_few_seconds_computes_once_for_every_reader_and_not_while_nothing_changes(monkeypatch):
    now = [1000.0]  # the clock EveryFewSeconds reads, moved by the test: no test waits for real seconds
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    calls = []
    live = LiveTraining(Network([4, 3, 2]), [], 10, None, 1, 5)
    cached = EveryFewSeconds(lambda view: calls.append(view) or len(calls), 4)
    assert [cached.get(live) for _ in range(5)] == [1] * 5
    live.version += 1
    now[0] += 3
    assert cached.get(live) == 1  # changed, but made less than 4 s ago
    now[0] += 1
    assert cached.get(live) == 2
    now[0] += 60
    assert cached.get(live) == 2  # the run has not changed: nothing to make again
    assert cached.get(live) == 2 and cached.get(live) == 2
    live.state, live.version = "paused", live.version + 1
    assert cached.get(live) == 3  # paused: a change (a Step) is shown at once


def test_the_panel_takes_the_first_of_each_class_then_the_second():
    assert panel_indices([3, 1, 1, 0, 3, 2, 1, 0, 2], 4) == [3, 1, 5, 0, 7, 2, 8, 4]
    assert panel_indices([0, 0, 0], 2, per_class=1) == [0]


def test_change_pictures_are_what_the_weights_have_learnt():
    start = Network([4, 2, 2], seed=0)
    net = view_of(start)
    net.layers[0].W = start.layers[0].W + Matrix([[0.5, 0.0], [0.0, -0.1], [0.25, 0.0], [0.0, 0.2]])
    assert json.loads(change_pictures(net, start)) == {"weights": [[1.0, 0.0, 0.5, 0.0], [0.0, -0.5, 0.0, 1.0]]}
    assert json.loads(change_pictures(Network([4, 2]), Network([4, 2]))) == {"weights": []}


def test_a_cnn_s_change_pictures_are_its_first_filters_K_by_K():
    start = make_network([64, 5, 2], seed=0, conv=[(2, 2), (2, 2)], input_shape=(1, 8, 8))
    net = view_of(start)
    net.layers[0].W = start.layers[0].W + Matrix([[0.5, 0.0], [0.0, -0.1], [0.25, 0.0], [0.0, 0.2]])
    net.layers[1].W = start.layers[1].W + Matrix([[1.0, 1.0]] * 8)  # the second convolution: not drawn
    assert json.loads(change_pictures(net, start)) == {
        "weights": [], "filters": [[1.0, 0.0, 0.5, 0.0], [0.0, -0.5, 0.0, 1.0]]}


def test_stop_tells_open_streams_and_leaves_no_thread_behind(test_set):
    threads_before = threading.active_count()
    net = Network([784, 8, 10])
    page = LivePage(net, [], test_set.take(100), test_set.take(100), {"epochs": 1, "batch_size": 10}, port=0)
    messages = []
    reader = threading.Thread(target=stream_messages,
                              args=(page.server.server_address[1], messages, lambda m: m["state"] == "stopped"))
    reader.start()
    wait_until(lambda: messages)
    page.stop()
    reader.join(30)
    assert [m["state"] for m in messages] == ["running", "stopped"]
    wait_until(lambda: threading.active_count() == threads_before)  # the stream's thread ends after its last message


def test_a_diverging_run_tells_the_page_why_it_stopped(tmp_path):
    messages = []
    with LiveRun("--lr", "1e9", "--limit", "500", "--epochs", "2", "--test-limit", "100", "--no-plots", "--paused",
                 cwd=tmp_path) as run:
        reader = threading.Thread(target=stream_messages, args=(run.port, messages, lambda m: m["state"] == "stopped"))
        reader.start()
        wait_until(lambda: messages)
        run.control("resume")
        assert run.wait() == 2
        reader.join(30)
    assert messages[-1]["state"] == "stopped"
    assert messages[-1]["stop_reason"].startswith("the loss rose from 2.")
    assert "try --lr 1e+08" in messages[-1]["stop_reason"]
    assert run.err.startswith("train.py: error: the loss rose from") and "Traceback" not in run.err


# ---------------------------------------------------------------------- earlier runs, behind this one

def write_run(folder, name, settings, outcome="finished", accuracies=(0.8, 0.9), **changes):
    """A run record as train.py leaves it, of a run with settings but for changes; its path."""
    record = RunRecord.start(str(folder), name, ["--name", name], dict(settings, **changes), "models/mnist.json")
    record.update([{"epoch": e, "lr": 0.1, "train_loss": 1.0, "train_accuracy": a, "test_loss": 1.0 - a,
                    "test_accuracy": a, "seconds": 1.0} for e, a in enumerate(accuracies, 1)], outcome)
    return record.path


def rewrite(path, change):
    """Rewrite the record at path after change(record) has changed it (a dict; json writes a NaN as NaN)."""
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    change(record)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(record, f)


def spoil(path):
    """Cut the record at path short: it is no longer JSON."""
    with open(path, "r+", encoding="utf-8") as f:
        f.truncate(40)


def test_the_earlier_runs_are_the_last_five_finished_ones_of_the_same_data_set(tmp_path):
    folder, settings = tmp_path / "runs", dict(DEFAULTS, lr=0.1, epochs=2)
    write_run(folder, "beyond", settings)  # a sixth: not drawn
    write_run(folder, "oldest", settings)
    old = write_run(folder, "old", settings)
    rewrite(old, lambda record: [record["settings"].pop(key) for key in ("conv", "augment")])  # from before them
    write_run(folder, "fashion", settings, dataset="fashion")
    write_run(folder, "interrupted", settings, outcome="interrupted", accuracies=(0.8,))
    write_run(folder, "diverged", settings, outcome="diverged", accuracies=(0.1,))
    write_run(folder, "sigmoid", settings, activation="sigmoid")
    rewrite(write_run(folder, "not-a-number", settings),
            lambda record: record["history"][1].update(test_loss=math.nan))
    spoil(write_run(folder, "broken", settings))
    this = write_run(folder, "this", settings, accuracies=(0.85, 0.95))  # this run's own record, finished
    write_run(folder, "adam", settings, optimizer="adam", lr=0.001)
    write_run(folder, "dropout", settings, dropout=0.5, accuracies=(0.7, 0.8, 0.85), epochs=3)

    answer = earlier_runs(str(folder), settings, this)
    assert [r["name"] for r in answer["runs"]] == ["dropout", "adam", "sigmoid", "old", "oldest"]  # newest first
    assert [r["differs"] for r in answer["runs"]] == [
        "--dropout 0.5, --epochs 3", "--lr 0.001, --optimizer adam", "--activation sigmoid", "", ""]
    assert answer["runs"][0]["history"] == [{"epoch": 1, "test_accuracy": 0.7, "test_loss": 0.30000000000000004},
                                            {"epoch": 2, "test_accuracy": 0.8, "test_loss": 0.19999999999999996},
                                            {"epoch": 3, "test_accuracy": 0.85, "test_loss": 0.15000000000000002}]
    assert (answer["runs"][0]["epochs"], answer["runs"][0]["final_test_accuracy"]) == (3, 0.85)
    assert answer["runs"][0]["command"] == "python train.py --name dropout"
    assert [len(answer["skipped"]), "broken.json: is not valid JSON" in answer["skipped"][0],
            "not-a-number.json: epoch 2's test figures are not finite numbers" in answer["skipped"][1]] == [2, True, True]
    json.dumps(answer, allow_nan=False)  # the page can be sent it
    assert [r["name"] for r in earlier_runs(str(folder), dict(settings, dataset="fashion"), this)["runs"]] == ["fashion"]
    assert earlier_runs(str(tmp_path / "nowhere"), settings, None)["runs"] == []


def test_the_page_draws_earlier_finished_runs_of_its_folder_never_its_own(tmp_path):
    settings = settings_from(parse_args(RUN))
    folder = tmp_path / "records"
    write_run(folder, "sigmoid", settings, activation="sigmoid")
    write_run(folder, "fashion", settings, dataset="fashion")
    spoil(write_run(folder, "broken", settings))
    with LiveRun(*RUN, "--runs-dir", "records", "--name", "this", "--out", "this.json", cwd=tmp_path) as run:
        run.wait_for(lambda state: state["state"] == "finished")
        this = [path for path in os.listdir(folder) if path.endswith("-this.json")]
        assert load_record(str(folder / this[0]))["outcome"] == "finished"  # the page says so only once it is written
        status, answer = run.get("/api/runs")  # finished, and still not an earlier run
    assert status == 200 and (answer["folder"], answer["dataset"], answer["at_most"]) == ("records", "mnist", 5)
    assert [(r["name"], r["differs"]) for r in answer["runs"]] == [("sigmoid", "--activation sigmoid")]
    assert len(answer["skipped"]) == 1 and "broken.json: is not valid JSON" in answer["skipped"][0]

    # Resumed with more epochs, the run carries on its own record, which says "finished" until the next epoch.
    with LiveRun("--resume", "--epochs", "3", "--out", "this.json", "--runs-dir", "records", "--paused",
                 "--no-plots", cwd=tmp_path) as resumed:
        status, answer = resumed.get("/api/runs")
    assert status == 200 and [r["name"] for r in answer["runs"]] == ["sigmoid"]


# ---------------------------------------------------------------------- a convolutional network

def test_a_cnn_s_page_shows_its_first_convolution_s_filters(tmp_path):
    net = make_network([784, 16, 10], seed=3, conv=[(3, 5)], input_shape=(1, 28, 28))  # CNN_RUN's before its first update
    with LiveRun(*CNN_RUN, "--paused", cwd=tmp_path) as run:
        status, weights = run.get("/api/weights")
        assert status == 200 and weights == {
            "weights": [], "filters": [[round(w, 3) for w in pattern] for pattern in input_patterns(net.layers[0].W)]}
        status, changes = run.get("/api/training/changes")
        assert status == 200 and changes == {"weights": [], "filters": [[0.0] * 25] * 3}  # nothing learnt yet
        run.control("step")
        status, changes = run.get("/api/training/changes")
        assert status == 200 and changes["weights"] == [] and [len(f) for f in changes["filters"]] == [25] * 3
        assert all(max(map(abs, f)) == 1.0 for f in changes["filters"])  # every filter learnt, scaled to −1 … 1

        status, digits = run.get("/api/training/digits")
        assert status == 200 and len(digits["digits"]) == 20
        pixels = digits["digits"][0]["pixels"]
        status, answer = run.post("/api/predict", {"pixels": pixels})
        assert status == 200 and [len(m) for m in answer["feature_maps"]] == [24 * 24] * 3
        status, answer = run.post("/api/predict", {"pixels": pixels, "unit": 0})
        assert status == 400 and "convolution" in answer["error"]
        status, model = run.get("/api/model")
        assert status == 200
        assert model["convolutions"] == [{"filters": 3, "kernel": 5, "map_height": 24, "map_width": 24}]

        run.control("resume")
        state = run.wait_for(lambda s: s["state"] == "finished")
        assert len(state["history"]) == 1 and sum(map(sum, state["confusion"])) == 100
