"""my_math.Matrix: every operation, with the fast forms on and with the plain definitions
(the two are held to each other bit for bit in test_fast_forms.py), against references
written here as loops over lists, and the plain product against exact fractions."""

import math
import operator
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fractions import Fraction

from my_math import Matrix, textbook, use_fast_forms
from my_math.fast import fast_forms_in_use


@pytest.fixture(autouse=True, params=["fast forms", "plain definitions"])
def each_way(request):
    """Every test of this file runs twice: with the fast forms, and with the plain definitions."""
    before = fast_forms_in_use()
    use_fast_forms(request.param == "fast forms")
    yield
    use_fast_forms(*before)


# ---------------------------------------------------------------- the references


def reference_product(a, b):
    """z_ij = Σ_k a_ik b_kj, written here as loops over lists rather than taken from matrix.py:
    each sum starts at 0.0 and adds the terms in the order k = 0, 1, ..., as the definition reads."""
    n, m = len(b), len(b[0])
    product = []
    for a_row in a:
        z_row = []
        for j in range(m):
            z = 0.0
            for k in range(n):
                z += a_row[k] * b[k][j]
            z_row.append(z)
        product.append(z_row)
    return product


def textbook_broadcast(a, b, op):
    """c_ij = op(a_ij, b_ij) where a size-1 dimension of a or b is read at index 0."""
    n = max(len(a), len(b))
    m = max(len(a[0]), len(b[0]))

    def at(x, i, j):
        return x[i if len(x) > 1 else 0][j if len(x[0]) > 1 else 0]

    return [[op(at(a, i, j), at(b, i, j)) for j in range(m)] for i in range(n)]


def random_rows(rng, n, m, zeros=0.0):
    """An n × m list of rows of random numbers, about a fraction `zeros` of them 0."""
    return [[0.0 if rng.random() < zeros else rng.uniform(-2, 2) for _ in range(m)] for _ in range(n)]


def assert_close(actual, expected):
    """Equal shapes, and each entry equal up to rounding: math.isclose with rel_tol and abs_tol 1e-12.

    Python 3.12+ adds with extra precision (sum, math.sumprod), so the last digit may
    differ from the plain loop's; before 3.12 the additions happen in the same order
    and the results are identical.
    """
    assert len(actual) == len(expected) and len(actual[0]) == len(expected[0])
    for actual_row, expected_row in zip(actual, expected):
        for x, y in zip(actual_row, expected_row):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12), (x, y)


SHAPES = [(1, 1), (1, 5), (5, 1), (3, 4), (7, 7), (2, 9), (10, 3)]


# ---------------------------------------------------------------- making and looking


def test_construction_stores_floats_and_shape():
    a = Matrix([[1, 2, 3], [4, 5, 6]])
    assert a.shape == (2, 3)
    assert len(a) == 2
    assert a.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert all(type(x) is float for row in a.tolist() for x in row)


def test_indexing_rows_and_elements():
    a = Matrix([[1, 2], [3, 4]])
    assert a[1] == [3.0, 4.0]
    assert a[0, 1] == 2.0
    assert a[-1, -1] == 4.0
    assert list(a) == [[1.0, 2.0], [3.0, 4.0]]


def test_an_element_is_written_with_a_pair_of_indices():
    a = Matrix([[1, 2], [3, 4]])
    a[0, 1] = 99
    a[-1, 0] = 0.5
    assert a.tolist() == [[1.0, 99.0], [0.5, 4.0]]
    assert type(a[0, 1]) is float


def test_writing_into_a_copied_row_is_a_clear_error_not_a_silent_nothing():
    a = Matrix([[1, 2], [3, 4]])
    with pytest.raises(TypeError, match=r"a\[i, j\] = v"):
        a[0][0] = 99
    for row in a:
        with pytest.raises(TypeError, match="copy"):
            row[1] += 1
    with pytest.raises(TypeError, match=r"a\[i, j\] = v"):
        a[0] = [5, 6]
    with pytest.raises(TypeError, match="numbers"):
        a[0, 0] = "7"
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_tolist_is_a_copy():
    a = Matrix([[1, 2]])
    rows = a.tolist()
    rows[0][0] = 5.0
    assert a[0, 0] == 1.0


def test_factories():
    assert Matrix.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert Matrix.full(2, 2, 7).tolist() == [[7.0, 7.0], [7.0, 7.0]]
    assert Matrix.row([1, 2, 3]).tolist() == [[1.0, 2.0, 3.0]]
    assert Matrix([[1, 2, 3], [4, 5, 6]]).reshape(3, 2).tolist() == [[1, 2], [3, 4], [5, 6]]


def test_random_normal_is_reproducible_and_has_the_right_moments():
    a = Matrix.random_normal(200, 50, mean=3.0, std=2.0, rng=random.Random(0))
    b = Matrix.random_normal(200, 50, mean=3.0, std=2.0, rng=random.Random(0))
    assert a == b
    assert a != Matrix.random_normal(200, 50, mean=3.0, std=2.0, rng=random.Random(1))
    mean = a.mean()
    std = math.sqrt(((a - mean) * (a - mean)).mean())
    assert abs(mean - 3.0) < 0.05 and abs(std - 2.0) < 0.05


def test_repr_shows_shape_and_truncates_large_matrices():
    assert repr(Matrix([[1, 2], [3, 4]])) == "Matrix (2, 2)\n[[1  2]\n [3  4]]"
    big = repr(Matrix.full(100, 50, 1.5))
    assert big.startswith("Matrix (100, 50)")
    assert "..." in big and len(big.splitlines()) == 8


@pytest.mark.parametrize("rows, error", [
    ([[1, 2], [3]], ValueError),
    ([], ValueError),
    ([[]], ValueError),
    ([[1, "2"]], TypeError),
    ([[1, None]], TypeError),
    (5, TypeError),
])
def test_construction_errors(rows, error):
    with pytest.raises(error):
        Matrix(rows)


def test_ragged_rows_message_names_the_rows():
    with pytest.raises(ValueError, match="row 0 has 2 numbers but row 1 has 1"):
        Matrix([[1, 2], [3]])


@pytest.mark.parametrize("size", [(0, 2), (2, 0), (-1, 3), (2.5, 2)])
def test_factory_size_errors(size):
    with pytest.raises(ValueError):
        Matrix.zeros(*size)


def test_reshape_error():
    with pytest.raises(ValueError, match=r"cannot reshape \(2, 3\) into \(4, 2\)"):
        Matrix.zeros(2, 3).reshape(4, 2)


# ---------------------------------------------------------------- elementwise arithmetic

OPS = [(operator.add, "+"), (operator.sub, "-"), (operator.mul, "*"), (operator.truediv, "/")]


@pytest.mark.parametrize("op, symbol", OPS)
@pytest.mark.parametrize("m, n", [(1, 1), (1, 4), (3, 1), (3, 4)])
def test_every_broadcasting_combination(op, symbol, m, n):
    rng = random.Random(m * 10 + n)
    shapes = {(m, n), (1, n), (m, 1), (1, 1)}
    for shape_a in shapes:
        for shape_b in shapes:
            a = [[rng.uniform(0.5, 2) for _ in range(shape_a[1])] for _ in range(shape_a[0])]
            b = [[rng.uniform(0.5, 2) for _ in range(shape_b[1])] for _ in range(shape_b[0])]
            result = op(Matrix(a), Matrix(b))
            expected = textbook_broadcast(a, b, op)
            assert result.tolist() == expected, (shape_a, symbol, shape_b)


def test_column_with_row_gives_the_outer_shape():
    c = Matrix([[1], [2]]) + Matrix([[10, 20, 30]])
    assert c.tolist() == [[11, 21, 31], [12, 22, 32]]


@pytest.mark.parametrize("op, symbol", OPS)
def test_scalars_on_either_side(op, symbol):
    a = [[1.0, 2.0, 4.0], [-1.0, 0.5, 8.0]]
    for s in (3, 0.25, -2.0):
        assert op(Matrix(a), s).tolist() == [[op(x, s) for x in row] for row in a]
        assert op(s, Matrix(a)).tolist() == [[op(s, x) for x in row] for row in a]


def test_negation_and_map():
    a = Matrix([[1, -2], [0, 4]])
    assert (-a).tolist() == [[-1, 2], [0, -4]]
    assert a.map(abs).tolist() == [[1, 2], [0, 4]]
    assert Matrix([[1, 4]]).map(math.sqrt).tolist() == [[1.0, 2.0]]


def test_operations_do_not_change_their_inputs():
    a, b = Matrix([[1, 2], [3, 4]]), Matrix([[5, 6]])
    before = (a.tolist(), b.tolist())
    for result in (a + b, a - b, a * b, a / b, -a, a @ a, a.T, a.sum(axis=0), 2 * a):
        assert result is not a
    assert (a.tolist(), b.tolist()) == before


@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (3, 2)), ((2, 3), (2, 2)), ((3, 1), (2, 1)), ((1, 3), (1, 2))])
def test_broadcasting_errors_name_the_operation_and_shapes(shape_a, shape_b):
    with pytest.raises(ValueError, match=re.escape(f"cannot broadcast {shape_a} + {shape_b}")):
        Matrix.zeros(*shape_a) + Matrix.zeros(*shape_b)
    with pytest.raises(ValueError, match=r"\*"):
        Matrix.zeros(*shape_a) * Matrix.zeros(*shape_b)


def test_unsupported_operand_types():
    with pytest.raises(TypeError):
        Matrix([[1]]) + "1"
    with pytest.raises(TypeError):
        Matrix([[1]]) @ 2


# ---------------------------------------------------------------- transpose and product


@pytest.mark.parametrize("n, m", SHAPES)
def test_transpose(n, m):
    a = random_rows(random.Random(n * m), n, m)
    t = Matrix(a).T
    assert t.shape == (m, n)
    assert t.tolist() == [[a[i][j] for i in range(n)] for j in range(m)]
    assert Matrix(a).transpose() == t
    assert t.T == Matrix(a)


@pytest.mark.parametrize("zeros", [0.0, 0.5, 0.8, 0.97, 1.0])
def test_product_matches_the_triple_loop_on_many_shapes(zeros):
    """Both paths of @ (shortened columns for sparse rows, full columns for dense ones), on all shapes."""
    rng = random.Random(int(zeros * 100))
    for n, k in SHAPES:
        for m in (1, 2, 6):
            a, b = random_rows(rng, n, k, zeros), random_rows(rng, k, m)
            result = Matrix(a) @ Matrix(b)
            expected = reference_product(a, b)
            assert result.shape == (n, m)
            assert_close(result.tolist(), expected)
            if sys.version_info < (3, 12):
                assert result.tolist() == expected, "same additions in the same order: identical"


def test_the_plain_product_is_the_exact_sum_up_to_rounding():
    """matrix.py's triple loop against exact rational arithmetic: within the rounding of n additions."""
    rng = random.Random(9)
    for n, k in SHAPES:
        a, b = random_rows(rng, n, k, 0.3), random_rows(rng, k, 4)
        with textbook():
            plain = (Matrix(a) @ Matrix(b)).tolist()
        for z_row, a_row in zip(plain, a):
            for j, z in enumerate(z_row):
                terms = [Fraction(x) * Fraction(w_row[j]) for x, w_row in zip(a_row, b)]
                size = sum(abs(t) for t in terms)
                assert abs(Fraction(z) - sum(terms)) <= k * 2.0 ** -52 * size


def test_product_on_real_mnist_rows(mnist_rows):
    """The product that dominates training: images (80% zeros) times a weight matrix."""
    rng = random.Random(0)
    weights = random_rows(rng, 784, 16)
    assert_close((Matrix(mnist_rows) @ Matrix(weights)).tolist(), reference_product(mnist_rows, weights))
    # and the transposed product of backpropagation, Xᵀ dZ
    dZ = random_rows(rng, len(mnist_rows), 16, zeros=0.5)
    x_t = [list(column) for column in zip(*mnist_rows)]
    assert_close((Matrix(mnist_rows).T @ Matrix(dZ)).tolist(), reference_product(x_t, dZ))


@pytest.fixture(scope="module")
def mnist_rows(test_set):
    return test_set.matrix(range(20)).tolist()


def test_product_example_and_dot_alias():
    a = Matrix([[1, 2]])
    b = Matrix([[3], [4]])
    assert (a @ b).tolist() == [[11.0]]
    assert a.dot(b) == a @ b
    assert (b @ a).tolist() == [[3, 6], [4, 8]]


def test_product_shape_error_message():
    with pytest.raises(ValueError) as error:
        Matrix.zeros(2, 3) @ Matrix.zeros(2, 3)
    assert str(error.value) == "cannot compute (2, 3) @ (2, 3): 3 columns vs 2 rows"


# ---------------------------------------------------------------- reductions


@pytest.mark.parametrize("n, m", SHAPES)
def test_reductions_match_loops(n, m):
    a = random_rows(random.Random(n + 100 * m), n, m)
    x = Matrix(a)
    columns = [[a[i][j] for i in range(n)] for j in range(m)]
    assert math.isclose(x.sum(), sum(sum(row) for row in a), rel_tol=1e-12, abs_tol=1e-12)
    assert_close(x.sum(axis=0).tolist(), [[sum(c) for c in columns]])
    assert_close(x.sum(axis=1).tolist(), [[sum(row)] for row in a])
    assert math.isclose(x.mean(), sum(map(sum, a)) / (n * m), rel_tol=1e-12, abs_tol=1e-12)
    assert_close(x.mean(axis=0).tolist(), [[sum(c) / n for c in columns]])
    assert_close(x.mean(axis=1).tolist(), [[sum(row) / m] for row in a])
    assert x.max() == max(max(row) for row in a)
    assert x.max(axis=0).tolist() == [[max(c) for c in columns]]
    assert x.max(axis=1).tolist() == [[max(row)] for row in a]
    assert x.argmax(axis=1) == [max(range(m), key=lambda j: (row[j], -j)) for row in a]
    assert x.argmax(axis=0) == [max(range(n), key=lambda i: (c[i], -i)) for c in columns]


def test_argmax_takes_the_first_on_ties():
    assert Matrix([[1, 5, 5], [7, 0, 7]]).argmax(axis=1) == [1, 0]
    assert Matrix([[3, 1], [3, 2]]).argmax(axis=0) == [0, 1]


def test_reduction_axis_errors():
    with pytest.raises(ValueError, match="axis"):
        Matrix.zeros(2, 2).sum(axis=2)
    with pytest.raises(ValueError, match="axis"):
        Matrix.zeros(2, 2).argmax(axis=None)


# ---------------------------------------------------------------- pure Python


def test_the_core_never_imports_a_numeric_library_nor_what_shows_it():
    """Every module of my_math, network and data, imported: no numeric library (the project is
    pure Python), and nothing of pictures or web pages (they live in show/)."""
    code = ("import importlib, pkgutil, sys\n"
            "for package in ('my_math', 'network', 'data'):\n"
            "    for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + '.'):\n"
            "        importlib.import_module(module.name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'numpy', 'scipy', 'torch', 'pandas', 'matplotlib', 'PIL', 'show', 'socketserver'} "
            "or m == 'http.server'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).resolve().parent.parent))
    assert out.stdout.strip() == "[]"
