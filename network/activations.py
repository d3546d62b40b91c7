"""Activation functions: the non-linearities after each layer, and their derivatives.

φ (phi) is the activation of the hidden layers: A = φ(Z), elementwise. The last layer
turns its scores into probabilities with softmax instead. docs/math.md, sections 4, 5
and 13.

Four choices of φ, by name in ACTIVATIONS (train.py --activation): relu, the default;
leaky_relu; and the sigmoid and tanh of the older books. Each comes with its backward
pass, dZ = dA ⊙ φ′(Z), written with φ′ computed from the layer's output A = φ(Z), which
the forward pass keeps anyway, and with the initialisation it wants (dense.py).
"""

import math
from collections import namedtuple

from my_math import Matrix

LEAKY_SLOPE = 0.01  # α: leaky_relu's slope for z < 0


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


def leaky_relu(Z):
    """Leaky ReLU, elementwise: z for z > 0, α z otherwise (α = LEAKY_SLOPE = 0.01).

    [[-2, 3]] → [[-0.02, 3]]. A ReLU unit whose z is negative for every image passes no
    gradient and never learns again ("dies"); the small slope α keeps a trickle flowing.
    """
    return Matrix([[z if z > 0.0 else LEAKY_SLOPE * z for z in row] for row in Z.rows], check=False)


def leaky_relu_backward(dA, A):
    """dZ = dA ⊙ φ′(Z) with φ′(z) = 1 for z > 0 and α otherwise.

    α > 0, so a = φ(z) has the sign of z: the output A says which slope applies.
    """
    return Matrix([[d if a > 0.0 else LEAKY_SLOPE * d for d, a in zip(d_row, a_row)]
                   for d_row, a_row in zip(dA.rows, A.rows)], check=False)


def _sigmoid(z):
    """σ(z) = 1 / (1 + e^−z), written as e^z / (1 + e^z) for z < 0 so that exp never overflows."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid(Z):
    """The logistic sigmoid, elementwise: σ(z) = 1 / (1 + e^−z), between 0 and 1.

    [[0]] → [[0.5]]. The activation of Nielsen's book and of the first neural networks:
    a smooth step from 0 (off) to 1 (firing).
    """
    return Matrix([[_sigmoid(z) for z in row] for row in Z.rows], check=False)


def sigmoid_backward(dA, A):
    """dZ = dA ⊙ σ′(Z), with σ′(z) = σ(z) (1 − σ(z)) = a (1 − a): the output is all it takes.

    σ′ is at most ¼ (at z = 0) and nearly 0 for large |z|: the unit saturates and learns
    slowly (docs/math.md, section 13).
    """
    return Matrix([[d * (a * (1.0 - a)) for d, a in zip(d_row, a_row)]
                   for d_row, a_row in zip(dA.rows, A.rows)], check=False)


def tanh(Z):
    """The hyperbolic tangent, elementwise: tanh(z) = (e^z − e^−z) / (e^z + e^−z), between −1 and 1.

    [[0]] → [[0]]. tanh(z) = 2σ(2z) − 1, a sigmoid stretched to (−1, 1) and centred on 0,
    with slope 1 at 0.
    """
    return Matrix([[math.tanh(z) for z in row] for row in Z.rows], check=False)


def tanh_backward(dA, A):
    """dZ = dA ⊙ tanh′(Z), with tanh′(z) = 1 − tanh(z)² = 1 − a²."""
    return Matrix([[d * (1.0 - a * a) for d, a in zip(d_row, a_row)]
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


Activation = namedtuple("Activation", "name forward backward initialisation")
Activation.__doc__ = """A hidden activation φ: its name, forward(Z) = φ(Z), backward(dA, A) = dZ
(with A = φ(Z)), and the initialisation of the weights it wants: "he" for the ReLU family,
"xavier" for sigmoid and tanh (network/dense.py; docs/math.md, sections 9 and 13)."""

ACTIVATIONS = {
    "relu": Activation("relu", relu, relu_backward, "he"),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_backward, "he"),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_backward, "xavier"),
    "tanh": Activation("tanh", tanh, tanh_backward, "xavier"),
}


def activation_named(name):
    """The Activation called name, or ValueError naming the ones there are."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
