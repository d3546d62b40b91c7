"""The settings of a training run: their defaults, the command line of train.py, and resuming.

Every setting has its default in DEFAULTS. The checkpoint saves the settings of a run,
and --resume takes them from there: only CHANGEABLE_ON_RESUME may then be given anew,
as any other change would make a different run from the one being continued.
"""

import argparse
import math
import os
import re

from data.catalog import DATASETS, DEFAULT_DATASET, lookup

from .more_activations import ACTIVATIONS
from .run_names import check_name
from .schedules import SCHEDULES

DEFAULTS = {
    "dataset": DEFAULT_DATASET,
    "data_dir": None,     # None: wherever data.load_mnist finds the data set
    "limit": None,        # None: all the training images
    "test_limit": None,   # None: all the test images
    "conv": [],           # convolutions before the dense layers, as FILTERSxKERNEL: ["8x5"]
    "hidden": [128],
    "activation": "relu",
    "dropout": 0.0,       # q, the dropout rate of the hidden units: 0 for none
    "augment": 0,         # shift training images by up to this many pixels each way: 0 for none
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
STARTING_LR = {"sgd": 0.1, "adam": 0.001, "rmsprop": 0.001}
CHANGEABLE_ON_RESUME = ("epochs", "data_dir", "test_limit")
# Settings that came later: training states saved before them were runs with these values.
ADDED_LATER = {"conv": [], "activation": "relu", "dropout": 0.0, "augment": 0}
AUGMENT_SHIFT = 1  # pixels, for --augment without a number: the better of 1 and 2 (docs/experiments.md)


class SettingsError(ValueError):
    """Settings that cannot be used together (say, a change of a saved run's setting); one line."""


def parse_args(argv=None, parser_class=argparse.ArgumentParser):
    """train.py's command line as an argparse.Namespace; impossible values stop here with exit status 2.

    The run's settings default to None, meaning "not given": with --resume, what is not
    given comes from the checkpoint; otherwise from DEFAULTS (shown in --help). train.py
    gives as parser_class the scripts' parser, whose usage errors are one line
    (show/command_line.py): it is passed in, as nothing in network/ imports from show/.
    """
    parser = parser_class(
        prog="train.py",
        description="Train a network (fully connected, or convolutional with --conv) on MNIST or Fashion-MNIST "
                    "in pure Python, saving the model and a checkpoint after every epoch.",
        epilog="Ctrl-C stops at once, keeps the last finished epoch and prints the command that "
               "carries on from it. A quick run, its files named quick: "
               "python train.py --limit 2000 --epochs 2 --test-limit 1000 --name quick")
    d = DEFAULTS
    run = parser.add_argument_group("the network and its training")
    run.add_argument("--epochs", type=positive_int,
                     help=f"passes over the training images (default {d['epochs']}); with --resume, the new "
                          "total, over which the cosine and step schedules then stretch: the epochs still to "
                          "come get the rates of the longer run")
    run.add_argument("--batch-size", type=positive_int, metavar="N", help=f"images per mini-batch (default {d['batch_size']})")
    starting_lrs = ", ".join(f"{lr} with {name}" for name, lr in STARTING_LR.items())
    run.add_argument("--lr", type=positive_float, help=f"learning rate at the start (default {starting_lrs})")
    run.add_argument("--optimizer", choices=sorted(STARTING_LR), help=f"(default {d['optimizer']})")
    run.add_argument("--momentum", type=momentum, help=f"momentum of sgd, in [0, 1) (default {d['momentum']})")
    run.add_argument("--weight-decay", type=non_negative_float, metavar="L2",
                     help=f"L2 weight decay λ, on the weights, not the biases (default {d['weight_decay']})")
    run.add_argument("--schedule", choices=sorted(SCHEDULES),
                     help=f"how the learning rate falls from epoch to epoch (default {d['schedule']}): cosine "
                          "from lr towards 0 over the run; step halves it every quarter of the run "
                          "(every ⌈epochs/4⌉ epochs); constant keeps it")
    run.add_argument("--hidden", type=hidden_size, nargs="+", metavar="SIZE",
                     help=f"sizes of the hidden layers, e.g. --hidden 256 64, or none for no hidden layer "
                          f"(default {' '.join(map(str, d['hidden']))})")
    run.add_argument("--conv", type=conv_spec, nargs="+", metavar="FxK",
                     help="make a convolutional network: a convolution of F filters of K×K before the dense "
                          "layers, each followed by the activation and 2×2 max pooling, e.g. --conv 8x5, or --conv 8x5 16x5 "
                          "for two (default: none)")
    run.add_argument("--activation", choices=list(ACTIVATIONS),
                     help=f"the hidden layers' activation (default {d['activation']}); the weights start "
                          "He-initialised for relu and leaky_relu, Xavier-initialised for sigmoid and tanh")
    run.add_argument("--dropout", type=dropout_rate, metavar="Q",
                     help=f"drop each hidden unit with probability Q while training, in [0, 1) "
                          f"(default {d['dropout']})")
    run.add_argument("--augment", type=shift_pixels, nargs="?", const=AUGMENT_SHIFT, metavar="PIXELS",
                     help="show each training image, each time it is drawn, shifted by a random whole number "
                          f"of pixels, up to PIXELS each way (default {AUGMENT_SHIFT}; without --augment, none)")
    run.add_argument("--seed", type=int, help=f"seed of the initial weights and the shuffling (default {d['seed']})")
    data = parser.add_argument_group("data")
    data.add_argument("--dataset", choices=list(DATASETS), help=f"(default {d['dataset']})")
    data.add_argument("--data-dir", metavar="FOLDER", help="where the data set is (default: found by the data package; "
                      "MNIST ships in data/MNIST)")
    data.add_argument("--limit", type=positive_int, metavar="N", help="train on the first N training images only, for quick runs")
    data.add_argument("--test-limit", type=positive_int, metavar="N", help="test on the first N test images only (default: all)")
    files = parser.add_argument_group("files and output")
    files.add_argument("--name", type=run_name,
                       help="the run's name, which names its files: the model models/NAME.json (and its training "
                            "state models/NAME.state.json), the pictures plots/NAME-*.png and the record "
                            "runs/TIME-NAME.json that compare_runs.py reads (default: the data set's, mnist or "
                            "fashion, or the --out file's)")
    files.add_argument("--out", metavar="PATH", help="the model file, instead of models/NAME.json; "
                       "the training state goes next to it (PATH without .json, then .state.json)")
    files.add_argument("--plots-dir", default="plots", metavar="FOLDER",
                       help="where the pictures go, as NAME-*.png (default plots/)")
    files.add_argument("--runs-dir", default="runs", metavar="FOLDER",
                       help="where the run's record goes (default runs/)")
    files.add_argument("--no-plots", action="store_true", help="draw no pictures")
    files.add_argument("--resume", action="store_true",
                       help="carry on the run saved in models/NAME.json (or --out) with its saved settings; "
                            "only --epochs (to train longer), --data-dir and --test-limit may be given anew")
    files.add_argument("--quiet", action="store_true", help="print only one line per epoch and the results")
    files.add_argument("--textbook", action="store_true",
                       help="compute with the plain definitions only (my_math/matrix.py's loops, the optimizers' "
                            "formulas): about 20 times slower, and the same weights but for the last digits "
                            "(docs/math.md, section 18)")
    live = parser.add_argument_group(
        "watching it learn (not settings of the run: not saved, and free to change on --resume)")
    live.add_argument("--live", action="store_true",
                      help="serve a web page that shows the network while it learns, with Pause, Resume and Step "
                           "buttons; open the address it prints in a browser")
    live.add_argument("--port", type=port_number, help="with --live: the port (default 8000; 0 picks a free one)")
    live.add_argument("--host", help="with --live: the address to listen on (default 127.0.0.1: this machine only)")
    live.add_argument("--paused", action="store_true",
                      help="with --live: wait for Resume or Step on the page before the first update")
    speed = parser.add_argument_group("speed (not a setting of the run: the weights come out the same whatever it "
                                      "is; not saved, and free to change on --resume)")
    speed.add_argument("--workers", type=worker_count, default=1, metavar="N",
                       help="train with N processes, each mini-batch shared out among them, on as many cores "
                            f"(network/parallel/); auto: one per core, here {os.cpu_count() or 1} (default 1)")
    args = parser.parse_args(argv)
    if args.hidden and NO_HIDDEN in args.hidden:
        if len(args.hidden) > 1:
            parser.error("argument --hidden: none stands alone: --hidden none")
        args.hidden = []
    if not args.live and (args.port is not None or args.host is not None or args.paused):
        parser.error("--port, --host and --paused go with --live")
    args.port = 8000 if args.port is None else args.port
    args.host = args.host or "127.0.0.1"
    return args


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


def worker_count(text):
    """A number of worker processes, or auto: one per core."""
    if text == "auto":
        return os.cpu_count() or 1
    return _number(text, int, lambda n: n >= 1, "a whole number ≥ 1 or auto")


NO_HIDDEN = "none"


def hidden_size(text):
    """A hidden layer's size, or "none" (for --hidden none: no hidden layer)."""
    return NO_HIDDEN if text == NO_HIDDEN else _number(text, int, lambda n: n >= 1, "a whole number ≥ 1 or none")


def conv_spec(text):
    """A convolution as FILTERSxKERNEL, e.g. 8x5: 8 filters of 5 × 5; given back as written, without leading zeros."""
    match = re.fullmatch(r"([0-9]+)x([0-9]+)", text)
    if not match or min(map(int, match.groups())) < 1:
        raise argparse.ArgumentTypeError(f"must be FILTERSxKERNEL, e.g. 8x5 for 8 filters of 5×5, not {text!r}")
    return "x".join(str(int(n)) for n in match.groups())


def conv_layers(specs):
    """The (F, K) pairs of conv specs: ["8x5", "16x5"] → [(8, 5), (16, 5)]."""
    return [tuple(map(int, spec.split("x"))) for spec in specs]


def check_convolutions_fit(settings):
    """SettingsError unless each of the settings' convolutions fits the maps the layers before it leave.

    A K × K kernel needs maps of at least K × K, and its output must still be 2 × 2 or
    more for the pooling after it: on 28 × 28 images, --conv 8x5 16x5 leaves 16 maps of
    4 × 4, and a third 5 × 5 kernel would not fit.
    """
    height, width = lookup(settings["dataset"]).image_shape
    for number, (spec, (_, kernel)) in enumerate(zip(settings["conv"], conv_layers(settings["conv"])), 1):
        if kernel > min(height, width) or min(height, width) - kernel + 1 < 2:
            raise SettingsError(f"--conv {shown(settings['conv'])}: convolution {number} ({spec}) does not fit the "
                                f"{height}×{width} maps {'the layers before it leave' if number > 1 else 'of the images'}"
                                f" (its output must be at least 2×2, to pool): give fewer or smaller kernels")
        height, width = (height - kernel + 1) // 2, (width - kernel + 1) // 2


def positive_float(text):
    return _number(text, float, lambda x: 0.0 < x < math.inf, "a number > 0")


def non_negative_float(text):
    return _number(text, float, lambda x: 0.0 <= x < math.inf, "a number ≥ 0")


def port_number(text):
    return _number(text, int, lambda n: 0 <= n <= 65535, "a port number from 0 to 65535 (0 picks a free one)")


def momentum(text):
    return _number(text, float, lambda x: 0.0 <= x < 1.0, "a number from 0 up to (not including) 1")


def dropout_rate(text):
    return _number(text, float, lambda x: 0.0 <= x < 1.0, "a number from 0 up to (not including) 1")


def shift_pixels(text):
    return _number(text, int, lambda n: 0 <= n <= 8, "a whole number of pixels from 0 to 8")


def run_name(text):
    try:
        return check_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def settings_from(args, saved=None):
    """The run's settings: DEFAULTS, or the saved ones when resuming, with those given on top.

    When resuming, a setting given with another value than the saved one is refused
    (SettingsError), except those in CHANGEABLE_ON_RESUME.
    """
    given = {key: getattr(args, key) for key in DEFAULTS if getattr(args, key) is not None}
    if saved is None:
        settings = dict(DEFAULTS, **given)
        if settings["lr"] is None:
            settings["lr"] = STARTING_LR[settings["optimizer"]]
        check_convolutions_fit(settings)
        return settings
    saved = dict(ADDED_LATER, **saved)
    missing = set(DEFAULTS) - set(saved)
    if missing:
        raise SettingsError(f"the saved settings lack {', '.join(sorted(missing))}: start a new run")
    for key, value in given.items():
        if key not in CHANGEABLE_ON_RESUME and value != saved[key]:
            raise SettingsError(f"{option(key)} {shown(value)} differs from the run being resumed "
                                f"({option(key)} {shown(saved[key])}): leave it out to resume that run, "
                                "or start a new one with another --name")
    return dict(saved, **given)


def changed_on_resume(args):
    """The options given anew to a resumed run, as command-line words: ["--epochs", "8"]."""
    words = []
    for key in CHANGEABLE_ON_RESUME:
        if getattr(args, key) is not None:
            words += [option(key), str(getattr(args, key))]
    return words


def option(key):
    """The command-line option of a setting: batch_size → --batch-size."""
    return "--" + key.replace("_", "-")


def shown(value):
    """A setting as it is typed on the command line: [256, 64] → 256 64, [] → none."""
    return " ".join(map(str, value)) or NO_HIDDEN if isinstance(value, list) else str(value)
