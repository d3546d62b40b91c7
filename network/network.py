"""The network: dense layers with ReLU between them and softmax at the end; forward and backward.

Read it beside docs/math.md, sections 4 and 5: each line of forward and backward below
is one of their equations, in their order, with their letters. Layers are numbered from
1, as there: layer l takes A_{l−1} to A_l, with A_0 = X, the inputs, and A_last = P, the
class probabilities. In the code, layer l is self.layers[l − 1], as Python lists count
from 0, and the lists Z and A hold Z_l and A_l at index l.
"""

import random

from .activations import relu, relu_backward, softmax
from .dense import Dense
from .loss import cross_entropy, one_hot


class Network:
    """A fully connected network, e.g. Network([784, 128, 10]): 784 inputs, a hidden layer of
    128 ReLU units, and 10 softmax outputs, one probability per class.

    Samples are the rows of X, so a batch of m images is an m × 784 matrix.
    """

    def __init__(self, sizes, seed=0):
        """Dense layers for consecutive sizes n_0, n_1, ..., He-initialised from random.Random(seed)."""
        if len(sizes) < 2 or not all(isinstance(n, int) and n >= 1 for n in sizes):
            raise ValueError(f"sizes must be at least two whole numbers ≥ 1, e.g. [784, 128, 10], not {sizes!r}")
        rng = random.Random(seed)
        self.layers = [Dense.he_initialised(n_in, n_out, rng) for n_in, n_out in zip(sizes, sizes[1:])]
        self.phi, self.phi_backward = relu, relu_backward  # φ, the hidden layers' activation, and its backward pass
        self.metadata = {}  # what a model file says about how the network was trained

    def forward(self, X):
        """The forward pass for the batch X: (Z, A), with Z = [None, Z_1, ..., Z_last] and
        A = [A_0 = X, A_1, ..., A_last = P], one row of class probabilities per sample."""
        last = len(self.layers)
        Z, A = [None], [X]
        for l in range(1, last + 1):
            Z.append(self.layers[l - 1].forward(A[l - 1]))           # Z_l = A_{l−1} W_l + b_l
            A.append(self.phi(Z[l]) if l < last else softmax(Z[l]))  # A_l = φ(Z_l);  P = softmax(Z_last)
        return Z, A

    def backward(self, Z, A, labels):
        """Backpropagation: the gradient of the mean cross-entropy L for every layer,
        [(dW_1, db_1), ..., (dW_last, db_last)]. Z and A are what forward returned for the
        batch whose true classes are labels.

        First the error flows down, dZ_l = ∂L/∂Z_l for every layer (backpropagate); then
        each layer turns its dZ_l into the gradients of its weights and biases.
        """
        P, m = A[-1], len(labels)
        dZ = self.backpropagate(Z, A, (P - one_hot(labels, P.shape[1])) / m)  # dZ_last = (P − Y) / m
        return [(layer.weight_gradient(A[l - 1], dZ[l]),                    # dW_l = A_{l−1}ᵀ dZ_l
                 layer.bias_gradient(dZ[l]))                                # db_l = Σ_i of the rows of dZ_l
                for l, layer in enumerate(self.layers, 1)]

    def backpropagate(self, Z, A, dZ_last):
        """[None, dZ_1, ..., dZ_last]: the error of the last layer, dZ_last = ∂L/∂Z_last, carried down
        through the layers by the chain rule.

        Row i of every dZ_l comes from sample i alone (network/parallel/ uses this).
        """
        last = len(self.layers)
        dZ = [None] * last + [dZ_last]
        for l in range(last, 1, -1):
            dA = self.layers[l - 1].input_gradient(dZ[l])  # dA_{l−1} = dZ_l W_lᵀ
            dZ[l - 1] = self.phi_backward(dA, Z[l - 1])    # dZ_{l−1} = dA_{l−1} ⊙ φ′(Z_{l−1})
        return dZ

    def loss_and_gradients(self, X, labels):
        """One mini-batch's (L, P, gradients): forward, the loss, backward."""
        Z, A = self.forward(X)
        return cross_entropy(A[-1], labels), A[-1], self.backward(Z, A, labels)

    def probabilities(self, X):
        """P, the class probabilities, one row per sample of X; each row sums to 1."""
        return self.forward(X)[1][-1]

    def predict(self, X):
        """The most probable class of each sample: a list of ints."""
        return self.probabilities(X).argmax(axis=1)
