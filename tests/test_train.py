"""Tests of train.py, run the way a person runs it: in a subprocess, on a few hundred real images.

Every run writes into a temporary folder (its working folder, or --out and --plots-dir
there), never into the repository. A run of 2 epochs on 256 images takes a few seconds.
"""

import importlib.util
import json
import math
import os
import re
import shlex
import signal
import subprocess
import sys

import pytest

import train
from my_math.fast import use_fast_forms
from network.metrics import confusion_counts
from network.training import Batch
from network.settings import DEFAULTS, settings_from
from show import training_text
from network import Network, evaluate
from network.architecture import describe
from network.model_file import load_network, save_network
from network.optimizer_state import state_of
from network.checkpoint import interrupts_held, load_checkpoint, save_checkpoint, state_path
from network.run_records import list_records
from show.command_line import ArgumentParser
from tests.interrupt import start_interruptible
from tests.missing import NO_MATPLOTLIB

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = os.path.join(ROOT, "train.py")
# Settings of a quick run, given in full so that a change of DEFAULTS changes no test.
QUICK = ["--limit", "256", "--test-limit", "100", "--batch-size", "64", "--epochs", "2",
         "--optimizer", "adam", "--lr", "0.001", "--schedule", "cosine", "--hidden", "128"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PICTURES = ("curves", "predictions", "mistakes", "confusion", "weights", "layers")


def run_train(*args, cwd):
    """Run train.py with args in the folder cwd; the CompletedProcess, output as text."""
    return subprocess.run([sys.executable, TRAIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def start_train(*args, cwd):
    """Start train.py with args in cwd, its output readable line by line as it comes."""
    return start_interruptible([sys.executable, TRAIN, *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)


def layers(model_path):
    """The weights and biases in a model file, as JSON gives them back."""
    with open(model_path, encoding="utf-8") as f:
        return json.load(f)["layers"]


def assert_one_line_error(result, *phrases):
    """Exit status 2 and one line on stderr, train.py: error: ..., holding each phrase."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("train.py: error: "), result.stderr
    for phrase in phrases:
        assert phrase in lines[0]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One quick run with the default paths, inside an empty working folder: (folder, result)."""
    folder = tmp_path_factory.mktemp("quick")
    return folder, run_train(*QUICK, cwd=folder)


# ---------------------------------------------------------------------- a whole run

def test_quick_run_prints_header_progress_epochs_and_results(quick_run):
    _, result = quick_run
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "mnist, 256 training images (--limit) and 100 test images (--test-limit)" in out
    assert "784 → 128 → 10: 101,770 weights and biases" in out
    assert "2 epochs of 4 batches of 64, adam, lr 0.001 (cosine schedule), seed 0" in out
    lines = out.splitlines()
    # Not a terminal: plain progress lines, no carriage returns.
    assert "\r" not in out
    assert any(line.startswith("  epoch 1/2  ") and "images, " in line and "left" in line for line in lines)
    for epoch in (1, 2):
        summary = [line for line in lines if line.startswith(f"epoch {epoch}/2  train loss")]
        assert len(summary) == 1 and "test loss" in summary[0] and summary[0].endswith(" s")
    assert "Test accuracy: final " in out and "Per class:" in out and "Total time" in out
    assert "Next, try: python test_single.py --random\n" in out


def test_quick_run_saves_model_state_and_pictures(quick_run):
    pytest.importorskip("matplotlib", reason=NO_MATPLOTLIB)
    folder, result = quick_run
    model_path = os.path.join("models", "mnist.json")
    net = load_network(str(folder / model_path))
    assert [layer.W.shape for layer in net.layers] == [(784, 128), (128, 10)]
    assert net.metadata["dataset"] == "mnist" and net.metadata["epochs"] == 2
    assert net.metadata["settings"]["limit"] == 256
    final_accuracy = f"final {net.metadata['test_accuracy']:.2%}"
    assert final_accuracy in result.stdout
    assert (folder / "models" / "mnist.state.json").stat().st_size > 0
    for name in PICTURES:
        picture = folder / "plots" / f"mnist-{name}.png"
        assert picture.read_bytes().startswith(PNG_SIGNATURE)
        assert os.path.join("plots", f"mnist-{name}.png") in result.stdout
    assert sorted(os.listdir(folder)) == ["models", "plots", "runs"]  # nothing else written


# ---------------------------------------------------------------------- --name: a run's files

SMALL = ["--limit", "128", "--test-limit", "50", "--hidden", "8", "--epochs", "1"]


def test_name_names_the_whole_run_and_leaves_another_runs_model_alone(capsys):
    pytest.importorskip("matplotlib")
    assert train.main(SMALL + ["--epochs", "2", "--no-plots"]) == 0  # models/mnist.json
    default_model = open(os.path.join("models", "mnist.json"), "rb").read()
    assert train.main(SMALL + ["--name", "small"]) == 0
    out = capsys.readouterr().out
    assert "Saving:   models/small.json and models/small.state.json after every epoch\n" in out
    for path in ["models/small.json", "models/small.state.json"] + [f"plots/small-{name}.png" for name in PICTURES]:
        assert os.path.exists(path) and path.replace("/", os.sep) in out
    (record,) = [path for path in list_records("runs") if path.endswith("-small.json")]
    assert record in out and os.path.basename(record) != "small.json"
    assert out.rstrip().endswith("Next, try: python test_single.py --random --model small")
    assert open(os.path.join("models", "mnist.json"), "rb").read() == default_model  # left alone
    assert sorted(os.listdir("plots")) == sorted(f"small-{name}.png" for name in PICTURES)

    predicted = subprocess.run([sys.executable, os.path.join(ROOT, "test_single.py"), "--model", "small",
                                "--index", "0"], capture_output=True, text=True, timeout=60)
    assert predicted.returncode == 0 and predicted.stdout.startswith("Model models/small.json:"), predicted.stderr

    assert train.main(["--resume", "--name", "small", "--epochs", "2", "--no-plots"]) == 0  # models/small.json
    assert "Resuming: after epoch 1" in capsys.readouterr().out
    assert load_network(os.path.join("models", "small.json")).metadata["epochs"] == 2
    assert [len(r["history"]) for r in records_in("runs") if r["name"] == "small"] == [2]  # its record, carried on
    assert open(os.path.join("models", "mnist.json"), "rb").read() == default_model


def test_a_run_about_to_replace_a_model_trained_on_more_says_so(capsys):
    assert train.main(SMALL + ["--epochs", "2", "--no-plots"]) == 0
    accuracy = load_network(os.path.join("models", "mnist.json")).metadata["test_accuracy"]
    assert "replacing" not in capsys.readouterr().out  # there was nothing to replace
    assert train.main(SMALL + ["--no-plots"]) == 0  # 1 epoch: less
    lines = capsys.readouterr().out.splitlines()
    saving = lines.index("Saving:   models/mnist.json and models/mnist.state.json after every epoch")
    assert lines[saving + 1] == (f"          replacing a model trained on more (2 epochs on 128 images, {accuracy:.2%} "
                                 "right): to keep it, Ctrl-C now and give this run a --name")
    assert train.main(SMALL + ["--no-plots"]) == 0  # the same again: no more than the model there
    assert "replacing" not in capsys.readouterr().out


@pytest.mark.skipif(not os.path.isdir("/usr/share/datasets/fashion-mnist"), reason="Fashion-MNIST is not installed")
def test_a_fashion_run_is_called_fashion_and_resumed_by_its_data_set(capsys):
    assert train.main(SMALL + ["--dataset", "fashion", "--no-plots"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Next, try: python test_single.py --random --model fashion")
    assert train.main(["--resume", "--dataset", "fashion", "--epochs", "2", "--no-plots"]) == 0
    assert load_network(os.path.join("models", "fashion.json")).metadata["epochs"] == 2
    assert sorted(os.listdir("models")) == ["fashion.json", "fashion.state.json"]
    assert [r["name"] for r in records_in("runs")] == ["fashion"]


@pytest.mark.parametrize("args, resume", [
    ([], "--resume"),
    (["--name", "quick"], "--resume --name quick"),
    (["--dataset", "fashion"], "--resume --dataset fashion"),
    (["--out", "elsewhere/m.json", "--name", "m2"], "--resume --out elsewhere/m.json --name m2"),
    (["--resume", "--name", "quick", "--epochs", "9"], "--resume --name quick --epochs 9"),
])
def test_the_command_that_resumes_chooses_the_model_as_the_run_did(args, resume):
    assert train.resume_command(train.parse_args(args)).split(" ", 2)[2] == resume


# ---------------------------------------------------------------------- checkpoints and resuming

def test_resume_ends_with_the_weights_of_an_uninterrupted_run(quick_run, tmp_path):
    folder, _ = quick_run
    out = str(tmp_path / "resumed.json")
    first = run_train(*QUICK, "--epochs", "1", "--no-plots", "--quiet", "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Data:" not in first.stdout and "images, " not in first.stdout  # --quiet
    assert "epoch 1/1  train loss" in first.stdout
    assert sorted(os.listdir(tmp_path)) == ["resumed.json", "resumed.state.json", "runs"]  # --no-plots
    resumed = run_train("--resume", "--epochs", "2", "--no-plots", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming: after epoch 1" in resumed.stdout
    assert "epoch 1/2  train loss" not in resumed.stdout and "epoch 2/2  train loss" in resumed.stdout
    assert layers(out) == layers(folder / "models" / "mnist.json")  # bit for bit


def test_ctrl_c_keeps_the_last_epoch_and_prints_the_command_that_resumes(quick_run, tmp_path):
    folder, _ = quick_run
    process = start_train(*QUICK, "--no-plots", "--out", "run.json", cwd=tmp_path)
    for line in process.stdout:
        if line.startswith("epoch 1/2  train loss"):
            process.send_signal(signal.SIGINT)  # during epoch 2
            break
    out, err = process.communicate(timeout=60)
    assert process.returncode == train.INTERRUPTED, err
    assert "Traceback" not in err
    assert "run.json holds the network after epoch 1 of 2" in out
    command = next(line for line in out.splitlines() if "--resume" in line)
    assert command == f"To carry on: python {TRAIN} --resume --out run.json"
    assert load_network(str(tmp_path / "run.json")).metadata["epochs"] == 1
    (record,) = records_in(tmp_path / "runs")
    assert record["outcome"] == "interrupted" and len(record["history"]) == 1

    _, _, *args = shlex.split(command[len("To carry on: "):])  # python, train.py, the options
    resumed = run_train(*args, "--no-plots", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert layers(tmp_path / "run.json") == layers(folder / "models" / "mnist.json")


def test_resume_refuses_a_changed_setting(quick_run):
    folder, _ = quick_run
    result = run_train("--resume", "--hidden", "64", "--epochs", "3", cwd=folder)
    assert_one_line_error(result, "--hidden 64 differs from the run being resumed (--hidden 128)")
    result = run_train("--resume", "--conv", "8x5", "--epochs", "3", cwd=folder)
    assert_one_line_error(result, "--conv 8x5 differs from the run being resumed (--conv none)")


# ---------------------------------------------------------------------- a convolutional network

CNN = ["--limit", "192", "--test-limit", "60", "--batch-size", "64", "--epochs", "2", "--optimizer", "sgd",
       "--lr", "0.1", "--schedule", "cosine", "--conv", "4x5", "--hidden", "none"]


@pytest.fixture(scope="module")
def cnn_run(tmp_path_factory):
    """One quick run of a CNN, pictures and all: (folder, result)."""
    folder = tmp_path_factory.mktemp("cnn")
    return folder, run_train(*CNN, "--out", "cnn.json", cwd=folder)


def test_a_cnn_trains_saves_and_draws_its_filters(cnn_run):
    folder, result = cnn_run
    assert result.returncode == 0, result.stderr
    assert "Network:  1×28×28 → conv 4 filters 5×5 → 4×24×24 → max pool → 4×12×12 → 10: 5,874 weights and biases" \
        in result.stdout
    net = load_network(str(folder / "cnn.json"))
    assert describe(net).startswith("1×28×28 → conv 4 filters 5×5") and net.metadata["settings"]["conv"] == ["4x5"]
    assert net.metadata["settings"]["hidden"] == []
    if importlib.util.find_spec("matplotlib"):
        assert re.search(r"plots/cnn-weights.png +the first convolution's filters", result.stdout)
        assert (folder / "plots" / "cnn-weights.png").read_bytes().startswith(PNG_SIGNATURE)


def test_a_resumed_cnn_ends_with_the_weights_of_an_uninterrupted_run(cnn_run, tmp_path):
    folder, _ = cnn_run
    first = run_train(*CNN, "--epochs", "1", "--no-plots", "--quiet", "--out", "cnn.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    resumed = run_train("--resume", "--epochs", "2", "--no-plots", "--quiet", "--out", "cnn.json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert layers(tmp_path / "cnn.json") == layers(folder / "cnn.json")  # bit for bit
    changed = run_train("--resume", "--conv", "8x5", "--epochs", "3", "--out", "cnn.json", cwd=tmp_path)
    assert_one_line_error(changed, "--conv 8x5 differs from the run being resumed (--conv 4x5)")


def test_a_cnn_with_adam_and_two_convolutions_trains(tmp_path):
    result = run_train(*CNN, "--conv", "2x3", "3x3", "--hidden", "8", "--optimizer", "adam", "--lr", "0.003",
                       "--weight-decay", "0.0001", "--epochs", "1", "--no-plots", "--quiet", "--out", "two.json",
                       cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert describe(load_network(str(tmp_path / "two.json"))) == \
        "1×28×28 → conv 2 filters 3×3 → 2×26×26 → max pool → 2×13×13 → conv 3 filters 3×3 → 3×11×11 → max pool → 3×5×5 → 8 → 10"


@pytest.mark.parametrize("args, message", [
    (["--conv", "8by5"], "argument --conv: must be FILTERSxKERNEL, e.g. 8x5 for 8 filters of 5×5, not '8by5'"),
    (["--conv", "0x5"], "argument --conv: must be FILTERSxKERNEL"),
    (["--conv"], "argument --conv: expected at least one argument"),
    (["--hidden", "none", "64"], "argument --hidden: none stands alone: --hidden none"),
    (["--hidden", "some"], "argument --hidden: must be a whole number ≥ 1 or none, not 'some'"),
])
def test_bad_convolutions_and_hidden_layers_are_refused(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        train.parse_args(args, ArgumentParser)
    assert stop.value.code == 2
    assert f"train.py: error: {message}" in capsys.readouterr().err


def test_convolutions_that_do_not_fit_the_images_are_refused(tmp_path):
    result = run_train("--conv", "8x5", "16x5", "16x5", "--out", "m.json", cwd=tmp_path)
    assert_one_line_error(result, "--conv 8x5 16x5 16x5: convolution 3 (16x5) does not fit the 4×4 maps",
                          "give fewer or smaller kernels")
    assert_one_line_error(run_train("--conv", "8x28", "--out", "m.json", cwd=tmp_path), "convolution 1 (8x28)")
    assert os.listdir(tmp_path) == []


def test_resume_of_a_finished_run_asks_for_more_epochs(quick_run):
    folder, _ = quick_run
    assert_one_line_error(run_train("--resume", cwd=folder), "already done 2 epochs", "larger --epochs")


def test_resume_without_a_checkpoint(tmp_path):
    result = run_train("--resume", "--out", "none.json", cwd=tmp_path)
    assert_one_line_error(result, "none.json", "no such model file")


def test_resume_with_a_state_file_that_does_not_fit(quick_run, tmp_path):
    folder, _ = quick_run
    model = tmp_path / "m.json"
    model.write_bytes((folder / "models" / "mnist.json").read_bytes())
    state = json.loads((folder / "models" / "mnist.state.json").read_text())
    state["optimizer"]["u"][0] = state["optimizer"]["u"][0][:-1]  # W₁'s first moment loses a row
    (tmp_path / "m.state.json").write_text(json.dumps(state))
    result = run_train("--resume", "--epochs", "3", "--out", str(model), cwd=tmp_path)
    assert_one_line_error(result, "m.state.json", "does not fit the 784 → 128 → 10 network")

    (tmp_path / "m.state.json").write_text("{not json")
    result = run_train("--resume", "--epochs", "3", "--out", str(model), cwd=tmp_path)
    assert_one_line_error(result, "m.state.json", "is not valid JSON")


def test_checkpoint_round_trip_restores_the_optimizer_and_the_random_generator(tmp_path):
    net = Network([4, 3, 2], seed=1)
    optimizer = train.make_optimizer(DEFAULTS)
    gradients = [(layer.W * 0.5, layer.b + 1.0) for layer in net.layers]
    optimizer.step(net.layers, gradients, 0.1)
    rng = train.random.Random(7)
    rng.gauss(0, 1)  # leaves a spare normal sample in the state, which must be kept too
    history = [{"epoch": 1, "test_accuracy": 0.5}]
    path = str(tmp_path / "m.json")
    save_checkpoint(path, net, {"dataset": "mnist"}, optimizer, rng, DEFAULTS, history)

    saved = load_checkpoint(path)
    assert saved.net.metadata == {"dataset": "mnist", "epochs": 1}
    assert saved.settings == DEFAULTS and saved.history == history
    assert saved.optimizer_state == state_of(optimizer)
    assert [saved.rng.gauss(0, 1) for _ in range(3)] == [rng.gauss(0, 1) for _ in range(3)]
    assert state_path(path) == str(tmp_path / "m.state.json")


def test_checkpoint_of_model_and_state_from_different_epochs_is_refused(tmp_path):
    net, rng = Network([4, 3, 2]), train.random.Random(0)
    optimizer = train.make_optimizer(DEFAULTS)
    path = str(tmp_path / "m.json")
    save_checkpoint(path, net, {}, optimizer, rng, DEFAULTS, [{"epoch": 1}])
    save_network(net, path, {"epochs": 2})  # as if killed between writing the two files of epoch 2
    with pytest.raises(train.CheckpointError, match="from epoch 1 but .* from epoch 2"):
        load_checkpoint(path)


def test_ctrl_c_in_nested_interrupts_held_blocks_waits_until_the_outer_block_ends():
    # A process started in the background ignores SIGINT; here it must raise KeyboardInterrupt.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    done = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupts_held():
                with interrupts_held():
                    signal.raise_signal(signal.SIGINT)
                    done.append("inner")
                done.append("outer")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert done == ["inner", "outer"]


# ---------------------------------------------------------------------- bad arguments and bad input

@pytest.mark.parametrize("args, message", [
    (["--epochs", "0"], "argument --epochs: must be a whole number ≥ 1, not '0'"),
    (["--epochs", "two"], "argument --epochs: must be a whole number ≥ 1, not 'two'"),
    (["--lr", "-0.1"], "argument --lr: must be a number > 0, not '-0.1'"),
    (["--lr", "nan"], "argument --lr: must be a number > 0, not 'nan'"),
    (["--hidden", "128", "0"], "argument --hidden: must be a whole number ≥ 1 or none, not '0'"),
    (["--optimizer", "lbfgs"], "argument --optimizer: invalid choice: 'lbfgs'"),
    (["--activation", "foo"], "argument --activation: invalid choice: 'foo'"),
    (["--dropout", "1"], "argument --dropout: must be a number from 0 up to (not including) 1, not '1'"),
    (["--dropout", "-0.5"], "argument --dropout: must be a number from 0 up to (not including) 1, not '-0.5'"),
    (["--augment", "9"], "argument --augment: must be a whole number of pixels from 0 to 8, not '9'"),
    (["--name", "my/run"], "argument --name: a run's name is letters, digits"),
    (["--momentum", "1"], "argument --momentum: must be a number from 0 up to (not including) 1, not '1'"),
    (["--weight-decay", "-1"], "argument --weight-decay: must be a number ≥ 0, not '-1'"),
    (["--batch-size", "0"], "argument --batch-size: must be a whole number ≥ 1, not '0'"),
    (["--limit", "-5"], "argument --limit: must be a whole number ≥ 1, not '-5'"),
    (["--schedule", "linear"], "argument --schedule: invalid choice: 'linear'"),
    (["--dataset", "cifar"], "argument --dataset: invalid choice: 'cifar'"),
    (["--hidden"], "argument --hidden: expected at least one argument"),
])
def test_impossible_arguments_are_refused(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        train.parse_args(args, ArgumentParser)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"train.py: error: {message}") and err.endswith(" (help: python train.py --help)\n")
    assert err.count("\n") == 1  # no usage block


def test_help_lists_every_option():
    result = run_train("--help", cwd=ROOT)
    assert result.returncode == 0
    for flag in ("--epochs", "--batch-size", "--lr", "--optimizer", "--momentum", "--weight-decay",
                 "--schedule", "--hidden", "--seed", "--limit", "--test-limit", "--dataset", "--data-dir",
                 "--out", "--plots-dir", "--no-plots", "--resume", "--quiet", "--activation", "--dropout",
                 "--augment", "--name", "--runs-dir", "--workers"):
        assert flag in result.stdout


# The README's words: "The defaults are SGD with momentum 0.9, learning rate 0.1 falling along a cosine
# to near zero, batches of 128, 5 epochs, seed 0", and its 784 → 128 → 10 network. Written out here,
# not read from DEFAULTS, so that a changed default fails until the README says so too.
README_DEFAULTS = {"optimizer": "sgd", "momentum": 0.9, "lr": 0.1, "schedule": "cosine", "batch_size": 128,
                   "epochs": 5, "seed": 0, "hidden": [128]}


def test_the_defaults_are_the_readmes():
    settings = settings_from(train.parse_args([]))
    assert {key: settings[key] for key in README_DEFAULTS} == README_DEFAULTS


def test_help_shows_the_readmes_defaults():
    result = run_train("--help", cwd=ROOT)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # argparse wraps lines wherever they fill up
    for shown in ("--optimizer {adam,rmsprop,sgd} (default sgd)", "(default 0.9)", "(default 0.1 with sgd,",
                  "(default cosine)", "images per mini-batch (default 128)",
                  "passes over the training images (default 5)", "the shuffling (default 0)",
                  "none for no hidden layer (default 128)"):
        assert shown in text


def test_missing_data(tmp_path):
    result = run_train("--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m.json"), cwd=tmp_path)
    assert_one_line_error(result, "nowhere")


def test_corrupt_data(tmp_path):
    shipped = os.path.join(ROOT, "data", "MNIST")
    for name in os.listdir(shipped):
        content = open(os.path.join(shipped, name), "rb").read()
        (tmp_path / name).write_bytes(content[:len(content) // 2] if name.startswith("train-images") else content)
    result = run_train("--data-dir", str(tmp_path), "--out", str(tmp_path / "m.json"), cwd=tmp_path)
    assert_one_line_error(result, "train-images")


@pytest.mark.parametrize("option", ["--out", "--plots-dir"])
def test_a_folder_that_cannot_be_written(option, tmp_path):
    (tmp_path / "file").write_text("a file, not a folder")
    target = str(tmp_path / "file" / ("m.json" if option == "--out" else "plots"))
    result = run_train(option, target, cwd=tmp_path)
    assert_one_line_error(result, "cannot write in", f"choose another {option}")


def test_diverging_training_stops_with_advice(tmp_path):
    result = run_train(*QUICK, "--optimizer", "sgd", "--momentum", "0", "--lr", "1e300", "--no-plots", cwd=tmp_path)
    assert_one_line_error(result, "loss became nan at epoch 1", "try a smaller --lr")


# ---------------------------------------------------------------------- the pieces

def figures(seen, mean_loss, mean_accuracy):
    """A network.training.Batch with the figures the progress line shows."""
    return Batch(1, 1, seen, mean_loss, mean_accuracy, mean_loss, mean_accuracy, None, None)


def test_progress_on_a_terminal_rewrites_one_line_and_wipes_it(monkeypatch):
    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    monkeypatch.setenv("COLUMNS", "60")  # the live line is cut to the terminal's width
    now = [1000.0]  # the clock Progress reads, moved by the test: the figures do not hang on the machine's speed
    monkeypatch.setattr(training_text.time, "perf_counter", lambda: now[0])
    screen = Terminal()
    progress = training_text.Progress(1, 5, 1000, stream=screen)
    now[0] += 10  # 10 s later: 10 images/s
    progress(figures(100, 2.0, 0.25))
    assert screen.text == "\r  epoch 1/5    100/1,000 images, 10/s  loss 2.0000  accurac"
    progress(figures(200, 1.5, 0.5))  # no time after the last update: not shown
    assert "200/" not in screen.text
    progress.close()
    assert screen.text.endswith("\r")
    assert screen.text.split("\r")[-2].strip() == ""


def test_progress_in_a_log_prints_a_line_per_tenth(capsys):
    progress = training_text.Progress(2, 5, 1000)
    for seen in range(64, 1001, 64):
        progress(figures(seen, 1.0, 0.5))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines] == [f"{n:,}/1,000" for n in (128, 256, 320, 448, 512, 640, 704, 832, 960)]


def test_confusion_counts_and_durations():
    assert confusion_counts([0, 1, 1, 2], [0, 1, 2, 2], 3) == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert [training_text.duration(s) for s in (4.4, 185, 3725)] == ["4s", "3m05s", "1h02m"]


# ---------------------------------------------------------------------- --textbook

def weights_after(argv, tmp_path, name, monkeypatch, exact_only=False):
    """The layers of the model train.main(argv) saves, with the fast forms it switches on only the exact ones
    when asked, then all of them on again."""
    monkeypatch.setattr(train, "use_fast_forms", lambda on: use_fast_forms(on, exact_only=exact_only))
    try:
        assert train.main(argv + ["--out", str(tmp_path / name), "--no-plots", "--quiet"]) == 0
    finally:
        use_fast_forms(True)
    return layers(tmp_path / name)


def test_textbook_training_gives_the_weights_of_the_fast_forms(tmp_path, capsys, monkeypatch):
    """The speed-ups change nothing but the time: bit for bit where the fast forms are exact,
    in the last digits only where ByteMatrix's packed product rounds once instead of at every step."""
    argv = ["--limit", "96", "--test-limit", "50", "--batch-size", "32", "--epochs", "2", "--hidden", "16"]
    plain = weights_after(argv + ["--textbook"], tmp_path, "plain.json", monkeypatch)
    exact = weights_after(argv, tmp_path, "exact.json", monkeypatch, exact_only=True)
    fast = weights_after(argv, tmp_path, "fast.json", monkeypatch)
    if sys.version_info < (3, 12) or sys.implementation.name == "pypy":
        assert plain == exact
    flat = [(x, y) for a, b in zip(plain, fast) for key in ("weights", "bias")
            for row_a, row_b in zip(a[key] if key == "weights" else [a[key]], b[key] if key == "weights" else [b[key]])
            for x, y in zip(row_a, row_b)]
    assert all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) for x, y in flat)
    assert "Computing with the plain definitions only" not in capsys.readouterr().out  # --quiet


@pytest.mark.parametrize("hidden", ["none", "32"])
def test_textbook_training_of_a_cnn_gives_the_weights_of_the_fast_forms(tmp_path, monkeypatch, hidden):
    """The same for a convolutional network: its loops against im2col (and, on CPython, the packed product);
    with --hidden 32, a dense layer of 288 → 32 after the pooling, in fixed point on CPython."""
    argv = ["--limit", "48", "--test-limit", "10", "--batch-size", "16", "--epochs", "1", "--conv", "2x5",
            "--hidden", hidden]
    plain = weights_after(argv + ["--textbook"], tmp_path, "plain.json", monkeypatch)
    exact = weights_after(argv, tmp_path, "exact.json", monkeypatch, exact_only=True)
    fast = weights_after(argv, tmp_path, "fast.json", monkeypatch)
    if sys.version_info < (3, 12) or sys.implementation.name == "pypy":
        assert plain == exact
    flat = [(x, y) for a, b in zip(plain, fast) if "weights" in a
            for row_a, row_b in zip(a["weights"] + [a["bias"]], b["weights"] + [b["bias"]]) for x, y in zip(row_a, row_b)]
    assert flat and all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) for x, y in flat)
# ---------------------------------------------------------------------- the variants

VARIANTS = ["--limit", "256", "--test-limit", "100", "--batch-size", "64", "--hidden", "16", "--optimizer", "rmsprop",
            "--activation", "tanh", "--dropout", "0.3", "--augment"]


def run_main(argv, tmp_path, name):
    """train.main(argv) writing model name into tmp_path, its record into tmp_path/runs; the model's layers."""
    argv = argv + ["--out", str(tmp_path / name), "--runs-dir", str(tmp_path / "runs"), "--no-plots", "--quiet"]
    assert train.main(argv) == 0
    return layers(tmp_path / name)


def test_variants_give_the_same_weights_from_the_same_seed_and_resume_exactly(tmp_path, capsys):
    """RMSprop, tanh, dropout and shifted images: the masks and shifts come from the seeded generator,
    and the generator's state, RMSprop's s and the settings are in the checkpoint."""
    whole = run_main(VARIANTS + ["--epochs", "2"], tmp_path, "whole.json")
    assert run_main(VARIANTS + ["--epochs", "2"], tmp_path, "again.json") == whole
    assert run_main(VARIANTS + ["--epochs", "2", "--seed", "1"], tmp_path, "seed1.json") != whole
    run_main(VARIANTS + ["--epochs", "1"], tmp_path, "resumed.json")
    assert run_main(["--resume", "--epochs", "2"], tmp_path, "resumed.json") == whole
    for option, value in (("--dropout", 0.3), ("--augment", 1)):  # each changes the weights
        others = [word for word in VARIANTS if word not in (option, str(value))]
        assert run_main(others + ["--epochs", "2"], tmp_path, "without.json") != whole
    model = json.loads((tmp_path / "whole.json").read_text())
    assert model["activation"] == "tanh" and model["metadata"]["settings"]["dropout"] == 0.3
    state = json.loads((tmp_path / "whole.state.json").read_text())
    assert state["optimizer"]["name"] == "rmsprop" and len(state["optimizer"]["s"]) == 4


def test_shifted_training_leaves_the_test_images_alone(tmp_path, test_set, capsys):
    """The test figures of an --augment run are those of the saved network on the test images as they are."""
    run_main(["--limit", "256", "--test-limit", "100", "--epochs", "1", "--augment", "2"], tmp_path, "m.json")
    net = load_network(str(tmp_path / "m.json"))
    loss, accuracy, _, _ = evaluate(net, test_set.take(100))
    assert (loss, accuracy) == (net.metadata["test_loss"], net.metadata["test_accuracy"])


def test_bad_values_are_refused_with_one_line_and_status_2(tmp_path):
    for args, message in ((["--dropout", "1"], "argument --dropout: must be a number from 0 up to"),
                          (["--activation", "foo"], "argument --activation: invalid choice: 'foo'")):
        assert_one_line_error(run_train(*args, cwd=tmp_path), message)
    assert os.listdir(tmp_path) == []


def test_resume_refuses_another_activation_and_takes_old_states_as_relu(tmp_path, capsys):
    quick = ["--limit", "128", "--test-limit", "50", "--hidden", "8"]
    first = run_main(quick + ["--epochs", "1"], tmp_path, "m.json")
    assert first
    assert train.main(["--resume", "--epochs", "2", "--activation", "sigmoid", "--out", str(tmp_path / "m.json")]) == 2
    assert "--activation sigmoid differs from the run being resumed (--activation relu)" in capsys.readouterr().err
    # A model and a state written before there were activations, dropout and shifts: a ReLU run without them.
    model = json.loads((tmp_path / "m.json").read_text())
    del model["activation"]
    (tmp_path / "m.json").write_text(json.dumps(model))
    state = json.loads((tmp_path / "m.state.json").read_text())
    for key in ("activation", "dropout", "augment"):
        del state["settings"][key]
    (tmp_path / "m.state.json").write_text(json.dumps(state))
    resumed = run_main(["--resume", "--epochs", "2"], tmp_path, "m.json")
    assert resumed == run_main(quick + ["--epochs", "2"], tmp_path, "whole.json")


# ---------------------------------------------------------------------- run records

def records_in(folder):
    """The run records in folder, oldest first, as dicts."""
    return [json.loads(open(path, encoding="utf-8").read()) for path in list_records(str(folder))]


def test_a_run_leaves_a_record(quick_run):
    folder, result = quick_run
    (record,) = records_in(folder / "runs")
    (path,) = list_records(str(folder / "runs"))
    assert re.fullmatch(r"\d{8}-\d{6}-mnist\.json", os.path.basename(path))  # sorts by the time it started
    assert os.path.join("runs", os.path.basename(path)) in result.stdout
    assert record["name"] == "mnist" and record["outcome"] == "finished" and record["messages"] == []
    assert record["command"] == "python train.py " + " ".join(QUICK)
    assert record["settings"]["optimizer"] == "adam" and record["model"] == os.path.join("models", "mnist.json")
    state = json.loads((folder / "models" / "mnist.state.json").read_text())
    assert record["history"] == state["history"] and len(record["history"]) == 2
    assert record["final_test_accuracy"] == state["history"][-1]["test_accuracy"]
    assert record["best_test_accuracy"] == max(h["test_accuracy"] for h in state["history"])
    assert record["seconds"] == round(sum(h["seconds"] for h in state["history"]), 1)


def test_records_of_named_resumed_interrupted_and_diverged_runs(tmp_path, capsys):
    quick = ["--limit", "128", "--test-limit", "50", "--hidden", "8", "--epochs", "1"]
    run_main(quick + ["--name", "first"], tmp_path, "m.json")
    run_main(["--resume", "--epochs", "2"], tmp_path, "m.json")  # carries on the same record
    run_main(["--resume", "--epochs", "3", "--name", "longer"], tmp_path, "m.json")  # a new one, as asked
    first, longer = records_in(tmp_path / "runs")
    assert (first["name"], len(first["history"]), first["outcome"]) == ("first", 2, "finished")
    assert first["settings"]["epochs"] == 2 and "--epochs 1 --name first" in first["command"]
    assert (longer["name"], len(longer["history"])) == ("longer", 3)
    diverging = ["--batch-size", "32", "--optimizer", "sgd", "--momentum", "0", "--lr", "1e300", "--name", "wild"]
    assert train.main(quick + diverging + ["--out", str(tmp_path / "w.json"), "--runs-dir", str(tmp_path / "runs")]) == 2
    wild = records_in(tmp_path / "runs")[-1]
    assert wild["name"] == "wild" and wild["outcome"] == "diverged" and wild["history"] == []
    assert "loss became nan at epoch 1" in wild["messages"][0]
