"""The optimizers' steps, fast: the numbers of network/sgd.py, adam.py and rmsprop.py without
temporary matrices.

The plain step of SGD with momentum, v ← μ v − η g and w ← w + v, is four Matrix
operations, each a pass over 100 000 weights that builds a new matrix: μ v, η g, their
difference, and w + v. Here each row is one list comprehension that does all of an
element's arithmetic at once, [w + v for ...] after [mu * v - lr * g for ...], so
Python loops once instead of four times and makes no temporary rows.

Every element still goes through the same operations in the same order as in the plain
formulas (mu * v, then lr * g, then the difference; for Adam, β₁ u + (1 − β₁) g with
1 − β₁ computed once, then the bias corrections as divisions; for RMSprop, ρ s + (1 − ρ) g²
likewise, then η g, then its division by √s + ε), so the result is bit for bit the plain
step's.
The new rows go into new matrices: nothing is changed in place, as in the plain step.
"""

import math

from my_math import Matrix
from my_math.fast import fast_form

from ..adam import Adam, parameters, zeros_like
from ..rmsprop import RMSprop
from ..sgd import SGD


@fast_form(SGD, "step")
def sgd_step(self, layers, gradients, lr):
    """SGD.step, a row of each parameter at a time."""
    if self.v is None:
        self.v = [{"W": Matrix.zeros(*layer.W.shape), "b": Matrix.zeros(*layer.b.shape)} for layer in layers]
    mu = self.momentum
    for layer, (dW, db), v in zip(layers, gradients, self.v):
        for name, g in (("W", dW), ("b", db)):
            w_rows, v_rows = [], []
            for w_row, g_row, v_row in zip(getattr(layer, name).rows, g.rows, v[name].rows):
                v_row = [mu * v_wj - lr * g_wj for v_wj, g_wj in zip(v_row, g_row)]
                v_rows.append(v_row)
                w_rows.append([w + v_wj for w, v_wj in zip(w_row, v_row)])
            v[name] = Matrix(v_rows, check=False)
            setattr(layer, name, Matrix(w_rows, check=False))


@fast_form(Adam, "step")
def adam_step(self, layers, gradients, lr):
    """Adam.step, a row of each parameter at a time."""
    beta1, beta2, eps = self.beta1, self.beta2, self.eps
    if self.u is None:
        self.u, self.s = zeros_like(layers, gradients), zeros_like(layers, gradients)
    self.t += 1
    one_minus_beta1, one_minus_beta2 = 1 - beta1, 1 - beta2
    correction1, correction2 = 1 - beta1 ** self.t, 1 - beta2 ** self.t  # the bias corrections' divisors
    sqrt = math.sqrt  # a local name: looked up once, not once per weight
    for index, (layer, name, g) in enumerate(parameters(layers, gradients)):
        w_rows, u_rows, s_rows = [], [], []
        for w_row, g_row, u_row, s_row in zip(getattr(layer, name).rows, g.rows, self.u[index].rows,
                                              self.s[index].rows):
            u_row = [beta1 * u + one_minus_beta1 * g_wj for u, g_wj in zip(u_row, g_row)]
            s_row = [beta2 * s + one_minus_beta2 * (g_wj * g_wj) for s, g_wj in zip(s_row, g_row)]
            w_rows.append([w - lr * (u / correction1) / (sqrt(s / correction2) + eps)
                           for w, u, s in zip(w_row, u_row, s_row)])
            u_rows.append(u_row)
            s_rows.append(s_row)
        self.u[index], self.s[index] = Matrix(u_rows, check=False), Matrix(s_rows, check=False)
        setattr(layer, name, Matrix(w_rows, check=False))


@fast_form(RMSprop, "step")
def rmsprop_step(self, layers, gradients, lr):
    """RMSprop.step, a row of each parameter at a time."""
    rho, eps = self.rho, self.eps
    if self.s is None:
        self.s = zeros_like(layers, gradients)
    one_minus_rho = 1 - rho
    sqrt = math.sqrt
    for index, (layer, name, g) in enumerate(parameters(layers, gradients)):
        w_rows, s_rows = [], []
        for w_row, g_row, s_row in zip(getattr(layer, name).rows, g.rows, self.s[index].rows):
            s_row = [rho * s + one_minus_rho * (g_wj * g_wj) for s, g_wj in zip(s_row, g_row)]
            w_rows.append([w - lr * g_wj / (sqrt(s) + eps) for w, g_wj, s in zip(w_row, g_row, s_row)])
            s_rows.append(s_row)
        self.s[index] = Matrix(s_rows, check=False)
        setattr(layer, name, Matrix(w_rows, check=False))
