"""The variants: activations, inverted dropout, RMSprop and shifted training images.

Their gradients against finite differences, their formulas against the code, and what
they must leave alone: the default network, evaluation, labels and test images.
"""

import contextlib
import json
import math
import random

import pytest

from data import Dataset
from data import augment
from data.augment import Shifted
from my_math import Matrix
from my_math.fast import textbook
from network import Network, evaluate, train_epoch
from network.architecture import make_network
from network.dropout import DropoutTraining, draw_masks, dropped, hidden_sizes, with_masks
from network.model_file import ModelFileError, load_network, save_network
from network.more_activations import ACTIVATIONS, activation_named, activation_of, leaky_relu, sigmoid, tanh
from network.optimizer_state import load_state, state_of
from network.rmsprop import RMSprop
from network.weight_decay import WeightDecay
from tests.test_network import ListDataset, OneLayer, finite_difference_problems, small_batch


# Each test of a formula runs twice: with the plain definitions, and with the fast forms training uses.
BOTH_WAYS = pytest.mark.parametrize("definitions", [textbook, contextlib.nullcontext], ids=["plain", "fast"])


# ---------------------------------------------------------------- gradients

@pytest.mark.parametrize("q", [0.0, 0.5])
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradients_match_finite_differences_for_every_activation(activation, q):
    """Every weight and bias of a 5→4→3→3 network, with each φ, without and with dropout masks held fixed.

    The inputs are scaled by 3 so that every gradient that is not 0 is at least about 1e-4:
    the central difference has a rounding error of its own, about ε·L/h ≈ 1e-11, which
    would be a relative 1e-6 of a gradient of 1e-5 (leaky_relu's slope α = 0.01 makes some
    that small with inputs of size 1).
    """
    net = make_network([5, 4, 3, 3], seed=3, activation=activation)
    X, labels = small_batch()
    X = X * 3.0
    if q:
        masks = draw_masks(random.Random(11), len(labels), hidden_sizes(net), q)
        assert any(0.0 in row for M in masks for row in M.rows)  # some units really are dropped
        net = with_masks(net, masks, q)
    assert finite_difference_problems(net, X, labels) == []


def test_the_check_catches_a_wrong_derivative():
    """The check above can fail: with σ′(z) taken as σ(z) instead of σ(z) (1 − σ(z)), it does."""
    net = make_network([5, 4, 3, 3], seed=3, activation="sigmoid")
    net.phi_backward = lambda dA, Z: dA * sigmoid(Z)
    X, labels = small_batch()
    assert finite_difference_problems(net, X, labels)


def test_the_activations_and_their_extremes():
    Z = Matrix([[-1000.0, -2.0, 0.0, 3.0, 1000.0]])
    assert leaky_relu(Z).tolist() == [[-10.0, -0.02, 0.0, 3.0, 1000.0]]
    s = sigmoid(Z).rows[0]
    assert s[0] == 0.0 and s[2] == 0.5 and s[4] == 1.0  # no overflow at either end
    assert math.isclose(s[1], 1 / (1 + math.exp(2))) and math.isclose(s[3], 1 / (1 + math.exp(-3)))
    assert tanh(Z).rows[0] == [-1.0, math.tanh(-2.0), 0.0, math.tanh(3.0), 1.0]
    with pytest.raises(ValueError, match="unknown activation 'foo': choose one of relu, leaky_relu, sigmoid, tanh"):
        activation_named("foo")


@pytest.mark.parametrize("activation, variances", [
    ("relu", (2 / 784, 2 / 128)),
    ("leaky_relu", (2 / 784, 2 / 128)),
    ("sigmoid", (2 / (784 + 128), 2 / (128 + 10))),
    ("tanh", (2 / (784 + 128), 2 / (128 + 10))),
])
def test_initialisation_follows_the_activation(activation, variances):
    """He, N(0, 2/n_in), for the ReLU family; Xavier, N(0, 2/(n_in + n_out)), for sigmoid and tanh."""
    net = make_network([784, 128, 10], seed=0, activation=activation)
    assert activation_of(net) == activation
    for layer, variance in zip(net.layers, variances):
        W = layer.W
        assert abs((W * W).sum() / (W.shape[0] * W.shape[1]) / variance - 1) < 0.05
        assert layer.b.tolist() == [[0.0] * W.shape[1]]


def test_the_default_network_is_the_relu_network_of_before():
    """Network(sizes, seed) draws its weights as it always did: He, N(0, 2/n_in), layer by layer, row by row."""
    rng = random.Random(5)
    expected = [Matrix.random_normal(n_in, n_out, 0.0, math.sqrt(2.0 / n_in), rng) for n_in, n_out in ((6, 4), (4, 3))]
    net = Network([6, 4, 3], seed=5)
    assert [layer.W for layer in net.layers] == expected
    assert activation_of(net) == "relu"


# ---------------------------------------------------------------- RMSprop

@BOTH_WAYS
def test_rmsprop_follows_its_formula(definitions):
    """s ← ρ s + (1 − ρ) g², w ← w − η g / (√s + ε), with the decay on the weights, not the bias."""
    layer = OneLayer([1.0, -1.0], [3.0])
    opt = WeightDecay(RMSprop(), 0.01)
    w, s, b, s_b = [1.0, -1.0], [0.0, 0.0], 3.0, 0.0
    grads = [([0.3, -0.1], 0.5), ([0.2, 0.05], -0.25), ([-0.4, 0.2], 0.125)]
    for g, g_b in grads:
        with definitions():
            opt.step([layer], [(Matrix([g]), Matrix([[g_b]]))], lr=0.01)
        for i in range(2):
            gi = g[i] + 0.01 * w[i]
            s[i] = 0.9 * s[i] + 0.1 * gi * gi
            w[i] -= 0.01 * gi / (math.sqrt(s[i]) + 1e-8)
        s_b = 0.9 * s_b + 0.1 * g_b * g_b
        b -= 0.01 * g_b / (math.sqrt(s_b) + 1e-8)
        for got, want in zip(layer.W.rows[0], w):
            assert math.isclose(got, want, rel_tol=1e-12)
        assert math.isclose(layer.b[0, 0], b, rel_tol=1e-12)
    state = json.loads(json.dumps(state_of(opt)))
    assert state["name"] == "rmsprop" and len(state["s"]) == 2
    copy = RMSprop()
    load_state(copy, state)
    assert state_of(copy) == state_of(opt)


# ---------------------------------------------------------------- dropout

def test_the_same_seed_draws_the_same_masks_and_no_dropout_draws_nothing():
    net = Network([5, 8, 6, 3], seed=0)
    assert hidden_sizes(net) == [8, 6]
    first, again = draw_masks(random.Random(4), 7, [8, 6], 0.3), draw_masks(random.Random(4), 7, [8, 6], 0.3)
    assert first == again and [M.shape for M in first] == [(7, 8), (7, 6)]
    assert first != draw_masks(random.Random(5), 7, [8, 6], 0.3)
    view = with_masks(net, first, 0.3)
    assert [type(layer).__name__ for layer in view.layers] == ["Dense", "Dropped", "Dropped"]
    assert [layer.W for layer in view.layers] == [layer.W for layer in net.layers]  # the very weights
    assert [type(layer).__name__ for layer in net.layers] == ["Dense"] * 3  # the network is left as it was


def test_masks_drop_about_q_of_the_units_and_keep_the_expected_activation():
    """E[a ⊙ m / (1 − q)] = a: the mean of many masked copies is the unmasked value."""
    q, copies = 0.4, 4000
    A = Matrix([[0.5 + 0.1 * j for j in range(10)]])
    masks = draw_masks(random.Random(1), copies, [10], q)[0]
    kept = sum(map(sum, masks.rows)) / (copies * 10)
    assert abs(kept - (1 - q)) < 0.01
    total = [0.0] * 10
    for row in masks.rows:
        for j, x in enumerate(dropped(A, Matrix([row]), q).rows[0]):
            total[j] += x
    # Each copy is a·m/(1 − q), whose standard deviation is a·√(q/(1 − q)); the mean's is that over √copies.
    for j, a in enumerate(A.rows[0]):
        assert abs(total[j] / copies - a) < 4 * a * math.sqrt(q / (1 - q) / copies)


def test_evaluation_uses_no_dropout_and_is_deterministic():
    X, labels = small_batch(n_samples=9)
    net = Network([5, 8, 3], seed=2)
    with_dropout = DropoutTraining(net, 0.5, random.Random(0))
    data = ListDataset(X, labels)
    P, result = net.probabilities(X), evaluate(net, data)
    with_dropout.loss_and_gradients(X, labels)
    assert net.probabilities(X) == P and evaluate(net, data) == result  # nothing of dropout stays behind
    # Training is where the masks come in: a step with dropout moves the weights otherwise.
    assert with_dropout.loss_and_gradients(X, labels)[2] != net.loss_and_gradients(X, labels)[2]


def test_a_network_with_dropout_trains_the_same_way_from_the_same_seed():
    X, labels = small_batch(n_samples=40, seed=7)

    def trained(seed):
        net, rng = Network([5, 8, 3], seed=0), random.Random(seed)
        train_epoch(DropoutTraining(net, 0.5, rng), RMSprop(), ListDataset(X, labels), 8, rng, 0.01)
        return [(layer.W, layer.b) for layer in net.layers]

    assert trained(0) == trained(0) != trained(1)


@pytest.mark.parametrize("q", [-0.1, 1.0, 1.5])
def test_impossible_dropout_rates(q):
    with pytest.raises(ValueError, match="dropout must be from 0 up to"):
        DropoutTraining(Network([3, 2, 2]), q, random.Random(0))


# ---------------------------------------------------------------- shifted images

@BOTH_WAYS
def test_shifted_moves_every_pixel_and_fills_with_black(definitions):
    image = bytes(range(1, 10))  # 3 × 3: 1 2 3 / 4 5 6 / 7 8 9
    with definitions():
        check_shifts(image)


def check_shifts(image):
    assert augment.shifted(image, 0, 0, (3, 3)) == image
    assert augment.shifted(image, 1, 0, (3, 3)) == bytes([0, 1, 2, 0, 4, 5, 0, 7, 8])    # right
    assert augment.shifted(image, -1, 0, (3, 3)) == bytes([2, 3, 0, 5, 6, 0, 8, 9, 0])   # left
    assert augment.shifted(image, 0, 1, (3, 3)) == bytes([0, 0, 0, 1, 2, 3, 4, 5, 6])    # down
    assert augment.shifted(image, -2, -1, (3, 3)) == bytes([6, 0, 0, 9, 0, 0, 0, 0, 0])  # left and up
    assert augment.shifted(image, 3, 0, (3, 3)) == bytes(9)                             # out of the frame
    assert augment.shifted(bytes(range(6)), 1, 1, (2, 3)) == bytes([0, 0, 0, 0, 0, 1])   # not square


def tiny_dataset(n=10):
    """n 4 × 4 images of distinct bytes, labelled 0, 1, 2, ..."""
    rng = random.Random(3)
    pixels = bytes(rng.randrange(1, 256) for _ in range(n * 16))
    return Dataset(pixels, bytes(i % 10 for i in range(n)), "tiny", "train", [str(c) for c in range(10)], (4, 4))


def test_shifted_batches_shift_each_image_and_keep_the_labels():
    data = tiny_dataset()
    pixels_before = data.pixels
    plain = list(data.batches(4, random.Random(8)))
    moved = list(Shifted(data, 1).batches(4, random.Random(8)))
    with textbook():  # the plain definitions make a Matrix of the same numbers
        assert [X.tolist() for X, _ in Shifted(data, 1).batches(4, random.Random(8))] == [X.tolist() for X, _ in moved]
    assert [labels for _, labels in moved] == [labels for _, labels in plain]  # the same order, labels unchanged
    moves = set()
    for (X, _), (X_moved, _) in zip(plain, moved):
        assert type(X_moved).__name__ == "ByteMatrix"  # still bytes: the packed product applies
        for image, image_moved in zip(X.byte_rows, X_moved.byte_rows):
            found = [(r, d) for r in (-1, 0, 1) for d in (-1, 0, 1)
                     if augment.shifted(image, r, d, (4, 4)) == image_moved]
            assert len(found) == 1  # exactly one shift of at most a pixel each way makes it
            moves.add(found[0])
    assert len(moves) > 3  # and they vary
    assert data.pixels is pixels_before  # the data set itself is not changed
    again = list(Shifted(data, 1).batches(4, random.Random(8)))
    assert [X.byte_rows for X, _ in again] == [X.byte_rows for X, _ in moved]  # same seed, same images


# ---------------------------------------------------------------- model files

def test_the_model_file_records_the_activation_and_old_files_load_as_relu(tmp_path):
    X, _ = small_batch()
    net = make_network([5, 4, 3], seed=1, activation="sigmoid")
    path = tmp_path / "sigmoid.json"
    save_network(net, str(path))
    loaded = load_network(str(path))
    assert activation_of(loaded) == "sigmoid"
    assert loaded.probabilities(X) == net.probabilities(X)

    model = json.loads(path.read_text())
    del model["activation"]  # as written before there was a choice
    path.write_text(json.dumps(model))
    old = load_network(str(path))
    assert activation_of(old) == "relu"
    relu_net = Network([5, 4, 3], seed=1)
    for layer, saved in zip(relu_net.layers, loaded.layers):
        layer.W, layer.b = saved.W, saved.b
    assert old.probabilities(X) == relu_net.probabilities(X) != net.probabilities(X)


@pytest.mark.parametrize("activation", ["swish", 3, None])
def test_a_model_file_with_an_unknown_activation_is_refused(tmp_path, activation):
    path = tmp_path / "model.json"
    save_network(make_network([3, 2, 2]), str(path))
    model = json.loads(path.read_text())
    model["activation"] = activation
    path.write_text(json.dumps(model))
    with pytest.raises(ModelFileError, match="activation must be one of relu, leaky_relu, sigmoid, tanh"):
        load_network(str(path))
