"""Adam (Kingma & Ba, 2015): a step for each weight scaled by running averages of its gradient.
docs/math.md, section 10. A chapter after the first reading (train.py --optimizer adam).

Written as its formulas, one Matrix operation per symbol, g the gradient of a parameter
w (a weight matrix or a bias row), η = lr the learning rate:

    u ← β₁ u + (1 − β₁) g            s ← β₂ s + (1 − β₂) g²
    û = u / (1 − β₁ᵗ)                ŝ = s / (1 − β₂ᵗ)       (bias correction)
    w ← w − η û / (√ŝ + ε)

u is the running average of g (the first moment), s that of g² (the second moment).
(The paper calls them m and v; here m is the batch size and v SGD's velocity.) They
start at 0, so early averages are too small; dividing by 1 − βᵗ (t = steps so far)
corrects that. Weights with large, noisy gradients take small steps and weights with
small, steady ones take larger steps. network/fast/optimizers.py computes the same
numbers without the temporary matrices.
"""

import math

from my_math import Matrix


def parameters(layers, gradients):
    """(layer, name, g) for every parameter in order, W_1, b_1, W_2, b_2, ...: ("W", dW) and ("b", db)
    of each layer. Adam and RMSprop keep their averages in a list in this order."""
    for layer, (dW, db) in zip(layers, gradients):
        yield layer, "W", dW
        yield layer, "b", db


def zeros_like(layers, gradients):
    """A matrix of zeros for every parameter, in the order of parameters(): an average's start."""
    return [Matrix.zeros(*g.shape) for _, _, g in parameters(layers, gradients)]


class Adam:
    """Adam with its usual constants β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸."""

    name = "adam"

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0
        self.u = self.s = None

    def step(self, layers, gradients, lr):
        """One Adam update of every weight and bias, with learning rate lr (η)."""
        beta1, beta2 = self.beta1, self.beta2
        if self.u is None:
            self.u, self.s = zeros_like(layers, gradients), zeros_like(layers, gradients)
        self.t += 1
        for index, (layer, name, g) in enumerate(parameters(layers, gradients)):
            self.u[index] = beta1 * self.u[index] + (1 - beta1) * g
            self.s[index] = beta2 * self.s[index] + (1 - beta2) * (g * g)
            u_hat = self.u[index] / (1 - beta1 ** self.t)
            s_hat = self.s[index] / (1 - beta2 ** self.t)
            setattr(layer, name, getattr(layer, name) - lr * u_hat / (s_hat.map(math.sqrt) + self.eps))
