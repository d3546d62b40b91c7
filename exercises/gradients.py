"""Finite-difference checks of the backward functions: the learner's gradient against the
definition of the derivative (docs/math.md, section 8),

    ∂L/∂x ≈ (L(x + h) − L(x − h)) / 2h,        h = 1e-5

for every number x of an input, L computed with the project's forward functions. So a
backward function is held to the forward pass it belongs to, not only to the project's own
backward pass. The inputs keep away from relu's kink at 0 and from ties of the max, where
a difference quotient would straddle two slopes.
"""

import copy
from collections import namedtuple

from . import reference
from .cases import gradient_inputs, zeros

H = 1e-5
AGREEMENT = 1e-6  # |yours − numeric| ≤ AGREEMENT · (|yours| + |numeric|) + FLOOR
FLOOR = 1e-8

Gradient = namedtuple("Gradient", "name yours numeric")


def numeric_gradient(loss, X):
    """(L(x + h) − L(x − h)) / 2h for every number x of X, in X's shape. loss() computes L from X,
    which is changed one number at a time and put back."""
    gradient = copy.deepcopy(X)
    for place in _index_paths(X):
        held_in, index = _holder(X, place), place[-1]
        x = held_in[index]
        held_in[index] = x + H
        above = loss()
        held_in[index] = x - H
        below = loss()
        held_in[index] = x
        _holder(gradient, place)[index] = (above - below) / (2 * H)
    return gradient


def _index_paths(X, prefix=()):
    """The index path of every number of a nesting of lists, in reading order."""
    for i, item in enumerate(X):
        if isinstance(item, list):
            yield from _index_paths(item, prefix + (i,))
        else:
            yield prefix + (i,)


def _holder(X, place):
    """The innermost list that holds the number at place."""
    for i in place[:-1]:
        X = X[i]
    return X


def _total(weights, values):
    """Σ weights ⊙ values over every number: L, a number made from a function's output."""
    if isinstance(values, list):
        return sum(_total(w, v) for w, v in zip(weights, values))
    return weights * values


def checked(name, function):
    """(inputs, L in words, [Gradient, ...]) for the backward function called name: the inputs it is
    called with, how L is made from them, and for each gradient it returns, the learner's and
    the numeric one."""
    args = copy.deepcopy(gradient_inputs(name))
    if name == "relu_derivative":
        (Z,) = args
        return args, "L = Σ relu(Z)", [Gradient("relu′(Z)", function(copy.deepcopy(Z)),
                                                numeric_gradient(lambda: _total(_ones(Z), reference.relu(Z)), Z))]
    if name == "relu_backward":
        dA, Z = args
        return args, "L = Σ dA ⊙ relu(Z)", [Gradient("dZ", function(copy.deepcopy(dA), copy.deepcopy(Z)),
                                                     numeric_gradient(lambda: _total(dA, reference.relu(Z)), Z))]
    if name == "output_gradient":
        Z, labels = args
        P = reference.softmax(Z)
        numeric = numeric_gradient(lambda: reference.cross_entropy(reference.softmax(Z), labels), Z)
        return (P, labels), "L = cross_entropy(softmax(Z), labels), with P = softmax(Z)", [
            Gradient("dZ", function(copy.deepcopy(P), list(labels)), numeric)]
    if name == "dense_backward":
        A_prev, W, dZ = args
        b = zeros(1, len(W[0]))
        yours = function(copy.deepcopy(A_prev), copy.deepcopy(W), copy.deepcopy(dZ))

        def loss():
            return _total(dZ, reference.dense_forward(A_prev, W, b))
        numeric = [numeric_gradient(loss, W), numeric_gradient(loss, b), numeric_gradient(loss, A_prev)]
        if not isinstance(yours, (tuple, list)) or len(yours) != 3:
            yours = (yours, None, None)
        return args, "L = Σ dZ ⊙ dense_forward(A_prev, W, b), with b = 0", [
            Gradient(part, mine, theirs) for part, mine, theirs in zip(("dW", "db", "dA_prev"), yours, numeric)]
    if name == "maxpool2x2_backward":
        X, dY = args
        return args, "L = Σ dY ⊙ maxpool2x2(X)", [
            Gradient("dX", function(copy.deepcopy(X), copy.deepcopy(dY)),
                     numeric_gradient(lambda: _total(dY, reference.maxpool2x2(X)), X))]
    raise KeyError(name)


def _ones(Z):
    return [[1.0] * len(row) for row in Z]


def agree(yours, numeric):
    """Whether a gradient agrees with its finite difference."""
    return abs(yours - numeric) <= AGREEMENT * (abs(yours) + abs(numeric)) + FLOOR


CHECKED = ("relu_derivative", "output_gradient", "dense_backward", "relu_backward", "maxpool2x2_backward")
