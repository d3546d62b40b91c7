"""The convolutional network: its layers by hand, its gradients by finite differences, the packed
convolution within its bound, the model file's version 2, and training it.

tests/test_fast_forms.py holds the fast convolution and pooling to the plain loops on random
shapes; here the plain loops themselves are held to small examples worked by hand.
"""

import contextlib
import json
import math
import random
import sys
from fractions import Fraction

import pytest

from my_math import Matrix
from my_math.fast import textbook
from my_math.fast.byte_matrix import ByteMatrix
from network import SGD, Network, evaluate, train_epoch
from network.adam import Adam
from network.architecture import describe, make_network, parameter_count, sizes
from network.cnn import ConvNetwork
from network.convolution import Conv
from network.model_file import ModelFileError, load_network, save_network
from network.pooling import MaxPool
from network.weight_decay import WeightDecay
from test_network import ListDataset

U = 2.0 ** -53  # the unit roundoff
# From CPython 3.12 on, the built-in sum of floats compensates its rounding errors (gh-100425): a fast
# form that adds with sum() may then differ from the plain loop in the last digit. Up to 3.11, and on
# PyPy, sum() adds one term after the other as the loop does: the same additions, the same result.
COMPENSATED_SUM = sys.implementation.name == "cpython" and sys.version_info >= (3, 12)


def small_images(m=6, shape=(1, 9, 9), classes=3, seed=1):
    """m random images of shape (floats in [0, 1), a third of them 0) and their labels."""
    rng = random.Random(seed)
    X = Matrix([[0.0 if rng.random() < 0.3 else rng.random() for _ in range(math.prod(shape))] for _ in range(m)])
    return X, [rng.randrange(classes) for _ in range(m)]


def small_cnn(seed=3):
    """1×9×9 → conv 2 filters 3×3 → 2×7×7 → pool → 2×3×3 → conv 3 filters 2×2 → 3×2×2 → pool → 3×1×1 → 4 → 3."""
    net = make_network([81, 4, 3], seed=seed, conv=[(2, 3), (3, 2)])
    rng = random.Random(seed)
    for layer in net.layers:  # biases away from 0, so that every line of the code matters
        layer.b = Matrix([[rng.uniform(-0.1, 0.1) for _ in range(layer.b.shape[1])]])
    return net


# ---------------------------------------------------------------------- the layers, by hand

@pytest.fixture(params=["plain", "fast forms"])
def both_ways(request):
    """Each test of the layers by hand runs with the plain definitions and with the fast forms."""
    with textbook() if request.param == "plain" else contextlib.nullcontext():
        yield


def test_a_convolution_worked_by_hand(both_ways):
    # One 3 × 3 image, two filters of 2 × 2: each output is the patch under it times the filter, plus the bias.
    image = [1, 2, 0,
             0, 1, 3,
             4, 0, 1]
    filters = [[1, 0, 0, 1], [0, 1, -1, 0]]  # (kr, kc) row by row: the first sums a diagonal
    W = Matrix([list(column) for column in zip(*filters)])  # one row per (c, kr, kc), one column per filter
    layer = Conv(W, Matrix([[0.5, -1.0]]), (1, 3, 3))
    assert layer.output_shape == (2, 2, 2)
    Z = layer.forward(Matrix([image]))
    diagonal = [1 + 1, 2 + 3, 0 + 0, 1 + 1]  # a(row, col) + a(row+1, col+1)
    anti = [2 - 0, 0 - 1, 1 - 4, 3 - 0]  # a(row, col+1) − a(row+1, col)
    assert Z.tolist() == [[d + 0.5 for d in diagonal] + [a - 1.0 for a in anti]]


def test_the_convolutions_gradients_worked_by_hand(both_ways):
    layer = Conv(Matrix([[2.0], [0.0], [0.0], [-1.0]]), Matrix([[0.0]]), (1, 3, 3))
    image = Matrix([[1, 2, 0, 0, 1, 3, 4, 0, 1]])
    dZ = Matrix([[1.0, 0.0, 0.0, 2.0]])  # the places (0, 0) and (1, 1) only
    dW, db, dA = layer.weight_gradient(image, dZ), layer.bias_gradient(dZ), layer.input_gradient(dZ)
    # dw_(kr,kc) = 1 · a(kr, kc) + 2 · a(1 + kr, 1 + kc)
    assert dW.tolist() == [[1 + 2 * 1], [2 + 2 * 3], [0 + 2 * 0], [1 + 2 * 1]]
    assert db.tolist() == [[3.0]]
    # place (0, 0) sends 1 · w to its patch, place (1, 1) sends 2 · w to its own
    assert dA.tolist() == [[2, 0, 0, 0, -1 + 4, 0, 0, 0, -2]]


def test_pooling_keeps_the_largest_of_each_window_and_drops_an_odd_edge(both_ways):
    A = Matrix([[1, 5, 2, 9, 7,
                 3, 4, 8, 1, 7,
                 6, 6, 0, 0, 7]])  # 1 × 3 × 5: the last row and column fit no window
    pool = MaxPool((1, 3, 5))
    assert pool.output_shape == (1, 1, 2)
    assert pool.forward(A).tolist() == [[5, 9]]


def test_pooling_sends_the_gradient_to_the_first_largest_value(both_ways):
    pool = MaxPool((2, 2, 2))
    A = Matrix([[3, 3, 3, 3,  # a tie: the first, top left, takes it
                 0, 1, 2, 2]])  # channel 2: the first 2 (bottom left)
    dA = pool.input_gradient(A, Matrix([[10.0, 20.0]]))
    assert dA.tolist() == [[10, 0, 0, 0, 0, 0, 20, 0]]


def test_a_nan_in_a_window_wins_only_when_it_comes_first(both_ways):
    nan = math.nan
    pool = MaxPool((1, 2, 4))
    Z = pool.forward(Matrix([[nan, 1, 1, nan, 0, 2, 0, 0]])).tolist()[0]
    assert math.isnan(Z[0]) and Z[1] == 1.0


def test_he_initialisation_of_a_convolution():
    layer = Conv.he_initialised((3, 10, 10), 200, 4, random.Random(0))
    assert layer.W.shape == (3 * 4 * 4, 200) and layer.b.tolist() == [[0.0] * 200]
    std = math.sqrt((layer.W * layer.W).sum() / (48 * 200))
    assert abs(std - math.sqrt(2 / 48)) < 0.01


@pytest.mark.parametrize("make, message", [
    (lambda: Conv(Matrix.zeros(7, 2), Matrix.zeros(1, 2), (2, 5, 5)), "C·K·K rows"),
    (lambda: Conv(Matrix.zeros(9, 2), Matrix.zeros(1, 3), (1, 5, 5)), "C·K·K rows"),
    (lambda: Conv(Matrix.zeros(36, 1), Matrix.zeros(1, 1), (1, 5, 9)), "does not fit"),
    (lambda: MaxPool((1, 1, 4)), "at least 2×2"),
    (lambda: make_network([784, 10], conv=[(8, 5)], input_shape=(1, 28, 27)), "must be an image"),
    (lambda: make_network([780, 10], conv=[(8, 5)]), "must be an image"),
])
def test_impossible_layers_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ---------------------------------------------------------------------- the network

def test_a_cnn_is_a_network_like_any_other():
    net = make_network([784, 64, 10], conv=[(8, 5)], seed=0)
    assert isinstance(net, ConvNetwork) and isinstance(net, Network)
    assert [type(layer).__name__ for layer in net.layers] == ["Conv", "Dense", "Dense"]  # the pooling is the conv's
    assert sizes(net) == [784, 8 * 24 * 24, 8 * 12 * 12, 64, 10]
    assert parameter_count(net) == (25 + 1) * 8 + (1152 + 1) * 64 + (64 + 1) * 10
    assert describe(net) == "1×28×28 → conv 8 filters 5×5 → 8×24×24 → max pool → 8×12×12 → 64 → 10"
    X, labels = small_images(3, (1, 28, 28), 10)
    P = net.probabilities(X)
    assert P.shape == (3, 10) and all(math.isclose(sum(row), 1.0) for row in P.rows)
    assert net.predict(X) == P.argmax(axis=1)
    Z, A = net.forward(X)
    assert A[1] == MaxPool(net.layers[0].output_shape).forward(net.phi(Z[1]))  # A_1 = pool(φ(Z_1))
    loss, _, gradients = net.loss_and_gradients(X, labels)
    assert math.isfinite(loss)
    assert [(dW.shape, db.shape) for dW, db in gradients] == [(l.W.shape, l.b.shape) for l in net.layers]
    assert sizes(make_network([784, 10], conv=[(4, 3), (6, 3)])) == [784, 4 * 26 * 26, 4 * 13 * 13, 6 * 11 * 11,
                                                                   6 * 5 * 5, 10]


def test_a_fully_connected_network_is_made_as_before():
    # conv=() draws nothing more from the generator: same seed, same weights as ever.
    a, b = Network([30, 8, 4], seed=5), make_network([30, 8, 4], seed=5, conv=())
    assert [(l.W, l.b) for l in a.layers] == [(l.W, l.b) for l in b.layers] and type(b) is Network


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast forms"])
def test_gradients_match_central_finite_differences_for_every_weight_and_bias(fast):
    """∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h for every weight and bias of two convolutions, their poolings and two dense layers."""
    net = small_cnn()
    X, labels = small_images()
    h = 1e-5

    def loss():
        return net.loss_and_gradients(X, labels)[0]

    with contextlib.nullcontext() if fast else textbook():
        _, _, gradients = net.loss_and_gradients(X, labels)
        checked = 0
        for layer, (dW, db) in zip(net.layers, gradients):
            for parameter, gradient in ((layer.W, dW), (layer.b, db)):
                assert gradient.shape == parameter.shape
                n_rows, n_cols = parameter.shape
                for k in range(n_rows):
                    for j in range(n_cols):
                        original = parameter[k, j]
                        parameter[k, j] = original + h
                        loss_plus = loss()
                        parameter[k, j] = original - h
                        loss_minus = loss()
                        parameter[k, j] = original
                        numeric, analytic = (loss_plus - loss_minus) / (2 * h), gradient[k, j]
                        scale = abs(numeric) + abs(analytic)
                        if scale > 1e-7:
                            assert abs(numeric - analytic) / scale < 1e-6, (type(layer).__name__, k, j, numeric, analytic)
                        else:
                            assert abs(numeric - analytic) < 1e-9
                        checked += 1
    assert checked == parameter_count(net) == (9 + 1) * 2 + (8 + 1) * 3 + (3 + 1) * 4 + (4 + 1) * 3


def train_small(seed, optimizer, epochs=2):
    X, labels = small_images(m=24, seed=7)
    net = small_cnn(seed)
    rng = random.Random(seed)
    for epoch in range(epochs):
        train_epoch(net, optimizer, ListDataset(X, labels), 8, rng, 0.05, epoch + 1)
    return net


@pytest.mark.parametrize("make_optimizer", [lambda: WeightDecay(SGD(momentum=0.9), 1e-3), lambda: Adam()])
def test_same_seed_same_weights(make_optimizer):
    a, b, c = (train_small(s, make_optimizer()) for s in (0, 0, 1))
    assert [(l.W, l.b) for l in a.layers] == [(l.W, l.b) for l in b.layers]
    assert a.layers[0].W != c.layers[0].W


def test_a_cnn_learns_real_digits(mnist_sets):
    train, test = mnist_sets
    net = make_network([784, 10], conv=[(4, 5)], seed=0)
    train_epoch(net, SGD(momentum=0.9), train.take(1000), 32, random.Random(0), 0.1)
    loss, accuracy, _, _ = evaluate(net, test.take(500))
    assert accuracy > 0.75 and loss < 0.8  # 81.8% and 0.56 after this one epoch of 1000 images


# ---------------------------------------------------------------------- the packed convolution of image bytes

def exact_convolution(layer, byte_rows):
    """Z in exact rational arithmetic, the pixels byte / 255, the bias added."""
    channels, height, width = layer.input_shape
    K = layer.kernel
    _, out_height, out_width = layer.output_shape
    W, b = layer.W.rows, layer.b.rows[0]
    exact = []
    for a in byte_rows:
        exact.append([sum(Fraction(a[(c * height + row + kr) * width + col + kc], 255) * Fraction(W[(c * K + kr) * K + kc][f])
                          for c in range(channels) for kr in range(K) for kc in range(K)) + Fraction(b[f])
                      for f in range(layer.filters) for row in range(out_height) for col in range(out_width)])
    return exact


def patch_sums(layer, byte_rows):
    """For each output, Σ of the bytes of its patch."""
    channels, height, width = layer.input_shape
    K = layer.kernel
    _, out_height, out_width = layer.output_shape
    return [[sum(a[(c * height + row + kr) * width + col + kc] for c in range(channels) for kr in range(K) for kc in range(K))
             for _ in range(layer.filters) for row in range(out_height) for col in range(out_width)] for a in byte_rows]


@pytest.mark.usefixtures("packing")
@pytest.mark.parametrize("seed", range(6))
def test_the_packed_convolution_of_image_bytes_is_within_its_bound(seed):
    """|z − exact z| ≤ ((Σ patch bytes + 255) / 255)(γ/2 + 2U top) + 4U |exact z|: ByteMatrix's bound
    (tests/test_byte_matrix.py) for the patch, with the bias as one more weight, times the byte 255;
    top = the largest |w| or |b|, and max top < 2⁵⁰ γ."""
    rng = random.Random(seed)
    channels, K, filters = rng.randint(1, 3), rng.randint(1, 5), rng.randint(1, 4)
    height, width = rng.randint(K + 1, 14), rng.randint(K + 1, 14)
    size = 10.0 ** rng.randint(-4, 4)
    layer = Conv(Matrix([[rng.gauss(0, size) for _ in range(filters)] for _ in range(channels * K * K)]),
                 Matrix([[rng.gauss(0, size) for _ in range(filters)]]), (channels, height, width))
    byte_rows = [bytes(rng.choice([0, 0, 255, rng.randrange(256)]) for _ in range(channels * height * width)) for _ in range(3)]
    Z = layer.forward(ByteMatrix(byte_rows))
    top = max(abs(w) for row in layer.W.rows + layer.b.rows for w in row)
    grid = math.ldexp(1.0, math.frexp(top)[1] - 50)
    for z_row, exact_row, sums in zip(Z.tolist(), exact_convolution(layer, byte_rows), patch_sums(layer, byte_rows)):
        for z, exact, total in zip(z_row, exact_row, sums):
            bound = Fraction(total + 255, 255) * Fraction(grid / 2 + 2 * U * top) + 4 * U * abs(exact)
            assert abs(Fraction(z) - exact) <= bound


@pytest.mark.usefixtures("packing")
def test_the_packed_weight_gradient_is_within_its_bound():
    """dW = patchesᵀ dZ by the packed product, dZ on the grid of its largest |dz|: ByteMatrix's bound."""
    rng = random.Random(4)
    layer = Conv(Matrix([[rng.gauss(0, 1) for _ in range(3)] for _ in range(2 * 9)]), Matrix.zeros(1, 3), (2, 7, 8))
    byte_rows = [bytes(rng.choice([0, 0, 255, rng.randrange(256)]) for _ in range(2 * 7 * 8)) for _ in range(4)]
    dZ = Matrix([[rng.gauss(0, 1e-3) if rng.random() < 0.4 else 0.0 for _ in range(3 * 5 * 6)] for _ in range(4)])
    dW, db = layer.weight_gradient(ByteMatrix(byte_rows), dZ), layer.bias_gradient(dZ)
    with textbook():
        floats = Matrix([[x / 255 for x in a] for a in byte_rows])
        plain_dW, plain_db = layer.weight_gradient(floats, dZ), layer.bias_gradient(dZ)
    # db_f sums dZ's entries of filter f (no bytes in them): the plain loop's sum exactly where sum()
    # adds as it does; with a compensated sum, both within the rounding of their additions of the exact sum.
    if COMPENSATED_SUM:
        for f, (got, plain) in enumerate(zip(db.rows[0], plain_db.rows[0])):
            terms = [Fraction(d) for row in dZ.rows for d in row[f * 5 * 6:(f + 1) * 5 * 6]]  # its 5 × 6 map
            bound = len(terms) * U * sum(map(abs, terms))
            assert abs(Fraction(got) - sum(terms)) <= bound and abs(Fraction(plain) - sum(terms)) <= bound
    else:
        assert db == plain_db
    top = max(abs(d) for row in dZ.rows for d in row)
    grid = math.ldexp(1.0, math.frexp(top)[1] - 50)
    images = len(byte_rows)
    for k, (row, plain_row) in enumerate(zip(dW.rows, plain_dW.rows)):
        c, kr, kc = k // 9, k // 3 % 3, k % 3
        total = sum(byte_rows[i][(c * 7 + r + kr) * 8 + col + kc] for i in range(images) for r in range(5) for col in range(6))
        for f, (got, plain) in enumerate(zip(row, plain_row)):
            exact = sum(Fraction(byte_rows[i][(c * 7 + r + kr) * 8 + col + kc], 255) * Fraction(dZ.rows[i][(f * 5 + r) * 6 + col])
                        for i in range(images) for r in range(5) for col in range(6))
            bound = Fraction(total, 255) * Fraction(grid / 2 + 2 * U * top) + 4 * U * abs(exact)
            assert abs(Fraction(got) - exact) <= bound
            assert got == pytest.approx(plain, rel=1e-12, abs=1e-18)


# ---------------------------------------------------------------------- the model file, version 2

def test_save_load_is_exact_and_the_file_is_version_2(tmp_path):
    net = train_small(0, Adam())
    path = tmp_path / "cnn.json"
    save_network(net, str(path), metadata={"dataset": "test"})
    saved = json.loads(path.read_text())
    assert saved["version"] == 2 and saved["input_shape"] == [1, 9, 9] and "sizes" not in saved
    assert [entry["type"] for entry in saved["layers"]] == ["conv", "maxpool", "conv", "maxpool", "dense", "dense"]
    first, second = saved["layers"][0], saved["layers"][2]
    assert (first["channels"], first["filters"], first["kernel"]) == (1, 2, 3)
    assert (second["channels"], second["filters"], second["kernel"]) == (2, 3, 2)
    assert first["weights"] == net.layers[0].W.tolist() and len(second["weights"]) == 2 * 2 * 2
    assert saved["layers"][1] == {"type": "maxpool", "size": 2}
    loaded = load_network(str(path))
    assert describe(loaded) == describe(net) and loaded.input_shape == (1, 9, 9)
    assert [(l.W, l.b) for l in loaded.layers] == [(l.W, l.b) for l in net.layers]
    X, _ = small_images()
    assert loaded.probabilities(X) == net.probabilities(X)
    assert loaded.metadata == {"dataset": "test"}


def test_a_fully_connected_network_is_still_written_as_version_1(tmp_path):
    path = tmp_path / "mlp.json"
    save_network(make_network([5, 4, 3], seed=0), str(path))
    assert json.loads(path.read_text())["version"] == 1


def test_a_version_1_file_loads(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "pure-python-network", "version": 1, "sizes": [2, 1],
                                "layers": [{"weights": [[0.5], [-2]], "bias": [1]}], "metadata": {"epochs": 3}}))
    net = load_network(str(path))
    assert describe(net) == "2 → 1" and type(net) is Network and net.metadata == {"epochs": 3}
    assert net.layers[0].W.tolist() == [[0.5], [-2.0]]


def cnn_file():
    net = small_cnn()
    return json.loads(json.dumps({
        "format": "pure-python-network", "version": 2, "input_shape": [1, 9, 9],
        "layers": [{"type": "conv", "channels": 1, "filters": 2, "kernel": 3, "weights": net.layers[0].W.tolist(),
                    "bias": net.layers[0].b.tolist()[0]},
                   {"type": "maxpool", "size": 2},
                   {"type": "conv", "channels": 2, "filters": 3, "kernel": 2, "weights": net.layers[1].W.tolist(),
                    "bias": net.layers[1].b.tolist()[0]},
                   {"type": "maxpool", "size": 2},
                   {"type": "dense", "weights": net.layers[2].W.tolist(), "bias": net.layers[2].b.tolist()[0]},
                   {"type": "dense", "weights": net.layers[3].W.tolist(), "bias": net.layers[3].b.tolist()[0]}],
        "metadata": {}}))


def broken(change):
    model = cnn_file()
    change(model)
    return json.dumps(model)


def test_the_hand_made_file_loads(tmp_path):
    path = tmp_path / "cnn.json"
    path.write_text(broken(lambda model: None))
    assert describe(load_network(str(path))) == describe(small_cnn())


@pytest.mark.parametrize("text, message", [
    (broken(lambda m: m.update(input_shape=[81])), "input_shape must be [channels, height, width]"),
    (broken(lambda m: m.pop("input_shape")), "input_shape must be"),
    (broken(lambda m: m.update(layers=[])), "layers must be a non-empty list"),
    (broken(lambda m: m["layers"][1].update(type="avgpool")), "layer 2 must be a JSON object whose type is conv, maxpool or dense, not 'avgpool'"),
    (broken(lambda m: m["layers"].__setitem__(0, [])), "layer 1 must be a JSON object whose type is"),
    (broken(lambda m: m["layers"][0].pop("kernel")), "layer 1 (conv) kernel must be a whole number ≥ 1, not None"),
    (broken(lambda m: m["layers"][2].update(channels=3)), "layer 3 (conv) has 3 channels, but the layers before it give 2"),
    (broken(lambda m: m["layers"][2].update(kernel=4)), "layer 3 (conv): a 4×4 kernel does not fit in the 3×3 maps before it"),
    (broken(lambda m: m["layers"][0]["weights"].pop()), "layer 1 (conv) weights must be 9 × 2 numbers"),
    (broken(lambda m: m["layers"][0].update(bias=[0.0])), "layer 1 (conv) bias must be 1 × 2 numbers"),
    (broken(lambda m: m["layers"][3].update(size=3)), "layer 4 (maxpool) size must be 2"),
    (broken(lambda m: m["layers"].insert(3, {"type": "maxpool", "size": 2})),
     "layer 5 (maxpool): every convolution must be followed by its max pooling, and a pooling must follow a convolution"),
    (broken(lambda m: m["layers"].pop(1)), "layer 2 (conv): every convolution must be followed by its max pooling"),
    (broken(lambda m: m["layers"][4]["weights"].append([0.0] * 4)), "layer 5 (dense) weights must be 3 × 4 numbers"),
    (broken(lambda m: m["layers"][4].update(weights=[])), "layer 5 (dense) weights must be 3 rows of numbers"),
    (broken(lambda m: m["layers"][5].update(bias=[1.0, 2.0])), "layer 6 (dense) bias must be 1 × 3 numbers"),
    (broken(lambda m: m["layers"].append({"type": "conv", "channels": 1, "filters": 1, "kernel": 1, "weights": [[1]],
                                           "bias": [0]})), "layer 7 (conv) comes after a dense layer"),
    (broken(lambda m: m["layers"].__delitem__(slice(4, 6))), "the last layer must be dense"),
    (broken(lambda m: m["layers"][0]["weights"][0].__setitem__(1, "x")), "layer 1 (conv) weights hold 'x'"),
], ids=lambda value: value[:40] if not value.startswith("{") else "")
def test_bad_version_2_files_give_one_line_naming_the_layer(tmp_path, text, message):
    path = tmp_path / "cnn.json"
    path.write_text(text)
    with pytest.raises(ModelFileError) as error:
        load_network(str(path))
    assert message in str(error.value) and str(path) in str(error.value) and "\n" not in str(error.value)
