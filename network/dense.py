"""A dense (fully connected) layer: Z = A_prev W + b.

docs/math.md: section 4 (the forward pass), section 5 (the backward pass: weight_gradient,
bias_gradient and input_gradient), section 9 (He initialisation), section 13 (Xavier
initialisation).
"""

import math

from my_math import Matrix


class Dense:
    """A layer that maps each input row (n_in numbers) to z = a_prev W + b (n_out numbers).

    W is n_in × n_out and b is 1 × n_out. A_prev holds one sample per row (the inputs X
    for the first layer, the previous layer's activations after that), so the whole
    batch is Z = A_prev W + b, with b broadcast (added) to every row.
    """

    def __init__(self, W, b):
        """A layer with weights W (n_in × n_out) and biases b (1 × n_out)."""
        self.W = W
        self.b = b

    @classmethod
    def he_initialised(cls, n_in, n_out, rng):
        """A new layer with He initialisation: each weight drawn from N(0, 2 / n_in), each bias 0.

        With ReLU after the layer, about half the units are zero; a variance of 2 / n_in
        keeps the size of the signal the same from layer to layer, so a deep stack
        neither fades to zero nor explodes at the start of training (docs/math.md, section 9).
        """
        W = Matrix.random_normal(n_in, n_out, 0.0, math.sqrt(2.0 / n_in), rng)
        return cls(W, Matrix.zeros(1, n_out))

    @classmethod
    def xavier_initialised(cls, n_in, n_out, rng):
        """A new layer with Xavier (Glorot) initialisation: each weight from N(0, 2 / (n_in + n_out)), each bias 0.

        For sigmoid and tanh, which near 0 pass the whole signal on (tanh′(0) = 1) instead
        of ReLU's half: keeping the signal's size needs n_in Var(w) = 1 on the way forward
        and n_out Var(w) = 1 on the way back, and Glorot and Bengio (2010) take the
        variance between the two, 2 / (n_in + n_out) (docs/math.md, section 13).
        """
        W = Matrix.random_normal(n_in, n_out, 0.0, math.sqrt(2.0 / (n_in + n_out)), rng)
        return cls(W, Matrix.zeros(1, n_out))

    @classmethod
    def initialised(cls, n_in, n_out, rng, scheme):
        """A new layer initialised by scheme, "he" or "xavier" (an Activation's initialisation)."""
        make = {"he": cls.he_initialised, "xavier": cls.xavier_initialised}[scheme]
        return make(n_in, n_out, rng)

    def forward(self, A_prev):
        """Z = A_prev W + b."""
        return A_prev @ self.W + self.b

    def weight_gradient(self, A_prev, dZ, rows=None):
        """Given dZ = ∂L/∂Z, the gradient of the weights: dW = A_prevᵀ dZ.

        From z_ij = Σ_k a_ik w_kj + b_j by the chain rule, ∂L/∂w_kj = Σ_i a_ik ∂L/∂z_ij: a
        sum over the batch's samples i, which is A_prevᵀ dZ. rows = range(start, stop) asks
        for those rows k of dW only: row k needs column k of A_prev and nothing else of it,
        so it is (A_prev's columns start to stop − 1)ᵀ dZ, each row as in the whole dW
        (network/parallel.py shares the rows of dW out among processes that way).
        """
        if rows is not None:
            A_prev = A_prev.columns(rows.start, rows.stop)
        return A_prev.T @ dZ

    def bias_gradient(self, dZ):
        """db = the column sums of dZ: ∂L/∂b_j = Σ_i ∂L/∂z_ij, as b_j is added to every sample's z_ij."""
        return dZ.sum(axis=0)

    def input_gradient(self, A_prev, dZ):
        """dA_prev = dZ Wᵀ, the gradient passed down to the layer below: ∂L/∂a_ik = Σ_j ∂L/∂z_ij w_kj.

        Row i of it comes from row i of dZ alone: sample i's own. (A_prev is not needed
        here; a pooling's input_gradient needs its input.)
        """
        return dZ @ self.W.T
