"""Run records: a small JSON file for every training run, to compare runs side by side.

train.py writes one into runs/ when training starts and again after every epoch and at
the end, each time atomically (model_file.write_json_atomically). The file's name starts
with the time the run started, so that `ls runs/` lists the runs in the order they were
made: runs/20250314-093015-sigmoid.json for a run given --name sigmoid.

    {"format": "pure-python-run", "version": 1,
     "name": "sigmoid", "started": "2025-03-14 09:30:15",
     "command": "python train.py --activation sigmoid --name sigmoid",
     "interpreter": "CPython 3.11.7",
     "process": {"host": "lab-3", "pid": 4242, "started": "..."},  # which process writes it (processes.py)
     "settings": {"activation": "sigmoid", "epochs": 5, ...},   # all of them, as train.py keeps them
     "model": "models/sigmoid.json",
     "outcome": "finished",      # one of OUTCOMES
     "messages": [],             # what was said about the run, in words (why it diverged, ...)
     "history": [{"epoch": 1, "test_accuracy": 0.9512, "test_loss": 0.16, "seconds": 61.2, ...}, ...],
     "final_test_accuracy": 0.9735, "best_test_accuracy": 0.9741, "best_epoch": 4,
     "seconds": 312.4,           # the epochs' time, tests included, summed
     "total_seconds": 318.9,     # train.py's "Total time" (below)
     "updated": "2025-03-14 09:35:34"}

A run says how it ended: finished; interrupted (Ctrl-C, or a worker process that died);
output closed (the reader of its output went away: train.py | head); diverged; failed
(any other error, its message in "messages"). One killed outright cannot say it, and its
record goes on saying "running": standing() then asks whether its process is still there.
total_seconds is the time from the start of training to the last file written, which
train.py prints as "Total time" when the run finishes, and so far while it runs; for a
resumed run, the sum over its sessions.

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
from .run_processes import still_running, this_process

FORMAT = "pure-python-run"
VERSION = 1
FOLDER = "runs"
OUTCOMES = ("running", "finished", "interrupted", "output closed", "diverged", "failed")
# A record's file name: the second it started, a number if it is not the first record of that second, its name.
_STAMP = re.compile(r"(\d{8}-\d{6})(?:\.(\d+))?-")
_EPOCH_FIGURES = ("epoch", "test_accuracy", "test_loss", "seconds")  # what every epoch of a history holds


class RunRecordError(ValueError):
    """A file that is not a usable run record; the message names it and says what is wrong."""


class RunRecord:
    """The record of one training run and the file it lives in (path).

    RunRecord.start makes a new one and carry_on takes up an earlier one; update() writes it
    with the history so far, ended_by() with how an exception ended the run, and took()
    with the time train.py prints at the end.
    """

    def __init__(self, path, contents):
        self.path = path
        self.contents = contents
        self.earlier_seconds = contents.get("total_seconds", contents.get("seconds", 0.0))  # of earlier sessions
        self.began = time.perf_counter()
        contents["process"] = this_process()  # the one writing it from now on

    @classmethod
    def start(cls, folder, name, arguments, settings, model_path):
        """A new record in folder for the run of train.py with the command-line arguments given (update writes it)."""
        now = time.time()
        return cls(_new_path(folder, name, now), {
            "format": FORMAT,
            "version": VERSION,
            "name": name,
            "started": _when(now),
            "command": "python train.py " + " ".join(map(shlex.quote, arguments)),
            "interpreter": f"{platform.python_implementation()} {platform.python_version()}",
            "settings": settings,
            "model": model_path,
            "outcome": "running",
            "messages": [],
            "total_seconds": 0.0,
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

    @property
    def name(self):
        return self.contents["name"]

    def update(self, history, outcome="running", message=None, seconds=None):
        """Write the record again with the history so far, the outcome, a message about it if any, and
        the time this session has taken: seconds, or as long as this record has been open."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        self.contents["history"] = history
        self.contents["outcome"] = outcome
        if message:
            self.contents["messages"].append(message)
        self.contents.update(summary(history))
        session = time.perf_counter() - self.began if seconds is None else seconds
        self.contents["total_seconds"] = self.earlier_seconds + session
        self.contents["updated"] = _when(time.time())
        write_json_atomically(self.path, self.contents)

    def took(self, seconds):
        """Write the record again with the time this session took, as train.py prints it ("Total time")."""
        self.update(self.contents["history"], self.contents["outcome"], seconds=seconds)

    def ended_by(self, history, error):
        """Write how an exception ended the run, unless the record already says how it ended:
        Ctrl-C, the reader of the output gone (a closed pipe), or another error, with its message."""
        if self.contents["outcome"] != "running":
            return
        if isinstance(error, KeyboardInterrupt):
            self.update(history, "interrupted", "Ctrl-C")
        elif isinstance(error, BrokenPipeError):
            self.update(history, "output closed", "the reader of its output went away (a closed pipe: | head)")
        else:
            self.update(history, "failed", f"{type(error).__name__}: {error}")


def standing(record):
    """(outcome, why): how the run of a record stands. Its own outcome, and why None; but a record
    still "running" whose process has gone ended without saying how: ("ended", why), and one whose
    process cannot be checked is ("running?", why)."""
    if record.get("outcome") != "running":
        return record.get("outcome"), None
    running, why = still_running(record.get("process"))
    if running is None:
        return "running?", why
    return ("running" if running else "ended"), why


def summary(history):
    """The figures of a run's history: final and best test accuracy, the best epoch, the epochs' time."""
    if not history:
        return {"final_test_accuracy": None, "best_test_accuracy": None, "best_epoch": None, "seconds": 0.0}
    best = max(history, key=lambda h: h["test_accuracy"])
    return {"final_test_accuracy": history[-1]["test_accuracy"], "best_test_accuracy": best["test_accuracy"],
            "best_epoch": best["epoch"], "seconds": round(sum(h["seconds"] for h in history), 1)}


def _when(now):
    """The time now (seconds since the epoch) as a record writes it: 2025-03-14 09:30:15."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))


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
    if not all(isinstance(record.get(key, 0.0), (int, float)) for key in ("seconds", "total_seconds")):
        fail("its seconds or total_seconds is not a number")
    return record
