"""The Network: dense layers with an activation φ between them (ReLU by default) and softmax at the end.

Layers are numbered as in docs/math.md, from 1: layer l takes A_{l−1} (A_0 = X, the
inputs) to A_l. In the code the same layer is self.layers[l − 1], as Python lists count
from 0, while the list of activations that forward returns holds A_l at index l.
"""

import random

from .activations import activation_named, softmax
from .dense import Dense
from .dropout import draw_masks, dropped
from .loss import cross_entropy, softmax_cross_entropy_gradient
from .metrics import count_correct
from .model_file import read_model, write_model


class Network:
    """A fully connected network, e.g. Network([784, 128, 10]): 784 inputs, a hidden
    layer of 128 ReLU units, and 10 softmax outputs, one probability per class.

    Samples are the rows of X, so a batch of m images is an m × 784 matrix.
    activation names φ, the hidden layers' activation (network/activations.py: relu,
    leaky_relu, sigmoid, tanh); dropout is the rate q of inverted dropout while training
    (network/dropout.py), 0 for none.
    """

    def __init__(self, sizes, seed=0, activation="relu", dropout=0.0):
        """Layers for consecutive sizes n_0, n_1, ..., initialised from random.Random(seed) as φ
        wants: He for the ReLU family, Xavier for sigmoid and tanh (dense.py)."""
        if len(sizes) < 2 or not all(isinstance(n, int) and n >= 1 for n in sizes):
            raise ValueError(f"sizes must be at least two whole numbers ≥ 1, e.g. [784, 128, 10], not {sizes!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be from 0 up to (not including) 1, not {dropout!r}")
        self.activation = activation_named(activation)
        self.dropout = dropout
        rng = random.Random(seed)
        scheme = self.activation.initialisation
        self.layers = [Dense.initialised(n_in, n_out, rng, scheme) for n_in, n_out in zip(sizes, sizes[1:])]
        self.metadata = {}

    def dropout_masks(self, m, rng):
        """The dropout masks of a training batch of m samples, drawn from rng, one per hidden
        layer (network/dropout.py); None without dropout, and then nothing is drawn."""
        if not self.dropout:
            return None
        return draw_masks(rng, m, self.sizes[1:-1], self.dropout)

    def forward(self, X, masks=None):
        """The activations of every layer for the batch X: [A_0 = X, A_1, ..., A_last = P].

        A_l = φ(A_{l−1} W_l + b_l) for the hidden layers and P = softmax(A_{l−1} W_l + b_l)
        for the last, one row of class probabilities per sample. backward needs them all.
        With dropout masks (training only), each layer reads its input A_{l−1} with
        dropout applied, A_{l−1} ⊙ M_{l−1} / (1 − q), instead (docs/math.md, section 14).
        """
        A = [X]
        last = len(self.layers)
        for l, layer in enumerate(self.layers, 1):
            Z = layer.forward(self._input_of(l, A, masks))
            A.append(softmax(Z) if l == last else self.activation.forward(Z))
        return A

    def _input_of(self, l, A, masks):
        """What layer l reads: A_{l−1}, or with dropout masks, A_{l−1} ⊙ M_{l−1} / (1 − q) (X itself for l = 1)."""
        if masks is None or l == 1:
            return A[l - 1]
        return dropped(A[l - 1], masks[l - 2], self.dropout)

    def backward(self, A, labels, masks=None):
        """Backpropagation: the gradient of the mean cross-entropy for every layer, [(dW_1, db_1), ...].

        A is what forward returned, masks the dropout masks forward was given. Starting from
        the output, dZ = (P − Y) / m; then for each layer l, from the last to the first,
        dW_l = A_{l−1}ᵀ dZ_l and db_l = the column sums of dZ_l, and the gradient passes down
        through the weights and φ: dZ_{l−1} = (dZ_l W_lᵀ) ⊙ φ′(Z_{l−1}) (docs/math.md,
        section 5), and through the masks on the way, where there are some (section 14).
        """
        dZ = softmax_cross_entropy_gradient(A[-1], labels)
        gradients = []
        for l in range(len(self.layers), 0, -1):
            dW, db, dA_prev = self.layers[l - 1].backward(self._input_of(l, A, masks), dZ, need_dA_prev=l > 1)
            gradients.append((dW, db))
            if l > 1:
                if masks is not None:
                    dA_prev = dropped(dA_prev, masks[l - 2], self.dropout)
                dZ = self.activation.backward(dA_prev, A[l - 1])
        gradients.reverse()
        return gradients

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
        return self.layers

    @property
    def sizes(self):
        """The number of units in each layer, inputs first: [784, 128, 10]."""
        return [self.layers[0].W.shape[0]] + [layer.W.shape[1] for layer in self.layers]

    @property
    def parameter_count(self):
        """The number of weights and biases: Σ_l (n_{l−1} + 1) · n_l."""
        return sum((n_in + 1) * n_out for n_in, n_out in zip(self.sizes, self.sizes[1:]))

    def save(self, path, metadata=None):
        """Write the network to a JSON model file (see model_file.py), atomically.

        metadata (data set, epochs, test accuracy, ...) is merged into self.metadata first.
        """
        if metadata:
            self.metadata.update(metadata)
        write_model(path, [(layer.W, layer.b) for layer in self.layers], self.activation.name, self.metadata)

    @classmethod
    def load(cls, path):
        """The network stored in a JSON model file; ModelFileError says what is wrong with a bad file.

        It computes with the activation the file records (ReLU in files that record none,
        written before there was a choice), without dropout: set net.dropout to train it so.
        """
        parameters, activation, metadata = read_model(path)
        net = cls.__new__(cls)  # no random initialisation: every parameter comes from the file
        net.activation = activation_named(activation)
        net.dropout = 0.0
        net.layers = [Dense(W, b) for W, b in parameters]
        net.metadata = metadata
        return net
