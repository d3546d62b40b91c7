"""The activations: ReLU between the layers, softmax at the end. docs/math.md, sections 4 and 5.

φ (phi) is the activation of the hidden layers, A = φ(Z), elementwise: here ReLU. The
last layer turns its scores into probabilities with softmax instead. (Leaky ReLU,
sigmoid and tanh, the other choices of φ, are a chapter of their own:
network/more_activations.py.)
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


def relu_backward(dA, Z):
    """The gradient through ReLU: dZ = dA ⊙ relu′(Z), where relu′(z) = 1 if z > 0 else 0.

    The gradient passes where the unit was active and is stopped where it was not. (At
    z = 0 exactly relu has no derivative; 0 is taken there.)
    """
    return Matrix([[d if z > 0.0 else 0.0 for d, z in zip(d_row, z_row)]
                   for d_row, z_row in zip(dA.rows, Z.rows)], check=False)


def softmax(Z):
    """Softmax of each row: P_ij = exp(z_ij) / Σ_k exp(z_ik), probabilities that sum to 1.

    [[1, 2, 3]] → [[0.090, 0.245, 0.665]]. Subtracting the row's largest score first
    changes nothing mathematically (the factor exp(−largest) cancels between numerator
    and denominator) but keeps exp from overflowing: every exponent is then ≤ 0.
    """
    rows = []
    for row in Z.rows:
        largest = max(row)
        exps = [math.exp(z - largest) for z in row]
        total = sum(exps)
        rows.append([exp / total for exp in exps])
    return Matrix(rows, check=False)
