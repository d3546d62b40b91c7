"""The loss: cross-entropy of the softmax probabilities, and the one-hot labels. docs/math.md, section 4."""

import math

from my_math import Matrix

# The smallest probability ln sees: ln 0 would be −∞, and a single such sample would
# make the mean loss infinite. −ln 1e-300 ≈ 690.8, far above any real loss.
TINY = 1e-300


def one_hot(labels, n_classes):
    """The matrix Y with y_ij = 1 if sample i has label j, else 0: [2] with 3 classes → [[0, 0, 1]]."""
    rows = []
    for label in labels:
        row = [0.0] * n_classes
        row[label] = 1.0
        rows.append(row)
    return Matrix(rows, check=False)


def cross_entropy(P, labels):
    """The mean cross-entropy L = −(1/m) Σ_i ln P_i,labelᵢ over a batch of m samples.

    P_i,labelᵢ is the probability the network gave to sample i's true class, labelᵢ: the loss
    is 0 when that is 1, and grows as it goes to 0. ln is taken of max(P, TINY), so one
    sample's term is at most −ln 1e-300 ≈ 690.8, never infinite.
    """
    return -sum(log_likelihoods(P, labels)) / len(labels)


def log_likelihoods(P, labels):
    """ln max(P_i,labelᵢ, TINY) for each sample i, in order: the terms of cross_entropy's sum."""
    return [math.log(max(row[label], TINY)) for row, label in zip(P.rows, labels)]
