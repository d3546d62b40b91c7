"""Tests of show/plots.py: every picture is a valid PNG of a sensible size that holds what it
should (the colours of right and wrong answers, of positive and negative weights, a confusion
matrix's light and dark cells), and matplotlib is imported only when a picture is drawn
(tests/test_train.py draws them in a whole run)."""

import os
import struct
import subprocess
import sys

import pytest

from data import Dataset
from my_math import Matrix
from network import Network
from show import plots
from tests.missing import NO_MATPLOTLIB

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


@pytest.fixture
def matplotlib():
    return pytest.importorskip("matplotlib", reason=NO_MATPLOTLIB)


def png_size(path):
    """(width, height) in pixels of the PNG file at path, after checking its signature."""
    content = path.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def colours(path):
    """How many pixels of the PNG at path are of each kind of colour: a dict of counts.

    The PNG is read with matplotlib's image reader (red, green and blue from 0 to 1): a
    test-only use. "green" and "red" are the answers' titles; "bluish" and "reddish" the two
    ends of the weights' colour scale, and bluish also the dark end of the confusion
    matrix's; "light blue" its pale end (not the white or grey of paper and text).
    """
    from matplotlib.image import imread
    rgb = imread(path)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    kinds = {"green": (g - r > 0.3) & (g - b > 0.3), "red": (r - g > 0.3) & (r - b > 0.3),
             "reddish": r - b > 0.3, "bluish": b - r > 0.3, "light blue": (b - r > 0.02) & (r > 0.7)}
    return {kind: int(where.sum()) for kind, where in kinds.items()}


def images(n, class_names=tuple("0123456789")):
    """n 28 × 28 images, image i a bar in row i % 28, labelled i % 10."""
    pixels = bytearray(n * 784)
    for i in range(n):
        start = i * 784 + (i % 28) * 28
        pixels[start:start + 28] = b"\xff" * 28
    return Dataset(bytes(pixels), [i % 10 for i in range(n)], "test", "test", class_names)


def test_importing_the_network_package_or_train_does_not_import_matplotlib():
    code = "import sys, network, show.plots, train; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_training_curves(matplotlib, tmp_path):
    history = [{"epoch": e, "train_loss": 1 / e, "test_loss": 1.1 / e,
                "train_accuracy": 1 - 0.1 / e, "test_accuracy": 1 - 0.12 / e} for e in (1, 2, 3)]
    plots.training_curves(history, tmp_path / "curves.png")
    assert png_size(tmp_path / "curves.png") == (1000, 400)
    found = colours(tmp_path / "curves.png")
    assert found["bluish"] > 500 and found["reddish"] > 500  # the training (blue) and test (orange) curves


def test_prediction_grid_of_fewer_images_than_asked_for(matplotlib, tmp_path):
    data = images(7)
    predicted = [label if i % 3 else (label + 1) % 10 for i, label in enumerate(data.labels)]
    plots.prediction_grid(data, predicted, tmp_path / "grid.png", count=40, columns=10)
    width, height = png_size(tmp_path / "grid.png")
    assert width == 7 * 130  # one row of the 7 images there are, 1.3 inches each at 100 dpi
    found = colours(tmp_path / "grid.png")
    assert found["green"] > 20 and found["red"] > 20  # 4 answers right, 3 wrong


def test_confident_mistakes_with_long_class_names_and_with_none(matplotlib, tmp_path):
    data = images(30, FASHION_NAMES)
    predicted = [(label + (i % 2)) % 10 for i, label in enumerate(data.labels)]
    confidence = [i / 30 for i in range(30)]
    plots.confident_mistakes(data, predicted, confidence, tmp_path / "mistakes.png", count=24, columns=8)
    assert png_size(tmp_path / "mistakes.png")[0] == 8 * 130
    assert colours(tmp_path / "mistakes.png")["red"] > 100  # every answer shown is wrong
    plots.confident_mistakes(data, list(data.labels), confidence, tmp_path / "none.png")
    assert png_size(tmp_path / "none.png")[0] == 600  # no cells; as wide as the title needs
    assert colours(tmp_path / "none.png")["red"] == 0


def test_confusion_matrix(matplotlib, tmp_path):
    counts = [[100 if t == p else t * p % 4 for p in range(10)] for t in range(10)]
    plots.confusion_matrix(counts, FASHION_NAMES, tmp_path / "confusion.png")
    assert png_size(tmp_path / "confusion.png") == (800, 700)
    # The ten cells of 100 are dark, the mistakes light: each far more than the colour bar beside the
    # matrix holds of either (about 11 000 and 8 000 pixels), which a matrix of one colour would show.
    found = colours(tmp_path / "confusion.png")
    assert found["bluish"] > 20_000 and found["light blue"] > 20_000


def test_first_layer_weights_tile_one_picture_per_unit(matplotlib, tmp_path):
    W = Network([784, 20, 10], seed=0).layers[0].W
    plots.first_layer_weights(W, (28, 28), tmp_path / "all.png", columns=10)
    plots.first_layer_weights(W, (28, 28), tmp_path / "some.png", count=5, columns=10)
    (wide, high), (narrow, low) = png_size(tmp_path / "all.png"), png_size(tmp_path / "some.png")
    assert wide == 10 * 80 and narrow == 5 * 80
    assert high > low  # two rows of pictures against one
    found = colours(tmp_path / "all.png")
    assert found["bluish"] > 1000 and found["reddish"] > 1000  # positive weights blue, negative ones red


def test_first_layer_weights_of_a_unit_that_is_all_zero(matplotlib, tmp_path):
    W = Matrix.zeros(784, 3)  # the colour scale of a unit is its largest |weight|, here 0
    plots.first_layer_weights(W, (28, 28), tmp_path / "zero.png")
    assert png_size(tmp_path / "zero.png")[0] == 3 * 80
    found = colours(tmp_path / "zero.png")
    assert found["bluish"] == found["reddish"] == 0  # every weight 0: the white middle of the scale


def test_layer_health_draws_four_panels_with_or_without_hidden_layers(matplotlib, tmp_path):
    hidden = {"mean": 0.5, "spread": 0.8, "flat": 0.4, "gradient": 0.01, "update": -2.5}
    output = {"mean": None, "spread": None, "flat": None, "gradient": 0.02, "update": None}
    records = [{"step": s, "epochs": s / 10, "layers": [dict(hidden, mean=0.5 + s / 100), output]} for s in range(1, 21)]
    plots.layer_health(records, ["layer 1", "layer 2 (output)"], "relu", tmp_path / "layers.png")
    assert png_size(tmp_path / "layers.png") == (1100, 700)
    only_output = [{"step": 1, "epochs": 1.0, "layers": [output]}]
    plots.layer_health(only_output, ["layer 1 (output)"], "sigmoid", tmp_path / "none.png")
    assert png_size(tmp_path / "none.png") == (1100, 700)
