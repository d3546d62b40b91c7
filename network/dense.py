"""A dense (fully connected) layer: Z = A_prev W + b.

docs/math.md: section 4 (the forward pass), section 5 (the backward pass), section 9 (He
initialisation), section 13 (Xavier initialisation).
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

    def backward(self, A_prev, dZ, need_dA_prev=True):
        """Given dZ = ∂L/∂Z, the gradients dW = A_prevᵀ dZ, db = the column sums of dZ, and dA_prev = dZ Wᵀ.

        Each comes from Z = A_prev W + b by the chain rule: z_ij = Σ_k a_ik w_kj + b_j, so
        ∂L/∂w_kj = Σ_i a_ik ∂L/∂z_ij (that is A_prevᵀ dZ), ∂L/∂b_j = Σ_i ∂L/∂z_ij, and
        ∂L/∂a_ik = Σ_j ∂L/∂z_ij w_kj (that is dZ Wᵀ). The first layer's dA_prev would be
        the gradient with respect to the pixels, which nothing uses: need_dA_prev=False skips it.
        """
        dW = A_prev.T @ dZ
        db = dZ.sum(axis=0)
        dA_prev = dZ @ self.W.T if need_dA_prev else None
        return dW, db, dA_prev
