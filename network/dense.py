"""A dense (fully connected) layer: Z = A_prev W + b, and its three gradients.

docs/math.md: section 4 (forward), section 5 (backward), section 9 (He initialisation).
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
        """A new layer with He initialisation: each weight drawn from 𝒩(0, 2 / n_in), each bias 0.

        With ReLU after the layer, about half the units are zero; a variance of 2 / n_in
        keeps the size of the signal the same from layer to layer, so a deep stack
        neither fades to zero nor explodes at the start of training (docs/math.md, section 9).
        """
        return cls(Matrix.random_normal(n_in, n_out, 0.0, math.sqrt(2.0 / n_in), rng), Matrix.zeros(1, n_out))

    def forward(self, A_prev):
        """Z = A_prev W + b."""
        return A_prev @ self.W + self.b

    def weight_gradient(self, A_prev, dZ):
        """Given dZ = ∂L/∂Z, the gradient of the weights: dW = A_prevᵀ dZ.

        From z_ij = Σ_k a_ik w_kj + b_j by the chain rule, ∂L/∂w_kj = Σ_i a_ik ∂L/∂z_ij: a
        sum over the batch's samples i, which is A_prevᵀ dZ.
        """
        return A_prev.T @ dZ

    def bias_gradient(self, dZ):
        """db = the column sums of dZ: ∂L/∂b_j = Σ_i ∂L/∂z_ij, as b_j is added to every sample's z_ij."""
        return dZ.sum(axis=0)

    def input_gradient(self, dZ):
        """dA_prev = dZ Wᵀ, the gradient passed down to the layer below: ∂L/∂a_ik = Σ_j ∂L/∂z_ij w_kj,
        as a_ik reaches every unit j of the layer through the weight w_kj."""
        return dZ @ self.W.T
