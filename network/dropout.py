"""Inverted dropout: while training, every hidden unit is left out at random. docs/math.md, section 14.

For each training batch, each hidden unit of each sample is dropped (set to 0) with
probability q, the dropout rate, and the units kept are scaled by 1/(1 − q). A unit can
then not count on any one other unit being there, so the network cannot lean on a few
fragile co-adaptations; it is like training a crowd of thinned networks that share
their weights and averaging them. The scaling keeps each unit's expected output what it
is without dropout, so evaluation and prediction use the whole network, unscaled.

The masks are drawn once per batch, from the run's random generator, and handed to the
forward and the backward pass: the same seed gives the same masks, and a batch's rows,
with their rows of the masks, can be computed anywhere (say, by worker processes).
"""

from my_math import Matrix


def draw_masks(rng, m, hidden_sizes, q):
    """The masks of one batch of m samples: a matrix M_l (m × n_l) for each hidden layer's size n_l.

    Row i, column j of M_l is 0 (unit j dropped for sample i) when rng.random() < q, which
    happens with probability q, and 1 (kept) otherwise. Drawn layer by layer, row by row,
    unit by unit.
    """
    return [Matrix([[0.0 if rng.random() < q else 1.0 for _ in range(n)] for _ in range(m)], check=False)
            for n in hidden_sizes]


def dropped(A, M, q):
    """A ⊙ M / (1 − q): the units where the mask M is 0 dropped, the others scaled by 1/(1 − q).

    Each unit is kept with probability 1 − q, so its expected value is
    (1 − q) · a / (1 − q) + q · 0 = a: on average the next layer receives what it
    would without dropout. The same product passes the gradient back: A ⊙ M / (1 − q) is
    A times a constant, elementwise, so the gradient with respect to A is the gradient with
    respect to A ⊙ M / (1 − q), dropped the same way.
    """
    return A * M / (1.0 - q)
