"""my_math/fast/fixed_point.py and network/fast/dense.py: products of floats in fixed point, held to their bound.

The bound (fixed_point.py's docstring): with γ_i the grid of row i of A, γ that of B,

    |z_ij − Σ_k a_ik b_kj| ≤ Σ_k (|a_ik| γ/2 + |b_kj| γ_i/2 + γ_i γ/4) + 2⁻⁵² (|z_ij| + 2⁴⁸ γ_i γ)

checked against the exact sums in rational arithmetic.
"""

import math
import random
from fractions import Fraction

import pytest

from my_math import Matrix
from my_math.fast import byte_matrix, fixed_point, textbook
from my_math.fast.byte_matrix import ByteMatrix
from my_math.fast.fixed_point import fixed_point_product
from network.dense import Dense
from network.fast import dense as fast_dense
from network.parallel import rows_of_weight_gradient

PACKING = fixed_point.PACKING
needs_packing = pytest.mark.skipif(not PACKING, reason="PyPy multiplies with the ordinary product")


def grid(top):
    """γ: the power of two with top < 2⁵⁰ γ (0 for top = 0)."""
    return math.ldexp(1.0, math.frexp(top)[1] - 50) if top else 0.0


def random_rows(rng, n, m, size=1.0, zeros=0.4):
    """n × m normal floats, about a fraction `zeros` of them 0 and a tenth far smaller than the rest."""
    return [[0.0 if rng.random() < zeros else rng.gauss(0, size) * (1e-9 if rng.random() < 0.1 else 1.0)
             for _ in range(m)] for _ in range(n)]


def assert_within_the_bound(product, a_rows, b_rows):
    g = grid(max(abs(b) for row in b_rows for b in row))
    for z_row, a_row in zip(product.tolist(), a_rows):
        g_i = grid(max(abs(a) for a in a_row))
        for j, z in enumerate(z_row):
            exact = sum(Fraction(a) * Fraction(b_row[j]) for a, b_row in zip(a_row, b_rows))
            bound = sum(abs(Fraction(a)) * Fraction(g) / 2 + abs(Fraction(b_row[j])) * Fraction(g_i) / 2
                        + Fraction(g_i) * Fraction(g) / 4 for a, b_row in zip(a_row, b_rows))
            bound += Fraction(2.0 ** -52) * (abs(Fraction(z)) + Fraction(2.0 ** 48) * Fraction(g_i) * Fraction(g))
            assert abs(Fraction(z) - exact) <= bound, (z, float(exact), float(bound))


@pytest.mark.parametrize("seed", range(8))
def test_the_product_is_within_its_bound_of_the_exact_sums(seed):
    rng = random.Random(seed)
    m, n, p = rng.randint(1, 6), rng.randint(1, 40), rng.randint(1, 9)
    size_a, size_b = 10.0 ** rng.randint(-5, 5), 10.0 ** rng.randint(-5, 5)
    a_rows, b_rows = random_rows(rng, m, n, size_a), random_rows(rng, n, p, size_b, zeros=0.1)
    assert_within_the_bound(fixed_point_product(Matrix(a_rows), Matrix(b_rows)), a_rows, b_rows)


@needs_packing
def test_numbers_on_the_grids_give_the_exact_sums_rounded_only_at_the_end():
    # Whole numbers of both signs up to 2⁵⁰ lie on their grids: nothing is rounded but the
    # result, and the largest sums of both signs side by side must not spill into each other.
    top = 2 ** 50 - 1
    a_rows = [[top, -top, 1, top] * 300, [3, 0, -7, 1] * 300]
    b_rows = [[top, -top, -1, 5]] * 1200
    product = fixed_point_product(Matrix(a_rows), Matrix(b_rows))
    for z_row, a_row in zip(product.tolist(), a_rows):
        g_i = grid(max(map(abs, a_row)))
        for j, z in enumerate(z_row):
            exact = sum(a * b_row[j] for a, b_row in zip(a_row, b_rows))  # whole numbers: exact
            assert abs(Fraction(z) - exact) <= Fraction(2.0 ** -52) * (abs(Fraction(z)) + 2 ** 48 * Fraction(g_i))
    small_a, small_b = [[3, 0, -7, 1] * 3], [[2 ** 40, -2, -1, 5]] * 12  # sums below 2⁵³: exact, as floats too
    assert fixed_point_product(Matrix(small_a), Matrix(small_b)).rows == (Matrix(small_a) @ Matrix(small_b)).rows


@needs_packing
@pytest.mark.parametrize("n, slot_bytes", [(1, 13), (127, 14), (2047, 14), (2048, 15)])
def test_the_slots_are_as_wide_as_n_terms_need(n, slot_bytes):
    assert fixed_point.slot_bytes_for(n) == slot_bytes
    assert n * 2 ** 100 < 2 ** (8 * slot_bytes - 1)


@needs_packing
def test_wide_slots_unpack_to_the_sums_they_hold():
    # Each slot width fixed_point uses, for sums of both signs from the smallest to the largest.
    rng = random.Random(3)
    for slot_bytes in range(13, 19):
        largest = 2 ** (8 * slot_bytes - 1) - 1
        values = [[rng.choice([0, 1, -1, largest, -largest, rng.randrange(-largest, largest)]) for _ in range(7)]
                  for _ in range(4)]
        sums = [sum(v << (8 * slot_bytes * j) for j, v in enumerate(row)) for row in values]
        got = byte_matrix._unpack(sums, 7, -10, slot_bytes)
        for got_row, row in zip(got, values):
            for x, v in zip(got_row, row):
                exact = Fraction(v) * Fraction(2.0 ** -10)
                assert abs(Fraction(x) - exact) <= Fraction(2.0 ** -52) * (abs(exact) + Fraction(2.0 ** 38))


@pytest.mark.parametrize("seed", range(4))
def test_a_row_of_the_product_does_not_depend_on_the_other_rows(seed):
    rng = random.Random(seed)
    a_rows, b_rows = random_rows(rng, 6, 30, 10.0 ** rng.randint(-3, 3)), random_rows(rng, 30, 5, zeros=0.0)
    whole = fixed_point_product(Matrix(a_rows), Matrix(b_rows))
    assert [fixed_point_product(Matrix([row]), Matrix(b_rows)).rows[0] for row in a_rows] == whole.rows


@pytest.mark.parametrize("special", [math.inf, -math.inf, math.nan, 2.0 ** 450, 2.0 ** -450])
def test_rows_and_matrices_the_grids_cannot_hold_go_to_the_ordinary_product(special):
    a_rows = [[0.0, 1.5, -2.0], [special, 0.0, 1.0], [0.0, 0.0, 0.0]]
    b_rows = [[1.0, -2.0], [0.5, 0.25], [3.0, 1.0]]
    ordinary = (Matrix(a_rows) @ Matrix(b_rows)).tolist()
    got = fixed_point_product(Matrix(a_rows), Matrix(b_rows)).tolist()
    assert repr(got[1]) == repr(ordinary[1])  # the row that holds it
    assert got[2] == [0.0, 0.0]
    assert_within_the_bound(Matrix([got[0]]), a_rows[:1], b_rows)
    b_rows[1][0] = special  # 0 · ∞ = NaN in every row: nothing may be skipped
    assert repr(fixed_point_product(Matrix(a_rows), Matrix(b_rows)).tolist()) == \
        repr((Matrix(a_rows) @ Matrix(b_rows)).tolist())


def test_a_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(1, 2\) @ \(3, 1\)"):
        fixed_point_product(Matrix([[1, 2]]), Matrix([[1], [2], [3]]))


def test_packing_is_used_on_cpython_and_not_on_pypy():
    assert PACKING == byte_matrix.PACKING


# ---------------------------------------------------------------------- the dense layer's fast forms

def wide_layer(rng, n_in=40, n_out=fast_dense.WIDE):
    return Dense(Matrix(random_rows(rng, n_in, n_out, 0.05, zeros=0.0)), Matrix(random_rows(rng, 1, n_out, zeros=0.0)))


def test_a_wide_layer_fed_floats_computes_its_three_products_in_fixed_point_within_the_bound():
    rng = random.Random(5)
    layer = wide_layer(rng)
    A = Matrix([[max(0.0, x) for x in row] for row in random_rows(rng, 3, 40, zeros=0.0)])
    dZ = Matrix(random_rows(rng, 3, fast_dense.WIDE, 1e-3))
    assert fast_dense.in_fixed_point(layer, A) == PACKING
    products = [(A, layer.W), (A.T, dZ), (dZ, layer.W.T)]  # Z − b, dW, dA_prev
    for left, right in products:
        assert_within_the_bound(fixed_point_product(left, right), left.rows, right.rows)
    if PACKING:
        assert layer.forward(A) == fixed_point_product(A, layer.W) + layer.b
        assert layer.weight_gradient(A, dZ) == fixed_point_product(A.T, dZ)
        assert layer.input_gradient(dZ) == fixed_point_product(dZ, layer.W.T)
    with textbook():
        plain = [layer.forward(A), layer.weight_gradient(A, dZ), layer.input_gradient(dZ)]
    fast = [layer.forward(A), layer.weight_gradient(A, dZ), layer.input_gradient(dZ)]
    for p, f in zip(plain, fast):
        assert all(x == pytest.approx(y, rel=1e-12, abs=1e-15) for p_row, f_row in zip(p.rows, f.rows)
                   for x, y in zip(p_row, f_row))
    assert fast[1].rows[2:5] == rows_of_weight_gradient(layer, A, dZ, range(2, 5)).rows  # as workers cut them


def test_the_default_networks_layers_keep_their_products_bit_for_bit():
    # Fed image bytes (ByteMatrix has its own product), or of fewer than WIDE units: the plain definitions.
    rng = random.Random(6)
    narrow = wide_layer(rng, n_out=fast_dense.WIDE - 1)
    A = Matrix(random_rows(rng, 3, 40))
    dZ = Matrix(random_rows(rng, 3, fast_dense.WIDE - 1))
    first = wide_layer(rng, n_in=784, n_out=fast_dense.WIDE - 1)
    X = ByteMatrix([bytes(rng.randrange(256) for _ in range(784)) for _ in range(3)])
    cases = [(narrow, A), (first, X)]
    for layer, A_prev in cases:
        assert not fast_dense.in_fixed_point(layer, A_prev)
        fast = [layer.forward(A_prev), layer.weight_gradient(A_prev, dZ), layer.input_gradient(dZ)]
        plain = [fast_dense._PLAIN_FORWARD(layer, A_prev), fast_dense._PLAIN_WEIGHT_GRADIENT(layer, A_prev, dZ),
                 fast_dense._PLAIN_INPUT_GRADIENT(layer, dZ)]
        assert fast == plain
