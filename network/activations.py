"""Activation functions: the non-linearities after each layer, and their derivatives.

φ (phi) is the activation of the hidden layers: A = φ(Z), elementwise. The last layer
turns its scores into probabilities with softmax instead. docs/math.md, sections 4 and 5.
"""

import math

from my_math import Matrix


def relu(Z):
    """ReLU, the rectified linear unit, elementwise: relu(z) = max(z, 0).

    [[-2, 3]] → [[0, 3]]. Without a non-linearity between them, two layers would be one
    linear map (A W₁ W₂ = A (W₁ W₂)); ReLU is the cheapest one that lets the network
    bend its decision boundaries.
    """
    return Matrix([[z if z > 0.0 else 0.0 for z in row] for row in Z.rows], check=False)


def relu_backward(dA, A):
    """The gradient through ReLU: dZ = dA ⊙ relu′(Z), where relu′(z) = 1 if z > 0 else 0.

    A = relu(Z) is positive exactly where Z is, so the layer's output A tells us where
    the gradient passes (A > 0) and where it is stopped (A = 0): Z need not be kept.
    """
    return Matrix([[d if a > 0.0 else 0.0 for d, a in zip(d_row, a_row)]
                   for d_row, a_row in zip(dA.rows, A.rows)], check=False)


def softmax(Z):
    """Softmax of each row: P_ij = exp(z_ij) / Σ_k exp(z_ik), probabilities that sum to 1.

    [[1, 2, 3]] → [[0.090, 0.245, 0.665]]. Subtracting the row's maximum first changes
    nothing mathematically (the factor exp(−max) cancels between numerator and
    denominator) but keeps exp from overflowing: every exponent is then ≤ 0.
    """
    rows = []
    for row in Z.rows:
        top = max(row)
        exps = [math.exp(z - top) for z in row]
        total = sum(exps)
        rows.append([e / total for e in exps])
    return Matrix(rows, check=False)
