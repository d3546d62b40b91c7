"""Run records: a small JSON file for every training run, to compare runs side by side.

train.py writes one into runs/ when training starts and again after every epoch and at
the end, each time atomically (model_file.write_json_atomically). The file's name starts
with the time the run started, so that `ls runs/` lists the runs in the order they were
made: runs/20250314-093015-sigmoid.json for a run given --name sigmoid.

    {"format": "pure-python-run", "version": 1,
     "name": "sigmoid", "started": "2025-03-14 09:30:15",
     "command": "python train.py --activation sigmoid --name sigmoid",
     "interpreter": "CPython 3.11.7",
     "settings": {"activation": "sigmoid", "epochs": 5, ...},   # all of them, as train.py keeps them
     "model": "models/mnist.json",
     "outcome": "finished",      # running, finished, interrupted or diverged
     "messages": [],             # what was said about the run, in words (why it diverged, ...)
     "history": [{"epoch": 1, "test_accuracy": 0.9512, "test_loss": 0.16, "seconds": 61.2, ...}, ...],
     "final_test_accuracy": 0.9735, "best_test_accuracy": 0.9741, "best_epoch": 4,
     "seconds": 312.4}           # the epochs' time, tests included, summed

compare_runs.py reads them (show/run_comparison.py draws and prints them); list_records
and load_record are for anything else that wants earlier runs, such as a page that
draws them behind the current one.
"""

import os
import platform
import re
import shlex
import time

from .model_file import read_versioned_json, write_json_atomically

FORMAT = "pure-python-run"
VERSION = 1
FOLDER = "runs"
OUTCOMES = ("running", "finished", "interrupted", "diverged")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# A record's file name: the second it started, a number if it is not the first record of that second, its name.
_STAMP = re.compile(r"(\d{8}-\d{6})(?:\.(\d+))?-")
_EPOCH_FIGURES = ("epoch", "test_accuracy", "test_loss", "seconds")  # what every epoch of a history holds


class RunRecordError(ValueError):
    """A file that is not a usable run record; the message names it and says what is wrong."""


class RunRecord:
    """The record of one training run and the file it lives in (path).

    RunRecord.start makes a new one and carry_on takes up an earlier one; update() writes it
    with the history so far.
    """

    def __init__(self, path, contents):
        self.path = path
        self.contents = contents

    @classmethod
    def start(cls, folder, name, arguments, settings, model_path):
        """A new record in folder for the run of train.py with the command-line arguments given (update writes it)."""
        now = time.time()
        return cls(_new_path(folder, name, now), {
            "format": FORMAT,
            "version": VERSION,
            "name": name,
            "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)),
            "command": "python train.py " + " ".join(map(shlex.quote, arguments)),
            "interpreter": f"{platform.python_implementation()} {platform.python_version()}",
            "settings": settings,
            "model": model_path,
            "outcome": "running",
            "messages": [],
        })

    @classmethod
    def carry_on(cls, path, settings):
        """The record at path, for a resumed run (its settings now settings: --epochs may have grown)
        to go on writing; None if it is gone or unusable."""
        try:
            contents = load_record(path)
        except RunRecordError:
            return None
        contents["settings"] = settings
        return cls(path, contents)

    def update(self, history, outcome="running", message=None):
        """Write the record again with the history so far, the outcome, and a message about it if any."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        self.contents["history"] = history
        self.contents["outcome"] = outcome
        if message:
            self.contents["messages"].append(message)
        self.contents.update(summary(history))
        write_json_atomically(self.path, self.contents)


def summary(history):
    """The figures of a run's history: final and best test accuracy, the best epoch, the total time."""
    if not history:
        return {"final_test_accuracy": None, "best_test_accuracy": None, "best_epoch": None, "seconds": 0.0}
    best = max(history, key=lambda h: h["test_accuracy"])
    return {"final_test_accuracy": history[-1]["test_accuracy"], "best_test_accuracy": best["test_accuracy"],
            "best_epoch": best["epoch"], "seconds": round(sum(h["seconds"] for h in history), 1)}


def check_name(name):
    """name if it can be part of a file name (letters, digits, . _ -, at most 64), else ValueError."""
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"a run's name is letters, digits, '.', '_' and '-', starting with a letter or "
                         f"digit, at most 64 characters, not {name!r}")
    return name


def default_name(model_path):
    """The name of a run not given --name: its model file's, models/mnist.json → mnist, made fit for a file name."""
    stem = os.path.splitext(os.path.basename(model_path))[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).lstrip("._-")[:64] or "run"


def _new_path(folder, name, now):
    """folder/YYYYmmdd-HHMMSS-name.json for the time now; YYYYmmdd-HHMMSS.2-name.json for a second
    record started in the same second (of any name), .3 for a third, and so on."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    number = 1 + sum(_order(path)[0] == stamp for path in list_records(folder))
    return os.path.join(folder, f"{stamp}-{name}.json" if number == 1 else f"{stamp}.{number}-{name}.json")


def _order(path):
    """(the second its run started, its number in that second): records sort by it."""
    stamp, number = _STAMP.match(os.path.basename(path)).groups()
    return stamp, int(number or 1)


def list_records(folder=FOLDER):
    """The paths of the run records in folder, oldest first ([] if there is no such folder)."""
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    paths = [os.path.join(folder, name) for name in names if _STAMP.match(name) and name.endswith(".json")]
    return sorted(paths, key=_order)


def name_of(path):
    """The run's name in a record's file name: runs/20250314-093015-sigmoid.json → sigmoid."""
    base = os.path.basename(path)
    stamp = _STAMP.match(base)
    return base[stamp.end():-len(".json")] if stamp else base


def load_record(path):
    """The record stored at path as a dict, after checking it; RunRecordError if it cannot be used."""
    def fail(problem):
        raise RunRecordError(f"{path}: {problem}")

    record = read_versioned_json(path, fail, "no such run record", "a run record", FORMAT, (VERSION,))
    history = record.get("history")
    if not isinstance(record.get("settings"), dict) or not isinstance(history, list):
        fail("lacks its settings or its history")
    for h in history:
        if not (isinstance(h, dict) and all(isinstance(h.get(key), (int, float)) for key in _EPOCH_FIGURES)):
            fail(f"an epoch of its history lacks one of {', '.join(_EPOCH_FIGURES)}")
    return record
