"""my_math.Matrix: every operation, with the fast forms on and with the plain definitions
(the two are held to each other bit for bit in test_fast_forms.py), against references
written here as loops over lists, and the product against exact fractions."""

import math
import operator
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fractions import Fraction

from my_math import Matrix
from my_math.fast import fast_forms_in_use, use_fast_forms


@pytest.fixture(autouse=True, params=["fast forms", "plain definitions"])
def each_way(request):
    """Every test of this file runs twice: with the fast forms, and with the plain definitions."""
    before = fast_forms_in_use()
    use_fast_forms(request.param == "fast forms")
    yield
    use_fast_forms(*before)


# ---------------------------------------------------------------- the references


def textbook_matmul(a, b):
    """z_ij = Σ_k a_ik w_kj, written here: for each i and j, the terms added one by one, k = 0, 1, ...
    (not Python's sum, which rounds more carefully from 3.12 on)."""
    Z = []
    for a_row in a:
        z_row = []
        for j in range(len(b[0])):
            total = 0.0
            for k, a_ik in enumerate(a_row):
                total += a_ik * b[k][j]
            z_row.append(total)
        Z.append(z_row)
    return Z


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
    assert a.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert all(type(x) is float for row in a.tolist() for x in row)


def test_indexing_elements():
    a = Matrix([[1, 2], [3, 4]])
    assert a[0, 1] == 2.0
    assert a[-1, -1] == 4.0


def test_an_element_is_written_with_a_pair_of_indices():
    a = Matrix([[1, 2], [3, 4]])
    a[0, 1] = 99
    a[-1, 0] = 0.5
    assert a.tolist() == [[1.0, 99.0], [0.5, 4.0]]
    assert type(a[0, 1]) is float


def test_no_view_of_a_matrix_changes_it_silently():
    """a[i, j] = v is the one way to change an element from outside (besides a.rows, the storage
    itself): rows, slices and iteration are refused with a message saying how to index, the
    lists a matrix was made from and tolist()'s copy are the matrix's no more."""
    rows = [[1, 2], [3, 4]]
    a = Matrix(rows)
    for view in (lambda: a[0], lambda: a[0:1], lambda: a[-1], lambda: list(a), lambda: a[0, 0, 0]):
        with pytest.raises(TypeError, match=r"a\[i, j\]"):
            view()
    with pytest.raises(TypeError, match=r"a\[i, j\]"):
        a[0] = [5, 6]
    with pytest.raises(TypeError, match=r"a\[i, j\]"):
        a[0:1] = [[5, 6]]
    with pytest.raises(TypeError, match="numbers"):
        a[0, 0] = "7"
    rows[0][0] = 99
    a.tolist()[1][1] = 99
    assert a.tolist() == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize("make", [
    lambda: Matrix([[True, 2]]),
    lambda: Matrix([[1, 2]]) + True,
    lambda: False * Matrix([[1, 2]]),
    lambda: Matrix([[1, 2]]).__setitem__((0, 0), True),
])
def test_true_and_false_are_refused_everywhere_as_numbers(make):
    """bool is a Real to Python; to a matrix of floats it is a mistake, the same one everywhere."""
    with pytest.raises(TypeError):
        make()


def test_tolist_is_a_copy():
    a = Matrix([[1, 2]])
    rows = a.tolist()
    rows[0][0] = 5.0
    assert a[0, 0] == 1.0


def test_zeros():
    assert Matrix.zeros(2, 3).tolist() == [[0.0] * 3] * 2


def test_random_normal_is_reproducible_and_has_the_right_moments():
    a = Matrix.random_normal(200, 50, mean=3.0, std=2.0, rng=random.Random(0))
    b = Matrix.random_normal(200, 50, mean=3.0, std=2.0, rng=random.Random(0))
    assert a == b
    assert a != Matrix.random_normal(200, 50, mean=3.0, std=2.0, rng=random.Random(1))
    mean = a.sum() / 10_000
    std = math.sqrt(((a - mean) * (a - mean)).sum() / 10_000)
    assert abs(mean - 3.0) < 0.05 and abs(std - 2.0) < 0.05


def test_repr_shows_shape_and_truncates_large_matrices():
    assert repr(Matrix([[1, 2], [3, 4]])) == "Matrix (2, 2)\n[[1  2]\n [3  4]]"
    big = repr(Matrix.zeros(100, 50) + 1.5)
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
    assert t.T == Matrix(a)


@pytest.mark.parametrize("zeros", [0.0, 0.5, 0.8, 0.97, 1.0])
def test_product_matches_the_triple_loop_on_many_shapes(zeros):
    """Both paths of @ (shortened columns for sparse rows, full columns for dense ones), on all shapes."""
    rng = random.Random(int(zeros * 100))
    for n, k in SHAPES:
        for m in (1, 2, 6):
            a, b = random_rows(rng, n, k, zeros), random_rows(rng, k, m)
            result = Matrix(a) @ Matrix(b)
            expected = textbook_matmul(a, b)
            assert result.shape == (n, m)
            assert_close(result.tolist(), expected)
            if sys.version_info < (3, 12):
                assert result.tolist() == expected, "same additions in the same order: identical"


def test_the_product_is_the_exact_sum_up_to_rounding():
    """@ against exact rational arithmetic: within the rounding of n additions."""
    rng = random.Random(9)
    for n, k in SHAPES:
        a, b = random_rows(rng, n, k, 0.3), random_rows(rng, k, 4)
        for z_row, a_row in zip((Matrix(a) @ Matrix(b)).tolist(), a):
            for j, z in enumerate(z_row):
                terms = [Fraction(x) * Fraction(w_row[j]) for x, w_row in zip(a_row, b)]
                size = sum(abs(t) for t in terms)
                assert abs(Fraction(z) - sum(terms)) <= k * 2.0 ** -52 * size


def test_product_on_real_mnist_rows(mnist_rows):
    """The product that dominates training: images (80% zeros) times a weight matrix."""
    rng = random.Random(0)
    weights = random_rows(rng, 784, 16)
    assert_close((Matrix(mnist_rows) @ Matrix(weights)).tolist(), textbook_matmul(mnist_rows, weights))
    # and the transposed product of backpropagation, Xᵀ dZ
    dZ = random_rows(rng, len(mnist_rows), 16, zeros=0.5)
    x_t = [list(column) for column in zip(*mnist_rows)]
    assert_close((Matrix(mnist_rows).T @ Matrix(dZ)).tolist(), textbook_matmul(x_t, dZ))


@pytest.fixture(scope="module")
def mnist_rows(test_set):
    return test_set.matrix(range(20)).tolist()


def test_product_example():
    a = Matrix([[1, 2]])
    b = Matrix([[3], [4]])
    assert (a @ b).tolist() == [[11.0]]
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
    assert x.argmax(axis=1) == [max(range(m), key=lambda j: (row[j], -j)) for row in a]


def test_argmax_takes_the_first_on_ties():
    assert Matrix([[1, 5, 5], [7, 0, 7]]).argmax(axis=1) == [1, 0]


def test_reduction_axis_errors():
    with pytest.raises(ValueError, match="axis"):
        Matrix.zeros(2, 2).sum(axis=2)
    with pytest.raises(ValueError, match="axis"):
        Matrix.zeros(2, 2).argmax(axis=0)


# ---------------------------------------------------------------- pure Python


def in_a_fresh_interpreter(code):
    """What the Python code prints when run by a new interpreter in the project's folder."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=str(Path(__file__).resolve().parent.parent)).stdout


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
    assert in_a_fresh_interpreter(code).strip() == "[]"


def test_what_a_learner_reads_is_what_runs():
    """In a fresh interpreter, as in a REPL or a debugger, `from my_math import Matrix` and A @ B run
    the triple loop of my_math/matrix.py: no fast form is on until use_fast_forms() is called,
    whatever else is imported (the network and the data included)."""
    code = ("import my_math.matrix as plain, network, network.cnn, network.architecture, data, data.augment\n"
            "from my_math import Matrix\n"
            "from my_math.fast import fast_forms_in_use, use_fast_forms, FAST_FORMS\n"
            "import network.fast.convolution\n"
            "assert Matrix.__matmul__.__module__ == 'my_math.matrix' and fast_forms_in_use() == (False, False)\n"
            "assert all(vars(f.owner).get(f.name) is not f.fast for f in FAST_FORMS)\n"
            "use_fast_forms()\n"
            "print(Matrix.__matmul__.__module__, len(FAST_FORMS))")
    module, count = in_a_fresh_interpreter(code).split()
    assert module == "my_math.fast.products" and int(count) > 10
