"""Cross-entropy loss for a softmax output, and its gradient."""

import math

from my_math import Matrix

# The smallest probability the log sees: log(0) would be -inf, and a single such
# sample would make the mean loss infinite. exp(-690.8) ≈ 1e-300, far below any real output.
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
    """The mean cross-entropy L = -(1/m) Σ_i log p_i,y_i over a batch of m samples.

    p_i,y_i is the probability the network gave to sample i's true class: the loss is
    0 when that is 1, and grows as it goes to 0. The log is taken of max(p, TINY), so
    one sample's term is at most −ln 1e-300 ≈ 690.8, never infinite.
    """
    return -sum(math.log(max(row[y], TINY)) for row, y in zip(P.rows, labels)) / len(labels)


def softmax_cross_entropy_gradient(P, labels):
    """∂L/∂Z for softmax followed by cross-entropy, fused: dZ = (P − Y) / m.

    Through the chain rule, ∂L/∂z_ij = Σ_k ∂L/∂p_ik · ∂p_ik/∂z_ij with
    ∂p_k/∂z_j = p_k (δ_kj − p_j) and ∂L/∂p_k = −y_k / (m p_k); almost everything
    cancels and leaves (p_ij − y_ij) / m. tests/test_network.py checks this against the
    long way round.
    """
    m = len(labels)
    rows = []
    for row, y in zip(P.rows, labels):
        d_row = [p / m for p in row]
        d_row[y] = (row[y] - 1.0) / m
        rows.append(d_row)
    return Matrix(rows, check=False)
