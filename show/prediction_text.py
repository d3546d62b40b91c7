"""What test_single.py prints: each image drawn in characters, the network's answer, and a
bar for the probability of every class.

Plain text works in any terminal, also over SSH: the drawing uses ASCII only, and the bars
and the ✓/✗ marks fall back to ASCII where the terminal's encoding lacks them.
"""

from collections import namedtuple

from network import architecture
from network.more_activations import activation_of

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


def explain(predictions, info, model_path, net, show_input, stream_encoding):
    """The text shown in the terminal: for each image its drawing, the answer and all probabilities.

    info is the data set's catalog entry (data/catalog.py): its title and class names.
    """
    marks = _marks(stream_encoding)
    class_names = info.class_names
    lines = [f"Model {model_path}: {describe(net)}"]
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


def describe(net):
    """The network's layers (and convolutions), its activation if not ReLU and, when train.py recorded
    them, its epochs and test accuracy."""
    words = "layers " + (architecture.describe(net) if architecture.convolutions(net)
                         else ", ".join(map(str, architecture.sizes(net))))
    if activation_of(net) != "relu":
        words += f" ({activation_of(net)})"
    epochs, accuracy = net.metadata.get("epochs"), net.metadata.get("test_accuracy")
    if isinstance(epochs, int):
        words += f", trained {epochs} epoch{'s' if epochs != 1 else ''}"
    if isinstance(accuracy, (int, float)):
        words += f", {accuracy:.1%} right on the test set"
    return words


def _marks(encoding):
    """(bar, right, wrong): Unicode where the terminal's encoding has it, plain ASCII where not."""
    try:
        "█✓✗".encode(encoding or "ascii")
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
    for row in image_rows(pixels):
        lines.append("|" + "".join(2 * SHADES[round(v * (len(SHADES) - 1))] for v in row) + "|")
    return lines + [top]


def input_numbers(pixels):
    """The 784 inputs as a 28 × 28 grid of digits: the first decimal of each, '.' for exactly 0.

    Unlike the drawing, this shows the faint pixels too: anything above 0 is a digit.
    """
    return ["".join(" ." if v == 0 else f" {min(9, int(v * 10))}" for v in row) for row in image_rows(pixels)]


def image_rows(pixels):
    """The 784 pixels of an image as its 28 rows."""
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
    return [f"  {name:>{width}} {marks[0] * round(p * BAR_WIDTH):<{BAR_WIDTH}} {p:6.1%}"
            + (" <" if k == prediction.guess else "")
            for k, (name, p) in enumerate(zip(class_names, prediction.probabilities))]


def as_json(prediction, dataset, with_input):
    """The prediction as a JSON-ready dict: source, dataset, prediction, probabilities, label (when known)."""
    answer = dict(prediction.source, dataset=dataset, prediction=prediction.guess,
                  probabilities=prediction.probabilities)
    if prediction.label is not None:
        answer["label"] = prediction.label
    if with_input:
        answer["input"] = prediction.pixels
    return answer
