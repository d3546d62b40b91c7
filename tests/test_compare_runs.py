"""compare_runs.py and the run records it reads: the table, the picture, and the errors.

The records are written here with network/run_records.py, as train.py writes them, with
made-up histories: what is compared is the records, not the training.
"""

import json
import os
import subprocess
import sys

import pytest

from network.run_records import RunRecord, RunRecordError, default_name, list_records, load_record, name_of
from network.settings import DEFAULTS
from show import run_comparison

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPARE = os.path.join(ROOT, "compare_runs.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def history(accuracies):
    return [{"epoch": e, "lr": 0.1, "train_loss": 1.0, "train_accuracy": a - 0.01, "test_loss": 1.0 - a,
             "test_accuracy": a, "seconds": 30.0} for e, a in enumerate(accuracies, 1)]


def write_record(folder, name, accuracies, outcome="finished", **changes):
    """A record as train.py leaves it, of a run with DEFAULTS (lr 0.1) but for changes."""
    settings = dict(dict(DEFAULTS, lr=0.1, epochs=len(accuracies)), **changes)
    record = RunRecord.start(str(folder), name, ["--name", name], settings, "models/mnist.json")
    record.update(history(accuracies), outcome)
    return record.path


@pytest.fixture
def runs(tmp_path):
    """A runs/ folder with three records: the default, sigmoid, and a dropout run interrupted after 2 epochs."""
    folder = tmp_path / "runs"
    write_record(folder, "default", [0.95, 0.97, 0.975])
    write_record(folder, "sigmoid", [0.90, 0.93, 0.94], activation="sigmoid")
    write_record(folder, "dropout", [0.94, 0.96], outcome="interrupted", dropout=0.5, epochs=3)
    return folder


def compare(*args, cwd):
    return subprocess.run([sys.executable, COMPARE, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=ROOT))


def test_the_table_and_the_picture_of_every_run(runs, tmp_path):
    result = compare(cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["run", "what", "sets", "it", "apart", "epochs", "final", "best", "(epoch)", "time",
                                "outcome"]
    rows = {line.split()[0]: line for line in lines[2:5]}
    assert rows.keys() == {"default", "sigmoid", "dropout"}
    assert rows["default"].split()[1] == "-" and "97.50%" in rows["default"]  # what most runs have
    assert rows["sigmoid"].split()[1:3] == ["--activation", "sigmoid"] and "94.00% (3)" in rows["sigmoid"]
    assert rows["dropout"].split()[1:3] == ["--dropout", "0.5"] and "2/3" in rows["dropout"]
    assert rows["dropout"].endswith("interrupted")
    assert "1m30s" in rows["default"]  # 3 epochs of 30 s
    picture = tmp_path / "plots" / "runs.png"
    assert picture.read_bytes().startswith(PNG_SIGNATURE)
    assert f"Picture: {os.path.join('plots', 'runs.png')}" in result.stdout


def test_runs_by_name_or_file_and_a_single_run_against_the_defaults(runs, tmp_path):
    write_record(runs, "sigmoid", [0.5], activation="sigmoid", lr=0.5)  # a later run of that name
    by_name = compare("sigmoid", "default", "--no-plot", cwd=tmp_path)
    assert by_name.returncode == 0, by_name.stderr
    rows = by_name.stdout.splitlines()[2:]
    assert [row.split()[0] for row in rows] == ["sigmoid", "default"]
    assert "50.00%" in rows[0]  # the latest sigmoid run; set apart from it, with two runs only, the default:
    assert "--activation relu, --epochs 3, --lr 0.1" in rows[1]
    alone = compare(list_records(str(runs))[1], "--no-plot", cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.splitlines()[0].split()[1:4] == ["changed", "from", "the"]
    assert "--activation sigmoid, --epochs 3" in alone.stdout  # what it changed; lr 0.1 is sgd's own
    assert not (tmp_path / "plots").exists()


@pytest.mark.parametrize("make, message", [
    (lambda folder: folder / "nothing.json", "nothing.json: no such run record"),
    (lambda folder: folder, "is a folder, not a file"),
    (lambda folder: write(folder / "bad.json", "{oops"), "bad.json: is not valid JSON"),
    (lambda folder: write(folder / "model.json", '{"format": "pure-python-network"}'), "is not a run record"),
    (lambda folder: write(folder / "v2.json", '{"format": "pure-python-run", "version": 2}'), "has version 2"),
    (lambda folder: write(folder / "h.json", json.dumps({"format": "pure-python-run", "version": 1, "settings": {},
                                                          "history": [{"epoch": 1}]})), "an epoch of its history"),
    (lambda folder: "nobody", "no run named 'nobody' in runs/"),
])
def test_a_bad_record_or_name_is_one_line_and_status_2(runs, tmp_path, make, message):
    result = compare(str(make(tmp_path)), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("compare_runs.py: error: ")
    assert message in result.stderr


def write(path, text):
    path.write_text(text)
    return path


def test_no_records_and_an_unwritable_picture(tmp_path, runs):
    empty = compare("--runs-dir", str(tmp_path / "none"), cwd=tmp_path)
    assert empty.returncode == 2 and "no run records in" in empty.stderr and "python train.py" in empty.stderr
    (tmp_path / "file").write_text("not a folder")
    unwritable = compare("--out", str(tmp_path / "file" / "runs.png"), cwd=tmp_path)
    assert unwritable.returncode == 2 and "choose another --out" in unwritable.stderr
    assert unwritable.stderr.count("\n") == 1


def test_records_list_in_the_order_they_were_made_and_name_their_runs(tmp_path):
    first = write_record(tmp_path, "b-run", [0.5])
    second = write_record(tmp_path, "a-run", [0.6])  # the same second: numbered, and still after the first
    (tmp_path / "notes.json").write_text("{}")
    assert list_records(str(tmp_path)) == [first, second]
    assert [name_of(path) for path in (first, second)] == ["b-run", "a-run"]
    assert load_record(second)["best_test_accuracy"] == 0.6
    assert list_records(str(tmp_path / "missing")) == []
    assert default_name("models/my model.json") == "my-model" and default_name("models/%%%.json") == "run"
    with pytest.raises(RunRecordError, match="no such run record"):
        load_record(str(tmp_path / "gone.json"))


def test_what_sets_each_run_apart():
    a = {"name": "a", "settings": dict(DEFAULTS, lr=0.1, data_dir="/here")}
    b = {"name": "b", "settings": dict(DEFAULTS, lr=0.1, data_dir="/there", hidden=[256, 128], limit=600)}
    c = {"name": "c", "settings": dict(DEFAULTS, lr=0.1, hidden=[256, 128], activation="tanh")}
    assert run_comparison.differences([a, b]) == [{}, {"hidden": [256, 128], "limit": 600}]  # a tie: a's
    assert run_comparison.differences([a, b, c]) == [{"hidden": [128]}, {"limit": 600}, {"activation": "tanh"}]
    assert run_comparison.in_words({"hidden": [256, 128], "limit": None}) == "--hidden 256 128, no --limit"
    assert run_comparison.differences([a]) == [{}]  # where the data was found is no difference
    adam = {"name": "adam", "settings": dict(DEFAULTS, optimizer="adam", lr=0.001)}
    assert run_comparison.differences([adam]) == [{"optimizer": "adam"}]  # 0.001 is Adam's own learning rate
