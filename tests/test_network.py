"""The network: gradients by finite differences, the output gradient (P − Y) / m, optimizers, model files."""

import json
import math
import os
import random
import stat

import pytest

from my_math import Matrix
from network import SGD, Network, TrainingDiverged, evaluate, train_epoch
from network.activations import relu, relu_backward, softmax
from network.adam import Adam
from network.architecture import make_network, parameter_count, sizes
from network.loss import cross_entropy, one_hot
from network.model_file import ModelFileError, load_network, save_network
from network.optimizer_state import load_state, state_of
from network.schedules import SCHEDULES
from network.weight_decay import WeightDecay


def small_batch(n_inputs=5, n_samples=6, n_classes=3, seed=1):
    rng = random.Random(seed)
    X = Matrix.random_normal(n_samples, n_inputs, 0.0, 1.0, rng)
    labels = [rng.randrange(n_classes) for _ in range(n_samples)]
    return X, labels


class ListDataset:
    """A data set held in a Matrix, with the batches() contract of data.Dataset."""

    def __init__(self, X, labels):
        self.X, self.labels = X, labels

    def __len__(self):
        return len(self.labels)

    def batches(self, batch_size, rng=None):
        order = list(range(len(self)))
        if rng is not None:
            rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            yield Matrix([self.X.rows[i][:] for i in chosen]), [self.labels[i] for i in chosen]


# ---------------------------------------------------------------- gradients


def finite_difference_problems(net, X, labels):
    """Every weight and bias whose gradient, from net.loss_and_gradients(X, labels), differs from the
    central difference (L(θ + h) − L(θ − h)) / 2h, h = 10⁻⁵, by a relative 10⁻⁶ or more (by
    10⁻⁹ where both are below 10⁻⁷ in size): [(parameter, k, j, numeric, analytic)]. net may be
    a view of a network through dropout masks (network/dropout.py: with_masks)."""
    _, _, gradients = net.loss_and_gradients(X, labels)
    h, problems, checked = 1e-5, [], 0
    for l, (layer, (dW, db)) in enumerate(zip(net.layers, gradients), 1):
        assert dW.shape == layer.W.shape and db.shape == layer.b.shape
        for name, parameter, gradient in (("W", layer.W, dW), ("b", layer.b, db)):
            n_rows, n_cols = parameter.shape
            for k in range(n_rows):
                for j in range(n_cols):
                    original = parameter[k, j]
                    parameter[k, j] = original + h
                    loss_plus = net.loss_and_gradients(X, labels)[0]
                    parameter[k, j] = original - h
                    loss_minus = net.loss_and_gradients(X, labels)[0]
                    parameter[k, j] = original
                    numeric, analytic = (loss_plus - loss_minus) / (2 * h), gradient[k, j]
                    scale = abs(numeric) + abs(analytic)
                    if (abs(numeric - analytic) / scale >= 1e-6) if scale > 1e-7 else abs(numeric - analytic) >= 1e-9:
                        problems.append((f"{name}{l}", k, j, numeric, analytic))
                    checked += 1
    assert checked == parameter_count(net)
    return problems


def test_gradients_match_central_finite_differences_for_every_parameter():
    """∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h for every weight and bias of a 3-layer network."""
    net = Network([5, 4, 3, 3], seed=3)
    X, labels = small_batch()
    assert parameter_count(net) == 5 * 4 + 4 + 4 * 3 + 3 + 3 * 3 + 3
    assert finite_difference_problems(net, X, labels) == []


def test_the_output_gradient_is_the_chain_rule_through_softmax():
    """dZ_last = (P − Y) / m, as Network.backward starts, against ∂L/∂P pushed back through the softmax's
    Jacobian, the long way; and the last layer's db, the column sums of dZ_last, as backward gives it."""
    rng = random.Random(0)
    Z = Matrix.random_normal(4, 5, 0.0, 3.0, rng)
    labels = [0, 3, 4, 3]
    P = softmax(Z)
    m = len(labels)
    expected = []
    for p, y in zip(P.rows, labels):
        dL_dp = [(-1.0 / (m * p[k]) if k == y else 0.0) for k in range(len(p))]
        expected.append([sum(dL_dp[k] * p[k] * ((k == j) - p[j]) for k in range(len(p)))
                         for j in range(len(p))])
    fused = (P - one_hot(labels, 5)) / m
    for got_row, want_row in zip(fused.rows, expected):
        for got, want in zip(got_row, want_row):
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-15)
    net = Network([3, 5], seed=0)
    X = Matrix.random_normal(4, 3, 0.0, 1.0, rng)
    Z, A = net.forward(X)
    (_, db), = net.backward(Z, A, labels)
    assert db == ((A[-1] - one_hot(labels, 5)) / m).sum(axis=0)


def test_loss_is_mean_negative_log_probability_of_the_true_class():
    P = Matrix([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]])
    assert math.isclose(cross_entropy(P, [0, 1]), -(math.log(0.5) + math.log(0.8)) / 2)
    assert one_hot([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_softmax_is_safe_for_huge_inputs_and_log_never_sees_zero():
    P = softmax(Matrix([[1000.0, 0.0, -1000.0], [1e308, 1e308, 1e308]]))
    assert math.isclose(sum(P.rows[0]), 1.0) and math.isclose(sum(P.rows[1]), 1.0)
    assert P.rows[0][2] == 0.0
    loss = cross_entropy(P, [2, 0])
    assert math.isfinite(loss) and loss > 300  # (−log 1e-300 − log ⅓) / 2


def test_relu_and_its_backward_pass():
    assert relu(Matrix([[-2, 0, 3]])).tolist() == [[0, 0, 3]]
    assert relu_backward(Matrix([[5, 6, -7]]), Matrix([[-2, 0, 3]])).tolist() == [[0, 0, -7]]


# ---------------------------------------------------------------- the network


def test_predictions_are_probabilities_and_argmax():
    net = Network([784, 256, 128, 10], seed=0)
    X = Matrix.random_normal(3, 784, 0.0, 1.0, random.Random(1))
    P = net.probabilities(X)
    assert P.shape == (3, 10)
    for row in P.rows:
        assert math.isclose(sum(row), 1.0) and all(p >= 0 for p in row)
    assert net.predict(X) == P.argmax(axis=1)
    assert [layer.W.shape for layer in net.layers] == [(784, 256), (256, 128), (128, 10)]


def test_he_initialisation():
    net = Network([784, 128, 10], seed=0)
    W = net.layers[0].W
    std = math.sqrt((W * W).sum() / (784 * 128))
    assert abs(std - math.sqrt(2 / 784)) < 0.002
    assert net.layers[0].b.tolist() == [[0.0] * 128]


@pytest.mark.parametrize("bad", [[784], [784, 0, 10], [784, "128", 10], []])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="sizes"):
        Network(bad)
    with pytest.raises(ValueError, match="sizes"):
        make_network(bad)


def test_the_scripts_networks_are_the_first_readings():
    """make_network (what train.py builds) draws the very weights Network(sizes, seed) draws, and
    its forward and backward passes are Network's own."""
    made, plain = make_network([20, 7, 3], seed=4), Network([20, 7, 3], seed=4)
    assert type(made) is Network
    assert [(l.W, l.b) for l in made.layers] == [(l.W, l.b) for l in plain.layers]


def test_evaluate_matches_a_direct_computation():
    X, labels = small_batch(n_samples=7)
    net = Network([5, 4, 3], seed=0)
    loss, accuracy, predicted, confidence = evaluate(net, ListDataset(X, labels), batch_size=3)
    P = net.probabilities(X)
    assert math.isclose(loss, cross_entropy(P, labels))
    assert predicted == P.argmax(axis=1)
    assert confidence == [row[j] for row, j in zip(P.rows, predicted)]
    assert accuracy == sum(p == y for p, y in zip(P.argmax(axis=1), labels)) / 7


def train_small(seed, optimizer, epochs=2, lr=0.05):
    X, labels = small_batch(n_samples=40, seed=7)
    net = Network([5, 8, 3], seed=seed)
    rng = random.Random(seed)
    for epoch in range(epochs):
        train_epoch(net, optimizer, ListDataset(X, labels), 8, rng, lr, epoch + 1)
    return net


@pytest.mark.parametrize("make_optimizer", [lambda: WeightDecay(SGD(momentum=0.9), 1e-3), lambda: Adam()])
def test_same_seed_same_weights(make_optimizer):
    a, b, c = (train_small(s, make_optimizer()) for s in (0, 0, 1))
    assert [(l.W, l.b) for l in a.layers] == [(l.W, l.b) for l in b.layers]
    assert [l.W for l in a.layers] != [l.W for l in c.layers]


def test_training_learns_real_digits(mnist_sets):
    train, test = mnist_sets
    net = Network([784, 32, 10], seed=0)
    rng = random.Random(0)
    for epoch in range(2):
        train_epoch(net, Adam(), train.take(1500), 32, rng, 0.003, epoch + 1)
    loss, accuracy, _, _ = evaluate(net, test.take(500))
    assert accuracy > 0.8 and loss < 0.7


def test_divergence_stops_training_with_a_clear_message():
    X, labels = small_batch(n_samples=40, seed=7)
    X = X * 1e6
    net = Network([5, 8, 3], seed=0)
    with pytest.raises(TrainingDiverged, match=r"loss became (nan|inf) at epoch 3, batch \d+: try a smaller --lr"):
        for _ in range(20):
            train_epoch(net, SGD(0.0), ListDataset(X, labels), 8, random.Random(0), 1e6, epoch=3)


# ---------------------------------------------------------------- optimizers and schedules


class OneLayer:
    def __init__(self, w, b):
        self.W, self.b = Matrix([w]), Matrix([b])


def test_sgd_plain_momentum_and_weight_decay_follow_their_formulas():
    layer = OneLayer([1.0, -2.0], [0.5])
    g = (Matrix([[0.5, 0.25]]), Matrix([[1.0]]))
    SGD(0.0).step([layer], [g], lr=0.1)
    assert layer.W.tolist() == [[1.0 - 0.1 * 0.5, -2.0 - 0.1 * 0.25]]

    layer = OneLayer([1.0], [2.0])
    opt = WeightDecay(SGD(momentum=0.9), 0.1)
    w, v, b, v_b = 1.0, 0.0, 2.0, 0.0
    for _ in range(3):
        opt.step([layer], [(Matrix([[0.5]]), Matrix([[0.25]]))], lr=0.1)
        v = 0.9 * v - 0.1 * (0.5 + 0.1 * w)
        w = w + v
        v_b = 0.9 * v_b - 0.1 * 0.25  # the bias is not decayed
        b = b + v_b
        assert math.isclose(layer.W[0, 0], w, rel_tol=1e-15)
        assert math.isclose(layer.b[0, 0], b, rel_tol=1e-15)


def test_adam_follows_the_paper_with_bias_correction():
    layer = OneLayer([1.0, -1.0], [3.0])
    opt = WeightDecay(Adam(), 0.01)
    w, m, v = [1.0, -1.0], [0.0, 0.0], [0.0, 0.0]
    grads = [[0.3, -0.1], [0.2, 0.05], [-0.4, 0.2]]
    for t, g in enumerate(grads, 1):
        opt.step([layer], [(Matrix([g]), Matrix([[0.0]]))], lr=0.01)
        for i in range(2):
            gi = g[i] + 0.01 * w[i]
            m[i] = 0.9 * m[i] + 0.1 * gi
            v[i] = 0.999 * v[i] + 0.001 * gi * gi
            m_hat, v_hat = m[i] / (1 - 0.9 ** t), v[i] / (1 - 0.999 ** t)
            w[i] -= 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8)
        for got, want in zip(layer.W.rows[0], w):
            assert math.isclose(got, want, rel_tol=1e-12)
        assert layer.b[0, 0] == 3.0  # a zero gradient and no decay of the bias: it stays


def test_optimizer_state_round_trips_through_json():
    net = train_small(0, Adam(), epochs=1)
    opt = Adam()
    X, labels = small_batch(n_samples=8, seed=7)
    opt.step(net.layers, net.loss_and_gradients(X, labels)[2], 0.01)
    state = json.loads(json.dumps(state_of(opt)))
    copy = Adam()
    load_state(copy, state)
    assert state_of(copy) == state_of(opt)


def test_schedules():
    cosine = SCHEDULES["cosine"]
    values = [cosine(0.1, e, 10) for e in range(10)]
    assert values[0] == 0.1 and all(a > b > 0 for a, b in zip(values, values[1:]))
    assert SCHEDULES["constant"](0.1, 7, 10) == 0.1
    step = SCHEDULES["step"]
    assert [step(1.0, e, 20) for e in (0, 4, 5, 9, 10, 15, 19)] == [1, 1, 0.5, 0.5, 0.25, 0.125, 0.125]
    assert [step(1.0, e, 5) for e in range(5)] == [1, 1, 0.5, 0.5, 0.25]  # short runs too
    assert [step(1.0, e, 2) for e in range(2)] == [1, 0.5]


@pytest.mark.parametrize("epochs, last", [(1, 1), (2, 0.5), (3, 0.25), (4, 0.125), (5, 0.25), (6, 0.25), (7, 0.125),
                                          (8, 0.125), (9, 0.25), (10, 0.125), (11, 0.125), (20, 0.125), (37, 0.125)])
def test_the_step_schedule_ends_where_its_docstring_says(epochs, last):
    """An eighth of the starting rate in runs of 4, 7, 8 or 10 and more epochs; a quarter in runs of 3,
    5, 6 and 9; half in 2; all of it in 1 (network/schedules.py, docs/math.md section 10)."""
    assert SCHEDULES["step"](1.0, epochs - 1, epochs) == last


# ---------------------------------------------------------------- model file


def test_save_load_is_exact(tmp_path):
    net = train_small(0, Adam())
    path = tmp_path / "sub" / "model.json"
    net.metadata = {}
    save_network(net, str(path), metadata={"dataset": "test", "test_accuracy": 0.5})
    loaded = load_network(str(path))
    assert type(loaded) is Network and sizes(loaded) == sizes(net)
    assert [(l.W, l.b) for l in loaded.layers] == [(l.W, l.b) for l in net.layers]
    assert loaded.metadata == {"dataset": "test", "test_accuracy": 0.5}
    X, _ = small_batch()
    assert loaded.probabilities(X) == net.probabilities(X)
    assert [p.name for p in path.parent.iterdir()] == ["model.json"], "no temporary file left behind"


def model_dict():
    net = Network([3, 2, 2], seed=0)
    return {"format": "pure-python-network", "version": 1, "sizes": [3, 2, 2],
            "layers": [{"weights": l.W.tolist(), "bias": l.b.tolist()[0]} for l in net.layers],
            "metadata": {}}


def broken(change):
    model = model_dict()
    change(model)
    return json.dumps(model)


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ("[]", "not a model file of this project"),
    (broken(lambda m: m.update(format="other")), "not a model file of this project"),
    (broken(lambda m: m.update(version=3)), "has version 3; this program reads versions 1 and 2"),
    (broken(lambda m: m.update(sizes=[3, 2])), "need 1 layers"),
    (broken(lambda m: m.update(sizes="3")), "sizes must be"),
    (broken(lambda m: m["layers"][1].update(weights=[[1.0, 2.0]])), "layer 2 weights must be 2 × 2"),
    (broken(lambda m: m["layers"][0].update(bias=[1.0])), "layer 1 bias must be 1 × 2"),
    (broken(lambda m: m["layers"][0]["weights"][0].__setitem__(0, "x")), "'x', which is not a number"),
    (broken(lambda m: m["layers"][0]["weights"][0].__setitem__(0, float("nan"))), "not a finite number"),
    (broken(lambda m: m.update(metadata=[])), "metadata must be"),
])
def test_bad_model_files_give_one_clear_line(tmp_path, text, message):
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(ModelFileError) as error:
        load_network(str(path))
    assert message in str(error.value)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_missing_model_file_and_folder(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_network(str(tmp_path / "missing.json"))
    with pytest.raises(ModelFileError, match="folder"):
        load_network(str(tmp_path))


def test_a_failed_save_leaves_the_old_file_untouched(tmp_path):
    net = make_network([3, 2, 2], seed=0)
    path = tmp_path / "model.json"
    save_network(net, str(path))
    before = path.read_bytes()
    net.layers[0].W.rows[0][0] = float("nan")
    with pytest.raises(ValueError):
        save_network(net, str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_ctrl_c_just_after_the_file_is_replaced_is_still_a_ctrl_c(tmp_path, monkeypatch):
    """A KeyboardInterrupt arriving right after os.replace must reach the caller as itself,
    not as an error about the temporary file, which is already gone."""
    replace = os.replace

    def replace_then_ctrl_c(source, target):
        replace(source, target)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace_then_ctrl_c)
    path = tmp_path / "model.json"
    with pytest.raises(KeyboardInterrupt):
        save_network(make_network([3, 2, 2], seed=0), str(path))
    assert sizes(load_network(str(path))) == [3, 2, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_a_saved_model_gets_the_usual_file_mode(tmp_path):
    mask = os.umask(0o022)
    try:
        path = tmp_path / "model.json"
        save_network(make_network([3, 2, 2], seed=0), str(path))
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(mask)
