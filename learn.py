"""Write it yourself: exercises that check your own code, which then trains the network.

    python learn.py start                 write the workbook, workbook/, one file per chapter
    python learn.py check [NAME ...]      compare your functions with the project's
    python learn.py train                 train 784 → 128 → 10 with your functions
    python learn.py                       the exercises, how far you are, what to do next

(--dir DIR for a workbook elsewhere; python learn.py COMMAND --help for the rest.)

What happens, command by command:
  start  writes a file for each chapter that is not there yet (exercises/templates.py):
         each exercise a function with its formula, a worked example and a body that
         raises NotImplementedError. A file that is there is left alone, and said so.
  check  runs each exercise's check (exercises/checks.py) in a process of its own, so
         that a function that loops forever can be stopped (exercises/runner.py): the
         worked example, random shapes, edge cases, finite differences. It prints ✓, ✗
         or "not written yet" for each, and for a failure where it first differs and
         the known mistake it matches. Exit status 0 when every exercise checked passes.
  train  checks the functions a training step calls, then trains on part of MNIST with
         yours where they pass and the project's elsewhere (exercises/training.py), and
         ends with the test accuracy your code reached.
"""

import argparse
import difflib
import sys
import time

from exercises import reference, runner, text, training, workbook
from exercises.chapters import BY_NAME, EXERCISES
from exercises.checks import PASSED
from network.settings import positive_float, positive_int
from show.command_line import ArgumentParser
from show.terminal import quiet_when_the_reader_goes
from show.training_text import Progress, epoch_line, say

INTERRUPTED = 130  # the exit status of a program stopped by Ctrl-C (128 + SIGINT)
# Enough for 90% or more, in a few minutes of plain Python: 8 000 images through the network.
TRAINING = training.Settings(limit=4000, test_limit=1000, epochs=2, batch_size=32, lr=0.1, momentum=0.9, seed=0)


def main(argv=None):
    """Run learn.py with the arguments argv (default: the command line); return the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return COMMANDS[args.command](args)
    except (workbook.WorkbookError, reference.DataError) as error:  # nothing to work on: say what to do
        print(f"learn.py: error: {error}", file=sys.stderr)
        return 2
    except (training.LearnerError, training.TrainingDiverged) as error:  # training stopped by the learner's code
        print(f"learn.py: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return INTERRUPTED


def start(args):
    """Write the workbook's files that are not there yet."""
    written, left_alone = workbook.write(args.dir, runner.TIME_LIMIT)
    say(*text.started(written, left_alone, args.dir))
    return 0


def check(args):
    """Check the exercises named (all by default), printing each result as it comes."""
    workbook.check_folder(args.dir)
    results = []
    for result in runner.check(args.dir, args.names or [e.name for e in EXERCISES]):
        results.append(result)
        say(*([text.as_json(result)] if args.json else text.verdict(result)))
    if not args.json:
        say(*text.summary(results, args.dir))
    return 0 if all(result.status == PASSED for result in results) else 1


def train(args):
    """Check the functions of a training step, then train with the learner's where they pass."""
    workbook.check_folder(args.dir)
    results = list(runner.check(args.dir, training.USED))
    sources = {result.name: text.source_of(result) for result in results}
    yours = workbook.learner_functions(args.dir, [name for name, source in sources.items() if source == "yours"])
    functions = {name: training.guarded(name, yours[name], args.dir) if name in yours else getattr(reference, name)
                 for name in training.USED}
    settings = training.Settings(args.limit, args.test_limit, args.epochs, args.batch_size, args.lr,
                                 TRAINING.momentum, args.seed)
    train_set, test_set = reference.mnist(settings.limit, settings.test_limit)
    say(*text.training_header(settings, sources, len(train_set), len(test_set)))
    started = time.perf_counter()
    progress = [Progress(1, settings.epochs, len(train_set))]  # train.py's progress line, one for each epoch

    def after_batch(epoch, step):
        progress[-1](step)

    def after_epoch(result):
        progress[-1].close()
        say(epoch_line(result, settings.epochs))
        progress.append(Progress(result["epoch"] + 1, settings.epochs, len(train_set)))

    history = training.train(functions, train_set, test_set, settings, after_batch, after_epoch)
    say(*text.trained(history, sources, time.perf_counter() - started))
    return 0


def overview(args):
    """learn.py alone: the exercises, each one's status, and what to do next."""
    try:
        workbook.check_folder(args.dir)
    except workbook.WorkbookError:
        say(*text.overview(None, args.dir))
        return 0
    say(*text.overview(list(runner.check(args.dir, [e.name for e in EXERCISES])), args.dir))
    return 0


COMMANDS = {"start": start, "check": check, "train": train, None: overview}


def parse_args(argv):
    """learn.py's command line; a usage error stops here with exit status 2."""
    parser = ArgumentParser(prog="learn.py", description="Exercises that check your own code: write "
                                     "the network's functions yourself, then train MNIST with them.",
                                     epilog="Without a command: the exercises, how far you are, and what to do "
                                            "next. Teachers: docs/exercises.md.")
    parser.add_argument("--dir", default=workbook.DEFAULT_FOLDER, help="the workbook's folder (default workbook/)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--dir", default=argparse.SUPPRESS, help="the workbook's folder (default workbook/)")
    commands.add_parser("start", parents=[where], help="write the workbook (never over a file that is there)",
                        description="Write the workbook: a file of exercises for each chapter. A file that "
                                    "is there already is left alone.")
    checking = commands.add_parser("check", parents=[where], help="compare your functions with the project's",
                                   description="Check your functions against the project's: exit status 0 when "
                                               "every one checked passes, 1 otherwise.")
    checking.add_argument("names", nargs="*", type=exercise_name, metavar="NAME",
                          help="the exercises to check (default: all, in order)")
    checking.add_argument("--json", action="store_true",
                          help='print one JSON object a line for each exercise: {"name", "status", "message"}')
    training_options = commands.add_parser(
        "train", parents=[where], help="train 784 → 128 → 10 with your functions",
        description="Train the default network on part of MNIST with your functions where they pass their "
                    "checks, the project's elsewhere.")
    d = TRAINING
    training_options.add_argument("--limit", type=positive_int, default=d.limit, metavar="N",
                                  help=f"train on the first N training images (default {d.limit})")
    training_options.add_argument("--test-limit", type=positive_int, default=d.test_limit, metavar="N",
                                  help=f"test on the first N test images (default {d.test_limit})")
    training_options.add_argument("--epochs", type=positive_int, default=d.epochs, help=f"(default {d.epochs})")
    training_options.add_argument("--batch-size", type=positive_int, default=d.batch_size, metavar="N",
                                  help=f"images per mini-batch (default {d.batch_size})")
    training_options.add_argument("--lr", type=positive_float, default=d.lr,
                                  help=f"learning rate at the start (default {d.lr})")
    training_options.add_argument("--seed", type=int, default=d.seed, help=f"(default {d.seed})")
    return parser.parse_args(argv)


def exercise_name(name):
    if name in BY_NAME:
        return name
    close = difflib.get_close_matches(name, BY_NAME, n=1)
    maybe = f" (did you mean {close[0]}?)" if close else ""
    raise argparse.ArgumentTypeError(f"there is no exercise called {name!r}{maybe}: python learn.py lists them")


if __name__ == "__main__":
    sys.exit(quiet_when_the_reader_goes(main))
