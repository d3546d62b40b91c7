"""Cross-entropy loss for a softmax output, and its gradient. docs/math.md, sections 4 and 5."""

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
    """The mean cross-entropy L = −(1/m) Σ_i ln P_i,y_i over a batch of m samples.

    P_i,y_i is the probability the network gave to sample i's true class y_i: the loss
    is 0 when that is 1, and grows as it goes to 0. ln is taken of max(P, TINY), so one
    sample's term is at most −ln 1e-300 ≈ 690.8, never infinite.
    """
    return -sum(log_likelihoods(P, labels)) / len(labels)


def log_likelihoods(P, labels):
    """ln max(P_i,y_i, TINY) for each sample i, in order: the terms of cross_entropy's sum."""
    return [math.log(max(row[y], TINY)) for row, y in zip(P.rows, labels)]


def softmax_cross_entropy_gradient(P, labels, m=None):
    """∂L/∂Z for softmax followed by cross-entropy, in one step: dZ = (P − Y) / m.

    Through the chain rule, ∂L/∂z_ij = Σ_k ∂L/∂P_ik · ∂P_ik/∂z_ij with
    ∂P_ik/∂z_ij = P_ik ([k = j] − P_ij) and ∂L/∂P_ik = −y_ik / (m P_ik); almost everything
    cancels and leaves (P_ij − y_ij) / m (docs/math.md, section 5).
    tests/test_network.py checks this against the long way round. m is the batch's size,
    len(labels) unless P holds only some of the batch's rows.
    """
    m = m or len(labels)
    rows = []
    for row, y in zip(P.rows, labels):
        d_row = [probability / m for probability in row]
        d_row[y] = (row[y] - 1.0) / m
        rows.append(d_row)
    return Matrix(rows, check=False)
