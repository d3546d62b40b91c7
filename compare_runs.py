"""Compare training runs side by side:  python compare_runs.py runs/*.json   (python compare_runs.py --help)

Every run of train.py leaves a record in runs/ (network/run_records.py): its settings,
the test accuracy and loss after every epoch, the time it took. This script puts runs
next to each other. What happens, in order:
  1. the records: each argument is a record's file, or a run's name (--name of train.py),
     which stands for the latest finished run of that name in --runs-dir (the latest of
     any outcome if none finished; for another, give its file); no argument at all stands
     for every record there;
  2. the table: for each run, what it changed from train.py's defaults, the final and the
     best test accuracy, its total time and how it ended: a record that still says
     "running" is checked against its process, gone if the run was killed
     (show/run_comparison.py);
  3. the picture: test accuracy and test loss against the epoch, a coloured line per
     run, the legend naming what differs (plots/runs.png; --no-plot to skip it).
A file that is not a run record, or a name with no record, stops it with one line saying
so and exit status 2.
"""

import importlib.util
import os
import sys

from network.run_records import FOLDER, RunRecordError, list_records, load_record, name_of
from show import run_comparison
from show.command_line import ArgumentParser, did_you_mean
from show.terminal import quiet_when_the_reader_goes

DEFAULT_PICTURE = os.path.join("plots", "runs.png")


def main(argv=None):
    """Run compare_runs.py with the arguments argv (default: the command line); return the exit status."""
    args = parse_args(argv)
    try:
        paths, left_out = record_paths(args.runs, args.runs_dir)
        records = [load_record(path) for path in paths]
        notes = run_comparison.notes(records) + left_out
        for line in run_comparison.table(records) + ([""] + notes if notes else []):
            print(line)
        if not args.no_plot:
            draw(records, args.out)
    except BrokenPipeError:  # the reader of the output went away: see show/terminal.py
        raise
    except (RunRecordError, OSError) as error:
        print(f"compare_runs.py: error: {error}", file=sys.stderr)
        return 2
    return 0


def parse_args(argv):
    parser = ArgumentParser(
        prog="compare_runs.py",
        description="Compare training runs: a table of what differs between them and how well they did, "
                    "and one picture of their test accuracy and loss after each epoch.",
        epilog="Example: python train.py --activation sigmoid --name sigmoid, then "
               "python compare_runs.py mnist sigmoid")
    parser.add_argument("runs", nargs="*", metavar="RUN",
                        help="a run record (runs/TIME-NAME.json) or a run's name, for the latest finished run "
                             "of that name (default: every record in --runs-dir)")
    parser.add_argument("--runs-dir", default=FOLDER, metavar="FOLDER",
                        help=f"where the records are (default {FOLDER}/)")
    parser.add_argument("--out", default=DEFAULT_PICTURE, metavar="PATH",
                        help=f"the picture's file (default {DEFAULT_PICTURE})")
    parser.add_argument("--no-plot", action="store_true", help="print the table only")
    return parser.parse_args(argv)


def record_paths(runs, folder):
    """(the record files that runs, file paths or run names, stand for, in the order given;
    lines to print under the table about the runs of a name that were left out)."""
    if not runs:
        paths = list_records(folder)
        if not paths:
            raise RunRecordError(f"no run records in {folder}/: train first (python train.py), "
                                 "or give --runs-dir")
        return paths, []
    paths, notes = [], []
    for run in runs:
        if run.endswith(".json") or os.path.exists(run):
            paths.append(run)
        else:
            path, note = latest_named(run, folder)
            paths.append(path)
            notes += [note] if note else []
    return paths, notes


def latest_named(name, folder):
    """(the record of the latest finished run called name in folder, or of its latest run if none
    finished; a line naming the other runs of that name, None if there are none)."""
    records = list_records(folder)
    named = [path for path in records if name_of(path) == name]
    if not named:
        guess = did_you_mean(name, sorted({name_of(path) for path in records}))
        raise RunRecordError(f"no run named {name!r} in {folder}/{guess} (ls {folder}/ lists the records)")
    finished = [path for path in named if outcome_of(path) == "finished"]
    chosen = (finished or named)[-1]
    if len(named) == 1:
        return chosen, None
    which = "latest finished" if finished else "latest (none finished)"
    return chosen, (f"{name}: the {which} of {len(named)} runs of that name; for another, give its record's "
                    f"file (ls {os.path.join(folder, '*-' + name + '.json')} lists them)")


def outcome_of(path):
    """The outcome a record says, or None if it cannot be read (compare_runs.py then says why, if it is chosen)."""
    try:
        return load_record(path)["outcome"]
    except RunRecordError:
        return None


def draw(records, path):
    """Write the picture to path and say so; without matplotlib, say that instead."""
    if importlib.util.find_spec("matplotlib") is None:
        print("No picture: matplotlib is not installed (pip install -r requirements.txt).")
        return
    try:
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        run_comparison.comparison_picture(records, path)
    except OSError as error:
        raise OSError(f"cannot write {path} ({error.strerror or error}): choose another --out") from None
    print(f"\nPicture: {path}")


if __name__ == "__main__":
    sys.exit(quiet_when_the_reader_goes(main))
