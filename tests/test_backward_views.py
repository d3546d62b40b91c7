"""show/backward_views.py: every number the pages show of one digit's backward pass, held to the
definition of the derivative of the network's own loss, and the step to network/sgd.py's SGD.

L = −ln p_label for one image, computed by the network itself (cross_entropy of its
probabilities). Each derivative is compared with the central difference
(L(θ + h) − L(θ − h)) / 2h, h = 10⁻⁵, as tests/test_network.py does for training's gradients.
"""

import copy
import math

import pytest

from my_math import Matrix
from network import SGD, Network
from network.architecture import make_network
from network.loss import cross_entropy
from show.backward_views import backward, cell_sum, output_and_step, unit_backward

H = 1e-5


def loss_of(net, inputs, label):
    """The network's own loss on one image: −ln p_label."""
    return cross_entropy(net.probabilities(Matrix([inputs])), [label])


def central_difference(loss_at, value):
    """(L(value + h) − L(value − h)) / 2h, with loss_at(v) the loss when the number is v."""
    return (loss_at(value + H) - loss_at(value - H)) / (2 * H)


def close(numeric, analytic):
    """Within a relative 10⁻⁶ (10⁻⁹ absolute where both are below 10⁻⁷), as tests/test_network.py asks."""
    scale = abs(numeric) + abs(analytic)
    return abs(numeric - analytic) / scale < 1e-6 if scale > 1e-7 else abs(numeric - analytic) < 1e-9


def changed_parameter(parameter, k, j, net, inputs, label):
    """loss_at(v): the loss with parameter[k, j] = v (and then put back)."""
    def loss_at(v):
        original = parameter[k, j]
        parameter[k, j] = v
        try:
            return loss_of(net, inputs, label)
        finally:
            parameter[k, j] = original
    return loss_at


@pytest.fixture(scope="module")
def digit(test_set):
    """Test image 0 (a 7), as the 784 inputs the network reads."""
    return [p / 255 for p in test_set.image(0)]


def nets():
    """Small networks of every kind a unit's error passes through: ReLU, sigmoid, two hidden layers."""
    sigmoid = make_network([784, 12, 10], seed=2, activation="sigmoid")
    return {"relu": Network([784, 12, 10], seed=1), "sigmoid": sigmoid, "two hidden layers": Network([784, 12, 8, 10], seed=3)}


@pytest.mark.parametrize("label", [None, 3])
def test_the_input_gradient_is_the_finite_difference_of_the_loss_for_every_pixel(digit, label):
    net = Network([784, 12, 10], seed=1)
    b = backward(net, digit, label)
    fields = output_and_step(net, b, 0.1)
    assert b.label == (net.predict(Matrix([digit]))[0] if label is None else label) == fields["label"]
    assert fields["loss"] == loss_of(net, digit, b.label)
    gradient = fields["input_gradient"]
    assert len(gradient) == 784
    wrong = []
    for k in range(784):
        def loss_at(v):
            return loss_of(net, digit[:k] + [v] + digit[k + 1:], b.label)
        numeric = central_difference(loss_at, digit[k])
        if not close(numeric, gradient[k]):
            wrong.append((k, numeric, gradient[k]))
    assert wrong == []


def test_the_output_error_is_p_minus_y(digit):
    net = Network([784, 12, 10], seed=1)
    b = backward(net, digit, 4)
    P = net.probabilities(Matrix([digit])).rows[0]
    assert output_and_step(net, b, 0.1)["output_error"] == [p - (c == 4) for c, p in enumerate(P)]


@pytest.mark.parametrize("kind", list(nets()))
def test_a_units_delta_and_weight_gradient_are_finite_differences(digit, kind):
    net = nets()[kind]
    first = net.layers[0]
    b = backward(net, digit, 2)
    z = b.Z[1].rows[0]
    j = max(range(len(z)), key=z.__getitem__)  # a unit that fires: for ReLU, one whose error is not 0
    unit = unit_backward(net, b, j, 8)
    # δ = ∂L/∂z_j = ∂L/∂b_j, as z_j = b_j + Σ_k x_k w_kj
    assert close(central_difference(changed_parameter(first.b, 0, j, net, digit, 2), first.b[0, j]), unit["delta"])
    assert unit["delta"] != 0 and unit["bias_gradient"] == unit["delta"]
    inked = [k for k in range(784) if digit[k]]
    for k in inked[::7] + [0, 783]:  # every seventh pixel with ink, and two corners without
        numeric = central_difference(changed_parameter(first.W, k, j, net, digit, 2), first.W[k, j])
        assert close(numeric, unit["weight_gradient"][k]), k
    assert unit["weight_gradient"] == [x * unit["delta"] for x in digit]  # δ · x, one image
    # Written out: δ = φ′(z) · Σ_u w_ju dz_u, the terms listed largest first, the others added up.
    terms = unit["backward"]
    shown = sum(term["wdz"] for term in terms["terms"]) + terms["others"]["sum"]
    assert shown == pytest.approx(terms["sum"], abs=1e-15)
    assert terms["slope"] * terms["sum"] == pytest.approx(unit["delta"], rel=1e-12)
    assert [abs(term["wdz"]) for term in terms["terms"]] == sorted((abs(t["wdz"]) for t in terms["terms"]),
                                                                   reverse=True)
    assert terms["to_output"] == (kind != "two hidden layers")
    assert len(terms["terms"]) + terms["others"]["count"] == net.layers[1].W.shape[1]
    if terms["to_output"]:
        P = net.probabilities(Matrix([digit])).rows[0]
        assert [term["dz"] for term in terms["terms"]] == [P[t["unit"]] - (t["unit"] == 2) for t in terms["terms"]]


def test_a_relu_unit_that_does_not_fire_passes_no_error_back(digit):
    net = Network([784, 12, 10], seed=1)
    b = backward(net, digit, 2)
    z = b.Z[1].rows[0]
    j = min(range(len(z)), key=z.__getitem__)
    assert z[j] < 0
    unit = unit_backward(net, b, j, 8)
    assert (unit["delta"], unit["backward"]["slope"], unit["bias_gradient"]) == (0.0, 0.0, 0.0)
    assert not any(unit["weight_gradient"])
    numeric = central_difference(changed_parameter(net.layers[0].b, 0, j, net, digit, 2), net.layers[0].b[0, j])
    assert numeric == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("lr", [0.1, 1e-4])
def test_the_loss_after_a_step_is_that_of_a_copy_stepped_by_sgd_and_the_network_is_unchanged(digit, lr):
    net = Network([784, 12, 10], seed=1)
    before = copy.deepcopy(net)
    b = backward(net, digit, 5)
    fields = output_and_step(net, b, lr)
    stepped = copy.deepcopy(net)
    loss, _, gradients = stepped.loss_and_gradients(Matrix([digit]), [5])
    SGD(0.0).step(stepped.layers, gradients, lr)
    assert fields["loss"] == loss and fields["lr"] == lr
    assert fields["loss_after_step"] == loss_of(stepped, digit, 5)
    for layer, kept in zip(net.layers, before.layers):
        assert (layer.W.rows, layer.b.rows) == (kept.W.rows, kept.b.rows)
    # And it is a step down the gradient: for a small step, L falls by about η·|g|² (Taylor).
    squares = sum(g * g for dW, db in gradients for M in (dW, db) for row in M.rows for g in row)
    if lr == 1e-4:
        assert (fields["loss"] - fields["loss_after_step"]) / (lr * squares) == pytest.approx(1, rel=0.01)
    assert fields["loss_after_step"] < fields["loss"]


def test_a_cnn_s_input_gradient_is_the_finite_difference_through_its_pooling(digit):
    net = make_network([784, 10], seed=0, conv=[(2, 5)])
    b = backward(net, digit, 7)
    gradient = output_and_step(net, b, 0.1)["input_gradient"]
    inked = [k for k in range(784) if digit[k]]
    # Pixels with ink only: far from it every z is the bias, 0, on ReLU's kink, where there is no derivative.
    for k in inked[::10]:
        def loss_at(v):
            return loss_of(net, digit[:k] + [v] + digit[k + 1:], 7)
        assert close(central_difference(loss_at, digit[k]), gradient[k]), k


def test_a_cells_sum_is_the_convolutions_own_and_says_whether_it_won_its_window(digit):
    net = make_network([784, 10], seed=0, conv=[(2, 5)])
    b = backward(net, digit, 7)
    maps = net.phi(b.Z[1]).rows[0]
    wins = 0
    for row, col in [(10, 11), (11, 11), (10, 10), (11, 10), (0, 0), (23, 23), (15, 6)]:
        cell = cell_sum(net, b, 1, row, col)
        place = (24 + row) * 24 + col  # filter 1's maps come after filter 0's 24 × 24
        image = [[digit[(row + kr) * 28 + col + kc] for kc in range(5)] for kr in range(5)]
        assert cell["patch"] == [x for line in image for x in line]
        assert cell["weights"] == [w_row[1] for w_row in net.layers[0].W.rows]
        assert cell["products"] == [x * w for x, w in zip(cell["patch"], cell["weights"])]
        assert cell["z"] == pytest.approx(b.Z[1].rows[0][place], abs=1e-12)
        assert cell["activation"] == maps[place] and cell["function"] == "relu"
        window = cell["pooling"]
        top, left = 2 * (row // 2), 2 * (col // 2)
        values = [maps[(24 + top + kr) * 24 + left + kc] for kr in range(2) for kc in range(2)]
        assert (window["row"], window["column"], window["values"]) == (top, left, values)
        assert window["winner"] == values.index(max(values))  # the first of equals, as the pooling takes it
        assert window["won"] == ((row - top) * 2 + col - left == window["winner"])
        pooled = b.A[1].rows[0][(144 + row // 2 * 12 + col // 2)]
        assert values[window["winner"]] == pooled  # what the pooling passed on
        wins += window["won"]
    assert 0 < wins < 7


def test_a_cell_in_a_row_no_window_covers_has_no_pooling():
    net = make_network([784, 10], seed=0, conv=[(1, 4)])  # maps of 25 × 25: row and column 24 are left out
    b = backward(net, [0.5] * 784, 0)
    assert cell_sum(net, b, 0, 24, 3)["pooling"] is None
    assert cell_sum(net, b, 0, 23, 3)["pooling"] is not None
    assert math.isfinite(cell_sum(net, b, 0, 24, 24)["z"])
