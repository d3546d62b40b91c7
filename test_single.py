"""Ask the trained network about one image, and see its answer explained in the terminal.

    python test_single.py                       a random test image (the same as --random)
    python test_single.py --index 7             test image number 7
    python test_single.py --random --count 5 --seed 1
    python test_single.py --image my_digit.png  your own picture, PNG or JPEG
    python test_single.py --dataset fashion     Fashion-MNIST, with models/fashion.json
    python test_single.py --index 7 --json      one JSON object per image, for programs
    python test_single.py --index 7 --plot      also save plots/prediction.png
    python test_single.py --serve               draw digits in the browser: http://127.0.0.1:8000/

The network is loaded from its model file, never trained here: `python train.py` makes
one. Your own picture is first made to look like an MNIST digit (data/preprocess.py);
--show-input prints the numbers the network then reads. Any problem (an option, an
index, a file, the model) is reported in one line on stderr, with exit status 2.
"""

import argparse
import json
import os
import random
import sys
from collections import namedtuple

from data import DataError, load_mnist
from data.catalog import DATASETS, DEFAULT_DATASET, lookup
from data.preprocess import mnist_style, read_image
from my_math import Matrix
from network import ModelFileError, Network
from network.model_file import default_model_path

DEFAULT_PLOT = os.path.join("plots", "prediction.png")
MAX_PLOTTED = 16  # a figure of more images than this is too tall to read
SIDE = 28  # images are SIDE × SIDE pixels
SHADES = " .:-=+*#%@"  # from no ink to full ink: ASCII, so it shows in any terminal
BAR_WIDTH = 40  # characters of a probability bar at 100 %

Prediction = namedtuple("Prediction", "source pixels probabilities guess label")
Prediction.__doc__ = """The network's answer about one image.

source         where the image came from, as a dict: {"source": "test", "index": 7} or
               {"source": "image", "path": "my_digit.png"}
pixels         the 784 inputs the network read, floats from 0 (no ink) to 1 (full ink)
probabilities  the network's probability for each class
guess          the class it gives the highest probability (the first one on a tie)
label          the true class, or None for your own picture
"""


class CommandError(Exception):
    """Something asked for that cannot be done; the message is printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (exit 2), like every other error here."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse_args(argv):
    parser = OneLineParser(
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
    parser.add_argument("--model", metavar="PATH",
                        help="the model file (default: models/mnist.json, or models/fashion.json with --dataset fashion)")
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
        parser.error("--serve goes with --model, --dataset, --port and --host only")
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
    model_path = args.model or default_model_path(args.dataset or DEFAULT_DATASET)
    try:
        net, dataset = load_model(model_path, args.dataset)
        if args.serve:
            from network import server  # only --serve needs the web server
            return server.main(net, args.host, args.port)
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
        print(explain(predictions, info, model_path, net, args.show_input))
    if args.plot:
        print(f"Saved {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


# ---------------------------------------------------------------------- the model and the images

def load_model(path, dataset):
    """(the Network in the model file, the data set it is for).

    dataset None means the one the model was trained on, as train.py records in its
    metadata, else mnist. A model trained on another data set than the one asked for is
    refused: its answers would be nonsense.
    """
    if not os.path.exists(path):
        train = "python train.py" + (f" --dataset {dataset}" if dataset not in (None, DEFAULT_DATASET) else "")
        if path != default_model_path(dataset or DEFAULT_DATASET):
            train += f" --out {path}"
        raise CommandError(f"{path}: no model there yet; train one first: {train}")
    net = Network.load(path)
    trained_on = net.metadata.get("dataset")
    if dataset and trained_on and trained_on != dataset:
        raise CommandError(f"{path} was trained on {trained_on}, not {dataset}: "
                           f"leave out --dataset, or choose another --model")
    dataset = dataset or trained_on or DEFAULT_DATASET
    classes = len(lookup(dataset).class_names)
    if net.sizes[0] != SIDE * SIDE or net.sizes[-1] != classes:
        raise CommandError(f"{path}: the network takes {net.sizes[0]} inputs and gives {net.sizes[-1]} "
                           f"outputs, but {dataset} images have {SIDE * SIDE} pixels and {classes} classes")
    return net, dataset


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
    P = net.predict_proba(Matrix.row(pixels))
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
    P = net.predict_proba(X)
    return [Prediction({"source": "test", "index": i}, pixels, probabilities, guess, test.labels[i])
            for i, pixels, probabilities, guess in zip(indices, X.tolist(), P.tolist(), P.argmax(axis=1))]


# ---------------------------------------------------------------------- output for programs

def as_json(prediction, dataset, with_input):
    """The prediction as a JSON-ready dict: source, dataset, prediction, probabilities, label (when known)."""
    answer = dict(prediction.source, dataset=dataset, prediction=prediction.guess,
                  probabilities=prediction.probabilities)
    if prediction.label is not None:
        answer["label"] = prediction.label
    if with_input:
        answer["input"] = prediction.pixels
    return answer


# ---------------------------------------------------------------------- output for people

def explain(predictions, info, model_path, net, show_input):
    """The text shown in the terminal: for each image its drawing, the answer and all probabilities.

    info is the data set's catalog entry (data/catalog.py): its title and class names.
    """
    marks = _marks(sys.stdout)
    class_names = info.class_names
    lines = [f"Model {model_path}: {_describe(net)}"]
    for prediction in predictions:
        source = prediction.source
        if source["source"] == "test":
            title = f"{info.title} test image {source['index']}"
        else:
            title = f"{source['path']}, made to look like an MNIST digit"
        lines += ["", title, *draw(prediction.pixels)]
        if show_input:
            lines += ["", "The numbers the network reads, in tenths (. = 0, 9 = 0.9 to 1):",
                      *input_numbers(prediction.pixels)]
        lines += ["", verdict(prediction, class_names, marks), "", *bars(prediction, class_names, marks)]
    if len(predictions) > 1:
        right = sum(p.guess == p.label for p in predictions)
        lines += ["", f"Right on {right} of {len(predictions)} images."]
    return "\n".join(lines)


def _describe(net):
    """The network's layer sizes and, when train.py recorded them, its epochs and test accuracy."""
    words = "layers " + ", ".join(map(str, net.sizes))
    epochs, accuracy = net.metadata.get("epochs"), net.metadata.get("test_accuracy")
    if isinstance(epochs, int):
        words += f", trained {epochs} epoch{'s' if epochs != 1 else ''}"
    if isinstance(accuracy, (int, float)):
        words += f", {accuracy:.1%} right on the test set"
    return words


def _marks(stream):
    """(bar, right, wrong): Unicode where the terminal's encoding has it, plain ASCII where not."""
    try:
        "█✓✗".encode(stream.encoding or "ascii")
        return "█", "✓ right", "✗ wrong"
    except (UnicodeEncodeError, LookupError):
        return "#", "right", "WRONG"


def draw(pixels):
    """The 28 × 28 image as lines of text in a frame, each pixel two characters wide.

    A character cell is about twice as tall as it is wide, so two characters per pixel
    make the picture square. Each pixel gets the character in SHADES whose position
    matches its ink: no ink is a space, full ink is @.
    """
    top = "+" + "-" * (2 * SIDE) + "+"
    lines = [top]
    for row in _rows(pixels):
        lines.append("|" + "".join(2 * SHADES[round(v * (len(SHADES) - 1))] for v in row) + "|")
    return lines + [top]


def input_numbers(pixels):
    """The 784 inputs as a 28 × 28 grid of digits: the first decimal of each, '.' for exactly 0.

    Unlike the drawing, this shows the faint pixels too: anything above 0 is a digit.
    """
    return ["".join(" ." if v == 0 else f" {min(9, int(v * 10))}" for v in row) for row in _rows(pixels)]


def _rows(pixels):
    return [pixels[y * SIDE:(y + 1) * SIDE] for y in range(SIDE)]


def verdict(prediction, class_names, marks):
    """One sentence: the predicted class, its probability and, when known, whether it is right."""
    guess = prediction.guess
    sentence = f"The network says {_name(guess, class_names)}, with {prediction.probabilities[guess]:.1%} confidence."
    if prediction.label is not None:
        mark = marks[1] if guess == prediction.label else marks[2]
        sentence += f" The true label is {_name(prediction.label, class_names)}: {mark}"
    return sentence


def _name(k, class_names):
    """Class k as a person reads it: "7" for a digit, "7 (Sneaker)" for Fashion-MNIST."""
    return class_names[k] if class_names[k] == str(k) else f"{k} ({class_names[k]})"


def bars(prediction, class_names, marks):
    """One line per class: its name, a bar as long as its probability, and the percentage."""
    width = max(map(len, class_names))
    return [f"  {name:>{width}} {marks[0] * round(p * BAR_WIDTH):<{BAR_WIDTH}} {p:6.1%}" + (" <" if k == prediction.guess else "")
            for k, (name, p) in enumerate(zip(class_names, prediction.probabilities))]


# ---------------------------------------------------------------------- a picture file

def save_plot(predictions, class_names, path):
    """Save a figure to path: each image beside a bar chart of its probabilities.

    matplotlib is imported only here, as it takes longer to import than everything
    else together. As in network/plots.py, the Figure is made without pyplot and drawn
    straight into the file by matplotlib's Agg renderer: no window and no display, so
    this works over SSH too; open the file to see it.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise CommandError("--plot needs matplotlib: pip install -r requirements.txt") from None

    figure = Figure(figsize=(8, 2.8 * len(predictions)))
    axes = figure.subplots(len(predictions), 2, squeeze=False, gridspec_kw={"width_ratios": (1, 1.6)})
    for (image_axes, bar_axes), prediction in zip(axes, predictions):
        guess = prediction.guess
        image_axes.imshow(_rows(prediction.pixels), cmap="gray", vmin=0, vmax=1)
        image_axes.set_axis_off()
        source = prediction.source
        image_axes.set_title(f"test image {source['index']}" if source["source"] == "test"
                             else os.path.basename(source["path"]))
        colours = ["tab:blue" if k == guess else "lightgray" for k in range(len(class_names))]
        if prediction.label is not None and prediction.label != guess:
            colours[prediction.label] = "tab:red"  # the class it should have said
        bar_axes.barh(range(len(class_names)), prediction.probabilities, color=colours)
        bar_axes.set_yticks(range(len(class_names)))
        bar_axes.set_yticklabels(class_names)
        bar_axes.invert_yaxis()  # class 0 at the top, as in the terminal
        bar_axes.set_xlim(0, 1)
        bar_axes.set_xlabel("probability")
        title = f"says {class_names[guess]} ({prediction.probabilities[guess]:.0%})"
        if prediction.label is not None:
            title += f", truly {class_names[prediction.label]}"
        bar_axes.set_title(title)
    figure.tight_layout()
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        figure.savefig(path)
    except (OSError, ValueError) as error:  # ValueError: a file name ending in an unknown format
        raise CommandError(f"{path}: cannot save the plot ({error})") from None


if __name__ == "__main__":
    sys.exit(main())
