"""A dense (fully connected) layer: Z = X W + b."""

import math

from my_math import Matrix


class Dense:
    """A layer that maps each input row x (fan_in numbers) to z = x W + b (fan_out numbers).

    W is fan_in × fan_out and b is 1 × fan_out; X holds one sample per row, so the
    whole batch is Z = X W + b, with b broadcast (added) to every row.
    """

    def __init__(self, W, b):
        """A layer with weights W (fan_in × fan_out) and biases b (1 × fan_out)."""
        self.W = W
        self.b = b

    @classmethod
    def he_initialised(cls, fan_in, fan_out, rng):
        """A new layer with He initialisation: w ~ N(0, σ²) with σ² = 2 / fan_in, b = 0.

        With ReLU after the layer, about half the units are zero; a variance of
        2 / fan_in keeps the size of the signal the same from layer to layer, so a deep
        stack neither fades to zero nor explodes at the start of training.
        """
        W = Matrix.random_normal(fan_in, fan_out, 0.0, math.sqrt(2.0 / fan_in), rng)
        return cls(W, Matrix.zeros(1, fan_out))

    def forward(self, X):
        """Z = X W + b."""
        return X @ self.W + self.b

    def backward(self, X, dZ, need_dX=True):
        """Given dZ = ∂L/∂Z, the gradients dW = Xᵀ dZ, db = Σ_rows dZ and dX = dZ Wᵀ.

        Each comes from Z = X W + b by the chain rule: z_ij = Σ_k x_ik w_kj + b_j, so
        ∂L/∂w_kj = Σ_i x_ik ∂L/∂z_ij (that is Xᵀ dZ), ∂L/∂b_j = Σ_i ∂L/∂z_ij, and
        ∂L/∂x_ik = Σ_j ∂L/∂z_ij w_kj (that is dZ Wᵀ). The first layer's dX would be the
        gradient with respect to the pixels, which nothing uses: need_dX=False skips it.
        """
        dW = X.T @ dZ
        db = dZ.sum(axis=0)
        dX = dZ @ self.W.T if need_dX else None
        return dW, db, dX


def input_patterns(W):
    """For each unit j, the weights into it (column j of W) divided by the largest of their sizes.

    Laid out as the input image, w_1j ... w_nj is the pattern unit j responds to; dividing
    by max_i |w_ij| puts every unit on the same −1 … 1 scale, so faint units show as well
    as strong ones. A unit whose weights are all zero stays all zero.
    """
    patterns = []
    for column in zip(*W.rows):
        largest = max(map(abs, column)) or 1.0
        patterns.append([w / largest for w in column])
    return patterns
