"""network/layer_health.py: each layer's health, recorded while training, is what its definitions
say of the network at those moments, and watching changes nothing."""

import copy
import math
import random

import pytest

from network import SGD, Network, train_epoch
from network import layer_health
from network.adam import Adam
from network.architecture import make_network
from network.layer_health import LayerHealth, layer_names


def weights(net):
    return [(layer.W.rows, layer.b.rows) for layer in net.layers]


def rms(values):
    values = list(values)
    return math.sqrt(sum(v * v for v in values) / len(values))


def train_watched(net, data, optimizer, epochs=2, batch_size=64, activation="relu"):
    """Train net on data, watched by a LayerHealth; also keep a copy of the network after every update
    (and before the first). (health, {step: the network after that update})."""
    health = LayerHealth(net, data, batch_size, activation)
    copies = {0: copy.deepcopy(net)}
    batches = -(-len(data) // batch_size)

    def keep(batch):
        copies[(batch.epoch - 1) * batches + batch.number] = copy.deepcopy(net)

    rng = random.Random(0)
    for epoch in range(1, epochs + 1):
        train_epoch(net, optimizer, data, batch_size, rng, 0.05, epoch, on_batch=[health.after_batch, keep])
    return health, copies


@pytest.fixture(scope="module")
def data(test_set):
    return test_set.take(640)  # 10 mini-batches of 64


def test_each_record_is_the_networks_health_at_that_moment(data, monkeypatch):
    monkeypatch.setattr(layer_health, "EVERY_IMAGES", 192)  # every 3 mini-batches of 64
    net = Network([784, 16, 10], seed=0)
    health, copies = train_watched(net, data, SGD(0.9))
    assert [r["step"] for r in health.records] == [3, 6, 9, 10, 13, 16, 19, 20]  # and each epoch's last
    assert [r["epochs"] for r in health.records] == [s / 10 for s in (3, 6, 9, 10, 13, 16, 19, 20)]
    sample, labels = data.matrix(range(32)), list(data.labels[:32])
    for record in health.records:
        after, before = copies[record["step"]], copies[record["step"] - 1]
        Z, A = after.forward(sample)
        gradients = after.backward(Z, A, labels)
        hidden, output = record["layers"]
        values = [a for row in A[1].rows for a in row]
        mean = sum(values) / len(values)
        assert hidden["mean"] == pytest.approx(mean, rel=1e-12)
        assert hidden["spread"] == pytest.approx(rms(a - mean for a in values), rel=1e-9)
        assert hidden["flat"] == sum(z <= 0 for row in Z[1].rows for z in row) / len(values)
        assert (output["mean"], output["spread"], output["flat"]) == (None, None, None)
        for health_l, layer_after, layer_before, (dW, _) in zip(record["layers"], after.layers, before.layers,
                                                              gradients):
            assert health_l["gradient"] == pytest.approx(rms(g for row in dW.rows for g in row), rel=1e-9)
            change = rms(w - v for r, q in zip(layer_after.W.rows, layer_before.W.rows) for w, v in zip(r, q))
            size = rms(w for row in layer_after.W.rows for w in row)
            assert health_l["update"] == pytest.approx(math.log10(change / size), rel=1e-9)


def test_watching_changes_no_weight(data):
    watched, plain = Network([784, 16, 10], seed=4), Network([784, 16, 10], seed=4)
    train_watched(watched, data, Adam(), epochs=1)
    train_epoch(plain, Adam(), data, 64, random.Random(0), 0.05, 1)
    assert weights(watched) == weights(plain)


def test_sigmoid_units_count_as_flat_where_saturated(data):
    net = make_network([784, 16, 10], seed=0, activation="sigmoid")
    health, copies = train_watched(net, data, SGD(0.9), epochs=1, activation="sigmoid")
    record = health.records[-1]
    A = copies[record["step"]].forward(data.matrix(range(32)))[1][1]
    values = [a for row in A.rows for a in row]
    assert record["layers"][0]["flat"] == sum(a < 0.01 or a > 0.99 for a in values) / len(values)


def test_a_cnn_s_convolution_is_watched_through_its_feature_maps(data):
    net = make_network([784, 10], seed=0, conv=[(2, 5)])
    health, copies = train_watched(net, data.take(128), SGD(0.9), epochs=1)
    (record,) = health.records  # 2 mini-batches: the epoch's last is looked at
    conv, output = record["layers"]
    maps = net.phi(copies[2].forward(data.matrix(range(32)))[0][1])
    values = [a for row in maps.rows for a in row]
    assert conv["mean"] == pytest.approx(sum(values) / len(values), rel=1e-12) and len(values) == 32 * 2 * 576
    assert output["mean"] is None and output["update"] < 0
    assert layer_names(net) == ["layer 1 (convolution)", "layer 2 (output)"]
    assert layer_names(Network([784, 16, 8, 10])) == ["layer 1", "layer 2", "layer 3 (output)"]
