"""Inverted dropout: while training, every hidden unit is left out at random. docs/math.md, section 14.
A chapter after the first reading (train.py --dropout Q).

For each training batch, each hidden unit of each sample is dropped (set to 0) with
probability q, the dropout rate, and the units kept are scaled by 1/(1 − q). A unit can
then not count on any one other unit being there, so the network cannot lean on a few
fragile co-adaptations; it is like training a crowd of thinned networks that share
their weights and averaging them. The scaling keeps each unit's expected output what it
is without dropout, so evaluation and prediction use the whole network, unscaled.

Nothing in the network changes for it: for one batch, each layer that reads the output
of a hidden dense layer reads it through that batch's mask instead (Dropped), and the
network's own forward and backward do the rest. The masks are drawn once per batch, from
the run's random generator: the same seed gives the same masks, and a batch's rows, with
their rows of the masks, can be computed anywhere (network/parallel/).
"""

import copy

from my_math import Matrix

from .dense import Dense


def draw_masks(rng, m, hidden_sizes, q):
    """The masks of one batch of m samples: a matrix M (m × n) for each hidden layer's size n.

    Row i, column j of M is 0 (unit j dropped for sample i) when rng.random() < q, which
    happens with probability q, and 1 (kept) otherwise. Drawn layer by layer, row by row,
    unit by unit.
    """
    return [Matrix([[0.0 if rng.random() < q else 1.0 for _ in range(n)] for _ in range(m)], check=False)
            for n in hidden_sizes]


def dropped(A, M, q):
    """A ⊙ M / (1 − q): the units where the mask M is 0 dropped, the others scaled by 1/(1 − q).

    Each unit is kept with probability 1 − q, so its expected value is
    (1 − q) · a / (1 − q) + q · 0 = a: on average the next layer receives what it
    would without dropout.
    """
    return A * M / (1.0 - q)


class Dropped:
    """A layer that reads its input through a dropout mask M: layer(A_prev ⊙ M / (1 − q)).

    Its gradients are the layer's own, for that dropped input; and as A_prev ⊙ M / (1 − q)
    is A_prev times a constant, elementwise, the gradient passed down is dropped the same
    way: dA_prev = (the layer's dA_prev) ⊙ M / (1 − q). W and b are the layer's own, so an
    optimizer stepping this layer steps the layer.
    """

    def __init__(self, layer, M, q):
        self.layer, self.M, self.q = layer, M, q

    @property
    def W(self):
        return self.layer.W

    @property
    def b(self):
        return self.layer.b

    def forward(self, A_prev):
        return self.layer.forward(dropped(A_prev, self.M, self.q))

    def weight_gradient(self, A_prev, dZ):
        return self.layer.weight_gradient(dropped(A_prev, self.M, self.q), dZ)

    def bias_gradient(self, dZ):
        return self.layer.bias_gradient(dZ)

    def input_gradient(self, dZ):
        return dropped(self.layer.input_gradient(dZ), self.M, self.q)


def hidden_sizes(net):
    """The sizes of the hidden dense layers' outputs, in order: the units dropout may leave out."""
    return [layer.W.shape[1] for layer in net.layers[:-1] if isinstance(layer, Dense)]


def with_masks(net, masks, q):
    """A view of net for one batch: the same weights, each layer after a hidden dense layer reading
    its input through that layer's mask (masks in the order of hidden_sizes)."""
    masks = iter(masks)
    view = copy.copy(net)
    view.layers = [Dropped(layer, next(masks), q) if isinstance(below, Dense) else layer
                   for below, layer in zip([None] + net.layers, net.layers)]
    return view


class DropoutTraining:
    """What train_epoch trains when the network has dropout q: each batch's loss and gradients come
    from the network seen through that batch's masks, drawn from rng, the run's generator.

        train_epoch(DropoutTraining(net, 0.2, rng), optimizer, data, 128, rng, lr)
    """

    def __init__(self, net, q, rng):
        if not 0.0 <= q < 1.0:
            raise ValueError(f"dropout must be from 0 up to (not including) 1, not {q!r}")
        self.net, self.q, self.rng = net, q, rng

    @property
    def layers(self):
        return self.net.layers

    def loss_and_gradients(self, X, labels):
        masks = draw_masks(self.rng, len(labels), hidden_sizes(self.net), self.q)
        return with_masks(self.net, masks, self.q).loss_and_gradients(X, labels)

    def probabilities(self, X):
        """The test's probabilities: the whole network, no unit left out (each kept unit was scaled by 1/(1 − q)
        in training, so that the whole network's sums are what they were on average)."""
        return self.net.probabilities(X)
