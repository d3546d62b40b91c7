"""The earlier runs that train.py --live's page draws faintly behind the one training now.

Every run of train.py leaves its record in --runs-dir (network/run_records.py). The live
page asks GET /api/runs for the last few of them, to draw their test accuracy and loss
after each epoch behind the current run's: is this run doing better than the last ones?

Which runs: the AT_MOST most recent ones in the same --runs-dir that
- finished: an interrupted run stops half way, a diverged one's loss would crush the
  chart, and one still running (in another terminal) is not a curve yet;
- learnt the same data set: a Fashion-MNIST curve says nothing about MNIST;
- are not this run: its own record is in the same folder, and after --resume it may
  even say "finished" (an earlier, shorter --epochs).
The most recent, because they are what the learner just tried; at most five, so that the
current run stays the one the eye follows and each faint line keeps a colour of its own.
A record that cannot be read, or holds a figure that is not a number, is skipped and
named in the answer; it never stops the page.
"""

import math
import os

from network.run_records import RunRecordError, list_records, load_record, name_of

from .run_comparison import differences_from, in_words

AT_MOST = 5  # earlier runs drawn at most


def earlier_runs(folder, settings, this_record, at_most=AT_MOST):
    """The answer to GET /api/runs, as a dict for JSON: the at_most most recent finished runs
    in folder with the data set of settings (this run's), newest first, other than the
    record at this_record; for each, its name, what differs from this run, and its test
    figures after each epoch. "skipped" names the records that could not be used."""
    runs, skipped = [], []
    this = os.path.realpath(this_record) if this_record else None
    try:
        paths = list_records(folder)
    except OSError as error:  # a folder that cannot be read: no earlier runs, and why
        paths, skipped = [], [f"{folder}: cannot be read ({error.strerror or error})"]
    for path in reversed(paths):
        if len(runs) == at_most:
            break
        if os.path.realpath(path) == this:
            continue
        try:
            record = usable_record(path)
        except RunRecordError as error:
            skipped.append(str(error))
            continue
        if (record.get("outcome") == "finished" and record["history"]
                and record["settings"].get("dataset") == settings["dataset"]):
            runs.append(summary(path, record, settings))
    return {"folder": folder, "dataset": settings["dataset"], "at_most": at_most, "runs": runs, "skipped": skipped}


def usable_record(path):
    """The record at path (load_record) if every test figure in it is a finite number; RunRecordError if not."""
    record = load_record(path)
    for h in record["history"]:
        if not (math.isfinite(h["test_accuracy"]) and math.isfinite(h["test_loss"])):
            raise RunRecordError(f"{path}: epoch {h['epoch']}'s test figures are not finite numbers")
    return record


def summary(path, record, settings):
    """What the page shows of one earlier run: its name and what sets it apart from this run (the
    options of train.py in which its settings differ), where it came from, and its curve."""
    history = record["history"]
    return {
        "name": str(record.get("name") or name_of(path)),
        "file": os.path.basename(path),
        "started": str(record.get("started", "")),
        "command": str(record.get("command", "")),
        "differs": in_words(differences_from(record["settings"], settings)),
        "epochs": len(history),
        "final_test_accuracy": history[-1]["test_accuracy"],
        "history": [{"epoch": h["epoch"], "test_accuracy": h["test_accuracy"], "test_loss": h["test_loss"]}
                    for h in history],
    }
