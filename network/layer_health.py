"""Layer health: how each layer's activations, gradients and steps look while training goes on.

The loss says that training goes well or badly, seldom where. Karpathy's lecture on
activations and gradients (makemore, part 3) watches every layer instead, and so does
this train_epoch listener, every 16 384 training images and at the end of each
epoch, for each layer with weights (l = 1, 2, ..., as in network.py):

    mean, spread  the mean and the standard deviation of its activations φ(Z_l), over the
                  units and a fixed sample of training images: a spread that shrinks
                  towards 0 layer after layer is a signal fading away, one that keeps
                  growing is exploding (the output layer has none: its P are probabilities)
    flat          the share of its activations on a flat part of φ, where little or no
                  gradient passes back: z ≤ 0 for the ReLU family (relu′ = 0 there, leaky
                  ReLU's slope is α), within 0.01 of a limit for sigmoid and tanh, as
                  network/diagnosis.py counts dead and saturated units
    gradient      the size of the gradient of its weights on the sample, RMS(dW)
    update        the size of the last update of its weights for the size of the weights,
                  log₁₀(RMS(ΔW) / RMS(W)), ΔW = W after − W before the update, whatever the
                  optimizer made of the gradient (momentum, Adam, weight decay): about −3 is
                  the rule of thumb; far below, the layer hardly moves; near −1, each step
                  changes a tenth of it, and it jumps about

RMS(M) = √(mean of m²) over a matrix's elements. Nothing here changes the network or
draws a random number: a run watched like this ends with the same weights as without.
train.py draws the records at the end of a run (show/plots.py: plots/NAME-layers.png), and
the live page shows them as they come (show/live_server.py).
"""

import math
from operator import mul, sub

from my_math import Matrix

from .convolution import Conv
from .diagnosis import LIMITS, SATURATION_EDGE

EVERY_IMAGES = 16384  # training images between two looks: 128 mini-batches of 128 (a look costs about as much as half a step)
SAMPLE = 32  # training images whose activations and gradient are looked at, the same ones every time


class LayerHealth:
    """A train_epoch listener that records the health of every layer of net now and then (records).

    train_set gives the sample (its first SAMPLE images) and the number of mini-batches of
    an epoch, of batch_size images; activation names φ. Each record is a dict: "step" (the
    mini-batch of the run, from 1), "epochs" (how far, in epochs: 1.5 is half way through
    epoch 2) and "layers", one dict per layer with "mean", "spread", "flat" (None for the
    output layer), "gradient" and "update" (None when it cannot be said: weights all 0).
    """

    def __init__(self, net, train_set, batch_size, activation="relu"):
        count = min(SAMPLE, len(train_set))
        self.net = net
        self.sample, self.labels = train_set.matrix(range(count)), list(train_set.labels[:count])
        self.batches = -(-len(train_set) // batch_size)  # mini-batches an epoch
        self.every = max(1, round(EVERY_IMAGES / batch_size))
        self.activation = activation
        self.records = []
        self.before = self._weights() if self._looked_at(1) else None  # the weights before the next update looked at

    def after_batch(self, batch):
        """After the update of mini-batch batch: record it if it is one looked at, and keep the weights
        if the next one is."""
        if self._looked_at(batch.number) and self.before is not None:
            step = (batch.epoch - 1) * self.batches + batch.number
            self.records.append({"step": step, "epochs": step / self.batches, "layers": self.measure(self.before)})
        following = batch.number + 1 if batch.number < self.batches else 1
        self.before = self._weights() if self._looked_at(following) else None

    def measure(self, before):
        """The health of every layer now, the weights having been before before the last update."""
        Z, A = self.net.forward(self.sample)
        gradients = self.net.backward(Z, A, self.labels)
        last = len(self.net.layers)
        found = []
        for l, (layer, (dW, _), W_before) in enumerate(zip(self.net.layers, gradients, before), 1):
            health = {"mean": None, "spread": None, "flat": None} if l == last else self.activations(Z[l])
            size = rms(layer.W)
            change = rms_difference(layer.W, W_before)
            health["gradient"] = finite(rms(dW))
            health["update"] = finite(math.log10(change / size)) if change > 0 and size > 0 else None
            found.append(health)
        return found

    def activations(self, Z_l):
        """{"mean", "spread", "flat"} of the activations φ(Z_l) of a hidden layer."""
        values = [a for row in self.net.phi(Z_l).rows for a in row]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((a - mean) ** 2 for a in values) / len(values))
        if self.activation in LIMITS:
            low, high = LIMITS[self.activation]
            flat = sum(1 for a in values if a - low < SATURATION_EDGE or high - a < SATURATION_EDGE)
        else:  # the ReLU family: flat (or, for leaky ReLU, nearly) where z ≤ 0
            flat = sum(1 for row in Z_l.rows for z in row if z <= 0.0)
        return {"mean": finite(mean), "spread": finite(spread), "flat": flat / len(values)}

    def _looked_at(self, number):
        """Whether mini-batch number (of an epoch, from 1) is one whose update is looked at."""
        return number % self.every == 0 or number == self.batches

    def _weights(self):
        """Every layer's W now. Optimizers give a layer a new matrix rather than change its own, so
        keeping them is enough; their rows are read now, as --workers fetch some only until the next update."""
        return [Matrix(layer.W.rows, check=False) for layer in self.net.layers]


def layer_names(net):
    """What the records' layers are called, in order: "layer 1", ..., "layer 1 (convolution)", "layer 3 (output)"."""
    last = len(net.layers)
    return [f"layer {l}" + (" (output)" if l == last else " (convolution)" if isinstance(layer, Conv) else "")
            for l, layer in enumerate(net.layers, 1)]


def rms(M):
    """√(mean of m²) over the elements of M: the size of a typical element. (Row by row with map, which
    loops in C: a look at the layers costs training less.)"""
    rows, columns = M.shape
    return math.sqrt(sum(sum(map(mul, row, row)) for row in M.rows) / (rows * columns))


def rms_difference(M, N):
    """rms(M − N), without making M − N."""
    rows, columns = M.shape
    total = 0.0
    for m_row, n_row in zip(M.rows, N.rows):
        difference = list(map(sub, m_row, n_row))
        total += sum(map(mul, difference, difference))
    return math.sqrt(total / (rows * columns))


def finite(x):
    """x, or None when it is infinite or not a number (JSON has neither)."""
    return x if math.isfinite(x) else None
