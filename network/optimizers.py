"""Optimizers: how a gradient becomes a change of the weights.

Each optimizer's step(layers, gradients, lr) updates every layer's W and b in place,
one row at a time. The update of a row is written as a list comprehension over the
elements: one pass in which Python does all the arithmetic of an element at once,
instead of one pass (and one temporary matrix) per + and ×. With 100 000 weights
updated after every mini-batch, that is the difference between a few milliseconds
and tens of them.
"""

import math


def _parameters(layers, gradients, weight_decay):
    """(parameter, its gradient, its weight decay) for every layer: W with dW and λ, b with db and 0.

    L2 weight decay pulls the weights towards 0 and leaves the biases alone: a bias only
    shifts its unit's input, and keeping it small does nothing against overfitting.
    """
    for layer, (dW, db) in zip(layers, gradients):
        yield layer.W, dW, weight_decay
        yield layer.b, db, 0.0


def _zeros_like(parameters):
    """For each parameter, rows of zeros of its shape: an optimizer's starting state."""
    return [[[0.0] * len(row) for row in p.rows] for p, _, _ in parameters]


class SGD:
    """Stochastic gradient descent, with optional momentum and L2 weight decay.

        g ← ∂L/∂w + λ w                 (L2 weight decay: the gradient of (λ/2) Σ w²,
                                          on the weights; for a bias g = ∂L/∂b)
        plain:     w ← w − η g
        momentum:  v ← μ v − η g,  w ← w + v

    Momentum keeps a running velocity v: steps that agree from batch to batch build
    up speed, while noise from batch to batch averages out.
    """

    name = "sgd"

    def __init__(self, momentum=0.0, weight_decay=0.0):
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.velocity = None  # one list of rows per parameter, made at the first step

    def step(self, layers, gradients, lr):
        """Move every weight and bias against its gradient, with learning rate lr (η)."""
        mu = self.momentum
        parameters = list(_parameters(layers, gradients, self.weight_decay))
        if mu and self.velocity is None:
            self.velocity = _zeros_like(parameters)
        for index, (p, grad, decay) in enumerate(parameters):
            rows = p.rows
            for r, (w_row, g_row) in enumerate(zip(rows, grad.rows)):
                if decay:
                    g_row = [g + decay * w for g, w in zip(g_row, w_row)]
                if mu:
                    v_row = [mu * v - lr * g for v, g in zip(self.velocity[index][r], g_row)]
                    self.velocity[index][r] = v_row
                    rows[r] = [w + v for w, v in zip(w_row, v_row)]
                else:
                    rows[r] = [w - lr * g for w, g in zip(w_row, g_row)]

    def state_dict(self):
        """What must be saved to continue training later exactly as if never stopped."""
        return {"name": self.name, "velocity": self.velocity}

    def load_state_dict(self, state):
        self.velocity = state["velocity"]


class Adam:
    """Adam (Kingma & Ba, 2015): a step for each weight scaled by running averages of its
    gradient (m, the first moment) and squared gradient (v, the second moment).

        g ← ∂L/∂w + λ w                  (L2 weight decay on the weights, not AdamW's decoupled decay)
        m ← β₁ m + (1 − β₁) g            v ← β₂ v + (1 − β₂) g²
        m̂ = m / (1 − β₁ᵗ)                v̂ = v / (1 − β₂ᵗ)       (bias correction)
        w ← w − η m̂ / (√v̂ + ε)

    m and v start at 0, so early averages are too small; dividing by 1 − βᵗ (t = steps
    so far) corrects that. Weights with large, noisy gradients take small steps and
    weights with small, steady ones take larger steps.
    """

    name = "adam"

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.weight_decay = weight_decay
        self.t = 0
        self.m = self.v = None

    def step(self, layers, gradients, lr):
        """One Adam update of every weight and bias, with learning rate lr (η).

        The bias corrections are folded into the step size, as the paper suggests:
        η m̂ / (√v̂ + ε) = η_t m / (√v + ε_t) with η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ) and
        ε_t = ε √(1 − β₂ᵗ). Multiply both sides out to check: it saves two
        divisions per weight.
        """
        b1, b2 = self.beta1, self.beta2
        parameters = list(_parameters(layers, gradients, self.weight_decay))
        if self.m is None:
            self.m = _zeros_like(parameters)
            self.v = _zeros_like(parameters)
        self.t += 1
        correction = math.sqrt(1.0 - b2 ** self.t)
        step_size = lr * correction / (1.0 - b1 ** self.t)
        eps = self.eps * correction
        c1, c2 = 1.0 - b1, 1.0 - b2
        sqrt = math.sqrt  # a local name: looked up once, not once per weight
        for index, (p, grad, decay) in enumerate(parameters):
            rows, ms, vs = p.rows, self.m[index], self.v[index]
            for r, (w_row, g_row) in enumerate(zip(rows, grad.rows)):
                if decay:
                    g_row = [g + decay * w for g, w in zip(g_row, w_row)]
                m_row = ms[r] = [b1 * m + c1 * g for m, g in zip(ms[r], g_row)]
                v_row = vs[r] = [b2 * v + c2 * g * g for v, g in zip(vs[r], g_row)]
                rows[r] = [w - step_size * m / (sqrt(v) + eps) for w, m, v in zip(w_row, m_row, v_row)]

    def state_dict(self):
        """What must be saved to continue training later exactly as if never stopped."""
        return {"name": self.name, "t": self.t, "m": self.m, "v": self.v}

    def load_state_dict(self, state):
        self.t, self.m, self.v = state["t"], state["m"], state["v"]
