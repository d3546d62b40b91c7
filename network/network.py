"""The Network: dense layers with an activation φ between them (ReLU by default) and softmax
at the end, and, for a convolutional network (a CNN), convolutions and max pooling before them.

Layers are numbered as in docs/math.md, from 1: layer l takes A_{l−1} (A_0 = X, the
inputs) to A_l. In the code the same layer is self.layers[l − 1], as Python lists count
from 0, while the list of activations that forward returns holds A_l at index l.
"""

import math
import random

from .activations import activation_named, softmax
from .convolution import Conv
from .dense import Dense
from .dropout import draw_masks, dropped
from .loss import cross_entropy, softmax_cross_entropy_gradient
from .metrics import count_correct
from .model_file import read_model, write_model
from .pooling import MaxPool


class Network:
    """A fully connected network, e.g. Network([784, 128, 10]): 784 inputs, a hidden
    layer of 128 ReLU units, and 10 softmax outputs, one probability per class.

    Network([784, 64, 10], conv=[(8, 5)]) is a convolutional network: a convolution of 8
    filters of 5 × 5 over the 28 × 28 image, ReLU, 2 × 2 max pooling, and then the dense
    layers, here 8 · 12 · 12 = 1152 → 64 → 10.

    Samples are the rows of X, so a batch of m images is an m × 784 matrix.
    activation names φ, the hidden layers' activation (network/activations.py: relu,
    leaky_relu, sigmoid, tanh); dropout is the rate q of inverted dropout while training
    (network/dropout.py), 0 for none.
    """

    def __init__(self, sizes, seed=0, activation="relu", dropout=0.0, conv=(), input_shape=None):
        """Layers for consecutive sizes n_0, n_1, ..., initialised from random.Random(seed) as φ
        wants: He for the ReLU family, Xavier for sigmoid and tanh (dense.py).

        conv, a list of (F, K) pairs, puts before the dense layers a convolution of F
        filters of K × K for each pair, each followed by φ and 2 × 2 max pooling. Their
        input is an image of input_shape (C channels, height, width), n_0 values in all;
        by default one channel, square: (1, √n_0, √n_0). The first dense layer then takes
        the last pooling's output, n_0 no longer: sizes[1:] are the dense layers' sizes.
        """
        if len(sizes) < 2 or not all(isinstance(n, int) and n >= 1 for n in sizes):
            raise ValueError(f"sizes must be at least two whole numbers ≥ 1, e.g. [784, 128, 10], not {sizes!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be from 0 up to (not including) 1, not {dropout!r}")
        self.activation = activation_named(activation)
        self.dropout = dropout
        rng = random.Random(seed)
        scheme = self.activation.initialisation
        self.layers = []
        self.input_shape = _image_shape(sizes[0], input_shape) if conv else None
        shape = self.input_shape
        for filters, kernel in conv:
            convolution = Conv.initialised(shape, filters, kernel, rng, scheme)
            pooling = MaxPool(convolution.output_shape)
            self.layers += [convolution, pooling]
            shape = pooling.output_shape
        dense_sizes = [math.prod(shape)] + list(sizes[1:]) if conv else sizes
        self.layers += [Dense.initialised(n_in, n_out, rng, scheme) for n_in, n_out in zip(dense_sizes, dense_sizes[1:])]
        self.metadata = {}

    def dropout_masks(self, m, rng):
        """The dropout masks of a training batch of m samples, drawn from rng, one for each hidden
        dense layer's output (network/dropout.py); None without dropout, and then nothing is drawn."""
        if not self.dropout:
            return None
        hidden = [layer.W.shape[1] for layer in self.layers[:-1] if isinstance(layer, Dense)]
        return draw_masks(rng, m, hidden, self.dropout)

    def forward(self, X, masks=None):
        """The activations of every layer for the batch X: [A_0 = X, A_1, ..., A_last = P].

        A_l = φ(A_{l−1} W_l + b_l) for the hidden layers and P = softmax(A_{l−1} W_l + b_l)
        for the last, one row of class probabilities per sample. A convolution is followed
        by φ too, a pooling by nothing: A_l = its Z_l. backward needs them all. With dropout
        masks (training only), each dense layer after the first reads its input A_{l−1} with
        dropout applied, A_{l−1} ⊙ M / (1 − q), instead (docs/math.md, section 14).
        """
        A = [X]
        last = len(self.layers)
        for l, layer in enumerate(self.layers, 1):
            Z = layer.forward(self._input_of(l, A, masks))
            if l == last:
                A.append(softmax(Z))
            else:
                A.append(self.activation.forward(Z) if has_weights(layer) else Z)
        return A

    def _input_of(self, l, A, masks):
        """What layer l reads: A_{l−1}, or, where a dropout mask M belongs to it (see _mask_of),
        A_{l−1} ⊙ M / (1 − q)."""
        mask = self._mask_of(l, masks)
        return A[l - 1] if mask is None else dropped(A[l - 1], mask, self.dropout)

    def _mask_of(self, l, masks):
        """The dropout mask on A_{l−1}, what layer l reads, or None: masks has one for the output
        of each hidden dense layer, in order; the image, convolutions and poolings have none."""
        if masks is None or l == 1 or not isinstance(self.layers[l - 2], Dense):
            return None
        return masks[sum(isinstance(layer, Dense) for layer in self.layers[:l - 2])]

    def backward(self, A, labels, masks=None):
        """Backpropagation: the gradient of the mean cross-entropy for every layer, [(dW_1, db_1), ...].

        A is what forward returned, masks the dropout masks forward was given. The gradient
        flows down from the output, dZ_l for each layer l from the last to the first
        (backpropagate, below); each layer with weights turns its dZ_l into
        dW_l = A_{l−1}ᵀ dZ_l and db_l = the column sums of dZ_l (docs/math.md, section 5),
        and a convolution into its own dW and db the same way. One (dW, db) pair for each
        layer with weights, in order.
        """
        gradients = [(layer.weight_gradient(A_prev, dZ), layer.bias_gradient(dZ))
                     for layer, A_prev, dZ in self.backpropagate(A, labels, masks) if has_weights(layer)]
        gradients.reverse()
        return gradients

    def backpropagate(self, A, labels, masks=None, m=None):
        """The gradient flowing down through the layers: for each layer l, from the last to the first,
        (layer l, A_{l−1} as it read it, dZ_l = ∂L/∂Z_l).

        Starting from the output, dZ = (P − Y) / m; then the gradient passes down through
        each layer (its input_gradient: dA_{l−1} = dZ_l W_lᵀ for a dense layer) and φ,
        dZ_{l−1} = dA_{l−1} ⊙ φ′(Z_{l−1}) (docs/math.md, section 5), and through the masks on
        the way, where there are some (section 14). A pooling has no φ after it: its dA is
        its dZ. Row i of every dZ_l comes from sample i alone: this is the part of
        backpropagation that the rows of a batch can go through apart (network/parallel.py,
        which gives m, the whole batch's size, when A holds only some of its rows).
        """
        dZ = softmax_cross_entropy_gradient(A[-1], labels, m)
        for l in range(len(self.layers), 0, -1):
            layer = self.layers[l - 1]
            A_prev = self._input_of(l, A, masks)
            yield layer, A_prev, dZ
            if l > 1:
                dA_prev = layer.input_gradient(A_prev, dZ)
                mask = self._mask_of(l, masks)
                if mask is not None:
                    dA_prev = dropped(dA_prev, mask, self.dropout)
                below = self.layers[l - 2]
                dZ = self.activation.backward(dA_prev, A[l - 1]) if has_weights(below) else dA_prev

    def loss_and_gradients(self, X, labels, masks=None):
        """The mean cross-entropy over the batch and its gradient [(dW_1, db_1), ...], one pair per layer."""
        A = self.forward(X, masks)
        return cross_entropy(A[-1], labels), self.backward(A, labels, masks)

    def predict_proba(self, X):
        """The class probabilities P, one row per sample of X; each row sums to 1."""
        return self.forward(X)[-1]

    def predict(self, X):
        """The most probable class of each sample: a list of ints."""
        return self.predict_proba(X).argmax(axis=1)

    def evaluate(self, data, batch_size=500):
        """(mean cross-entropy, accuracy) over a whole data set, in order, batch by batch."""
        loss, accuracy, _, _ = self.evaluate_in_full(data, batch_size)
        return loss, accuracy

    def evaluate_in_full(self, data, batch_size=500):
        """evaluate's (mean cross-entropy, accuracy), and what lies behind them:
        predicted[i], the class the network chose for sample i, and confidence[i], the
        probability it gave that class. Returns (loss, accuracy, predicted, confidence)."""
        total_loss, predicted, confidence = 0.0, [], []
        for X, labels in data.batches(batch_size):
            P = self.predict_proba(X)
            total_loss += cross_entropy(P, labels) * len(labels)
            guesses = P.argmax(axis=1)
            predicted += guesses
            confidence += [row[k] for row, k in zip(P.rows, guesses)]
        correct = count_correct(predicted, data.labels)
        return total_loss / len(data), correct / len(data), predicted, confidence

    @property
    def weighted_layers(self):
        """The layers with weights and biases, in order: what an optimizer updates."""
        return [layer for layer in self.layers if has_weights(layer)]

    @property
    def sizes(self):
        """The number of values each layer gives, inputs first: [784, 128, 10]; with a
        convolution and its pooling, [784, 4608, 1152, 64, 10] (8 maps of 24 × 24, then of 12 × 12)."""
        first = self.layers[0]
        inputs = math.prod(first.input_shape) if hasattr(first, "input_shape") else first.W.shape[0]
        return [inputs] + [math.prod(layer.output_shape) if hasattr(layer, "output_shape") else layer.W.shape[1]
                           for layer in self.layers]

    @property
    def parameter_count(self):
        """The number of weights and biases: Σ_l (n_{l−1} + 1) · n_l for dense layers, (C·K·K + 1) · F for a convolution."""
        return sum(layer.W.size + layer.b.size for layer in self.weighted_layers)

    def describe(self):
        """The layers in one line: "784 → 128 → 10"; for a convolutional network, also the shape of the
        maps each convolution and pooling gives: "1×28×28 → conv 8 filters 5×5 → 8×24×24 → max pool → 8×12×12 → 64 → 10"."""
        if all(isinstance(layer, Dense) for layer in self.layers):
            return " → ".join(map(str, self.sizes))
        words = [_shape_text(self.input_shape)]
        for layer in self.layers:
            if isinstance(layer, Conv):
                words += [f"conv {layer.filters} filters {layer.kernel}×{layer.kernel}", _shape_text(layer.output_shape)]
            elif isinstance(layer, MaxPool):
                words += ["max pool", _shape_text(layer.output_shape)]
            else:
                words.append(str(layer.W.shape[1]))
        return " → ".join(words)

    @property
    def convolutions(self):
        """The convolution layers, in order (none in a fully connected network)."""
        return [layer for layer in self.layers if isinstance(layer, Conv)]

    def save(self, path, metadata=None):
        """Write the network to a JSON model file (see model_file.py), atomically.

        metadata (data set, epochs, test accuracy, ...) is merged into self.metadata first.
        """
        if metadata:
            self.metadata.update(metadata)
        write_model(path, self.layers, self.input_shape, self.activation.name, self.metadata)

    @classmethod
    def load(cls, path):
        """The network stored in a JSON model file; ModelFileError says what is wrong with a bad file.

        It computes with the activation the file records (ReLU in files that record none,
        written before there was a choice), without dropout: set net.dropout to train it so.
        """
        layers, input_shape, activation, metadata = read_model(path)
        net = cls.__new__(cls)  # no random initialisation: every parameter comes from the file
        net.activation = activation_named(activation)
        net.dropout = 0.0
        net.layers = layers
        net.input_shape = input_shape
        net.metadata = metadata
        return net


def has_weights(layer):
    """Whether a layer has weights and a bias (a convolution, a dense layer), and so ReLU after it
    unless it is the last; a pooling has neither."""
    return hasattr(layer, "W")


def _shape_text(shape):
    """(8, 24, 24) → 8×24×24."""
    return "×".join(map(str, shape))


def _image_shape(size, input_shape):
    """input_shape as a (C, height, width) tuple of size values, or (1, √size, √size) when it is None."""
    if input_shape is None:
        side = math.isqrt(size)
        input_shape = (1, side, side)
    input_shape = tuple(input_shape)
    if len(input_shape) != 3 or math.prod(input_shape) != size or min(input_shape) < 1:
        raise ValueError(f"a convolutional network's {size} inputs must be an image: give input_shape "
                         f"(channels, height, width), not {input_shape!r}")
    return input_shape
