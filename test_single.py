"""Ask the trained network about one image, and see its answer explained in the terminal.

    python test_single.py                       a random test image (the same as --random)
    python test_single.py --index 7             test image number 7
    python test_single.py --random --count 5 --seed 1
    python test_single.py --image my_digit.png  your own picture, PNG or JPEG
    python test_single.py --dataset fashion     Fashion-MNIST, with models/fashion.json
    python test_single.py --model sigmoid       the model of the run named sigmoid: models/sigmoid.json
    python test_single.py --index 7 --json      one JSON object per image, for programs
    python test_single.py --index 7 --plot      also save plots/prediction.png
    python test_single.py --serve               draw digits in the browser: http://127.0.0.1:8000/

The network is loaded from its model file, never trained here: `python train.py` makes
one. Your own picture is first made to look like an MNIST digit (data/preprocess.py);
--show-input prints the numbers the network then reads. Any problem (an option, an
index, a file, the model) is reported in one line on stderr, with exit status 2.
"""

import json
import os
import random
import shlex
import sys

from data import DataError, load_mnist
from data.catalog import DATASETS, DEFAULT_DATASET, lookup
from data.preprocess import mnist_style, read_image
from my_math import Matrix
from my_math.fast import use_fast_forms
from network.model_file import ModelFileError, check_model_fits, default_model_path, load_network
from network.run_names import model_file, model_names
from show.command_line import ArgumentParser, did_you_mean
from show.prediction_text import Prediction, as_json, explain
from show.terminal import quiet_when_the_reader_goes

DEFAULT_PLOT = os.path.join("plots", "prediction.png")
MAX_PLOTTED = 16  # a figure of more images than this is too tall to read


class CommandError(Exception):
    """Something asked for that cannot be done; the message is printed as one line, exit status 2."""


def parse_args(argv):
    parser = ArgumentParser(
        prog="test_single.py",
        description="Predict one image with the trained network and explain the answer. "
                    "With no image chosen, a random test image.")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--index", type=int, metavar="N", help="test image number N, from 0")
    which.add_argument("--random", action="store_true", help="a random test image (the default)")
    which.add_argument("--image", metavar="PATH", help="your own picture of a digit (PNG, JPEG, ...)")
    parser.add_argument("--count", type=int, metavar="K", help="with --random: K different random test images")
    parser.add_argument("--seed", type=int, help="with --random: the seed that picks the images, to repeat a run")
    parser.add_argument("--dataset", choices=list(DATASETS),
                        help="the data set (default: the model's, else mnist)")
    parser.add_argument("--model", metavar="NAME",
                        help="the model: a run's name (train.py --name), for models/NAME.json, or a model file's "
                             "path (default: mnist, or fashion with --dataset fashion)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the data set is (default: found automatically)")
    parser.add_argument("--show-input", action="store_true",
                        help="also print the 784 numbers the network reads (with --json: an \"input\" list)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per image instead of the drawing (JSON Lines)")
    parser.add_argument("--plot", nargs="?", const=DEFAULT_PLOT, metavar="PATH",
                        help=f"also save a picture of the image and its probabilities (default path: {DEFAULT_PLOT})")
    which.add_argument("--serve", action="store_true",
                       help="start the drawing page: draw a digit in your browser and watch the network read it")
    parser.add_argument("--port", type=int, default=8000, help="with --serve: the port (default 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="with --serve: the address to listen on (default 127.0.0.1: this machine only)")
    args = parser.parse_args(argv)
    if args.serve and (args.count is not None or args.seed is not None or args.json or args.plot
                       or args.show_input):
        parser.error("--serve goes with --model, --dataset, --data-dir, --port and --host only")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be from 0 to 65535, not {args.port}")
    if (args.count is not None or args.seed is not None) and (args.index is not None or args.image):
        parser.error("--count and --seed go with --random, not with --index or --image")
    if args.count is not None and args.count < 1:
        parser.error(f"--count must be at least 1, not {args.count}")
    if args.plot is not None and (args.count or 1) > MAX_PLOTTED:
        parser.error(f"--plot draws at most {MAX_PLOTTED} images; ask for fewer with --count")
    return args


def main(argv=None):
    args = parse_args(argv)
    use_fast_forms()
    model_path = model_file(args.model) if args.model else default_model_path(args.dataset or DEFAULT_DATASET)
    try:
        net, dataset = load_model(model_path, args.dataset)
        if args.serve:
            from show import server  # only --serve needs the web server
            (digits,) = load_mnist(args.data_dir, "mnist", parts=("test",))  # for the page's list of mistakes
            return server.main(net, args.host, args.port, digits)
        info = lookup(dataset)
        if args.image:
            predictions = [predict_image(net, args.image)]
        else:
            predictions = predict_test_images(net, args, dataset)
        if args.plot:
            save_plot(predictions, info.class_names, args.plot)
    except (CommandError, DataError, ModelFileError) as error:
        print(f"test_single.py: error: {error}", file=sys.stderr)
        return 2

    if args.json:
        for prediction in predictions:
            print(json.dumps(as_json(prediction, dataset, args.show_input)))
    else:
        print(explain(predictions, info, model_path, net, args.show_input, sys.stdout.encoding))
    if args.plot:
        print(f"Saved {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


# ---------------------------------------------------------------------- the model and the images

def load_model(path, dataset):
    """(the Network in the model file, the data set it is for).

    dataset None means the one the model was trained on, as train.py records in its
    metadata, else mnist. A model that does not suit the data set is refused
    (network/model_file.py: check_model_fits): its answers would be nonsense.
    """
    if not os.path.exists(path):
        name = os.path.splitext(os.path.basename(path))[0]
        guess = did_you_mean(name, model_names(), prefix="--model ") if path == default_model_path(name) else ""
        raise CommandError(f"{path}: no model there yet{guess}{' Or train it' if guess else '; train one first'}: "
                           f"{train_command(path, dataset)}")
    net = load_network(path)
    dataset = dataset or net.metadata.get("dataset") or DEFAULT_DATASET
    info = lookup(dataset)
    check_model_fits(net, path, dataset, info.image_shape[0] * info.image_shape[1], len(info.class_names))
    return net, dataset


def train_command(path, dataset):
    """The command that trains the model test_single.py looks for at path (for dataset, if given)."""
    name = os.path.splitext(os.path.basename(path))[0]
    if path == default_model_path(name) and name in DATASETS:  # models/fashion.json: the data set's own run
        dataset, options = name, []
    elif path == default_model_path(name):
        options = ["--name", name]
    else:
        options = ["--out", path]
    if dataset not in (None, DEFAULT_DATASET):
        options = ["--dataset", dataset] + options
    return " ".join(["python", "train.py"] + [shlex.quote(word) for word in options])


def predict_image(net, path):
    """The Prediction for your own picture at path, after making it look like an MNIST digit."""
    try:
        gray = read_image(path)
    except ImportError:
        raise CommandError("reading a picture needs Pillow: pip install -r requirements.txt") from None
    except ValueError as error:  # its message names the file
        raise CommandError(error) from None
    try:
        pixels = mnist_style(gray)
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None
    P = net.probabilities(Matrix([pixels]))
    (probabilities,), (guess,) = P.tolist(), P.argmax(axis=1)
    return Prediction({"source": "image", "path": path}, pixels, probabilities, guess, None)


def predict_test_images(net, args, dataset):
    """The Predictions for the test images asked for: --index N, or random ones (--count, --seed)."""
    (test,) = load_mnist(args.data_dir, dataset, parts=("test",))
    if args.index is not None:
        if not 0 <= args.index < len(test):
            raise CommandError(f"--index {args.index} is out of range: the {dataset} test set "
                               f"has images 0 to {len(test) - 1}")
        indices = [args.index]
    else:
        count = args.count or 1
        if count > len(test):
            raise CommandError(f"--count {count} is more than the {len(test)} test images")
        indices = random.Random(args.seed).sample(range(len(test)), count)
    X = test.matrix(indices)
    P = net.probabilities(X)
    return [Prediction({"source": "test", "index": i}, pixels, probabilities, guess, test.labels[i])
            for i, pixels, probabilities, guess in zip(indices, X.tolist(), P.tolist(), P.argmax(axis=1))]


# ---------------------------------------------------------------------- a picture file

def save_plot(predictions, class_names, path):
    """Save a picture to path: each image beside a bar chart of its probabilities (show/plots.py)."""
    try:
        from show.plots import prediction_figure
        figure = prediction_figure(predictions, class_names)
    except ImportError:
        raise CommandError("--plot needs matplotlib: pip install -r requirements.txt") from None
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        figure.savefig(path)
    except (OSError, ValueError) as error:  # ValueError: a file name ending in an unknown format
        raise CommandError(f"{path}: cannot save the plot ({error})") from None


if __name__ == "__main__":
    sys.exit(quiet_when_the_reader_goes(main))
