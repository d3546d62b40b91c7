"""A matrix of floats, written from scratch: the linear algebra a neural network needs.

A matrix with m rows and n columns is stored the way you would write it on paper, as a
list of m rows, each a list of n floats:

    Matrix([[1, 2, 3],
            [4, 5, 6]])        # shape (2, 3): row i, column j holds a_ij

Read this file from top to bottom: making matrices, looking at them, elementwise
arithmetic with broadcasting, the transpose, the matrix product, and sums. Every
operation is written as its plain definition, with loops over the rows and the columns,
and returns a new Matrix: its inputs stay as they were. Rows and columns are counted
from 0, as Python counts. docs/math.md, sections 2 and 3.

What you read here is what runs: `A @ W` is the triple loop below. The scripts switch
on faster ways to compute the very same numbers (my_math/fast/, the last chapter).
"""

import operator
from numbers import Real


class Matrix:
    """An m × n matrix of floats, stored as a list of m rows of n floats each (self.rows)."""

    # ------------------------------------------------------------------ making matrices

    def __init__(self, rows, check=True):
        """Make a matrix from a list of equal-length rows of numbers.

        Matrix([[1, 2], [3, 4]]) is the 2 × 2 matrix with a_00 = 1.0, a_01 = 2.0, ...
        The numbers are stored as floats, in new lists. With check=False the rows are
        trusted to be a non-empty list of equal-length, non-empty lists of floats and
        are kept as they are: the operations below, which have just built such rows,
        skip the checks that way.
        """
        self.rows = _checked_rows(rows) if check else rows

    @classmethod
    def zeros(cls, n_rows, n_cols):
        """The n_rows × n_cols matrix of zeros: zeros(1, 3) = [[0, 0, 0]]."""
        return cls([[0.0] * n_cols for _ in range(n_rows)], check=False)

    @classmethod
    def random_normal(cls, n_rows, n_cols, mean, std, rng):
        """An n_rows × n_cols matrix of samples from the normal distribution 𝒩(mean, std²).

        rng is a random.Random: Random(0) always gives the same matrix, drawn row by row.
        """
        return cls([[rng.gauss(mean, std) for _ in range(n_cols)] for _ in range(n_rows)], check=False)

    # ------------------------------------------------------------------ looking at them

    @property
    def shape(self):
        """(m, n): the number of rows and of columns."""
        return len(self.rows), len(self.rows[0])

    def __getitem__(self, index):
        """a[i, j] is the element a_ij."""
        i, j = _element(index)
        return self.rows[i][j]

    def __setitem__(self, index, value):
        """a[i, j] = value makes the element a_ij that number. A gradient check does this: nudge one
        weight, see how the loss moves (docs/math.md, section 8)."""
        i, j = _element(index)
        self.rows[i][j] = _number(value)

    def tolist(self):
        """The elements as a list of rows of floats: a copy, safe to change."""
        return [row[:] for row in self.rows]

    def __eq__(self, other):
        """True when other is a Matrix of the same shape with exactly the same elements."""
        if not isinstance(other, Matrix):
            return NotImplemented
        return self.rows == other.rows

    __hash__ = None  # equal matrices must hash alike, but a matrix can change (a[i, j] = value)

    def __repr__(self):
        """The shape and the elements, 4 significant digits; a large matrix shows its first and last 3
        rows and columns: Matrix (2, 3) [[1  2  3], [4  5  6]] on two lines."""
        cells = [None if row is None else ["..." if value is None else f"{value:.4g}" for value in _ends(row)]
                 for row in _ends(self.rows)]
        width = max(len(cell) for row in cells if row for cell in row)
        lines = [" ..." if row is None else "[" + "  ".join(cell.rjust(width) for cell in row) + "]" for row in cells]
        return f"Matrix {self.shape}\n[" + "\n ".join(lines) + "]"

    # ------------------------------------------------------------------ elementwise arithmetic

    def _elementwise(self, other, op, symbol, reflected=False):
        """The matrix of op(a_ij, other_ij) for every i, j, where op is operator.add, sub, mul or
        truediv (operator.add(left, right) is left + right) and other a matrix or a number.

        Broadcasting, NumPy's rule for 2-D arrays: two sizes are compatible when they
        are equal or one of them is 1; the result takes the larger, and a size-1
        dimension is repeated along it. So (m, n) goes with (m, n), (1, n), (m, 1) and
        a number, which behaves like (1, 1): the bias row b added to every row of Z is
        Z + b. reflected=True computes op(other_ij, a_ij), for 1 - a, 2 * a and the like.
        """
        if isinstance(other, Real) and not isinstance(other, bool):
            other = Matrix([[float(other)]], check=False)
        elif not isinstance(other, Matrix):
            return NotImplemented
        n_rows, n_cols = _broadcast_shape(self.shape, other.shape, symbol)
        result = []
        for i in range(n_rows):
            result_row = []
            for j in range(n_cols):
                left, right = self._broadcast_at(i, j), other._broadcast_at(i, j)
                result_row.append(op(right, left) if reflected else op(left, right))
            result.append(result_row)
        return Matrix(result, check=False)

    def _broadcast_at(self, i, j):
        """Element (i, j) of this matrix stretched by broadcasting: a size-1 dimension is read at 0."""
        n_rows, n_cols = self.shape
        return self.rows[i if n_rows > 1 else 0][j if n_cols > 1 else 0]

    def __add__(self, other):
        """a + other, elementwise: [[1, 2]] + [[10], [20]] = [[11, 12], [21, 22]] (broadcast)."""
        return self._elementwise(other, operator.add, "+")

    def __radd__(self, other):
        """number + a, a number on the left: the number added to every element."""
        return self._elementwise(other, operator.add, "+", reflected=True)

    def __sub__(self, other):
        """a - other, elementwise: [[5, 7]] - 1 = [[4, 6]]."""
        return self._elementwise(other, operator.sub, "-")

    def __rsub__(self, other):
        """number - a, a number on the left: 1 - [[0.25, 1]] = [[0.75, 0]]."""
        return self._elementwise(other, operator.sub, "-", reflected=True)

    def __mul__(self, other):
        """a * other, the elementwise (Hadamard) product a ⊙ other: each element times the one in the
        same place. Not the matrix product: that is @."""
        return self._elementwise(other, operator.mul, "*")

    def __rmul__(self, other):
        """number * a, a number on the left: 2 * [[1, 2]] = [[2, 4]]."""
        return self._elementwise(other, operator.mul, "*", reflected=True)

    def __truediv__(self, other):
        """a / other, elementwise: [[255, 51]] / 255 = [[1, 0.2]]. Dividing by 0 raises ZeroDivisionError."""
        return self._elementwise(other, operator.truediv, "/")

    def __rtruediv__(self, other):
        """number / a: the number divided by every element."""
        return self._elementwise(other, operator.truediv, "/", reflected=True)

    def __neg__(self):
        """-a: every element negated."""
        return self.map(operator.neg)

    def map(self, fn):
        """fn applied to every element: [[1, 4]].map(math.sqrt) = [[1, 2]]."""
        return Matrix([[float(fn(value)) for value in row] for row in self.rows], check=False)

    # ------------------------------------------------------------------ transpose and product

    @property
    def T(self):
        """The transpose Aᵀ: rows become columns, (Aᵀ)_ij = a_ji. [[1, 2, 3]].T = [[1], [2], [3]]"""
        n_rows, n_cols = self.shape
        return Matrix([[self.rows[i][j] for i in range(n_rows)] for j in range(n_cols)], check=False)

    def __matmul__(self, other):
        """The matrix product A @ W of an (m × n) matrix A and an (n × p) matrix W: the
        (m × p) matrix Z with

            z_ij = Σ_k a_ik · w_kj = a_i0 w_0j + a_i1 w_1j + ... + a_i,n−1 w_n−1,j,

        row i of A times column j of W. [[1, 2]] @ [[3], [4]] = [[1·3 + 2·4]] = [[11]]

        In the network, row i of A is one sample and column j of W the weights into unit
        j: z_ij is what unit j receives from sample i. Three loops: over the rows i,
        the columns j, and the k of the sum, which adds the terms in the order k = 0, 1, ...
        """
        if not isinstance(other, Matrix):
            return NotImplemented
        self._check_product_shapes(other)
        A, W = self.rows, other.rows
        m, n, p = len(A), len(W), len(W[0])
        Z = [[0.0] * p for _ in range(m)]
        for i in range(m):
            for j in range(p):
                total = 0.0
                for k in range(n):
                    total += A[i][k] * W[k][j]
                Z[i][j] = total
        return Matrix(Z, check=False)

    def _check_product_shapes(self, other):
        """A @ W needs as many columns in A as rows in W; a ValueError naming both shapes otherwise."""
        if self.shape[1] != other.shape[0]:
            raise ValueError(f"cannot compute {self.shape} @ {other.shape}: "
                             f"{self.shape[1]} columns vs {other.shape[0]} rows")

    # ------------------------------------------------------------------ sums, and the largest element

    def sum(self, axis=None):
        """Σ of the elements: axis=0 → the (1, n) row of column sums, Σ_i a_ij; axis=1 → the (m, 1)
        column of row sums, Σ_j a_ij; axis=None → a float, the sum of the row sums.

        [[1, 2], [3, 4]].sum() = 10.0, .sum(axis=0) = [[4, 6]], .sum(axis=1) = [[3], [7]]
        Each sum starts at 0 and adds its terms in order: along a row j = 0, 1, ...,
        down a column i = 0, 1, ...
        """
        n_rows, n_cols = self.shape
        if axis == 0:
            sums = [0.0] * n_cols
            for i in range(n_rows):
                for j in range(n_cols):
                    sums[j] += self.rows[i][j]
            return Matrix([sums], check=False)
        if axis == 1:
            sums = []
            for i in range(n_rows):
                total = 0.0
                for j in range(n_cols):
                    total += self.rows[i][j]
                sums.append([total])
            return Matrix(sums, check=False)
        if axis is None:
            total = 0.0
            for (row_sum,) in self.sum(axis=1).rows:
                total += row_sum
            return total
        raise ValueError(f"axis must be None, 0 or 1, not {axis!r}")

    def argmax(self, axis=1):
        """For each row, the index of its largest element, the first one on ties:
        [[1, 5, 5], [7, 0, 2]].argmax() = [1, 0]. (axis=1 is the only axis the network needs.)"""
        if axis != 1:
            raise ValueError(f"argmax is along the rows, axis=1, not {axis!r}")
        answers = []
        for row in self.rows:
            best = 0
            for j in range(1, len(row)):
                if row[j] > row[best]:  # only a larger one takes over: the first of equals stays
                    best = j
            answers.append(best)
        return answers


# ---------------------------------------------------------------------- helpers

def _number(value):
    """value as a float, or a TypeError: a matrix holds numbers (True and False are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"a matrix holds numbers, not {value!r}")
    return float(value)


def _element(index):
    """(i, j) from the index of a[i, j]; a TypeError saying how to index otherwise."""
    if not (isinstance(index, tuple) and len(index) == 2):
        raise TypeError("a matrix's elements are a[i, j], row i and column j (its rows are a.rows)")
    return index


def _checked_rows(rows):
    """rows as new, equal-length lists of floats, or an error saying what is wrong."""
    try:
        rows = [list(row) for row in rows]
    except TypeError:
        raise TypeError("a Matrix is made from a list of rows, each a list of numbers, "
                        "e.g. Matrix([[1, 2], [3, 4]])") from None
    if not rows or not rows[0]:
        raise ValueError("a Matrix needs at least one row and one column")
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError(f"ragged rows: row 0 has {len(rows[0])} numbers but row {i} has {len(row)}")
    return [[_number(value) for value in row] for row in rows]


def _broadcast_shape(shape_a, shape_b, symbol):
    """The shape of an elementwise result of operands of these shapes: per dimension, sizes equal or one of them 1."""
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
