"""The inputs each check tries, in order: the worked example first, then random shapes and
numbers, then the edge cases where a function that looks right goes wrong (zeros, negative
numbers, one row, one column, large scores for softmax, ties for max pooling).

The random numbers have two decimals, so that a failing case printed in a message can be
copied into Python as it is; each exercise's come from its own seed, the same every run.
"""

import random
from collections import namedtuple

from . import reference
from .chapters import BY_NAME

Case = namedtuple("Case", "label args")


def cases(name):
    """The cases of the exercise called name, the worked example first."""
    worked = Case("the worked example (in the docstring)", BY_NAME[name].example)
    return [worked] + MORE[name](random.Random(name))


def matrix(rng, m, n, scale=3.0):
    """An m × n matrix of random numbers between −scale and scale, with two decimals."""
    return [[round(rng.uniform(-scale, scale), 2) for _ in range(n)] for _ in range(m)]


def image(rng, channels, height, width, scale=3.0):
    """A channels × height × width image of random numbers, as nested lists [c][row][col]."""
    return [matrix(rng, height, width, scale) for _ in range(channels)]


def away_from_zero(rng, m, n):
    """A matrix of random numbers at least 0.05 from 0, where relu has no kink within a finite difference."""
    return [[round(rng.choice((-1, 1)) * rng.uniform(0.05, 3.0), 2) for _ in range(n)] for _ in range(m)]


def zeros(m, n):
    return [[0.0] * n for _ in range(m)]


def probabilities(rng, m, n):
    """m rows of n probabilities, each row summing to 1: the softmax of random scores."""
    return reference.softmax(matrix(rng, m, n))


def labels(rng, m, n):
    return [rng.randrange(n) for _ in range(m)]


def shape(rows):
    return f"{len(rows)} × {len(rows[0])}"


def _matmul(rng):
    found = []
    for m, n, p in ((2, 3, 4), (3, 1, 2), (4, 5, 3)):
        A, B = matrix(rng, m, n), matrix(rng, n, p)
        found.append(Case(f"a {shape(A)} matrix times a {shape(B)} (random numbers)", (A, B)))
    return found + [
        Case("one row times one column: 1 × 4 times 4 × 1", (matrix(rng, 1, 4), matrix(rng, 4, 1))),
        Case("one column times one row: 3 × 1 times 1 × 2", (matrix(rng, 3, 1), matrix(rng, 1, 2))),
        Case("zeros times a matrix", (zeros(2, 3), matrix(rng, 3, 2))),
    ]


def _transpose(rng):
    return [Case("a 3 × 3 matrix", (matrix(rng, 3, 3),)), Case("a 4 × 2 matrix", (matrix(rng, 4, 2),)),
            Case("one row: 1 × 4", (matrix(rng, 1, 4),)), Case("one column: 3 × 1", (matrix(rng, 3, 1),)),
            Case("a 1 × 1 matrix", ([[7]],))]


def _add_bias(rng):
    return [Case("a 3 × 3 matrix and a random bias row", (matrix(rng, 3, 3), matrix(rng, 1, 3))),
            Case("a 4 × 2 matrix and a random bias row", (matrix(rng, 4, 2), matrix(rng, 1, 2))),
            Case("one row: 1 × 4", (matrix(rng, 1, 4), matrix(rng, 1, 4))),
            Case("one column: 3 × 1, a bias of one number", (matrix(rng, 3, 1), matrix(rng, 1, 1))),
            Case("zeros plus negative biases", (zeros(2, 3), [[-1.5, -2, -0.25]]))]


def _elementwise(rng):
    """Cases for a function of every element of one matrix (relu, relu_derivative)."""
    return [Case("a 3 × 4 matrix (random numbers)", (matrix(rng, 3, 4),)),
            Case("negative numbers only", ([[-1, -0.5], [-3, -0.01]],)),
            Case("zeros", (zeros(2, 3),)),
            Case("one row", (matrix(rng, 1, 5),)), Case("one column", (matrix(rng, 4, 1),)),
            Case("tiny numbers either side of 0", ([[1e-12, -1e-12, 1e-300, -1e-300]],))]


def _softmax(rng):
    return [Case("a 3 × 4 matrix (random numbers)", (matrix(rng, 3, 4),)),
            Case("large scores (z = 1000): softmax must survive them", ([[1000, 999, 998]],)),
            Case("rows far apart: one near 1000, one near 0", ([[1000, 999], [0, 1]],)),
            Case("very negative scores", ([[-1000, -999, -1001]],)),
            Case("one column: a single class is sure", ([[3], [-2]],)),
            Case("one row", (matrix(rng, 1, 5),))]


def _cross_entropy(rng):
    return [Case("4 rows of 3 probabilities (random)", (probabilities(rng, 4, 3), labels(rng, 4, 3))),
            Case("one row", ([[0.2, 0.5, 0.3]], [0])),
            Case("sure and right: p = 1 for the true class", ([[0, 1], [1, 0]], [1, 0])),
            Case("a probability of exactly 0 for the true class", ([[1, 0], [0.5, 0.5]], [1, 0])),
            Case("10 classes, 5 rows (random)", (probabilities(rng, 5, 10), labels(rng, 5, 10)))]


def _output_gradient(rng):
    return [Case("4 rows of 3 probabilities (random)", (probabilities(rng, 4, 3), labels(rng, 4, 3))),
            Case("one row", ([[0.2, 0.5, 0.3]], [0])),
            Case("one class: p = 1 always", ([[1], [1]], [0, 0])),
            Case("10 classes, 5 rows (random)", (probabilities(rng, 5, 10), labels(rng, 5, 10)))]


def _dense_forward(rng):
    found = []
    for m, n, p in ((3, 4, 2), (1, 3, 3), (4, 2, 1)):
        A_prev, W, b = matrix(rng, m, n), matrix(rng, n, p), matrix(rng, 1, p)
        found.append(Case(f"A_prev {shape(A_prev)}, W {shape(W)} (random numbers)", (A_prev, W, b)))
    return found + [Case("zero weights: Z is b in every row", (matrix(rng, 2, 3), zeros(3, 2), [[1.5, -2]]))]


def _dense_backward(rng):
    found = []
    for m, n, p in ((3, 4, 2), (1, 3, 3), (4, 2, 1), (2, 3, 3)):
        A_prev, W, dZ = matrix(rng, m, n), matrix(rng, n, p), matrix(rng, m, p)
        found.append(Case(f"A_prev {shape(A_prev)}, W {shape(W)}, dZ {shape(dZ)} (random numbers)", (A_prev, W, dZ)))
    return found


def _relu_backward(rng):
    return [Case("a 3 × 4 matrix (random numbers)", (matrix(rng, 3, 4), matrix(rng, 3, 4))),
            Case("z = 0 exactly: the gradient stops there", ([[1, -2, 3]], [[0, 0, 0]])),
            Case("one column", (matrix(rng, 4, 1), matrix(rng, 4, 1)))]


def _sgd_momentum_step(rng):
    found = [Case("the first step: V all zeros", (matrix(rng, 2, 3), matrix(rng, 2, 3), zeros(2, 3), 0.1, 0.9)),
             Case("a bias row", (matrix(rng, 1, 4), matrix(rng, 1, 4), matrix(rng, 1, 4), 0.05, 0.9))]
    for momentum in (0.5, 0.99):
        W, dW, V = matrix(rng, 3, 2), matrix(rng, 3, 2), matrix(rng, 3, 2)
        found.append(Case(f"momentum {momentum} (random numbers)", (W, dW, V, 0.2, momentum)))
    return found


def _adam_step(rng):
    second = matrix(rng, 2, 3)
    return [Case("the first step, t = 1 (random gradient)", (matrix(rng, 2, 3), matrix(rng, 2, 3), zeros(2, 3),
                                                              zeros(2, 3), 1, 0.001)),
            Case("step t = 5 (random numbers)", (matrix(rng, 2, 3), matrix(rng, 2, 3), matrix(rng, 2, 3, 0.5),
                                                 [[abs(x) for x in row] for row in second], 5, 0.01)),
            Case("step t = 1000, a bias row", (matrix(rng, 1, 3), matrix(rng, 1, 3), matrix(rng, 1, 3, 0.5),
                                               [[0.5, 0.01, 2]], 1000, 0.001))]


def _conv2d(rng):
    return [Case("2 channels of 4 × 5, 3 filters of 3 × 3 (random numbers)",
                 (image(rng, 2, 4, 5), [image(rng, 2, 3, 3) for _ in range(3)], [round(rng.uniform(-1, 1), 2)
                                                                                for _ in range(3)])),
            Case("1 × 1 filters", (image(rng, 2, 3, 3), [image(rng, 2, 1, 1) for _ in range(2)], [0, 1])),
            Case("a filter as large as the image: one place", (image(rng, 1, 3, 3), [image(rng, 1, 3, 3)], [0.25])),
            Case("a 2 × 4 image (not square) and a 2 × 2 filter", (image(rng, 1, 2, 4), [image(rng, 1, 2, 2)],
                                                                   [0]))]


def _maxpool2x2(rng):
    return [Case("negative numbers only", ([[[-1, -3, -2, -5], [-4, -2, -1, -6]]],)),
            Case("2 channels of 4 × 6 (random numbers)", (image(rng, 2, 4, 6),)),
            Case("ties in every window", ([[[0, 0, 1, 1], [0, 0, 1, 1]]],)),
            Case("2 × 2: one window", (image(rng, 1, 2, 2),))]


def _maxpool2x2_backward(rng):
    return [Case("2 channels of 4 × 6 (random numbers)", (image(rng, 2, 4, 6), image(rng, 2, 2, 3))),
            Case("ties: all zeros, as after ReLU", ([[[0, 0, 0, 0], [0, 0, 0, 0]]], [[[1.5, -2]]])),
            Case("ties of the largest at different places", ([[[1, 2, 5, 0], [2, 0, 5, 5]]], [[[1, 2]]])),
            Case("negative numbers only", ([[[-1, -3, -2, -5], [-4, -2, -1, -6]]], [[[3, 4]]]))]


MORE = {
    "matmul": _matmul, "transpose": _transpose, "add_bias": _add_bias, "relu": _elementwise,
    "relu_derivative": _elementwise, "softmax": _softmax, "cross_entropy": _cross_entropy,
    "output_gradient": _output_gradient, "dense_forward": _dense_forward, "dense_backward": _dense_backward,
    "relu_backward": _relu_backward, "sgd_momentum_step": _sgd_momentum_step, "adam_step": _adam_step,
    "conv2d": _conv2d, "maxpool2x2": _maxpool2x2, "maxpool2x2_backward": _maxpool2x2_backward,
}


# ---------------------------------------------------------------------- finite differences

def gradient_inputs(name):
    """The arguments of the finite-difference check of the backward function called name: random
    numbers away from the places where the forward function has no derivative (relu's 0, a tie of the max)."""
    rng = random.Random(name + " by finite differences")
    if name == "relu_derivative":
        return (away_from_zero(rng, 3, 4),)
    if name == "relu_backward":
        return matrix(rng, 3, 4), away_from_zero(rng, 3, 4)
    if name == "output_gradient":
        return matrix(rng, 4, 3), labels(rng, 4, 3)  # Z, not P: the check takes P = softmax(Z)
    if name == "dense_backward":
        return matrix(rng, 3, 4), matrix(rng, 4, 2), matrix(rng, 3, 2)
    if name == "maxpool2x2_backward":
        values = rng.sample(range(-300, 300), 2 * 4 * 6)  # all different: no ties
        X = [[[values[(c * 4 + row) * 6 + col] / 100 for col in range(6)] for row in range(4)] for c in range(2)]
        return X, image(rng, 2, 2, 3)
    raise KeyError(name)

