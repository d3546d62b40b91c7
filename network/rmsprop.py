"""RMSprop (Hinton's lecture 6e, 2012): each weight's step divided by a running average of the size
of its gradient. docs/math.md, section 15. A chapter after the first reading (train.py --optimizer rmsprop).

    s ← ρ s + (1 − ρ) g²             (a running mean of g², starting at 0)
    w ← w − η g / (√s + ε)

With ρ = 0.9, s averages about the last ten g², so √s is the typical size of the
gradient lately: weights with large gradients take smaller steps, weights with small
ones larger steps, all about η in size. Adam is RMSprop with momentum (its u) and
bias correction added; without the correction, RMSprop's first steps are larger
(√s ≈ √(1 − ρ) |g| at the first step: about 3 η).
"""

import math

from .adam import parameters, zeros_like


class RMSprop:
    """RMSprop with ρ = 0.9 and ε = 10⁻⁸."""

    name = "rmsprop"

    def __init__(self, rho=0.9, eps=1e-8):
        self.rho, self.eps = rho, eps
        self.s = None

    def step(self, layers, gradients, lr):
        """One RMSprop update of every weight and bias, with learning rate lr (η)."""
        rho = self.rho
        if self.s is None:
            self.s = zeros_like(layers, gradients)
        for index, (layer, name, g) in enumerate(parameters(layers, gradients)):
            self.s[index] = rho * self.s[index] + (1 - rho) * (g * g)
            setattr(layer, name, getattr(layer, name) - lr * g / (self.s[index].map(math.sqrt) + self.eps))
