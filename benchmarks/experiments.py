"""The lab book: train every variant of docs/experiments.md, one run at a time, and write its table.

    pypy3 benchmarks/experiments.py                  # all of it: one to two hours with PyPy
    pypy3 benchmarks/experiments.py --only sigmoid   # one experiment (both lengths)
    python benchmarks/experiments.py --table-only    # the table again, from the records there are

Each experiment is train.py with a few options, run by the interpreter running this
script, at a lower priority (nice 10), for 5 epochs and then, separately, for 20: the
cosine schedule depends on the number of epochs, so the 5-epoch figure is not the 20-epoch
run's fifth epoch. Each run is named lab-EXPERIMENT-eEPOCHS, with its record in runs/lab/
(network/run_records.py) and its model in models/lab/. A run whose latest record says it
finished, with the same command, is not run again: stop this script at any time and start
it again to carry on. Last, the table of docs/experiments.md is written from the records,
between its two marker lines; the text around it is left as it is.
"""

import argparse
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from network.run_records import list_records, load_record, name_of  # noqa: E402

TRAIN = os.path.join(ROOT, "train.py")
DOC = os.path.join(ROOT, "docs", "experiments.md")
TABLE_START, TABLE_END = "<!-- the table: benchmarks/experiments.py writes it -->", "<!-- end of the table -->"
EPOCHS = (5, 20)
EXPERIMENTS = [  # (name, train.py's options, what is tried)
    ("default", [], "the default: ReLU, SGD with momentum 0.9, lr 0.1"),
    ("seed-1", ["--seed", "1"], "the default, another seed: other first weights, another order"),
    ("seed-2", ["--seed", "2"], "the default, a third seed"),
    ("leaky_relu", ["--activation", "leaky_relu"], "leaky ReLU, slope 0.01 below 0"),
    ("sigmoid", ["--activation", "sigmoid"], "sigmoid, Xavier initialisation"),
    ("sigmoid-lr0.5", ["--activation", "sigmoid", "--lr", "0.5"], "sigmoid with a 5 times larger lr"),
    ("tanh", ["--activation", "tanh"], "tanh, Xavier initialisation"),
    ("adam", ["--optimizer", "adam"], "Adam, lr 0.001"),
    ("rmsprop", ["--optimizer", "rmsprop"], "RMSprop, lr 0.001"),
    ("dropout-0.2", ["--dropout", "0.2"], "dropout: 20% of the hidden units left out"),
    ("dropout-0.5", ["--dropout", "0.5"], "dropout: half the hidden units left out"),
    ("augment", ["--augment"], "training images shifted by up to 1 pixel"),
    ("augment-2", ["--augment", "2"], "training images shifted by up to 2 pixels"),
    ("deeper", ["--hidden", "256", "128"], "two hidden layers, 256 and 128 units"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=[name for name, _, _ in EXPERIMENTS], metavar="NAME",
                        help="run these experiments only (default: all); the table still shows all there are")
    parser.add_argument("--epochs", type=int, nargs="+", default=list(EPOCHS), help="the run lengths (default 5 20)")
    parser.add_argument("--limit", type=int, metavar="N", help="train and test on N images only: a quick check "
                        "that it all runs, whose figures mean nothing")
    parser.add_argument("--table-only", action="store_true", help="run nothing, write the table from the records")
    parser.add_argument("--runs-dir", default=os.path.join("runs", "lab"), help="where the records go (runs/lab/)")
    parser.add_argument("--models-dir", default=os.path.join("models", "lab"), help="where the models go (models/lab/)")
    parser.add_argument("--doc", default=DOC, help="the lab book whose table is written (docs/experiments.md)")
    args = parser.parse_args()
    if not args.table_only:
        os.nice(10)  # the runs, started from here, inherit it: the machine stays usable meanwhile
        for name, options, _ in EXPERIMENTS:
            if args.only is None or name in args.only:
                for epochs in args.epochs:
                    run(name, options, epochs, args)
    write_table(args.doc, args.runs_dir, args.epochs)
    print(f"Table written: {args.doc}")


def arguments(name, options, epochs, args):
    """train.py's arguments for one run of an experiment."""
    extra = ["--limit", str(args.limit), "--test-limit", str(args.limit)] if args.limit else []
    return options + ["--epochs", str(epochs)] + extra + [
        "--name", f"lab-{name}-e{epochs}", "--runs-dir", args.runs_dir,
        "--out", os.path.join(args.models_dir, f"{name}-e{epochs}.json"), "--no-plots", "--quiet"]


def run(name, options, epochs, args):
    """Train one run of an experiment, unless its latest record shows it finished with the same command."""
    argv = arguments(name, options, epochs, args)
    record = latest(args.runs_dir, f"lab-{name}-e{epochs}")
    command = "python train.py " + " ".join(map(shlex.quote, argv))
    if record and record["outcome"] == "finished" and record["command"] == command:
        print(f"{name}, {epochs} epochs: done before ({record['final_test_accuracy']:.2%})")
        return
    print(f"{name}, {epochs} epochs: $ {command}", flush=True)
    subprocess.run([sys.executable, TRAIN] + argv, check=True)


def latest(folder, run_name):
    """The latest record of the run called run_name in folder, or None."""
    paths = [path for path in list_records(folder) if name_of(path) == run_name]
    return load_record(paths[-1]) if paths else None


def write_table(doc, folder, lengths):
    """Put the table of the finished runs between the markers of the lab book doc (made if it does not exist)."""
    header = ["| experiment | command | " + " | ".join(f"after {e} epochs" for e in lengths) + " | time |",
              "|---|---|" + "---|" * len(lengths) + "---|"]
    rows = []
    for name, options, what in EXPERIMENTS:
        records = [latest(folder, f"lab-{name}-e{e}") for e in lengths]
        records = [r if r and r["outcome"] == "finished" else None for r in records]
        if not any(records):
            continue
        command = " ".join(["python train.py"] + options)
        cells = [f"{r['final_test_accuracy']:.2%}" if r else "–" for r in records]
        times = " / ".join(minutes(r["seconds"]) if r else "–" for r in records)
        rows.append(f"| {what} | `{command}` | " + " | ".join(cells) + f" | {times} |")
    interpreters = sorted({r["interpreter"] for name, _, _ in EXPERIMENTS for e in lengths
                           for r in [latest(folder, f"lab-{name}-e{e}")] if r})
    note = (f"Test accuracy on the test images after the last epoch; time for the "
            f"{' / '.join(map(str, lengths))}-epoch runs, tests included, with "
            f"{', '.join(interpreters) or 'no interpreter yet'}. Add `--epochs {lengths[-1]}` to a command for "
            f"the {lengths[-1]}-epoch run.")
    table = "\n".join([TABLE_START, note, "", *header, *rows, TABLE_END])
    if not os.path.exists(doc):
        with open(doc, "w", encoding="utf-8") as f:
            f.write(f"# The lab book\n\n{TABLE_START}\n{TABLE_END}\n")
    text = open(doc, encoding="utf-8").read()
    before, rest = text.split(TABLE_START, 1)
    after = rest.split(TABLE_END, 1)[1]
    with open(doc + ".tmp", "w", encoding="utf-8") as f:
        f.write(before + table + after)
    os.replace(doc + ".tmp", doc)  # the lab book is never left half-written


def minutes(seconds):
    """A time in minutes and seconds: 12m05s."""
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


if __name__ == "__main__":
    main()
