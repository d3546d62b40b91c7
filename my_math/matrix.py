"""A matrix of floats, written from scratch: the linear algebra a neural network needs.

A matrix with m rows and n columns is stored the way you would write it on paper, as a
list of m rows, each a list of n floats:

    Matrix([[1, 2, 3],
            [4, 5, 6]])        # shape (2, 3): row i, column j holds a_ij

Read this file from top to bottom: making matrices, looking at them, elementwise
arithmetic with broadcasting, the transpose, the matrix product, and reductions.

Every operation returns a new Matrix and never changes its inputs. Where a loop runs
millions of times per training step (the product above all) it uses a few Python speed
tricks; each docstring says which and why the result is still the textbook definition,
and tests/test_matrix.py checks each one against a plain triple loop.
"""

import operator
import random
import sys
from itertools import compress, repeat
from numbers import Real

class Matrix:
    """An m × n matrix of floats, stored as a list of m rows of n floats each."""

    # ------------------------------------------------------------------ making matrices

    def __init__(self, rows, check=True):
        """Make a matrix from a list of equal-length rows of numbers.

        Matrix([[1, 2], [3, 4]]) is the 2 × 2 matrix with a_11 = 1.0, a_12 = 2.0, ...

        The numbers are stored as floats. With check=False the rows are trusted to be
        a non-empty list of equal-length, non-empty lists of floats and are used as they
        are, without a copy: operations that have just built such rows use it to skip
        the checks.
        """
        if check:
            rows = _checked_rows(rows)
        self.rows = rows

    @classmethod
    def full(cls, n_rows, n_cols, value):
        """The n_rows × n_cols matrix whose every element is value: full(2, 2, 7) = [[7, 7], [7, 7]]."""
        _check_size(n_rows, n_cols)
        value = float(value)
        return cls([[value] * n_cols for _ in range(n_rows)], check=False)

    @classmethod
    def zeros(cls, n_rows, n_cols):
        """The n_rows × n_cols matrix of zeros: zeros(1, 3) = [[0, 0, 0]]."""
        return cls.full(n_rows, n_cols, 0.0)

    @classmethod
    def random_normal(cls, n_rows, n_cols, mean=0.0, std=1.0, rng=None):
        """An n_rows × n_cols matrix of independent samples from the normal distribution N(mean, std²).

        Pass rng, a random.Random, to get the same numbers every run: the elements are
        drawn row by row, so Random(0) always gives the same matrix.
        """
        _check_size(n_rows, n_cols)
        rng = rng or random.Random()
        return cls([[rng.gauss(mean, std) for _ in range(n_cols)] for _ in range(n_rows)], check=False)

    @classmethod
    def row(cls, values):
        """The 1 × n matrix (a row vector) holding values: row([1, 2, 3]) = [[1, 2, 3]]."""
        return cls([list(values)])

    def reshape(self, n_rows, n_cols):
        """The same elements, read row by row, laid out as n_rows × n_cols.

        [[1, 2, 3], [4, 5, 6]].reshape(3, 2) = [[1, 2], [3, 4], [5, 6]]
        """
        _check_size(n_rows, n_cols)
        if n_rows * n_cols != self.size:
            raise ValueError(f"cannot reshape {self.shape} into ({n_rows}, {n_cols}): "
                             f"{self.size} elements vs {n_rows * n_cols}")
        flat = [x for row in self.rows for x in row]
        return Matrix([flat[i:i + n_cols] for i in range(0, len(flat), n_cols)], check=False)

    def copy(self):
        """A new matrix with the same elements, safe to change without changing this one."""
        return Matrix([row[:] for row in self.rows], check=False)

    # ------------------------------------------------------------------ looking at them

    @property
    def shape(self):
        """(m, n): the number of rows and of columns."""
        return len(self.rows), len(self.rows[0])

    @property
    def size(self):
        """m · n, the number of elements."""
        n_rows, n_cols = self.shape
        return n_rows * n_cols

    def __len__(self):
        """The number of rows, m."""
        return self.shape[0]

    def __getitem__(self, index):
        """a[i] is row i as a list of floats (a copy); a[i, j] is the element a_ij.

        Negative indices count from the end, as for lists.
        """
        if isinstance(index, tuple):
            i, j = index
            return self.rows[i][j]
        return self.rows[index][:]

    def __iter__(self):
        """Iterating over a matrix gives its rows, as lists (copies)."""
        return (row[:] for row in self.rows)

    def tolist(self):
        """The elements as a list of rows of floats: a copy, safe to change."""
        return [row[:] for row in self.rows]

    def __eq__(self, other):
        """True when other is a Matrix of the same shape with exactly the same elements."""
        if not isinstance(other, Matrix):
            return NotImplemented
        return self.rows == other.rows

    __hash__ = None  # equal matrices must hash alike, but a matrix's contents can change

    def __repr__(self):
        """The shape and the elements; a large matrix shows its first and last 3 rows and columns.

        Matrix (2, 3)
        [[1  2  3]
         [4  5  6]]
        """
        shown_rows = _ends(self.rows)
        cells = [None if row is None else ["..." if x is None else f"{x:.4g}" for x in _ends(row)]
                 for row in shown_rows]
        width = max(len(cell) for row in cells if row for cell in row)
        lines = [" ..." if row is None else "[" + "  ".join(c.rjust(width) for c in row) + "]"
                 for row in cells]
        body = "\n ".join(lines)
        return f"Matrix {self.shape}\n[{body}]"

    # ------------------------------------------------------------------ elementwise arithmetic

    def _elementwise(self, other, op, symbol, reflected=False):
        """c_ij = op(a_ij, b_ij), with a scalar or a broadcast matrix as b.

        Broadcasting, NumPy's rule for 2-D arrays: two sizes are compatible when they
        are equal or one of them is 1; the result takes the larger, and a size-1
        dimension is repeated along it. So (m, n) goes with (m, n), (1, n), (m, 1) and
        (1, 1), and (m, 1) with (1, n) gives (m, n). A scalar behaves like (1, 1).

        reflected=True computes op(b, a): it serves 1 - a, 2 / a and the like.
        """
        if isinstance(other, Matrix):
            shape = _broadcast_shape(self.shape, other.shape, symbol)
            left, right = self._stretched(shape), other._stretched(shape)
        elif isinstance(other, Real):
            # repeat(value) is an endless row of value; the same one serves every row.
            left, right = self.rows, repeat(repeat(float(other)))
        else:
            return NotImplemented
        if reflected:
            left, right = right, left
        return Matrix([list(map(op, a, b)) for a, b in zip(left, right)], check=False)

    def _stretched(self, shape):
        """The rows of this matrix broadcast to shape, repeating a single row or column."""
        n_rows, n_cols = shape
        rows = self.rows
        if len(rows[0]) != n_cols:
            rows = [[row[0]] * n_cols for row in rows]
        if len(rows) != n_rows:
            rows = repeat(rows[0], n_rows)
        return rows

    def __add__(self, other):
        """a + b: c_ij = a_ij + b_ij. [[1, 2]] + [[10], [20]] = [[11, 12], [21, 22]]"""
        return self._elementwise(other, operator.add, "+")

    def __radd__(self, other):
        """s + a, a scalar on the left: c_ij = s + a_ij."""
        return self._elementwise(other, operator.add, "+", reflected=True)

    def __sub__(self, other):
        """a - b: c_ij = a_ij - b_ij. [[5, 7]] - 1 = [[4, 6]]"""
        return self._elementwise(other, operator.sub, "-")

    def __rsub__(self, other):
        """s - a: c_ij = s - a_ij. 1 - [[0.25, 1]] = [[0.75, 0]]"""
        return self._elementwise(other, operator.sub, "-", reflected=True)

    def __mul__(self, other):
        """a * b, the elementwise (Hadamard) product a ⊙ b: c_ij = a_ij · b_ij. Not the matrix product: that is @."""
        return self._elementwise(other, operator.mul, "*")

    def __rmul__(self, other):
        """s * a: c_ij = s · a_ij. 2 * [[1, 2]] = [[2, 4]]"""
        return self._elementwise(other, operator.mul, "*", reflected=True)

    def __truediv__(self, other):
        """a / b: c_ij = a_ij / b_ij. [[255, 51]] / 255 = [[1, 0.2]]. Dividing by 0 raises ZeroDivisionError."""
        return self._elementwise(other, operator.truediv, "/")

    def __rtruediv__(self, other):
        """s / a: c_ij = s / a_ij."""
        return self._elementwise(other, operator.truediv, "/", reflected=True)

    def __neg__(self):
        """-a: c_ij = -a_ij."""
        return Matrix([[-x for x in row] for row in self.rows], check=False)

    def map(self, fn):
        """fn applied to every element: c_ij = fn(a_ij). [[1, 4]].map(math.sqrt) = [[1, 2]]"""
        return Matrix([[float(fn(x)) for x in row] for row in self.rows], check=False)

    # ------------------------------------------------------------------ transpose and product

    @property
    def T(self):
        """The transpose: rows become columns, (aᵀ)_ij = a_ji. [[1, 2, 3]].T = [[1], [2], [3]]"""
        return Matrix(list(map(list, zip(*self.rows))), check=False)

    def transpose(self):
        """The transpose, aᵀ: the same as a.T."""
        return self.T

    def __matmul__(self, other):
        """The matrix product a @ b of an (n × q) and a (q × m) matrix: the n × m matrix

            c_ij = Σ_k a_ik · b_kj = a_i1 b_1j + a_i2 b_2j + ... + a_iq b_qj,

        row i of a times column j of b. [[1, 2]] @ [[3], [4]] = [[1·3 + 2·4]] = [[11]]

        The textbook computes this with three nested loops (i, j, k). The two engines at
        the end of this file, _product_by_builtins (for CPython) and _product_by_loops
        (for PyPy), get the same sums faster; both skip the zero entries of a, since a term
        a_ik · b_kj with a_ik = 0 adds nothing. An MNIST image is about 80% black (zero)
        pixels, so the network's first layer then does a fifth of the work.
        """
        if not isinstance(other, Matrix):
            return NotImplemented
        self._check_product_shapes(other)
        return Matrix(_product_rows(self.rows, other.rows), check=False)

    def _check_product_shapes(self, other):
        """a @ b needs as many columns in a as rows in b; a ValueError naming both shapes otherwise."""
        k, k_other = self.shape[1], other.shape[0]
        if k != k_other:
            raise ValueError(f"cannot compute {self.shape} @ {other.shape}: "
                             f"{k} columns vs {k_other} rows")

    def dot(self, other):
        """The matrix product, the same as a @ b."""
        return self @ other

    # ------------------------------------------------------------------ reductions

    def sum(self, axis=None):
        """Σ of the elements: axis=None → a float, Σ_ij a_ij; axis=0 → the (1, n) column
        sums, Σ_i a_ij; axis=1 → the (m, 1) row sums, Σ_j a_ij.

        [[1, 2], [3, 4]].sum() = 10.0, .sum(axis=0) = [[4, 6]], .sum(axis=1) = [[3], [7]]
        """
        return self._reduce(sum, axis)

    def mean(self, axis=None):
        """The average of the elements, whole (a float) or along an axis like sum."""
        total = self.sum(axis)
        count = {None: self.size, 0: len(self.rows), 1: len(self.rows[0])}[axis]
        return total / count

    def max(self, axis=None):
        """The largest element, whole (a float) or along an axis like sum."""
        return self._reduce(max, axis)

    def _reduce(self, fn, axis):
        """fn (sum or max) applied to all elements, to each column (axis=0) or to each row (axis=1)."""
        if axis is None:
            return fn(map(fn, self.rows))
        if axis == 0:
            return Matrix([list(map(fn, zip(*self.rows)))], check=False)
        if axis == 1:
            return Matrix([[fn(row)] for row in self.rows], check=False)
        raise ValueError(f"axis must be None, 0 or 1, not {axis!r}")

    def argmax(self, axis=1):
        """For each row (axis=1) or column (axis=0), the index of its largest element,
        the first one on ties: [[1, 5, 5], [7, 0, 2]].argmax() = [1, 0]."""
        if axis == 1:
            lines = self.rows
        elif axis == 0:
            lines = list(zip(*self.rows))
        else:
            raise ValueError(f"axis must be 0 or 1, not {axis!r}")
        return [line.index(max(line)) for line in lines]


# ---------------------------------------------------------------------- the product's two engines


try:
    from math import sumprod  # Python 3.12+: a whole dot product in one C loop

    def _dot_with_each(p, columns):
        """[p · q for q in columns] by math.sumprod."""
        return list(map(sumprod, repeat(p), columns))
except ImportError:  # Python 3.9-3.11 and PyPy

    def _dot_with_each(p, columns):
        """[p · q for q in columns], each p · q = p₁q₁ + p₂q₂ + ... run by built-ins, not bytecode."""
        return [sum(map(operator.mul, p, q)) for q in columns]


def _product_by_builtins(a_rows, b_rows):
    """The rows of a @ b, for CPython, whose built-ins (written in C) loop far faster than bytecode.

    Each c_ij is a dot product (row i of a) · (column j of b) computed by
    sum(map(operator.mul, p, q)), or math.sumprod on Python 3.12+: the k-loop runs inside
    the built-ins, adding the products in the order of the textbook loop. (On 3.12+ sum
    and sumprod also carry each addition's rounding error forward, so the last digit
    can differ from the plain loop's, towards the exact value.)

    Zero entries are skipped by shortening both sides of the dot product:
    itertools.compress picks out, in C, the non-zero a_ik and the rows b_k they
    multiply, and zip(*rows) turns those rows into the shortened columns of b. A row of
    a that is mostly non-zero is not worth shortening: it meets the full columns of b,
    made once.
    """
    k = len(b_rows)
    m = len(b_rows[0])
    b_columns = None  # made only when a dense row of a needs them
    c_rows = []
    for a_row in a_rows:
        a_nonzero = list(compress(a_row, a_row))
        if not a_nonzero:
            c_rows.append([0.0] * m)
        elif 4 * len(a_nonzero) < 3 * k:  # mostly zeros: use only the rows b_k with a_ik ≠ 0
            c_rows.append(_dot_with_each(a_nonzero, zip(*compress(b_rows, a_row))))
        else:
            if b_columns is None:
                b_columns = list(zip(*b_rows))
            c_rows.append(_dot_with_each(a_row, b_columns))
    return c_rows


def _product_by_loops(a_rows, b_rows):
    """The rows of a @ b by plain loops, for PyPy, whose just-in-time compiler turns them into machine code.

    Row i of c is a combination of the rows of b, c_i = Σ_k a_ik b_k: for each non-zero
    a_ik, add a_ik times row k of b. Each c_ij still receives its terms a_ik b_kj in the
    order k = 1, 2, ..., exactly as in the textbook loop; only the loops are nested
    i, k, j instead of i, j, k, so that the inner loop walks along one row of b.
    """
    m = len(b_rows[0])
    columns = range(m)
    c_rows = []
    for a_row in a_rows:
        c_row = [0.0] * m
        for a_ik, b_row in zip(a_row, b_rows):
            if a_ik:
                for j in columns:
                    c_row[j] += a_ik * b_row[j]
        c_rows.append(c_row)
    return c_rows


_product_rows = _product_by_loops if sys.implementation.name == "pypy" else _product_by_builtins


# ---------------------------------------------------------------------- helpers

def _checked_rows(rows):
    """rows as a list of equal-length lists of floats, or a clear error saying what is wrong."""
    if isinstance(rows, Matrix):
        return rows.tolist()
    try:
        rows = [list(row) for row in rows]
    except TypeError:
        raise TypeError("a Matrix is made from a list of rows, each a list of numbers, "
                        "e.g. Matrix([[1, 2], [3, 4]])") from None
    if not rows or not rows[0]:
        raise ValueError("a Matrix needs at least one row and one column")
    n_cols = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != n_cols:
            raise ValueError(f"ragged rows: row 0 has {n_cols} numbers but row {i} has {len(row)}")
        for j, x in enumerate(row):
            if not isinstance(x, Real):
                raise TypeError(f"element [{i}][{j}] is {x!r}, not a number")
    return [[float(x) for x in row] for row in rows]


def _check_size(n_rows, n_cols):
    """A matrix's size must be whole numbers ≥ 1."""
    for name, value in (("rows", n_rows), ("columns", n_cols)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"the number of {name} must be a whole number ≥ 1, not {value!r}")


def _broadcast_shape(shape_a, shape_b, symbol):
    """The shape of a ∘ b under broadcasting: per dimension, sizes equal or one of them 1."""
    result = []
    for size_a, size_b in zip(shape_a, shape_b):
        if size_a != size_b and 1 not in (size_a, size_b):
            raise ValueError(f"cannot broadcast {shape_a} {symbol} {shape_b}: "
                             "in each dimension the sizes must be equal or one of them 1")
        result.append(max(size_a, size_b))
    return tuple(result)


def _ends(items, keep=3):
    """The first and last keep items of a list, with None standing for the elided middle."""
    if len(items) <= 2 * keep:
        return items
    return items[:keep] + [None] + items[-keep:]
