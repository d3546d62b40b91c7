"""Train the network on MNIST and save it:  python train.py   (python train.py --help for the options)

What happens, in order:
  1. the settings: DEFAULTS with the command line on top (with --resume: the saved run's);
  2. the data: the training and test images (data.load_mnist);
  3. a new network and optimizer, or the ones of the checkpoint being resumed;
  4. training, one epoch at a time: a pass over the shuffled training images in
     mini-batches (network.train_epoch), a test, and a checkpoint (network/checkpoint.py),
     so Ctrl-C loses at most the epoch under way and --resume carries on from there;
  5. the results: accuracy overall and per class, pictures, the files written.
"""

import argparse
import importlib.util
import math
import os
import random
import shlex
import shutil
import sys
import tempfile
import time

from data import DataError, load_mnist
from data.catalog import DATASETS, DEFAULT_DATASET
from network import SCHEDULES, SGD, Adam, ModelFileError, Network, TrainingDiverged, train_epoch
from network.checkpoint import CheckpointError, interrupts_held, load_checkpoint, save_checkpoint, state_path
from network.model_file import default_model_path

# Every setting of a run, with its default, in one place. The checkpoint saves them, and
# --resume takes them from there: only CHANGEABLE_ON_RESUME may then be given anew, as
# any other change would make a different run from the one being continued.
DEFAULTS = {
    "dataset": DEFAULT_DATASET,
    "data_dir": None,     # None: wherever data.load_mnist finds the data set
    "limit": None,        # None: all the training images
    "test_limit": None,   # None: all the test images
    "hidden": [128],
    "epochs": 5,
    "batch_size": 128,
    "optimizer": "sgd",
    "lr": None,           # None: the optimizer's own, STARTING_LR
    "momentum": 0.9,      # sgd only
    "weight_decay": 0.0,
    "schedule": "cosine",
    "seed": 0,
}
# A good first learning rate differs between optimizers: Adam's steps are about lr in size
# whatever the gradient, plain gradient steps are lr times the gradient.
STARTING_LR = {"sgd": 0.1, "adam": 0.001}
CHANGEABLE_ON_RESUME = ("epochs", "data_dir", "test_limit")
INTERRUPTED = 130         # the exit status of a program stopped by Ctrl-C (128 + SIGINT)
LIVE_INTERVAL = 0.25      # seconds between rewrites of the live progress line


def main(argv=None):
    """Run train.py with the arguments argv (default: the command line); return the exit status."""
    args = parse_args(argv)
    try:
        return run(args)
    except (DataError, ModelFileError, CheckpointError, TrainingDiverged, OSError) as error:
        print(f"train.py: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before training started: nothing to keep
        print("\nInterrupted.", file=sys.stderr)
        return INTERRUPTED


def run(args):
    """Everything after parsing the arguments; returns the exit status."""
    model_path = args.out or default_model_path(args.dataset or DEFAULTS["dataset"])
    checkpoint = load_checkpoint(model_path) if args.resume else None
    settings = settings_from(args, checkpoint.settings if checkpoint else None)
    plots_dir = None if args.no_plots else args.plots_dir
    if plots_dir and importlib.util.find_spec("matplotlib") is None:
        say("No pictures: matplotlib is not installed (pip install -r requirements.txt).")
        plots_dir = None
    for folder, option in ((os.path.dirname(model_path), "--out"), (plots_dir, "--plots-dir")):
        if folder is not None:
            check_writable(folder, option)

    train_set, test_set = load_data(settings)
    net, optimizer, rng, history = resume(checkpoint, settings, train_set) if checkpoint else start(settings, train_set)
    if not args.quiet:
        print_header(settings, train_set, test_set, net, model_path, history)

    started = time.perf_counter()
    try:
        predicted, confidence = train(net, optimizer, rng, history, settings, train_set, test_set, model_path, args.quiet)
    except KeyboardInterrupt:
        print_interrupted(args, model_path, history, settings)
        return INTERRUPTED
    files = [(model_path, "the trained network"), (state_path(model_path), "the training state, for --resume")]
    files += report(net, test_set, history, predicted, confidence, plots_dir, model_path)
    say(f"Total time {duration(time.perf_counter() - started)}.", "Files written:")
    width = max(len(path) for path, _ in files)
    say(*(f"  {path:<{width}}  {what}" for path, what in files))
    try_next = "python test_single.py --random"
    if model_path != default_model_path(DEFAULT_DATASET):
        try_next += f" --model {shlex.quote(model_path)}"
    say(f"Next, try: {try_next}")
    return 0


# ---------------------------------------------------------------------- the command line

def parse_args(argv=None):
    """The command line as an argparse.Namespace; impossible values stop here with exit status 2.

    The run's settings default to None, meaning "not given": with --resume, what is not
    given comes from the checkpoint; otherwise from DEFAULTS (shown in --help).
    """
    parser = argparse.ArgumentParser(
        prog="train.py",
        description="Train a fully connected network on MNIST (or Fashion-MNIST) in pure Python, "
                    "saving the model and a checkpoint after every epoch.",
        epilog="Ctrl-C stops at once, keeps the last finished epoch and prints the command that "
               "carries on from it. A quick run: python train.py --limit 2000 --epochs 2 --test-limit 1000")
    d = DEFAULTS
    run_group = parser.add_argument_group("the network and its training")
    run_group.add_argument("--epochs", type=positive_int, help=f"passes over the training images (default {d['epochs']}); "
                           "with --resume, the new total")
    run_group.add_argument("--batch-size", type=positive_int, metavar="N", help=f"images per mini-batch (default {d['batch_size']})")
    starting_lrs = ", ".join(f"{lr} with {name}" for name, lr in STARTING_LR.items())
    run_group.add_argument("--lr", type=positive_float, help=f"learning rate at the start (default {starting_lrs})")
    run_group.add_argument("--optimizer", choices=sorted(STARTING_LR), help=f"(default {d['optimizer']})")
    run_group.add_argument("--momentum", type=momentum, help=f"momentum of sgd, in [0, 1) (default {d['momentum']})")
    run_group.add_argument("--weight-decay", type=non_negative_float, metavar="L2", help=f"L2 weight decay (default {d['weight_decay']})")
    run_group.add_argument("--schedule", choices=sorted(SCHEDULES), help=f"how the learning rate falls from epoch to epoch (default {d['schedule']})")
    run_group.add_argument("--hidden", type=positive_int, nargs="+", metavar="SIZE",
                           help=f"sizes of the hidden layers, e.g. --hidden 256 64 (default {' '.join(map(str, d['hidden']))})")
    run_group.add_argument("--seed", type=int, help=f"seed of the initial weights and the shuffling (default {d['seed']})")
    data_group = parser.add_argument_group("data")
    data_group.add_argument("--dataset", choices=list(DATASETS), help=f"(default {d['dataset']})")
    data_group.add_argument("--data-dir", metavar="FOLDER", help="where the data set is (default: found by the data package; "
                            "MNIST ships in data/MNIST)")
    data_group.add_argument("--limit", type=positive_int, metavar="N", help="train on the first N training images only, for quick runs")
    data_group.add_argument("--test-limit", type=positive_int, metavar="N", help="test on the first N test images only (default: all)")
    files_group = parser.add_argument_group("files and output")
    files_group.add_argument("--out", metavar="PATH", help="the model file (default models/DATASET.json); "
                             "the training state goes next to it (models/DATASET.state.json)")
    files_group.add_argument("--plots-dir", default="plots", metavar="FOLDER", help="where the pictures go (default plots/)")
    files_group.add_argument("--no-plots", action="store_true", help="draw no pictures")
    files_group.add_argument("--resume", action="store_true",
                             help="carry on the run saved in --out with its saved settings; only --epochs "
                                  "(to train longer), --data-dir and --test-limit may be given anew")
    files_group.add_argument("--quiet", action="store_true", help="print only one line per epoch and the results")
    return parser.parse_args(argv)


def _number(text, kind, accept, requirement):
    """text as a number of type kind if accept(number), else an argparse error saying requirement."""
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not accept(value):
        raise argparse.ArgumentTypeError(f"must be {requirement}, not {text!r}")
    return value


def positive_int(text):
    return _number(text, int, lambda n: n >= 1, "a whole number ≥ 1")


def positive_float(text):
    return _number(text, float, lambda x: 0.0 < x < math.inf, "a number > 0")


def non_negative_float(text):
    return _number(text, float, lambda x: 0.0 <= x < math.inf, "a number ≥ 0")


def momentum(text):
    return _number(text, float, lambda x: 0.0 <= x < 1.0, "a number from 0 up to (not including) 1")


def settings_from(args, saved=None):
    """The run's settings: DEFAULTS, or the saved ones when resuming, with those given on top.

    When resuming, a setting given with another value than the saved one is refused
    (CheckpointError), except those in CHANGEABLE_ON_RESUME.
    """
    given = {key: getattr(args, key) for key in DEFAULTS if getattr(args, key) is not None}
    if saved is None:
        settings = dict(DEFAULTS, **given)
        if settings["lr"] is None:
            settings["lr"] = STARTING_LR[settings["optimizer"]]
        return settings
    missing = set(DEFAULTS) - set(saved)
    if missing:
        raise CheckpointError(f"the saved settings lack {', '.join(sorted(missing))}: start a new run")
    for key, value in given.items():
        if key not in CHANGEABLE_ON_RESUME and value != saved[key]:
            raise CheckpointError(f"{option(key)} {shown(value)} differs from the run being resumed "
                                  f"({option(key)} {shown(saved[key])}): leave it out to resume that run, "
                                  "or start a new one with another --out")
    return dict(saved, **given)


def option(key):
    """The command-line option of a setting: batch_size → --batch-size."""
    return "--" + key.replace("_", "-")


def shown(value):
    """A setting as it is typed on the command line: [256, 64] → 256 64."""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def check_writable(folder, option_name):
    """Stop now, not after an hour of training, if folder cannot be made or written in."""
    folder = folder or "."
    try:
        os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise OSError(f"cannot write in {folder} ({error.strerror or error}): choose another {option_name}") from None


# ---------------------------------------------------------------------- data, network, optimizer

def load_data(settings):
    """The training and test sets, cut down to --limit and --test-limit images."""
    train_set, test_set = load_mnist(settings["data_dir"], settings["dataset"])
    if settings["limit"]:
        train_set = train_set.take(settings["limit"])
    if settings["test_limit"]:
        test_set = test_set.take(settings["test_limit"])
    return train_set, test_set


def make_optimizer(settings):
    """The optimizer the settings name, with their momentum and weight decay."""
    if settings["optimizer"] == "sgd":
        return SGD(momentum=settings["momentum"], weight_decay=settings["weight_decay"])
    return Adam(weight_decay=settings["weight_decay"])


def layer_sizes(settings, train_set):
    """The network's layer sizes: pixels in, the hidden layers, one output per class."""
    return [train_set.image_size, *settings["hidden"], train_set.num_classes]


def start(settings, train_set):
    """A new run: (network, optimizer, shuffling RNG, empty history)."""
    net = Network(layer_sizes(settings, train_set), seed=settings["seed"])
    return net, make_optimizer(settings), random.Random(settings["seed"]), []


def resume(checkpoint, settings, train_set):
    """The run of a checkpoint, ready to carry on: (network, optimizer, shuffling RNG, history)."""
    sizes = layer_sizes(settings, train_set)
    if checkpoint.net.sizes != sizes:
        raise CheckpointError(f"the saved network is {shown(checkpoint.net.sizes)}, but its settings "
                              f"and data need {shown(sizes)}: start a new run")
    if checkpoint.optimizer_state.get("name") != settings["optimizer"]:
        raise CheckpointError(f"the saved optimizer state is not {settings['optimizer']}'s: start a new run")
    if len(checkpoint.history) >= settings["epochs"]:
        raise CheckpointError(f"the run has already done {len(checkpoint.history)} epochs of --epochs "
                              f"{settings['epochs']}: give a larger --epochs to train it further")
    optimizer = make_optimizer(settings)
    optimizer.load_state_dict(checkpoint.optimizer_state)
    return checkpoint.net, optimizer, checkpoint.rng, checkpoint.history


# ---------------------------------------------------------------------- training

def train(net, optimizer, rng, history, settings, train_set, test_set, model_path, quiet):
    """Train from epoch len(history) + 1 to settings["epochs"], testing and saving after each.

    history gets one dict per epoch. The learning rate of each epoch comes from the
    schedule, which depends on the total number of epochs: resuming with a larger
    --epochs changes the learning rates of the epochs still to come. Returns the last
    test's per-image answers (predicted, confidence; see Network.evaluate_in_full), which report needs.
    """
    epochs = settings["epochs"]
    schedule = SCHEDULES[settings["schedule"]]
    for epoch in range(len(history) + 1, epochs + 1):
        lr = schedule(settings["lr"], epoch - 1, epochs)
        began = time.perf_counter()
        progress = None if quiet else Progress(epoch, epochs, len(train_set))
        try:
            train_loss, train_accuracy = train_epoch(net, optimizer, train_set, settings["batch_size"],
                                                     rng, lr, epoch, on_batch=progress)
        finally:
            if progress:
                progress.close()
        test_loss, test_accuracy, predicted, confidence = net.evaluate_in_full(test_set)
        result = {"epoch": epoch, "lr": lr, "train_loss": train_loss, "train_accuracy": train_accuracy,
                  "test_loss": test_loss, "test_accuracy": test_accuracy,
                  "seconds": round(time.perf_counter() - began, 1)}
        with interrupts_held():  # history and the files on disk must agree if Ctrl-C comes now
            history.append(result)
            save_checkpoint(model_path, net, metadata(settings, train_set, result), optimizer, rng, settings, history)
        say(f"epoch {epoch}/{epochs}  train loss {train_loss:.4f} accuracy {train_accuracy:.2%}  |  "
            f"test loss {test_loss:.4f} accuracy {test_accuracy:.2%}  |  lr {lr:.3g}  {result['seconds']:.1f} s")
    return predicted, confidence


def metadata(settings, train_set, result):
    """What the model file records about how it was made (save_checkpoint adds the epochs)."""
    return {"dataset": train_set.dataset, "class_names": list(train_set.class_names),
            "image_shape": list(train_set.image_shape), "train_images": len(train_set),
            "test_loss": result["test_loss"], "test_accuracy": result["test_accuracy"], "settings": settings}


class Progress:
    """The running figures of an epoch; train_epoch calls it after every mini-batch.

    On a terminal it rewrites one line in place (\\r) a few times a second. Where the
    output goes to a file or a CI log, in which every \\r would pile up, it prints a plain
    line each time another tenth of the epoch is done instead.
    """

    def __init__(self, epoch, epochs, total, stream=None):
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()
        self.label = f"epoch {epoch}/{epochs}"
        self.total = total
        self.began = self.shown = time.perf_counter()
        self.next_tenth = 1
        self.width = 0  # of the live line on screen, to wipe it

    def __call__(self, seen, loss, accuracy):
        if seen >= self.total:
            return  # the epoch's summary line comes next
        now = time.perf_counter()
        if self.live and now - self.shown >= LIVE_INTERVAL:
            self.shown = now
            # A line longer than the terminal would wrap, and \r would then rewrite only its end.
            line = self.line(seen, loss, accuracy, now)[:shutil.get_terminal_size().columns - 1]
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.width = len(line)
        elif not self.live and seen * 10 >= self.next_tenth * self.total:
            self.next_tenth = seen * 10 // self.total + 1
            print(self.line(seen, loss, accuracy, now), file=self.stream, flush=True)

    def line(self, seen, loss, accuracy, now):
        rate = seen / max(now - self.began, 1e-9)
        return (f"  {self.label}  {seen:>{len(f'{self.total:,}')},}/{self.total:,} images, {rate:,.0f}/s  "
                f"loss {loss:.4f}  accuracy {accuracy:.2%}  {duration((self.total - seen) / rate)} left")

    def close(self):
        """Wipe the live line, so that what is printed next starts on a clean line."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def print_header(settings, train_set, test_set, net, model_path, history):
    rows, cols = train_set.image_shape
    batches = math.ceil(len(train_set) / settings["batch_size"])
    optimizer = settings["optimizer"]
    if optimizer == "sgd" and settings["momentum"]:
        optimizer += f" with momentum {settings['momentum']}"
    if settings["weight_decay"]:
        optimizer += f", weight decay {settings['weight_decay']}"
    say(f"Data:     {train_set.dataset}, {len(train_set):,} training images{' (--limit)' if settings['limit'] else ''} "
        f"and {len(test_set):,} test images{' (--test-limit)' if settings['test_limit'] else ''} of {rows}×{cols} pixels",
        f"Network:  {' → '.join(map(str, net.sizes))}: {net.parameter_count:,} weights and biases",
        f"Training: {plural(settings['epochs'], 'epoch')} of {plural(batches, 'batch', 'batches')} of {settings['batch_size']}, {optimizer}, "
        f"lr {settings['lr']} ({settings['schedule']} schedule), seed {settings['seed']}",
        f"Saving:   {model_path} and {state_path(model_path)} after every epoch")
    if history:
        say(f"Resuming: after epoch {len(history)}, test accuracy {history[-1]['test_accuracy']:.2%}")


def print_interrupted(args, model_path, history, settings):
    """What Ctrl-C left behind, and the command that carries on from there."""
    if not history:
        say("\nInterrupted during the first epoch: nothing was saved.")
        return
    command = [sys.argv[0] if sys.argv[0].endswith(".py") else "train.py", "--resume"]
    if model_path != default_model_path(DEFAULT_DATASET):
        command += ["--out", model_path]
    if args.resume:  # options given anew when resuming are saved only with the next epoch
        for key in CHANGEABLE_ON_RESUME:
            if getattr(args, key) is not None:
                command += [option(key), str(getattr(args, key))]
    say(f"\nInterrupted. {model_path} holds the network after epoch {len(history)} of {settings['epochs']}.",
        f"To carry on: python {' '.join(map(shlex.quote, command))}")


# ---------------------------------------------------------------------- results

def report(net, test_set, history, predicted, confidence, plots_dir, model_path):
    """Print the test accuracy, best and final, and per class; draw the pictures.

    predicted and confidence are the last test's per-image answers (see Network.evaluate_in_full).
    Returns [(path, what it shows)] for each picture written.
    """
    best = max(history, key=lambda h: h["test_accuracy"])
    say(f"\nTest accuracy: final {history[-1]['test_accuracy']:.2%}, "
        f"best {best['test_accuracy']:.2%} (epoch {best['epoch']}) on {len(test_set):,} test images.")
    counts = confusion_counts(test_set.labels, predicted, test_set.num_classes)
    names = test_set.class_names
    width = max(map(len, names))
    cells = [f"{names[c]:>{width}} {counts[c][c] / sum(counts[c]):6.1%}" for c in range(len(names)) if sum(counts[c])]
    per_line = min(5, 76 // (len(cells[0]) + 4))  # 5 digits a line, fewer long names to fit 80 columns
    say("Per class:", *("  " + "    ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)))
    if not plots_dir:
        return []
    stem = os.path.splitext(os.path.basename(model_path))[0]
    return draw_pictures(plots_dir, stem, history, net, test_set, predicted, confidence, counts)


def confusion_counts(labels, predicted, num_classes):
    """counts[t][p]: how many images of class t the network took for class p."""
    counts = [[0] * num_classes for _ in range(num_classes)]
    for t, p in zip(labels, predicted):
        counts[t][p] += 1
    return counts


def draw_pictures(folder, stem, history, net, test_set, predicted, confidence, counts):
    """Write the PNG pictures into folder, named stem-*.png; [(path, what it shows)]."""
    from network import plots

    pictures = [
        ("curves", "loss and accuracy per epoch", plots.training_curves, (history,)),
        ("predictions", "test images and the network's answers", plots.prediction_grid, (test_set, predicted)),
        ("mistakes", "the most confident mistakes", plots.confident_mistakes, (test_set, predicted, confidence)),
        ("confusion", "which classes are taken for which", plots.confusion_matrix, (counts, test_set.class_names)),
        ("weights", "what each first-layer unit looks for", plots.first_layer_weights,
         (net.layers[0].W, test_set.image_shape)),
    ]
    written = []
    for name, what, draw, arguments in pictures:
        path = os.path.join(folder, f"{stem}-{name}.png")
        draw(*arguments, path)
        written.append((path, what))
    return written


def say(*lines):
    """Print lines now: flushed, so that logs and pipes see each line as it happens."""
    for line in lines:
        print(line, flush=True)


def plural(n, noun, nouns=None):
    """1 epoch, 2 epochs; 1 batch, 8 batches."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def duration(seconds):
    """A number of seconds for people: 42s, 3m05s, 1h02m."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


if __name__ == "__main__":
    sys.exit(main())
