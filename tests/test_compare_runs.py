"""compare_runs.py and the run records it reads: the table, the picture, and the errors.

The records are written here with network/run_records.py, as train.py writes them, with
made-up histories: what is compared is the records, not the training; but for the runs
that end without saying how, which train.py itself leaves behind.
"""

import json
import os
import signal
import socket
import subprocess
import sys

import pytest

from network.run_processes import start_of, still_running, this_process
from network.run_names import default_name
from network.run_records import RunRecord, RunRecordError, list_records, load_record, name_of, standing
from network.settings import DEFAULTS
from show import run_comparison
from tests.interrupt import start_interruptible

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPARE = os.path.join(ROOT, "compare_runs.py")
TRAIN = os.path.join(ROOT, "train.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def history(accuracies):
    return [{"epoch": e, "lr": 0.1, "train_loss": 1.0, "train_accuracy": a - 0.01, "test_loss": 1.0 - a,
             "test_accuracy": a, "seconds": 30.0} for e, a in enumerate(accuracies, 1)]


def write_record(folder, name, accuracies, outcome="finished", started=None, seconds=None, **changes):
    """A record as train.py leaves it, of a run with DEFAULTS (lr 0.1) but for changes, that started at
    started ("2025-03-01 10:15:00"; default: now) and took seconds in all (default: as long as this took)."""
    settings = dict(dict(DEFAULTS, lr=0.1), **changes)
    record = RunRecord.start(str(folder), name, ["--name", name], settings, "models/mnist.json")
    record.contents["started"] = started or record.contents["started"]
    record.update(history(accuracies), outcome, seconds=seconds)
    return record.path


@pytest.fixture
def runs(tmp_path):
    """A runs/ folder with three records: the default, sigmoid, and a dropout run interrupted after 2 epochs."""
    folder = tmp_path / "runs"
    write_record(folder, "default", [0.95, 0.96, 0.97, 0.975, 0.975], seconds=155.0)
    write_record(folder, "sigmoid", [0.90, 0.93, 0.94, 0.94, 0.94], activation="sigmoid")
    write_record(folder, "dropout", [0.94, 0.96], outcome="interrupted", dropout=0.5)
    return folder


def compare(*args, cwd):
    return subprocess.run([sys.executable, COMPARE, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=ROOT))


def test_the_table_and_the_picture_of_every_run(runs, tmp_path):
    result = compare(cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["run", "changed", "from", "the", "defaults", "epochs", "final", "best", "(epoch)",
                                "time", "outcome"]
    rows = {line.split()[0]: line for line in lines[2:5]}
    assert rows.keys() == {"default", "sigmoid", "dropout"}
    assert rows["default"].split()[1] == "-" and "97.50%" in rows["default"]  # train.py's defaults
    assert rows["sigmoid"].split()[1:3] == ["--activation", "sigmoid"] and "94.00% (3)" in rows["sigmoid"]
    assert rows["dropout"].split()[1:3] == ["--dropout", "0.5"] and "2/5" in rows["dropout"]
    assert rows["dropout"].endswith("interrupted")
    assert "2m35s" in rows["default"]  # its own total time, not its 5 epochs of 30 s
    picture = tmp_path / "plots" / "runs.png"
    assert picture.read_bytes().startswith(PNG_SIGNATURE)
    assert f"Picture: {os.path.join('plots', 'runs.png')}" in result.stdout


def test_runs_by_name_or_file_and_a_single_run_against_the_defaults(runs, tmp_path):
    write_record(runs, "sigmoid", [0.5], activation="sigmoid", lr=0.5)  # a later run of that name
    by_name = compare("sigmoid", "default", "--no-plot", cwd=tmp_path)
    assert by_name.returncode == 0, by_name.stderr
    rows = by_name.stdout.splitlines()[2:4]
    assert [row.split()[0] for row in rows] == ["sigmoid", "default"]
    assert "50.00%" in rows[0] and "--activation sigmoid, --lr 0.5" in rows[0]  # the latest sigmoid run
    assert rows[1].split()[1] == "-"  # the defaults, whatever the others did
    alone = compare(list_records(str(runs))[1], "--no-plot", cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.splitlines()[0].split()[1:5] == ["changed", "from", "the", "defaults"]
    assert "--activation sigmoid  " in alone.stdout  # what it changed; lr 0.1 is sgd's own
    assert not (tmp_path / "plots").exists()


def test_a_name_stands_for_its_latest_finished_run_and_a_file_for_any(tmp_path):
    folder = tmp_path / "runs"
    done = write_record(folder, "mnist", [0.97], epochs=1, started="2025-03-01 10:15:00")
    stopped = write_record(folder, "mnist", [], outcome="interrupted", limit=2000, started="2025-03-01 11:20:00")
    result = compare("mnist", "--no-plot", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[2].split()[:2] == ["mnist", "--epochs"] and "97.00%" in lines[2] and len(lines) == 5
    assert lines[4] == ("mnist: the latest finished of 2 runs of that name; for another, give its record's file "
                        f"(ls {os.path.join('runs', '*-mnist.json')} lists them)")
    both = compare(stopped, done, "--no-plot", cwd=tmp_path).stdout.splitlines()
    assert both[2].startswith("mnist (11:20:00)  --limit 2000  ") and both[2].endswith("interrupted")
    assert both[3].startswith("mnist (10:15:00)  --epochs 1  ") and both[3].endswith("finished")


def test_same_name_runs_are_told_apart_by_the_time_they_started():
    records = [{"name": "mnist", "started": "2025-03-01 10:15:00"}, {"name": "mnist", "started": "2025-03-01 11:20:00"},
               {"name": "quick", "started": "2025-03-01 09:00:00"}, {"name": "quick", "started": "2025-03-02 09:00:00"},
               {"name": "sigmoid", "started": "2025-03-01 10:15:00"}]
    assert run_comparison.names(records) == ["mnist (10:15:00)", "mnist (11:20:00)", "quick (2025-03-01 09:00:00)",
                                             "quick (2025-03-02 09:00:00)", "sigmoid"]


# ---------------------------------------------------------------------- how a run ended

def quick_run(*args):
    """A train.py run of a few seconds, its output to a pipe."""
    return [sys.executable, TRAIN, "--limit", "2000", "--test-limit", "100", "--epochs", "3", "--hidden", "16",
            "--no-plots", *args]


def test_a_run_whose_reader_went_away_and_one_killed_outright_read_as_ended(tmp_path):
    head = start_interruptible(quick_run("--name", "piped"), cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    [head.stdout.readline() for _ in range(5)]  # python train.py ... | head -5
    head.stdout.close()
    assert head.wait(timeout=120) == 141, head.stderr.read()
    killed = start_interruptible(quick_run("--name", "killed"), cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
    while not killed.stdout.readline().startswith("epoch 1/3"):  # its record now holds epoch 1
        pass
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    killed.stdout.close()
    result = compare("piped", "killed", "--no-plot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    piped_row, killed_row = result.stdout.splitlines()[2:4]
    assert piped_row.endswith("output closed") and killed_row.endswith("ended")
    assert result.stdout.splitlines()[5] == (f"killed: ended without writing how: its process, pid {killed.pid}, "
                                             "has gone; 1 of 3 epochs done, the record last written "
                                             f"{load_record(list_records(str(tmp_path / 'runs'))[-1])['updated']}")
    piped = load_record(list_records(str(tmp_path / "runs"))[0])
    assert piped["messages"] == ["the reader of its output went away (a closed pipe: | head)"]


def test_a_record_says_how_an_exception_ended_its_run_once(tmp_path):
    for error, outcome, message in ((KeyboardInterrupt(), "interrupted", "Ctrl-C"),
                                    (OSError("No space left on device"), "failed", "OSError: No space left on device"),
                                    (BrokenPipeError(), "output closed", "the reader of its output went away")):
        record = RunRecord.start(str(tmp_path), "run", [], dict(DEFAULTS), "models/mnist.json")
        record.update([])
        record.ended_by(history([0.9]), error)
        assert record.contents["outcome"] == outcome and message in record.contents["messages"][0]
        record.ended_by([], OSError("later"))  # already said: kept
        assert load_record(record.path)["outcome"] == outcome and len(load_record(record.path)["history"]) == 1


def test_whether_the_process_of_a_running_record_is_there():
    here = this_process()
    assert still_running(here) == (True, f"its process, pid {os.getpid()}, is running")
    running = {"outcome": "running", "process": here}
    assert standing(running)[0] == "running" and standing({"outcome": "finished"}) == ("finished", None)
    elsewhere = dict(here, host=socket.gethostname() + "-elsewhere")
    assert standing({"outcome": "running", "process": elsewhere}) == (
        "running?", f"it ran on another machine, {elsewhere['host']}, which cannot be checked from here")
    assert standing({"outcome": "running"})[0] == "running?"  # an older record names no process
    if start_of(os.getpid()) is not None:  # Linux: the same pid, started at another time, is another process
        reused = dict(here, started=here["started"] + "0")
        assert still_running(reused)[0] is False and "another process's now" in still_running(reused)[1]


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


def test_what_sets_each_run_apart_from_the_defaults():
    a = {"name": "a", "settings": dict(DEFAULTS, lr=0.1, data_dir="/here")}
    b = {"name": "b", "settings": dict(DEFAULTS, lr=0.1, data_dir="/there", hidden=[256, 128], limit=600)}
    c = {"name": "c", "settings": dict(DEFAULTS, lr=0.1, hidden=[256, 128], activation="tanh")}
    assert run_comparison.differences([a, b, c]) == [{}, {"hidden": [256, 128], "limit": 600},
                                                     {"activation": "tanh", "hidden": [256, 128]}]
    assert run_comparison.in_words({"hidden": [256, 128], "limit": None}) == "--hidden 256 128, no --limit"
    adam = {"name": "adam", "settings": dict(DEFAULTS, optimizer="adam", lr=0.001)}
    assert run_comparison.differences([adam]) == [{"optimizer": "adam"}]  # 0.001 is Adam's own learning rate
    old = {"name": "old", "settings": {k: v for k, v in dict(DEFAULTS, lr=0.1).items() if k != "augment"}}
    assert run_comparison.differences([old]) == [{}]  # older than --augment: a run without it
