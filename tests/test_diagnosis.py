"""When training goes wrong, it says what happened and what to try (network/diagnosis.py).

Each sign is provoked by a real small run of train.py, and the signs stay silent on a
healthy one; the functions are also checked on made-up figures at their thresholds.
"""

import json
import math
import os
import subprocess
import sys

import pytest

import train
from my_math import Matrix
from network import diagnosis
from network.model_file import load_network
from network.training import Batch, TrainingDiverged

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_train(*args, cwd):
    return subprocess.run([sys.executable, os.path.join(ROOT, "train.py"), *args, "--no-plots"],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def said(result):
    """The kinds of diagnosis a run printed ("  ! kind: ...")."""
    return [line[4:].split(":")[0] for line in result.stdout.splitlines() if line.startswith("  ! ")]


# ---------------------------------------------------------------------- real runs that provoke each sign

def test_a_huge_learning_rate_stops_the_run_saying_why_and_what_to_try(tmp_path):
    result = run_train("--lr", "1e9", "--limit", "500", "--epochs", "2", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("train.py: error: the loss rose from 2.")
    assert "within 3 batches" in line and "learning rate 1e+09" in line and "try --lr 1e+08, a tenth" in line
    assert "nothing was saved" in line and not (tmp_path / "models" / "mnist.json").exists()


def test_a_run_that_diverges_after_an_epoch_keeps_that_epoch(tmp_path, monkeypatch, capsys):
    real = train.train_epoch

    def explode_in_epoch_2(net, optimizer, data, batch_size, rng, lr, epoch, **options):
        return real(net, optimizer, data, batch_size, rng, lr * (1e9 if epoch == 2 else 1), epoch, **options)

    monkeypatch.setattr(train, "train_epoch", explode_in_epoch_2)
    model = tmp_path / "m.json"
    status = train.main(["--limit", "300", "--epochs", "3", "--test-limit", "100", "--out", str(model), "--no-plots"])
    assert status == 2
    assert f"{model} keeps epoch 1" in capsys.readouterr().err
    assert load_network(str(model)).metadata["epochs"] == 1
    with open(str(model)[:-5] + ".state.json", encoding="utf-8") as f:
        assert json.load(f)["epoch"] == 1


def test_a_tiny_learning_rate_is_not_learning(tmp_path):
    result = run_train("--lr", "1e-6", "--limit", "1500", "--batch-size", "64", "--epochs", "1",
                       "--test-limit", "200", cwd=tmp_path)
    assert result.returncode == 0
    assert said(result) == ["not learning"]
    assert "try --lr 1e-05, ten times it" in result.stdout


def test_a_learning_rate_of_1_kills_most_relu_units(tmp_path):
    result = run_train("--lr", "1", "--limit", "1500", "--batch-size", "64", "--epochs", "1",
                       "--test-limit", "200", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert said(result) == ["dead units"]
    assert "of 128 hidden units of layer 1 never fired on 1,000 training images" in result.stdout


def test_sigmoid_with_a_large_learning_rate_saturates(tmp_path):
    result = run_train("--activation", "sigmoid", "--lr", "3", "--limit", "1000", "--epochs", "1",
                       "--test-limit", "200", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert said(result) == ["saturated units"]
    assert "of the sigmoid activations of layer 1 are within 0.01 of their" in result.stdout


def test_a_cnn_is_watched_on_its_dense_units_only(tmp_path):
    """A convolution's maps have places no ink reaches (z = b < 0 there for every image): not dead units."""
    result = run_train("--conv", "4x5", "--hidden", "16", "--limit", "300", "--epochs", "1", "--test-limit", "100",
                       cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dead units" not in result.stdout


def test_few_images_for_many_epochs_overfit_and_it_is_said_once(tmp_path):
    result = run_train("--limit", "300", "--batch-size", "32", "--epochs", "8", "--schedule", "constant",
                       "--test-limit", "1000", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert said(result) == ["overfitting"]
    assert "--weight-decay" in result.stdout and "--augment" in result.stdout
    history = json.loads((tmp_path / "models" / "mnist.state.json").read_text())["history"]
    assert sum(any(d["kind"] == "overfitting" for d in h["diagnoses"]) for h in history) >= 2  # recorded each time


def test_a_healthy_run_says_nothing(tmp_path):
    result = run_train("--limit", "3000", "--epochs", "2", "--test-limit", "1000", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert said(result) == []


def test_quiet_keeps_only_the_stop_message(tmp_path):
    result = run_train("--lr", "1e-6", "--limit", "1500", "--batch-size", "64", "--epochs", "1",
                       "--test-limit", "200", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert said(result) == [] and "epoch 1/1  train loss" in result.stdout  # the run printed, but no diagnosis


# ---------------------------------------------------------------------- the thresholds

def batch(loss, number):
    return Batch(1, number, 128 * number, loss, 0.1, loss, 0.1, None, None)


def test_the_watch_lets_a_bad_batch_or_two_pass_and_stops_the_third():
    watch = diagnosis.DivergenceWatch(classes=10)
    ceiling = 4 * math.log(10)
    for number, loss in enumerate([2.4, 2.2, ceiling + 1, ceiling + 5, 1.9, ceiling * 2, ceiling * 3], 1):
        watch(batch(loss, number))
    with pytest.raises(TrainingDiverged, match=r"rose from 1\.9 to 55\.3 within 3 batches \(epoch 1, batch 8\)"):
        watch(batch(ceiling * 6, 8))


def result(epoch, train_loss, train_accuracy, test_loss=0.5):
    return {"epoch": epoch, "lr": 0.1, "train_loss": train_loss, "train_accuracy": train_accuracy,
            "test_loss": test_loss}


@pytest.mark.parametrize("loss, accuracy, batches, expected", [
    (2.30, 0.10, 20, True),     # at chance
    (0.80, 0.14, 20, True),     # accuracy under 1.5/C
    (2.25, 0.25, 20, True),     # the loss flat near ln 10 and little learnt
    (2.25, 0.35, 20, False),    # a high loss, but a third right: learning, badly
    (1.00, 0.60, 20, False),
    (2.30, 0.10, 9, False),     # too few batches to judge
])
def test_not_learning_thresholds(loss, accuracy, batches, expected):
    assert bool(diagnosis.not_learning(result(1, loss, accuracy), batches, 10)) == expected


def test_overfitting_needs_two_rising_test_losses_and_falling_training_losses():
    rising = [result(1, 0.5, 0.9, 0.30), result(2, 0.3, 0.9, 0.31), result(3, 0.2, 0.9, 0.33)]
    assert [d.kind for d in diagnosis.overfitting(rising)] == ["overfitting"]
    assert diagnosis.overfitting(rising[:2]) == []
    assert diagnosis.overfitting(rising[:2] + [result(3, 0.2, 0.9, 0.305)]) == []  # the test loss came back down
    assert diagnosis.overfitting(rising[:2] + [result(3, 0.4, 0.9, 0.33)]) == []  # the training loss rose too
    flat = [result(1, 0.5, 0.9, 0.300), result(2, 0.3, 0.9, 0.302), result(3, 0.2, 0.9, 0.305)]
    assert diagnosis.overfitting(flat) == []  # up 1.7% in all: a flat curve's noise


def test_dead_units_count_the_columns_that_are_zero_for_every_image():
    A = Matrix([[1.0] * 8 + [0.5 * (i % 2), 0.0] for i in range(4)])  # column 8 fires once in two, 9 never
    assert diagnosis.dead_units([A], 4) == []  # 1 dead of 10 is not more than 10%
    A = Matrix([row + [0.0, 0.0] for row in A.rows])
    (finding,) = diagnosis.dead_units([A], 4)
    assert finding.message.startswith("dead units: 3 of 12 hidden units of layer 1 never fired on 4 training images")


@pytest.mark.parametrize("activation, values, expected", [
    ("sigmoid", [0.001, 0.999, 0.995, 0.5], True),
    ("sigmoid", [0.001, 0.5, 0.4, 0.5], False),
    ("tanh", [-0.999, 0.995, 0.2, -0.9999], True),
    ("tanh", [-0.98, 0.98, 0.2, 0.0], False),
])
def test_saturation_counts_activations_near_the_limits(activation, values, expected):
    assert bool(diagnosis.saturated([Matrix([values])], activation)) == expected


def test_a_lasting_problem_is_said_once():
    finding = diagnosis.Diagnosis("dead units", "...")
    assert diagnosis.new([finding], []) == [finding]
    assert diagnosis.new([finding], [finding._asdict()]) == []
