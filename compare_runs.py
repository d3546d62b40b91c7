"""Compare training runs side by side:  python compare_runs.py runs/*.json   (python compare_runs.py --help)

Every run of train.py leaves a record in runs/ (network/run_records.py): its settings,
the test accuracy and loss after every epoch, the time it took. This script puts runs
next to each other. What happens, in order:
  1. the records: each argument is a record's file, or a run's name (--name of train.py),
     which stands for the latest record of that name in --runs-dir; no argument at all
     stands for every record there;
  2. the table: for each run, the settings in which the runs differ, the final and the
     best test accuracy, and the time (show/run_comparison.py);
  3. the picture: test accuracy and test loss against the epoch, a coloured line per
     run, the legend naming what differs (plots/runs.png; --no-plot to skip it).
A file that is not a run record, or a name with no record, stops it with one line saying
so and exit status 2.
"""

import argparse
import importlib.util
import os
import sys

from network.run_records import FOLDER, RunRecordError, list_records, load_record, name_of
from show import run_comparison
from show.terminal import quiet_when_the_reader_goes

DEFAULT_PICTURE = os.path.join("plots", "runs.png")


def main(argv=None):
    """Run compare_runs.py with the arguments argv (default: the command line); return the exit status."""
    args = parse_args(argv)
    try:
        records = [load_record(path) for path in record_paths(args.runs, args.runs_dir)]
        for line in run_comparison.table(records):
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
    parser = argparse.ArgumentParser(
        prog="compare_runs.py",
        description="Compare training runs: a table of what differs between them and how well they did, "
                    "and one picture of their test accuracy and loss after each epoch.",
        epilog="Example: python train.py --activation sigmoid --name sigmoid, then "
               "python compare_runs.py mnist sigmoid")
    parser.add_argument("runs", nargs="*", metavar="RUN",
                        help="a run record (runs/TIME-NAME.json) or a run's name, for its latest record "
                             "(default: every record in --runs-dir)")
    parser.add_argument("--runs-dir", default=FOLDER, metavar="FOLDER",
                        help=f"where the records are (default {FOLDER}/)")
    parser.add_argument("--out", default=DEFAULT_PICTURE, metavar="PATH",
                        help=f"the picture's file (default {DEFAULT_PICTURE})")
    parser.add_argument("--no-plot", action="store_true", help="print the table only")
    return parser.parse_args(argv)


def record_paths(runs, folder):
    """The record files that runs (file paths or run names) stand for, in the order given."""
    if not runs:
        paths = list_records(folder)
        if not paths:
            raise RunRecordError(f"no run records in {folder}/: train first (python train.py), "
                                 "or give --runs-dir")
        return paths
    return [run if run.endswith(".json") or os.path.exists(run) else latest_named(run, folder) for run in runs]


def latest_named(name, folder):
    """The latest record of the run called name in folder."""
    named = [path for path in list_records(folder) if name_of(path) == name]
    if not named:
        raise RunRecordError(f"no run named {name!r} in {folder}/: give a record's file, or one of the names "
                             "there (ls runs/)")
    return named[-1]


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
