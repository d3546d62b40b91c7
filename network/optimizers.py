"""Optimizers: how a gradient becomes a change of the weights. docs/math.md, sections 6, 10 and 15.

Each optimizer's step(layers, gradients, lr) gives every layer new weights W and biases b,
written below as the formulas themselves, one Matrix operation per symbol: g is the
gradient of a parameter w (a weight matrix or a bias row), η = lr the learning rate.
network/fast/optimizers.py computes the same numbers without the temporary matrices.
"""

import math

from my_math import Matrix


def parameters(layers, gradients):
    """(layer, name, gradient) for every parameter: ("W", dW) and ("b", db) of each layer."""
    for layer, (dW, db) in zip(layers, gradients):
        yield layer, "W", dW
        yield layer, "b", db


def with_weight_decay(g, w, name, weight_decay):
    """g + λ w for a weight matrix (name "W"), the gradient of the loss plus (λ/2) Σ w²; g itself
    for a bias row: decay pulls the weights towards 0 and leaves the biases alone, as a bias
    only shifts its unit's input and keeping it small does nothing against overfitting."""
    if name == "W" and weight_decay:
        return g + weight_decay * w
    return g


def zeros_like(layers, gradients):
    """A matrix of zeros for every parameter: an optimizer's starting state."""
    return [Matrix.zeros(*getattr(layer, name).shape) for layer, name, _ in parameters(layers, gradients)]


class SGD:
    """Stochastic gradient descent, with optional momentum and L2 weight decay.

        g ← ∂L/∂w + λ w                  (weights only: L2 weight decay λ)
        plain:     w ← w − η g
        momentum:  v ← μ v − η g,  w ← w + v

    Momentum keeps a velocity v for every weight: steps that agree from batch to batch
    build up speed, while noise from batch to batch averages out.
    """

    name = "sgd"

    def __init__(self, momentum=0.0, weight_decay=0.0):
        self.momentum = momentum  # μ
        self.weight_decay = weight_decay  # λ
        self.v = None  # the velocities, one matrix per parameter, made at the first step

    def step(self, layers, gradients, lr):
        """Move every weight and bias against its gradient, with learning rate lr (η)."""
        mu = self.momentum
        if mu and self.v is None:
            self.v = zeros_like(layers, gradients)
        for index, (layer, name, dw) in enumerate(parameters(layers, gradients)):
            w = getattr(layer, name)
            g = with_weight_decay(dw, w, name, self.weight_decay)
            if mu:
                self.v[index] = mu * self.v[index] - lr * g
                w = w + self.v[index]
            else:
                w = w - lr * g
            setattr(layer, name, w)

    def state_dict(self):
        """What must be saved to continue training later exactly as if never stopped (JSON-ready)."""
        return {"name": self.name, "velocity": _rows(self.v)}

    def load_state_dict(self, state):
        self.v = _matrices(state["velocity"])


class Adam:
    """Adam (Kingma & Ba, 2015): a step for each weight scaled by running averages of its
    gradient (u, the first moment) and of its square (s, the second moment).

        g ← ∂L/∂w + λ w                  (weights only: L2 weight decay, not AdamW's)
        u ← β₁ u + (1 − β₁) g            s ← β₂ s + (1 − β₂) g²
        û = u / (1 − β₁ᵗ)                ŝ = s / (1 − β₂ᵗ)       (bias correction)
        w ← w − η û / (√ŝ + ε)

    (The paper calls u and s m and v; here m is the batch size and v the velocity.) u and
    s start at 0, so early averages are too small; dividing by 1 − βᵗ (t = steps so far)
    corrects that. Weights with large, noisy gradients take small steps and weights with
    small, steady ones take larger steps.
    """

    name = "adam"

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.weight_decay = weight_decay
        self.t = 0
        self.u = self.s = None

    def step(self, layers, gradients, lr):
        """One Adam update of every weight and bias, with learning rate lr (η)."""
        b1, b2 = self.beta1, self.beta2
        if self.u is None:
            self.u, self.s = zeros_like(layers, gradients), zeros_like(layers, gradients)
        self.t += 1
        for index, (layer, name, dw) in enumerate(parameters(layers, gradients)):
            w = getattr(layer, name)
            g = with_weight_decay(dw, w, name, self.weight_decay)
            self.u[index] = b1 * self.u[index] + (1 - b1) * g
            self.s[index] = b2 * self.s[index] + (1 - b2) * (g * g)
            u_hat = self.u[index] / (1 - b1 ** self.t)
            s_hat = self.s[index] / (1 - b2 ** self.t)
            setattr(layer, name, w - lr * u_hat / (s_hat.map(math.sqrt) + self.eps))

    def state_dict(self):
        """What must be saved to continue training later exactly as if never stopped (JSON-ready)."""
        return {"name": self.name, "t": self.t, "u": _rows(self.u), "s": _rows(self.s)}

    def load_state_dict(self, state):
        # Training states written before the moments were renamed u and s call them m and v.
        self.t = state["t"]
        self.u = _matrices(state.get("u", state.get("m")))
        self.s = _matrices(state.get("s", state.get("v")))


class RMSprop:
    """RMSprop (Hinton's lecture 6e, 2012): each weight's step divided by a running average of
    the size of its gradient.

        g ← ∂L/∂w + λ w                  (weights only: L2 weight decay)
        s ← ρ s + (1 − ρ) g²             (a running mean of g², starting at 0)
        w ← w − η g / (√s + ε)

    With ρ = 0.9, s averages about the last ten g², so √s is the typical size of the
    gradient lately: weights with large gradients take smaller steps, weights with small
    ones larger steps, all about η in size. Adam is RMSprop with momentum (its u) and
    bias correction added; without the correction, RMSprop's first steps are larger
    (√s ≈ √(1 − ρ) |g| at the first step: about 3 η).
    """

    name = "rmsprop"

    def __init__(self, rho=0.9, eps=1e-8, weight_decay=0.0):
        self.rho, self.eps = rho, eps
        self.weight_decay = weight_decay
        self.s = None

    def step(self, layers, gradients, lr):
        """One RMSprop update of every weight and bias, with learning rate lr (η)."""
        rho = self.rho
        if self.s is None:
            self.s = zeros_like(layers, gradients)
        for index, (layer, name, dw) in enumerate(parameters(layers, gradients)):
            w = getattr(layer, name)
            g = with_weight_decay(dw, w, name, self.weight_decay)
            self.s[index] = rho * self.s[index] + (1 - rho) * (g * g)
            setattr(layer, name, w - lr * g / (self.s[index].map(math.sqrt) + self.eps))

    def state_dict(self):
        """What must be saved to continue training later exactly as if never stopped (JSON-ready)."""
        return {"name": self.name, "s": _rows(self.s)}

    def load_state_dict(self, state):
        self.s = _matrices(state["s"])


def _rows(matrices):
    """The state's matrices as lists of rows, for JSON (None stays None)."""
    return None if matrices is None else [matrix.rows for matrix in matrices]


def _matrices(rows_of_each):
    """The state's lists of rows as matrices again."""
    return None if rows_of_each is None else [Matrix(rows) for rows in rows_of_each]
