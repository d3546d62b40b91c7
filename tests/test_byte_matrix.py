"""ByteMatrix (my_math/fast/byte_matrix.py): pixels byte / 255, and its packed product held to the exact sums."""

import math
import random
import sys
from fractions import Fraction

import pytest

from my_math import Matrix
from my_math.fast import byte_matrix as byte_module
from my_math.fast import textbook
from my_math.fast.byte_matrix import ByteMatrix
from network import Network

SHAPES = [(1, 1, 1), (1, 5, 1), (1, 1, 7), (4, 1, 3), (3, 6, 1), (2, 3, 4), (9, 30, 12), (30, 9, 5)]
U = 2.0 ** -53  # the unit roundoff: a float rounding moves a number by at most U times its size


def random_bytes(rng, n, m, zeros=0.8):
    """n rows of m bytes, about a fraction `zeros` of them 0, like an MNIST image."""
    return [bytes(0 if rng.random() < zeros else rng.randrange(1, 256) for _ in range(m)) for _ in range(n)]


def random_floats(rng, n, m, size=1.0):
    """n × m normal floats of about the given size, with a few far smaller ones mixed in."""
    return [[rng.gauss(0, size) * (1e-9 if rng.random() < 0.1 else 1.0) for _ in range(m)] for _ in range(n)]


def exact_product(byte_rows, w_rows):
    """(B W) / 255 in exact rational arithmetic, element by element, B the bytes."""
    return [[sum(Fraction(byte) * Fraction(w_row[j]) for byte, w_row in zip(byte_row, w_rows)) / 255
             for j in range(len(w_rows[0]))] for byte_row in byte_rows]


def assert_within_the_bound(product, byte_rows, w_rows):
    """|z_ij − exact z_ij| ≤ (Σ_k byte_ik / 255)(γ/2 + 2U |w|max) + 4U |exact z_ij|: matmul's promise.

    γ, the grid W is rounded to, is 2^e with max |w| < 2⁵⁰ γ; when W is divided by 255
    first, its grid is finer still. The U terms cover the division by 255 and the one
    rounding of each sum to a float.
    """
    top = max(abs(b) for row in w_rows for b in row)
    grid = math.ldexp(1.0, math.frexp(top)[1] - 50) if top else 0.0
    for z_row, exact_row, byte_row in zip(product.tolist(), exact_product(byte_rows, w_rows), byte_rows):
        weight = Fraction(sum(byte_row), 255)
        for z, exact in zip(z_row, exact_row):
            bound = weight * Fraction(grid / 2 + 2 * U * top) + 4 * U * abs(exact)
            assert abs(Fraction(z) - exact) <= bound, (z, float(exact), float(bound))


# ---------------------------------------------------------------- what a ByteMatrix is

def test_elements_are_the_bytes_over_255():
    X = ByteMatrix([b"\x00\xff\x80", b"\x01\x02\x03"])
    assert X.shape == (2, 3)
    assert X.tolist() == [[0.0, 1.0, 128 / 255], [1 / 255, 2 / 255, 3 / 255]]
    assert isinstance(X, Matrix)


def test_transpose_is_a_byte_matrix_of_the_columns():
    X = ByteMatrix([b"\x00\xff\x80", b"\x01\x02\x03"])
    assert isinstance(X.T, ByteMatrix)
    assert X.T.byte_rows == [b"\x00\x01", b"\xff\x02", b"\x80\x03"]
    assert X.T.tolist() == Matrix(X.tolist()).T.tolist()


def test_it_takes_part_in_ordinary_matrix_arithmetic():
    X = ByteMatrix([b"\x00\xff", b"\x33\x66"])
    Y = Matrix(X.tolist())
    assert (X + 1).tolist() == (Y + 1).tolist()
    assert (Y @ X).tolist()[0] == pytest.approx((Y @ Y).tolist()[0], rel=1e-14)  # on the right: rmatmul
    with textbook():
        assert (Y @ X).tolist() == (Y @ Y).tolist()  # switched off, an ordinary operand
    assert X == Y


@pytest.mark.parametrize("rows, error, words", [
    ([], ValueError, "at least one row"),
    ([b""], ValueError, "at least one row"),
    ([b"\x01\x02", b"\x03"], ValueError, "ragged rows: row 0 has 2 bytes but row 1 has 1"),
    ([b"\x01", [2]], TypeError, "row 1 is a list, not bytes"),
])
def test_bad_rows_are_refused_with_a_clear_message(rows, error, words):
    with pytest.raises(error, match=words):
        ByteMatrix(rows)


def test_a_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"cannot compute \(1, 2\) @ \(3, 1\): 2 columns vs 3 rows"):
        ByteMatrix([b"\x01\x02"]) @ Matrix([[1], [2], [3]])


# ---------------------------------------------------------------- the packed product

@pytest.mark.parametrize("n, k, m", SHAPES)
def test_product_is_within_its_bound_of_the_exact_sums(n, k, m):
    rng = random.Random(n * 1000 + k * 10 + m)
    for size in (1.0, 1e-4, 3e5):
        byte_rows, w_rows = random_bytes(rng, n, k), random_floats(rng, k, m, size)
        assert_within_the_bound(ByteMatrix(byte_rows) @ Matrix(w_rows), byte_rows, w_rows)


@pytest.mark.parametrize("n, k, m", SHAPES)
def test_a_product_with_the_bytes_on_the_right_is_within_its_bound(n, k, m):
    # D @ B = (Bᵀ Dᵀ)ᵀ: the bound of B on the left, with Dᵀ's rows for W's and the grid of D.
    rng = random.Random(n * 1000 + k * 10 + m + 1)
    for size in (1.0, 1e-4, 3e5):
        byte_rows, d_rows = random_bytes(rng, k, m), random_floats(rng, n, k, size)
        product = Matrix(d_rows) @ ByteMatrix(byte_rows)
        assert product.shape == (n, m)
        assert_within_the_bound(product.T, [bytes(column) for column in zip(*byte_rows)], list(map(list, zip(*d_rows))))


@pytest.mark.usefixtures("packing")
def test_the_bytes_on_the_right_are_packed_unless_it_does_not_pay(monkeypatch):
    calls = []
    real = byte_module._pack_bytes
    monkeypatch.setattr(byte_module, "_pack_bytes", lambda *args: calls.append(len(args[0])) or real(*args))
    B = ByteMatrix([b"\x01\x02", b"\x03\x04", b"\x05\x06"])
    Matrix([[1.0, 0.0, 2.0]]) @ B  # 2 non-zero d for 3 rows of B
    assert calls == []
    Matrix([[1.0, 0.0, 2.0], [0.5, 0.0, 0.0]]) @ B
    assert calls == [3]
    inf = Matrix([[math.inf, 1.0, 1.0], [0.0, 1.0, 1.0]]) @ B  # left to the ordinary product: 0 · ... kept
    assert calls == [3] and math.isinf(inf[0, 0])


@pytest.mark.parametrize("n, k, m", SHAPES)
def test_product_agrees_with_the_textbook_loop(n, k, m):
    rng = random.Random(k)
    byte_rows, w_rows = random_bytes(rng, n, k, zeros=0.5), random_floats(rng, k, m)
    X = ByteMatrix(byte_rows)
    with textbook():
        expected = (X @ Matrix(w_rows)).tolist()
    for z_row, expected_row in zip((X @ Matrix(w_rows)).tolist(), expected):
        for z, expected_z in zip(z_row, expected_row):
            assert z == pytest.approx(expected_z, rel=1e-12, abs=1e-12)


@pytest.mark.usefixtures("packing")
def test_whole_numbers_give_the_exact_answer_correctly_rounded():
    # Whole numbers lie on the grid, so nothing is rounded until the end: the answer is the
    # exact Σ byte · w / 255, rounded once. Negative, zero, large and small numbers all pass
    # through the slots, which must neither spill into each other nor lose a carry.
    rng = random.Random(7)
    byte_rows = random_bytes(rng, 20, 40, zeros=0.3) + [bytes(40), bytes([255] * 40)]
    w_rows = [[float(rng.choice([0, 1, -1, 255, -2 ** 20, rng.randrange(-999, 999)])) for _ in range(25)]
              for _ in range(40)]
    product = ByteMatrix(byte_rows) @ Matrix(w_rows)
    for z_row, exact_row in zip(product.tolist(), exact_product(byte_rows, w_rows)):
        assert z_row == [float(exact) for exact in exact_row]


@pytest.mark.usefixtures("packing")
@pytest.mark.parametrize("n, slot_bytes", [(8223, 9), (8224, 10), (20000, 10)])
def test_long_sums_get_wider_slots_and_stay_exact(monkeypatch, n, slot_bytes):
    # Sums of more than 8 223 terms of 255 · 2⁵⁰ could outgrow 72 bits: the slots widen.
    # The largest sums of all, 255 at every byte times the largest weights, of both signs
    # next to each other, must come out exact: no slot may spill into the next one.
    widths = []
    real = byte_module._pack
    monkeypatch.setattr(byte_module, "_pack", lambda *args: widths.append(args[2]) or real(*args))
    top = 2.0 ** 50 - 1  # the largest whole number below 2⁵⁰ γ with γ = 1: all on the grid
    w_rows = [[top, -top, 1.0, -top]] * n
    byte_rows = [bytes([255] * n), bytes([255, 0] * (n // 2) + [255] * (n % 2))]
    product = ByteMatrix(byte_rows) @ Matrix(w_rows)
    assert widths == [slot_bytes]
    for z_row, exact_row in zip(product.tolist(), exact_product(byte_rows, w_rows)):
        assert z_row == [float(exact) for exact in exact_row]


def test_pack_then_unpack_gives_back_numbers_on_the_grid():
    # Multiplying by an identity of bytes picks out each packed row: r γ, exactly w.
    rng = random.Random(3)
    grid = 2.0 ** -40
    w_rows = [[rng.randrange(-2 ** 49, 2 ** 49) * grid for _ in range(6)] for _ in range(5)]
    identity = [bytes(int(i == k) for k in range(5)) for i in range(5)]
    top = max(abs(b) for row in w_rows for b in row)
    assert byte_module._packed_product(identity, w_rows, top) == w_rows


def test_rows_of_zero_bytes_give_rows_of_zeros():
    product = ByteMatrix([bytes(4), b"\x00\x05\x00\x00"]) @ Matrix([[1.5, -2]] * 4)
    assert product.tolist() == [[0.0, 0.0], [5 * 1.5 / 255, -5 * 2 / 255]]


def test_an_all_zero_matrix_of_floats_gives_zeros():
    assert (ByteMatrix([b"\x01\x02"]) @ Matrix.zeros(2, 3)).tolist() == [[0.0, 0.0, 0.0]]


@pytest.mark.parametrize("special", [math.inf, -math.inf, math.nan, 1e300, 1e-300])
def test_numbers_packing_cannot_hold_go_to_the_ordinary_product(special):
    # inf and NaN must come out as the textbook's would, 0 · NaN = NaN included (the 0
    # bytes are not skipped); sizes beyond 2^±900 are left alone.
    w_rows = [[special, 1.0], [2.0, 3.0]]
    X = ByteMatrix([b"\x00\xff", b"\x01\x02", b"\x00\x07"] * 10)
    got = (X @ Matrix(w_rows)).tolist()
    with textbook():
        expected = (X @ Matrix(w_rows)).tolist()
    assert [[repr(x) for x in row] for row in got] == [[repr(x) for x in row] for row in expected]


def test_without_packing_the_product_is_the_ordinary_one(monkeypatch):
    # PyPy's path: the rows of floats through Matrix.__matmul__, the textbook's sums exactly
    # (before Python 3.12, whose sum rounds more carefully).
    monkeypatch.setattr(byte_module, "PACKING", False)
    rng = random.Random(5)
    byte_rows, w_rows = random_bytes(rng, 6, 10), random_floats(rng, 10, 4)
    X = ByteMatrix(byte_rows)
    product = (X @ Matrix(w_rows)).tolist()
    if sys.version_info < (3, 12):
        with textbook():
            assert product == (X @ Matrix(w_rows)).tolist()
    assert product == (Matrix(X.tolist()) @ Matrix(w_rows)).tolist()


def test_packing_is_used_on_cpython_and_not_on_pypy():
    assert byte_module.PACKING == (sys.implementation.name != "pypy")


@pytest.mark.parametrize("seed", range(4))
def test_a_row_of_the_product_does_not_depend_on_the_other_rows(seed):
    """Row i of B @ W comes out the same, bit for bit, whether B has that row alone, a few rows or all
    of them: network/parallel/ shares a batch's rows out among processes. Rows of few non-zero
    bytes, and W with fewer rows than B, as many, and more."""
    rng = random.Random(seed)
    byte_rows = random_bytes(rng, 12, 6, zeros=0.6) + [bytes(6), b"\x00\x00\x00\x00\x00\x07"]
    for p in (3, 6, 20):
        W = Matrix(random_floats(rng, 6, p))
        whole = (ByteMatrix(byte_rows) @ W).tolist()
        for start, stop in [(0, 1), (3, 4), (12, 13), (13, 14), (0, 5), (5, 14), (2, 9)]:
            assert repr((ByteMatrix(byte_rows[start:stop]) @ W).tolist()) == repr(whole[start:stop])


@pytest.mark.parametrize("seed", range(4))
def test_a_column_of_the_product_with_the_bytes_on_the_right_does_not_depend_on_the_other_columns(seed):
    """D @ B's columns j likewise, B's columns taken alone: a convolution's dW rows computed apart
    (network/fast/convolution.py) are such products."""
    rng = random.Random(seed)
    B = ByteMatrix(random_bytes(rng, 9, 7, zeros=0.5))
    D = Matrix(random_floats(rng, 4, 9))
    whole = (D @ B).tolist()
    for start, stop in [(0, 1), (6, 7), (0, 3), (3, 7)]:
        B_part = ByteMatrix([row[start:stop] for row in B.byte_rows])
        assert repr((D @ B_part).tolist()) == repr([row[start:stop] for row in whole])


@pytest.mark.usefixtures("packing")
@pytest.mark.parametrize("cuts", [(5,), (1, 11), (4, 4, 9), (12,)], ids=["two parts", "three", "an empty part", "one"])
def test_the_product_in_parts_of_w_is_the_product_bit_for_bit(cuts):
    """Worker processes each multiply by their own rows of W, and the sums are added (network/parallel/)."""
    rng = random.Random(5)
    byte_rows = random_bytes(rng, 6, 12, zeros=0.5)
    byte_rows[2] = bytes(12)  # an image all black: a row of zeros, as matmul gives it
    X = ByteMatrix(byte_rows)
    w_rows = random_floats(rng, 12, 4)
    top = byte_module.largest_size(w_rows)
    assert byte_module.summed_in_parts(12, 4, top)
    sums = [0] * 6
    for start, stop in zip((0,) + cuts, cuts + (12,)):
        if start < stop:
            part = byte_module.partial_sums([row[start:stop] for row in X.byte_rows],
                                            byte_module.packed_rows(w_rows[start:stop], top, 12))
            sums = [S + s for S, s in zip(sums, part)]
    product = byte_module.product_from_sums(sums, byte_rows, top, 12, 4)
    assert repr(product.tolist()) == repr((X @ Matrix(w_rows)).tolist())


def test_a_product_is_summed_in_parts_only_where_matmul_packs_a_tall_w():
    assert not byte_module.summed_in_parts(4, 4, 1.0)  # W as wide as tall: matmul divides W first
    assert not byte_module.summed_in_parts(12, 4, math.nan)  # a NaN or an infinity: Matrix.__matmul__
    assert not byte_module.summed_in_parts(12, 4, 2.0 ** 950)
    assert math.isnan(byte_module.largest_size([[1.0, math.inf]]))
    with textbook():
        assert not byte_module.summed_in_parts(12, 4, 1.0)
    assert byte_module.summed_in_parts(12, 4, 1.0) == byte_module.PACKING


def test_the_network_learns_the_same_from_bytes_as_from_their_floats():
    # Dense.backward's Xᵀ dZ runs through ByteMatrix.T: the gradients must agree.
    rng = random.Random(11)
    X = ByteMatrix(random_bytes(rng, 16, 30))
    labels = [rng.randrange(4) for _ in range(16)]
    net = Network([30, 8, 4], seed=2)
    loss, _, grads = net.loss_and_gradients(X, labels)
    plain_loss, _, plain_grads = net.loss_and_gradients(Matrix(X.tolist()), labels)
    assert loss == pytest.approx(plain_loss, rel=1e-13)
    for (dW, db), (plain_dW, plain_db) in zip(grads, plain_grads):
        for row, plain_row in zip(dW.tolist() + db.tolist(), plain_dW.tolist() + plain_db.tolist()):
            assert row == pytest.approx(plain_row, rel=1e-12, abs=1e-15)
