"""The other activations φ: leaky ReLU, sigmoid and tanh, and the initialisation each wants.
docs/math.md, section 13. A chapter after the first reading (train.py --activation).

The first reading's network computes with ReLU (activations.py). Each φ here comes with
its backward pass, dZ = dA ⊙ φ′(Z), in the same form as relu_backward, so that a network
computes with it once its phi and phi_backward are these (use_activation, below).
"""

import math
from collections import namedtuple

from my_math import Matrix

from .activations import relu, relu_backward
from .dense import Dense

LEAKY_SLOPE = 0.01  # α: leaky_relu's slope for z < 0


def leaky_relu(Z):
    """Leaky ReLU, elementwise: z for z > 0, α z otherwise (α = LEAKY_SLOPE = 0.01).

    [[-2, 3]] → [[-0.02, 3]]. A ReLU unit whose z is negative for every image passes no
    gradient and never learns again ("dies"); the small slope α keeps a trickle flowing.
    """
    return Matrix([[z if z > 0.0 else LEAKY_SLOPE * z for z in row] for row in Z.rows], check=False)


def leaky_relu_backward(dA, Z):
    """dZ = dA ⊙ φ′(Z) with φ′(z) = 1 for z > 0 and α otherwise."""
    return Matrix([[d if z > 0.0 else LEAKY_SLOPE * d for d, z in zip(d_row, z_row)]
                   for d_row, z_row in zip(dA.rows, Z.rows)], check=False)


def _sigmoid(z):
    """σ(z) = 1 / (1 + exp(−z)), written as exp(z) / (1 + exp(z)) for z < 0 so that exp never overflows."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    exp = math.exp(z)
    return exp / (1.0 + exp)


def sigmoid(Z):
    """The logistic sigmoid, elementwise: σ(z) = 1 / (1 + exp(−z)), between 0 and 1.

    [[0]] → [[0.5]]. The activation of Nielsen's book and of the first neural networks:
    a smooth step from 0 (off) to 1 (firing).
    """
    return Matrix([[_sigmoid(z) for z in row] for row in Z.rows], check=False)


def sigmoid_backward(dA, Z):
    """dZ = dA ⊙ σ′(Z), with σ′(z) = σ(z) (1 − σ(z)).

    σ′ is at most ¼ (at z = 0) and nearly 0 for large |z|: the unit saturates and learns
    slowly (docs/math.md, section 13).
    """
    return Matrix([[d * (a * (1.0 - a)) for d, a in zip(d_row, map(_sigmoid, z_row))]
                   for d_row, z_row in zip(dA.rows, Z.rows)], check=False)


def tanh(Z):
    """The hyperbolic tangent, elementwise: tanh(z) = (exp(z) − exp(−z)) / (exp(z) + exp(−z)), between −1 and 1.

    [[0]] → [[0]]. tanh(z) = 2σ(2z) − 1, a sigmoid stretched to (−1, 1) and centred on 0,
    with slope 1 at 0.
    """
    return Matrix([[math.tanh(z) for z in row] for row in Z.rows], check=False)


def tanh_backward(dA, Z):
    """dZ = dA ⊙ tanh′(Z), with tanh′(z) = 1 − tanh(z)²."""
    return Matrix([[d * (1.0 - a * a) for d, a in zip(d_row, map(math.tanh, z_row))]
                   for d_row, z_row in zip(dA.rows, Z.rows)], check=False)


def xavier_initialised(n_in, n_out, rng):
    """A new dense layer with Xavier (Glorot) initialisation: each weight from 𝒩(0, 2 / (n_in + n_out)),
    each bias 0.

    For sigmoid and tanh, which near 0 pass the whole signal on (tanh′(0) = 1) instead
    of ReLU's half: keeping the signal's size needs n_in Var(w) = 1 on the way forward
    and n_out Var(w) = 1 on the way back, and Glorot and Bengio (2010) take the
    variance between the two, 2 / (n_in + n_out).
    """
    return Dense(Matrix.random_normal(n_in, n_out, 0.0, math.sqrt(2.0 / (n_in + n_out)), rng), Matrix.zeros(1, n_out))


Activation = namedtuple("Activation", "phi backward initialisation")
Activation.__doc__ = """A hidden activation: phi(Z) = φ(Z), backward(dA, Z) = dA ⊙ φ′(Z), and the
initialisation of the weights it wants: "he" for the ReLU family, "xavier" for sigmoid and tanh."""

ACTIVATIONS = {
    "relu": Activation(relu, relu_backward, "he"),
    "leaky_relu": Activation(leaky_relu, leaky_relu_backward, "he"),
    "sigmoid": Activation(sigmoid, sigmoid_backward, "xavier"),
    "tanh": Activation(tanh, tanh_backward, "xavier"),
}


def activation_named(name):
    """The Activation called name, or ValueError naming the ones there are."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def use_activation(net, name):
    """Make net compute with the activation called name (the network's weights stay as they are)."""
    activation = activation_named(name)
    net.phi, net.phi_backward = activation.phi, activation.backward


def activation_of(net):
    """The name of the hidden activation net computes with: relu, leaky_relu, sigmoid or tanh."""
    return net.phi.__name__
