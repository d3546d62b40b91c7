"""network/parallel/ and train.py --workers: the same numbers from any number of worker processes,
and no process left behind, however training ends.

The gradient is held to the one process's bit for bit through the optimizer's state: one
step of SGD with momentum and learning rate 1 from a velocity of 0 leaves v = 0.0 − g, the
gradient itself, negated, which the workers' state (state_of) gathers from their rows.
"""

import contextlib
import copy
import json
import math
import os
import random
import signal
import subprocess
import sys
import time

import pytest

import train
from data.augment import Shifted
from my_math import Matrix
from my_math.fast import byte_matrix, textbook
from network import SGD, Network, evaluate, train_epoch
from network.adam import Adam
from network.architecture import make_network
from network.checkpoint import load_checkpoint
from network.dropout import DropoutTraining
from network import parallel
from network.fast import dense
from network.optimizer_state import state_of
from network.parallel import (Balance, WorkerError, Workers, joined_state, rows_of_weight_gradient, shares,
                              split_state, steps_on)
from network.rmsprop import RMSprop
from network.settings import parse_args
from network.weight_decay import WeightDecay
from tests.interrupt import start_interruptible

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = os.path.join(ROOT, "train.py")


DROPOUT = 0.3  # small_mlp's


def small_mlp():
    return make_network([784, 24, 12, 10], seed=3)


def small_cnn():
    return make_network([784, 16, 10], seed=4, conv=[(3, 5)])


def cnn_in_fixed_point():
    """A CNN whose dense layer after the pooling (288 → 32) computes in fixed point."""
    net = make_network([784, 32, 10], seed=4, conv=[(2, 5)])
    assert net.layers[1].W.shape[1] >= dense.WIDE
    return net


def gradients_in_one_process(net, X, labels, dropout=DROPOUT):
    """Network.loss_and_gradients' (loss, P, gradients), through dropout masks drawn from Random(5)."""
    trainee = DropoutTraining(net, dropout, random.Random(5)) if dropout else net
    return trainee.loss_and_gradients(X, labels)


def gradients_from_workers(count, net, X, labels, dropout=DROPOUT):
    """The same, from count workers: the gradients read off one SGD step with lr 1 (the module's docstring)."""
    net = copy.deepcopy(net)
    with Workers(count, net, SGD(momentum=0.9), dropout, random.Random(5)) as workers:
        loss, P, _ = workers.loss_and_gradients(X, labels)
        workers.optimizer.step(net.layers, None, 1.0)
        velocity = state_of(workers.optimizer)["velocity"]
    return loss, P, [(Matrix(v_W), Matrix(v_b)) for v_W, v_b in zip(velocity[::2], velocity[1::2])]


def same_numbers(a, b):
    """Whether a and b hold the same numbers, bit for bit (compared by repr: NaNs and −0.0 too). A plain bool,
    so that pytest does not spend minutes showing how two long reprs differ."""
    return repr(a) == repr(b)


def negated(gradients):
    """0.0 − g for every number of every (dW, db): the velocity after the first step with lr 1."""
    return [tuple(Matrix([[0.0 - g for g in row] for row in M.rows]) for M in pair) for pair in gradients]


@pytest.mark.parametrize("make_net", [small_mlp, small_cnn, cnn_in_fixed_point],
                         ids=["mlp with dropout", "cnn", "cnn in fixed point"])
@pytest.mark.parametrize("count", [2, 3, 4])
@pytest.mark.parametrize("m", [1, 7, 12])
def test_the_gradient_from_workers_is_the_one_process_gradient_bit_for_bit(mnist_sets, make_net, count, m):
    """Batches of 1 (fewer images than workers), 7 and 12 (not divisible by 2, 3 or 4 alike)."""
    train_set, _ = mnist_sets
    X, labels = next(Shifted(train_set.take(40), 2).batches(m, random.Random(count)))  # shifted images, as --augment
    net = make_net()
    dropout = DROPOUT if make_net is small_mlp else 0.0
    loss, P, gradients = gradients_in_one_process(net, X, labels, dropout)
    shared_loss, shared_P, velocity = gradients_from_workers(count, net, X, labels, dropout)
    assert shared_loss == loss and same_numbers(shared_P.rows, P.rows)
    assert same_numbers([(v_W.rows, v_b.rows) for v_W, v_b in velocity],
                        [(W.rows, b.rows) for W, b in negated(gradients)])


@pytest.mark.parametrize("make_optimizer", [lambda: WeightDecay(SGD(momentum=0.9), 0.01), Adam, RMSprop],
                         ids=["sgd", "adam", "rmsprop"])
def test_an_epoch_on_workers_ends_with_the_weights_and_state_of_one_process(mnist_sets, make_optimizer, monkeypatch):
    train_set, _ = mnist_sets
    summed = []  # the batches whose X W₁ this process's worker summed in parts
    first_sums = parallel.processes.Worker.first_sums
    monkeypatch.setattr(parallel.processes.Worker, "first_sums", lambda *args: summed.append(1) or first_sums(*args))
    data = Shifted(train_set.take(60), 1)
    results = []
    for count in (1, 3):
        net, optimizer = small_mlp(), make_optimizer()
        rng = random.Random(8)
        with steps_on(count, net, optimizer, DROPOUT, rng) as (trainee, stepper):
            figures = train_epoch(trainee, stepper, data, 25, rng, 0.01)
            state = state_of(stepper)
            if count > 1:
                first = net.layers[0].W  # the other workers still hold their rows of it: nothing has read them
                assert isinstance(first, parallel.processes.RowsInBytes) and "rows" not in vars(first)
        if count > 1:
            assert len(summed) == (3 if byte_matrix.PACKING else 0)  # every batch's, where ByteMatrix packs
        results.append((figures, [(layer.W.rows, layer.b.rows) for layer in net.layers], state, rng.getstate()))
    assert same_numbers(*results)


@pytest.mark.parametrize("make_net", [small_mlp, small_cnn, cnn_in_fixed_point],
                         ids=["mlp with dropout", "cnn", "cnn in fixed point"])
def test_the_test_after_an_epoch_on_workers_is_the_one_process_test(mnist_sets, make_net, monkeypatch):
    """train.py tests on what it trains: the workers share the test images out, but where they keep their
    rows of W₁ (this process alone tests then); every figure and answer that of one process."""
    train_set, test_set = mnist_sets
    shared = []
    worker_probabilities = parallel.processes.Worker.probabilities
    monkeypatch.setattr(parallel.processes.Worker, "probabilities",
                        lambda *args: shared.append(1) or worker_probabilities(*args))
    dropout = DROPOUT if make_net is small_mlp else 0.0
    results = []
    for count in (1, 3):
        net, rng = make_net(), random.Random(8)
        with steps_on(count, net, SGD(momentum=0.9), dropout, rng) as (trainee, stepper):
            train_epoch(trainee, stepper, train_set.take(50), 25, rng, 0.05)
            results.append(evaluate(trainee, test_set.take(23), batch_size=10))
    assert same_numbers(*results)
    assert bool(shared) == (make_net is not small_mlp or not byte_matrix.PACKING)


@pytest.mark.parametrize("nan", [False, True], ids=["finite", "a nan"])
def test_a_batch_whose_first_product_cannot_be_summed_in_parts_is_computed_with_the_whole_first_w(mnist_sets, nan):
    """After a step, the other workers hold only their own rows of W₁ new. A batch of floats (not image
    bytes), or a W₁ holding a NaN, has no product in parts: they are given the whole W₁ first."""
    train_set, _ = mnist_sets
    X, labels = next(train_set.batches(9))
    results = []
    for count in (1, 3):
        net, optimizer = small_mlp(), SGD(momentum=0.9)
        if nan:  # every output's first z is NaN: after the first step, so is all of W₁
            for row in net.layers[-1].W.rows:
                row[0] = math.nan
        rng = random.Random(2)
        with steps_on(count, net, optimizer, DROPOUT, rng) as (trainee, stepper):
            losses = []
            for batch in (X, Matrix(X.tolist()), X, X):  # bytes, floats (the whole W₁ goes round), bytes again
                loss, _, gradients = trainee.loss_and_gradients(batch, labels)
                stepper.step(net.layers, gradients, 0.1)
                losses.append(loss)
        results.append((losses, [(layer.W.rows, layer.b.rows) for layer in net.layers]))
    assert same_numbers(*results)
    assert math.isnan(results[0][1][0][0][0][0]) == nan


def test_the_rows_of_w1_the_workers_hold_come_when_read_and_only_until_the_next_step(mnist_sets):
    """Where X W₁ is summed in parts, this process's W₁ after a step gets the other workers' rows of it when
    it is read: the one process's W₁ then; a W₁ kept past the next step has lost them, and reading it
    says so instead of being wrong."""
    train_set, _ = mnist_sets
    X, labels = next(train_set.batches(9))
    read = []
    for count in (1, 2):
        net, optimizer = small_mlp(), SGD(momentum=0.9)
        rng = random.Random(2)
        with steps_on(count, net, optimizer, DROPOUT, rng) as (trainee, stepper):
            firsts = []
            for _ in range(2):
                _, _, gradients = trainee.loss_and_gradients(X, labels)
                stepper.step(net.layers, gradients, 0.1)
                firsts.append(net.layers[0].W)
            read.append(firsts[1].rows)
            if count == 2 and byte_matrix.PACKING:  # (PyPy never packs: its W₁'s rows go round as any layer's)
                with pytest.raises(RuntimeError, match="W₁ of step 1 read after step 2"):
                    firsts[0].rows
    assert same_numbers(*read)


def test_workers_compute_with_the_plain_definitions_under_textbook(mnist_sets, monkeypatch):
    """Started afresh ("spawn", as on macOS and Windows), a worker is told to use the plain definitions."""
    monkeypatch.setattr(parallel.processes, "START_METHOD", "spawn")
    train_set, _ = mnist_sets
    X, labels = next(train_set.batches(5))
    with textbook():
        net = Network([784, 6, 10], seed=1)
        expected = negated(gradients_in_one_process(net, X, labels, 0.0)[2])
        _, _, velocity = gradients_from_workers(2, net, X, labels, 0.0)
    assert same_numbers([(v_W.rows, v_b.rows) for v_W, v_b in velocity], [(W.rows, b.rows) for W, b in expected])


def test_one_worker_is_the_one_process_itself():
    net, optimizer = small_mlp(), SGD(0.9)
    with steps_on(1, net, optimizer) as (trainee, stepper):
        assert trainee is net and stepper is optimizer
    with steps_on(1, net, optimizer, DROPOUT, random.Random(0)) as (trainee, stepper):
        assert isinstance(trainee, DropoutTraining) and trainee.net is net and stepper is optimizer


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast forms"])
def test_rows_of_a_weight_gradient_are_those_rows_of_the_whole(mnist_sets, fast):
    """A dense layer's rows from its input's columns; a convolution's (c, kr, kc) rows as a 1 × 1
    convolution's over the shifted inputs: bit for bit the rows of the whole dW, for image bytes,
    floats and maps of several channels."""
    train_set, _ = mnist_sets
    X, labels = next(train_set.batches(5))
    net = make_network([784, 12, 10], seed=2, conv=[(3, 5), (4, 3)])
    context = textbook() if not fast else contextlib.nullcontext()
    with context:
        Z, A = net.forward(X)
        dZ = net.backpropagate(Z, A, A[-1] - 0.5)
        for l, layer in enumerate(net.layers, 1):
            for A_prev in (A[l - 1], Matrix(A[l - 1].tolist())):
                whole = layer.weight_gradient(A_prev, dZ[l]).rows
                n = len(whole)
                for rows in (range(0, n), range(0, 1), range(n // 3, n - 2), range(n - 1, n)):
                    assert same_numbers(rows_of_weight_gradient(layer, A_prev, dZ[l], rows).rows,
                                        whole[rows.start:rows.stop]), (l, rows)


def test_shares_cut_a_range_into_consecutive_parts_of_nearly_equal_sizes():
    assert shares(10, 3) == [range(0, 4), range(4, 7), range(7, 10)]
    assert shares(2, 4) == [range(0, 1), range(1, 2), range(2, 2), range(2, 2)]
    assert shares(8, 1) == [range(0, 8)]


def test_a_worker_slower_than_the_others_gets_fewer_images_and_all_of_them_are_shared_out():
    def batches(balance, per_image, rest=0.01):
        """Batches of 128 whose workers take rest + per_image[w] seconds an image; the last batch's shares."""
        for _ in range(30):
            parts = balance.shares(128)
            balance.took([rest + seconds * len(part) for seconds, part in zip(per_image, parts)])
        return parts

    balance = Balance(3)
    assert [len(part) for part in balance.shares(10)] == [3, 4, 3]  # even, to start with
    parts = batches(balance, [0.001, 0.003, 0.001])  # worker 2 is three times as slow
    assert parts[0].start == 0 and parts[-1].stop == 128 and all(a.stop == b.start for a, b in zip(parts, parts[1:]))
    assert 18 <= len(parts[1]) <= 24 and abs(len(parts[0]) - len(parts[2])) <= 1
    parts = batches(balance, [0.001, 0.001, 0.001])  # no longer: its share comes back
    assert [len(part) for part in parts] in ([43, 42, 43], [42, 43, 43], [43, 43, 42])


def test_an_optimizer_state_split_among_workers_and_joined_is_the_state_again():
    rows = [shares(5, 3), shares(2, 3)]  # the second layer has fewer rows than there are workers
    matrix = lambda n, p, x: [[x + 10 * i + j for j in range(p)] for i in range(n)]  # noqa: E731
    state = {"name": "adam", "t": 7, "u": [matrix(5, 2, 0), matrix(1, 2, 100), matrix(2, 3, 200), matrix(1, 3, 300)],
             "s": None}
    parts = [split_state(state, rows, w) for w in range(3)]
    assert parts[2]["u"] == [matrix(5, 2, 0)[4:5], matrix(1, 2, 100)]  # no rows of the second layer
    assert joined_state(parts, rows) == state


def test_a_worker_that_fails_is_named_and_all_of_them_stop(mnist_sets):
    train_set, _ = mnist_sets
    X, _ = next(train_set.batches(6))
    net = small_mlp()
    workers = Workers(2, net, SGD(0.9))
    try:
        with pytest.raises(WorkerError, match=r"^worker 2 of 2 failed: IndexError: list (assignment )?index out of range$"):
            workers.loss_and_gradients(X, [0, 1, 2, 3, 4, 99])  # no class 99
    finally:
        workers.close()
    assert not any(process.is_alive() for process in workers.processes)


def test_a_worker_killed_is_named_with_its_signal(mnist_sets):
    train_set, _ = mnist_sets
    X, labels = next(train_set.batches(6))
    net = small_mlp()
    with Workers(3, net, SGD(0.9)) as workers:  # this process and two more
        os.kill(workers.processes[1].pid, signal.SIGKILL)
        with pytest.raises(WorkerError, match=r"^worker 3 of 3 died \(killed by signal 9, SIGKILL\)$"):
            workers.loss_and_gradients(X, labels)
    assert not any(process.is_alive() for process in workers.processes)


# ---------------------------------------------------------------------- train.py --workers

QUICK = ["--limit", "200", "--test-limit", "50", "--batch-size", "30", "--hidden", "16", "--dropout", "0.2",
         "--augment", "--optimizer", "adam", "--lr", "0.003", "--no-plots", "--quiet"]


def run_train(*args, cwd):
    return subprocess.run([sys.executable, TRAIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def saved(tmp_path, name):
    """The model's layers and the training state's optimizer state, as train.py saved them."""
    model = json.loads((tmp_path / f"{name}.json").read_text())
    state = json.loads((tmp_path / f"{name}.state.json").read_text())
    return model["layers"], state["optimizer"], state["rng"]


def test_train_py_gives_the_same_weights_for_1_2_and_3_workers_and_resumes_on_any(tmp_path):
    for count in (1, 2, 3):
        result = run_train(*QUICK, "--epochs", "2", "--workers", str(count), "--out", f"w{count}.json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert "Working:" not in result.stdout  # --quiet
    loud = run_train(*QUICK[:-1], "--epochs", "1", "--workers", "2", "--out", "loud.json", cwd=tmp_path)
    assert "Working:  on 2 processes (--workers 2), each batch shared out among them" in loud.stdout
    assert same_numbers(saved(tmp_path, "w2"), saved(tmp_path, "w1"))
    assert same_numbers(saved(tmp_path, "w3"), saved(tmp_path, "w1"))
    assert run_train(*QUICK, "--epochs", "1", "--workers", "3", "--out", "r.json", cwd=tmp_path).returncode == 0
    resumed = run_train("--resume", "--epochs", "2", "--workers", "2", "--out", "r.json", "--quiet", "--no-plots",
                        cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert same_numbers(saved(tmp_path, "r"), saved(tmp_path, "w1"))


@pytest.mark.parametrize("value", ["0", "-1", "abc", "2.5"])
def test_workers_must_be_a_whole_number_of_at_least_1_or_auto(value, capsys):
    with pytest.raises(SystemExit) as stop:
        parse_args(["--workers", value])
    assert stop.value.code == 2
    assert f"train.py: error: argument --workers: must be a whole number ≥ 1 or auto, not '{value}'" in \
        capsys.readouterr().err


def test_workers_auto_is_one_per_core():
    assert parse_args(["--workers", "auto"]).workers == os.cpu_count()
    assert parse_args([]).workers == 1


def start_in_its_own_group(*args, cwd):
    """train.py started as a terminal starts a command: in a process group of its own, which Ctrl-C reaches whole."""
    return start_interruptible([sys.executable, TRAIN, *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)


def live_processes(group):
    """The processes of a process group that have not ended (zombies, ended but not yet reaped, left out)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(pid))
    return found


def after_the_first_epoch(process):
    """Read train.py's output up to its first epoch line; the worker processes then running (all but train.py's)."""
    for line in process.stdout:
        if line.startswith("epoch 1/"):
            return [pid for pid in live_processes(process.pid) if pid != process.pid]
    raise AssertionError(f"no epoch finished: {process.communicate()[1]}")


LONG = ["--limit", "1200", "--test-limit", "50", "--batch-size", "100", "--epochs", "6", "--no-plots", "--quiet"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_stops_every_process_and_keeps_a_loadable_checkpoint(tmp_path):
    process = start_in_its_own_group(*LONG, "--workers", "3", "--out", "m.json", cwd=tmp_path)
    workers = after_the_first_epoch(process)
    assert len(workers) == 2  # and train.py itself
    for pid in workers:  # the workers leave Ctrl-C to the main process
        os.kill(pid, signal.SIGINT)
    time.sleep(1)
    assert sorted(live_processes(process.pid)) == sorted(workers + [process.pid])
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: every process of the group gets it
    out, err = process.communicate(timeout=60)
    assert process.returncode == train.INTERRUPTED, err
    assert "Traceback" not in err and "holds the network after epoch" in out
    assert live_processes(process.pid) == []
    assert len(load_checkpoint(str(tmp_path / "m.json")).history) >= 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_worker_stops_training_with_one_line_and_keeps_the_last_epoch(tmp_path):
    process = start_in_its_own_group(*LONG, "--workers", "2", "--out", "m.json", "--runs-dir", "runs", cwd=tmp_path)
    workers = after_the_first_epoch(process)
    os.kill(workers[-1], signal.SIGKILL)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("train.py: error: worker "), err
    assert "died (killed by signal 9, SIGKILL)" in lines[0] and "m.json keeps epoch" in lines[0]
    assert live_processes(process.pid) == []
    checkpoint = load_checkpoint(str(tmp_path / "m.json"))
    assert f"keeps epoch {len(checkpoint.history)};" in lines[0]
    (record,) = [json.loads((tmp_path / "runs" / name).read_text()) for name in os.listdir(tmp_path / "runs")]
    assert record["outcome"] == "interrupted" and "died" in record["messages"][-1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_main_process_is_killed(tmp_path):
    process = start_in_its_own_group(*LONG, "--workers", "3", "--out", "m.json", cwd=tmp_path)
    workers = after_the_first_epoch(process)
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while live_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_processes(process.pid) == [], workers
