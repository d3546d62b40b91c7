"""Tests of test_single.py (predicting one image) and data/preprocess.py (own pictures made MNIST-like).

The model is a small network trained here, in about a second, on 1000 shipped MNIST
images: good enough to read most digits, so that "the prediction is right" is a real
check, and independent of any model in models/.
"""

import io
import json
import os
import random
import subprocess
import sys

import pytest

import test_single
from show import prediction_text
from data.preprocess import MAX_SIDE, decode_image_bytes, mnist_style, read_image
from my_math import Matrix
from network import Network, train_epoch
from network.adam import Adam
from network.architecture import make_network
from network.model_file import load_network, save_network
from tests.interrupt import running_until_ctrl_c

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIDE = 28
WHITE = 255


# ---------------------------------------------------------------------- fixtures and helpers

@pytest.fixture(scope="module")
def net(mnist_sets):
    """A 784-16-10 network after one epoch on 1000 training images (about 75 % right)."""
    train = mnist_sets[0].take(1000)
    net = Network([784, 16, 10], seed=0)
    train_epoch(net, Adam(), train, 20, random.Random(0), 0.01)
    net.metadata.update(dataset="mnist", epochs=1)
    return net


@pytest.fixture(scope="module")
def model(net, tmp_path_factory):
    """The path of net saved as a model file."""
    path = tmp_path_factory.mktemp("model") / "tiny.json"
    save_network(net, str(path))
    return str(path)


@pytest.fixture(scope="module")
def confident(net, test_set):
    """Indices of the first 10 test images net gets right with probability above 0.9."""
    P = net.probabilities(test_set.matrix(range(200))).tolist()
    right = [i for i, p in enumerate(P) if p[test_set.labels[i]] > 0.9]
    assert len(right) >= 10
    return right[:10]


def rows_of(pixels):
    """784 values as 28 rows of 28."""
    return [list(pixels[y * SIDE:(y + 1) * SIDE]) for y in range(SIDE)]


def on_paper(image, scale=3, top=5, left=11, bottom=17, right=30):
    """An MNIST image (784 bytes) as a photo of it: scale× larger, black ink on white paper, off-centre."""
    big = [[WHITE - v for v in row for _ in range(scale)] for row in rows_of(image) for _ in range(scale)]
    width = left + len(big[0]) + right
    return ([[WHITE] * width for _ in range(top)] + [[WHITE] * left + row + [WHITE] * right for row in big]
            + [[WHITE] * width for _ in range(bottom)])


def centre_of_mass(pixels):
    total = sum(pixels)
    return (sum((i // SIDE) * v for i, v in enumerate(pixels)) / total,
            sum((i % SIDE) * v for i, v in enumerate(pixels)) / total)


def ink_box(pixels):
    """(height, width) of the smallest box holding every non-zero pixel."""
    ys = [i // SIDE for i, v in enumerate(pixels) if v]
    xs = [i % SIDE for i, v in enumerate(pixels) if v]
    return max(ys) - min(ys) + 1, max(xs) - min(xs) + 1


def predicted(net, pixels):
    return net.predict(Matrix([pixels]))[0]


def rectangle(height, width, ink=0, paper=WHITE, margin=7):
    """A picture of a solid height × width block of ink with margin pixels of paper around it."""
    return [[ink if margin <= y < margin + height and margin <= x < margin + width else paper
             for x in range(width + 2 * margin)] for y in range(height + 2 * margin)]


def write_png(path, gray, mode="L"):
    """Save rows of grayscale values as a PNG (in mode, e.g. "RGBA" with an alpha channel)."""
    from PIL import Image
    image = Image.new("L", (len(gray[0]), len(gray)))
    image.putdata([v for row in gray for v in row])
    image.convert(mode).save(path)
    return str(path)


@pytest.fixture
def cli(capsys):
    """cli(*args) runs test_single.py with args here and returns (exit status, stdout, stderr)."""
    def call(*args):
        try:
            status = test_single.main([str(a) for a in args])
        except SystemExit as exit:  # argparse leaves this way
            status = exit.code
        out, err = capsys.readouterr()
        return status, out, err
    return call


def assert_one_line_error(result, *words):
    status, out, err = result
    assert status == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


# ---------------------------------------------------------------------- mnist_style: the MNIST recipe

def test_a_test_digit_photographed_large_on_white_paper_still_reads_as_itself(net, test_set, confident):
    for i in confident:
        pixels = mnist_style(on_paper(test_set.image(i)))
        assert len(pixels) == SIDE * SIDE and all(0 <= v <= 1 for v in pixels)
        assert predicted(net, pixels) == test_set.labels[i], f"test image {i}"


def test_the_digit_fits_20_by_20_and_its_centre_of_mass_is_the_frames_centre(test_set):
    for i in range(20):
        pixels = mnist_style(on_paper(test_set.image(i)))
        height, width = ink_box(pixels)
        assert height <= 20 and width <= 20 and max(height, width) >= 19
        y, x = centre_of_mass(pixels)
        assert abs(y - 14) <= 0.5 and abs(x - 14) <= 0.5


def test_where_the_digit_is_and_how_large_do_not_matter(test_set):
    digit = test_set.image(3)
    assert mnist_style(on_paper(digit, scale=2, top=0, left=40, bottom=60, right=0)) == pytest.approx(
        mnist_style(on_paper(digit, scale=3, top=50, left=3, bottom=2, right=25)))


def test_light_ink_on_dark_is_not_inverted(test_set):
    digit = test_set.image(0)
    as_in_mnist = mnist_style(rows_of(digit))  # light on black
    assert as_in_mnist == pytest.approx(mnist_style(on_paper(digit, scale=1, top=0, left=0, bottom=0, right=0)))
    assert sum(as_in_mnist[:SIDE]) == 0  # the top row is background, not ink
    assert centre_of_mass(as_in_mnist) == pytest.approx((14, 14), abs=0.5)


def test_grey_pencil_on_grey_paper_looks_like_black_ink_on_white():
    pen = mnist_style(rectangle(30, 12, ink=0, paper=WHITE))
    pencil = mnist_style(rectangle(30, 12, ink=120, paper=190))
    assert pencil == pytest.approx(pen)


def test_the_aspect_ratio_is_kept_and_area_averaging_keeps_a_solid_block_solid():
    pixels = mnist_style(rectangle(40, 10))
    assert ink_box(pixels) == (20, 5)
    assert sorted(set(pixels)) == [0.0, 1.0]  # 2 × 2 blocks of ink average to full ink
    assert sum(pixels) == 100


def test_shrinking_averages_the_ink_a_pixel_covers():
    picture = rectangle(40, 40, ink=WHITE, paper=0)  # a light 40 × 40 square on black ...
    for row in picture[7:47]:
        row[27:30] = [0, 0, 0]  # ... split by a dark line 3 pixels wide, its columns 20 to 22
    row = rows_of(mnist_style(picture))[14]
    # Halved, the square's new column 10 covers old columns 20 and 21: no ink; column 11
    # covers 22 and 23: half ink. The rest stays full ink.
    left = row.index(1.0)
    assert row[left:left + 20] == [1.0] * 10 + [0.0, 0.5] + [1.0] * 8


def test_faint_specks_are_ignored(test_set):
    clean = on_paper(test_set.image(1))
    specked = [row[:] for row in clean]
    specked[0][0] = specked[-1][-1] = specked[40][5] = WHITE - 30
    assert mnist_style(specked) == mnist_style(clean)


def test_digits_on_grainy_grey_paper_still_read_as_themselves(net, test_set, confident):
    rng = random.Random(0)
    right = 0
    for i in confident:
        grainy = [[max(0, v - rng.randint(0, 40)) for v in row] for row in on_paper(test_set.image(i))]
        right += predicted(net, mnist_style(grainy)) == test_set.labels[i]
    assert right >= 9  # without the NOISE threshold the grain fills the bounding box and most are misread


@pytest.mark.parametrize("picture", [
    [[WHITE] * 30 for _ in range(20)],
    [[0] * 5 for _ in range(5)],
    [[128]],
    [[WHITE - (x * y) % 20 for x in range(30)] for y in range(30)],  # paper grain, no ink
], ids=["white", "black", "one grey pixel", "grain"])
def test_a_blank_picture_is_an_error(picture):
    with pytest.raises(ValueError, match="empty"):
        mnist_style(picture)


@pytest.mark.parametrize("picture", [[], [[]], [[1, 2], [3]], [[0, 300]], [["a"]], "rows", [[float("nan")]]])
def test_what_is_not_a_picture_is_an_error(picture):
    with pytest.raises(ValueError) as caught:
        mnist_style(picture)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------------- reading files and bytes (Pillow)

def test_read_image_gives_the_grayscale_rows_of_a_png(tmp_path):
    gray = [[(x * 7 + y * 13) % 256 for x in range(9)] for y in range(5)]
    assert read_image(write_png(tmp_path / "g.png", gray)) == gray
    assert read_image(write_png(tmp_path / "rgb.png", gray, "RGB")) == gray


def test_transparent_pixels_are_laid_on_white(tmp_path):
    from PIL import Image
    image = Image.new("RGBA", (4, 3), (0, 0, 0, 0))  # transparent black, as a canvas starts
    image.putpixel((1, 1), (0, 0, 0, 255))  # one opaque black stroke
    image.save(tmp_path / "canvas.png")
    gray = read_image(str(tmp_path / "canvas.png"))
    assert gray[1][1] == 0 and gray[0] == [WHITE] * 4


def test_decode_image_bytes_reads_png_and_jpeg_from_memory(tmp_path, test_set):
    from PIL import Image
    gray = on_paper(test_set.image(0))
    path = write_png(tmp_path / "digit.png", gray)
    with open(path, "rb") as f:
        assert decode_image_bytes(f.read()) == gray
    jpeg = io.BytesIO()
    Image.open(path).save(jpeg, "JPEG", quality=95)
    decoded = decode_image_bytes(jpeg.getvalue())
    assert len(decoded) == len(gray) and len(decoded[0]) == len(gray[0])
    assert mnist_style(decoded) == pytest.approx(mnist_style(gray), abs=0.15)


def test_a_photo_is_turned_the_way_its_exif_data_says(tmp_path):
    from PIL import Image
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned a quarter; show it turned back
    Image.new("L", (40, 10), WHITE).save(tmp_path / "turned.jpg", exif=exif)
    gray = read_image(str(tmp_path / "turned.jpg"))
    assert (len(gray), len(gray[0])) == (40, 10)


def test_a_large_picture_is_shrunk_as_it_is_read(tmp_path):
    from PIL import Image
    Image.new("L", (3 * MAX_SIDE, 3 * 100), WHITE).save(tmp_path / "wide.png")
    gray = read_image(str(tmp_path / "wide.png"))
    assert (len(gray), len(gray[0])) == (100, MAX_SIDE)


def test_unreadable_files_are_one_line_errors_naming_the_file(tmp_path):
    (tmp_path / "notes.txt").write_text("not a picture\n")
    (tmp_path / "cut.png").write_bytes(open(write_png(tmp_path / "whole.png", [[0, 255] * 50] * 50), "rb").read()[:60])
    for name, words in [("missing.png", "no such"), ("", "folder"), ("notes.txt", "not an image"),
                        ("cut.png", "not an image")]:
        path = str(tmp_path / name)
        with pytest.raises(ValueError, match=words) as caught:
            read_image(path)
        assert path in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(ValueError, match="not an image"):
        decode_image_bytes(b"GIF89a, or so it says")


# ---------------------------------------------------------------------- test_single.py: what it predicts

def test_index_prints_the_drawing_the_answer_and_all_probabilities(cli, model, net, test_set):
    status, out, err = cli("--model", model, "--index", 7)
    assert status == 0 and err == ""
    lines = out.splitlines()
    frame = [line for line in lines if line.startswith(("+", "|"))]
    assert len(frame) == SIDE + 2 and all(len(line) == 2 * SIDE + 2 for line in frame)
    guess = predicted(net, test_set.matrix([7]).rows[0])
    label = test_set.labels[7]
    assert "MNIST test image 7" in out
    assert f"The network says {guess}," in out
    assert f"The true label is {label}: " + ("✓" if guess == label else "✗") in out
    bar_lines = [line for line in lines if line.rstrip().endswith(("%", "<"))]
    assert [line.split()[0] for line in bar_lines] == list("0123456789")
    assert sum(line.endswith("<") for line in bar_lines) == 1


def test_json_gives_the_networks_own_probabilities(cli, model, net, test_set):
    status, out, _ = cli("--model", model, "--index", 11, "--json")
    assert status == 0
    (line,) = out.splitlines()
    answer = json.loads(line)
    (probabilities,) = net.probabilities(test_set.matrix([11])).tolist()
    assert answer["probabilities"] == pytest.approx(probabilities)
    assert sum(answer["probabilities"]) == pytest.approx(1)
    assert answer["prediction"] == probabilities.index(max(probabilities))
    assert (answer["source"], answer["index"], answer["label"], answer["dataset"]) == (
        "test", 11, test_set.labels[11], "mnist")
    assert "input" not in answer


def test_a_network_of_another_activation_is_read_with_it(cli, net, test_set, tmp_path):
    """test_single.py and the drawing page compute with the activation the model file names."""
    from show.server import model_description, predict_answer
    tanh_net = make_network([784, 16, 10], seed=0, activation="tanh")
    for layer, trained in zip(tanh_net.layers, net.layers):
        layer.W, layer.b = trained.W, trained.b  # net's weights, read through tanh instead of ReLU
    path = str(tmp_path / "tanh.json")
    save_network(tanh_net, path, {"dataset": "mnist"})
    X = test_set.matrix([11])
    (wanted,) = tanh_net.probabilities(X).tolist()
    assert wanted != net.probabilities(X).tolist()[0]
    status, out, _ = cli("--model", path, "--index", 11, "--json")
    assert status == 0 and json.loads(out)["probabilities"] == pytest.approx(wanted, rel=1e-12)
    status, out, _ = cli("--model", path, "--index", 11)
    assert "layers 784, 16, 10 (tanh)" in out
    loaded = load_network(path)
    assert predict_answer(loaded, X.rows[0])["probabilities"] == pytest.approx(wanted, rel=1e-12)
    assert model_description(loaded)["activation"] == "tanh"


def test_random_images_are_distinct_and_the_seed_repeats_them(cli, model):
    def indices(*args):
        status, out, _ = cli("--model", model, "--json", *args)
        assert status == 0
        return [json.loads(line)["index"] for line in out.splitlines()]

    chosen = indices("--random", "--count", 5, "--seed", 1)
    assert len(set(chosen)) == 5
    assert indices("--count", 5, "--seed", 1) == chosen  # --count alone means random images
    assert len(indices()) == 1  # no choice at all: one random image


def test_several_images_end_with_how_many_were_right(cli, model):
    status, out, _ = cli("--model", model, "--random", "--count", 3, "--seed", 2)
    assert status == 0
    assert out.count("The network says") == 3
    assert out.rstrip().splitlines()[-1].startswith("Right on ") and out.rstrip().endswith(" of 3 images.")


def test_an_own_image_is_made_mnist_like_and_predicted(cli, model, test_set, confident, tmp_path):
    i = confident[0]
    path = write_png(tmp_path / "mine.png", on_paper(test_set.image(i)))
    status, out, _ = cli("--model", model, "--image", path, "--json", "--show-input")
    answer = json.loads(out)
    assert answer["source"] == "image" and answer["path"] == path and "label" not in answer
    assert answer["input"] == pytest.approx(mnist_style(read_image(path)))
    assert answer["prediction"] == test_set.labels[i]

    status, out, _ = cli("--model", model, "--image", path)
    assert status == 0
    assert "mine.png, made to look like an MNIST digit" in out
    assert f"The network says {test_set.labels[i]}," in out and "true label" not in out


def test_show_input_prints_the_input_numbers(cli, model, test_set):
    status, out, _ = cli("--model", model, "--index", 0, "--show-input")
    assert status == 0
    lines = out.splitlines()
    start = lines.index("The numbers the network reads, in tenths (. = 0, 9 = 0.9 to 1):") + 1
    grid = lines[start:start + SIDE]
    pixels = test_set.image(0)
    for y, line in enumerate(grid):
        for x, cell in enumerate(line.split()):
            v = pixels[y * SIDE + x] / 255
            assert cell == ("." if v == 0 else str(min(9, int(v * 10))))


def test_plot_saves_a_png(cli, model, tmp_path):
    path = tmp_path / "plots" / "p.png"
    status, out, err = cli("--model", model, "--count", 2, "--seed", 0, "--json", "--plot", path)
    assert status == 0
    assert [json.loads(line)["source"] for line in out.splitlines()] == ["test", "test"]  # stdout stays JSON
    assert f"Saved {path}" in err
    assert path.read_bytes().startswith(b"\x89PNG")


def test_fashion_models_answer_with_class_names(cli, tmp_path, test_set):
    fashion = str(tmp_path / "fashion.json")
    save_network(Network([784, 4, 10]), fashion, metadata={"dataset": "fashion"})
    path = write_png(tmp_path / "thing.png", on_paper(test_set.image(0)))
    status, out, _ = cli("--model", fashion, "--image", path)
    assert status == 0
    assert "Ankle boot" in out and "T-shirt/top" in out
    assert_one_line_error(cli("--model", fashion, "--dataset", "mnist", "--index", 0), "trained on fashion")


def test_a_terminal_without_unicode_gets_ascii_bars_and_marks():
    ascii_terminal = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert prediction_text._marks(ascii_terminal.encoding) == ("#", "right", "WRONG")
    assert prediction_text._marks("utf-8")[1].startswith("✓")


def test_a_test_image_needs_neither_matplotlib_nor_pillow(model):
    code = ("import sys, test_single; status = test_single.main(['--model', sys.argv[1], '--index', '3']); "
            "print([name for name in ('matplotlib', 'PIL') if name in sys.modules], status)")
    result = subprocess.run([sys.executable, "-c", code, model], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "[] 0"


# ---------------------------------------------------------------------- test_single.py: what it refuses

@pytest.mark.parametrize("index", [10000, -1])
def test_an_index_out_of_range_is_an_error(cli, model, index):
    assert_one_line_error(cli("--model", model, "--index", index), "out of range", "0 to 9999")


def test_bad_image_files_are_errors(cli, model, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    blank = write_png(tmp_path / "blank.png", [[WHITE] * 30] * 30)
    assert_one_line_error(cli("--model", model, "--image", tmp_path / "missing.png"), "missing.png", "no such")
    assert_one_line_error(cli("--model", model, "--image", tmp_path / "notes.txt"), "notes.txt", "not an image")
    assert_one_line_error(cli("--model", model, "--image", blank), "blank.png", "empty")


def test_without_a_model_it_says_how_to_train_one(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(cli("--index", 0), os.path.join("models", "mnist.json"), "python train.py")
    assert_one_line_error(cli("--dataset", "fashion"), "fashion.json", "python train.py --dataset fashion")
    assert_one_line_error(cli("--model", "elsewhere.json"), "elsewhere.json", "--out elsewhere.json")


def test_a_data_folder_without_the_data_set_is_an_error(cli, model, tmp_path):
    assert_one_line_error(cli("--model", model, "--data-dir", tmp_path, "--index", 0), str(tmp_path))


def test_a_plot_that_cannot_be_saved_is_an_error(cli, model, tmp_path):
    (tmp_path / "file").write_text("")
    assert_one_line_error(cli("--model", model, "--index", 0, "--plot", tmp_path / "file" / "p.png"),
                          "cannot save the plot")


def test_a_damaged_or_unsuitable_model_is_an_error(cli, tmp_path):
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"format": "pure-python-network", "vers')
    assert_one_line_error(cli("--model", damaged, "--index", 0), "damaged.json", "not valid JSON")
    small = str(tmp_path / "small.json")
    save_network(Network([100, 10]), small)
    assert_one_line_error(cli("--model", small, "--index", 0), "small.json", "100 inputs")


@pytest.mark.parametrize("args", [
    ["--index", 1, "--random"],
    ["--index", 1, "--image", "x.png"],
    ["--random", "--image", "x.png"],
    ["--index", 1, "--count", 2],
    ["--image", "x.png", "--seed", 3],
    ["--count", 0],
    ["--count", 17, "--plot"],
    ["--index", "seven"],
    ["--dataset", "cifar"],
])
def test_conflicting_or_malformed_options_are_errors(cli, model, args):
    assert_one_line_error(cli("--model", model, *args), "test_single.py: error:")


def test_errors_end_the_program_with_status_2_and_no_traceback(model):
    command = [sys.executable, "test_single.py", "--model", model, "--index", "-5"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "out of range" in result.stderr


# ---------------------------------------------------------------------- --serve (the page itself: test_server.py)

@pytest.mark.parametrize("args, words", [
    (["--serve", "--index", "3"], ["not allowed with argument --serve"]),
    (["--serve", "--json"], ["--serve goes with"]),
    (["--serve", "--port", "70000"], ["--port must be from 0 to 65535"]),
])
def test_serve_refuses_options_it_does_not_use(cli, model, args, words):
    assert_one_line_error(cli("--model", model, *args), *words)


def test_serve_without_a_model_says_how_to_train_one(cli, tmp_path):
    assert_one_line_error(cli("--serve", "--model", tmp_path / "none.json"), "train one first", "python train.py")


def test_serve_starts_on_the_port_asked_and_stops_on_ctrl_c(model):
    argv = [sys.executable, os.path.join(ROOT, "test_single.py"), "--serve", "--port", "0", "--model", str(model)]
    address = "Serving the digit drawing page at http://127.0.0.1:"
    with running_until_ctrl_c(argv, lambda line: line.startswith(address)) as run:
        pass
    assert run.process.returncode == 0, run.err
