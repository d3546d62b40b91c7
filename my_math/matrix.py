"""A matrix of floats, written from scratch: the linear algebra a neural network needs.

A matrix with m rows and n columns is stored the way you would write it on paper, as a
list of m rows, each a list of n floats:

    Matrix([[1, 2, 3],
            [4, 5, 6]])        # shape (2, 3): row i, column j holds a_ij

Read this file from top to bottom: making matrices, looking at them, elementwise
arithmetic with broadcasting, the transpose, the matrix product, and sums along rows
and columns. Every operation is written as its plain definition, with loops over the
rows and columns, and returns a new Matrix without changing its inputs; a[i, j] = v is
the one way to change a matrix.

Rows and columns are counted from 0, as Python counts. The notation (docs/math.md,
sections 1 and 3): a matrix holds one sample per row, m is their number; A (m × n) @ W (n × p)
is the product the network computes at every layer.

Training uses faster ways to compute the same numbers (my_math/fast/, the last chapter);
`python train.py --textbook` trains with the definitions of this file instead.
"""

import operator
import random
from numbers import Real


class Matrix:
    """An m × n matrix of floats, stored as a list of m rows of n floats each."""

    # ------------------------------------------------------------------ making matrices

    def __init__(self, rows, check=True):
        """Make a matrix from a list of equal-length rows of numbers.

        Matrix([[1, 2], [3, 4]]) is the 2 × 2 matrix with a_00 = 1.0, a_01 = 2.0, ...

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
        """An n_rows × n_cols matrix of independent samples from the normal distribution with
        this mean and standard deviation.

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

    def columns(self, start, stop):
        """The matrix of the columns start, start + 1, ..., stop − 1: a block of whole columns.

        [[1, 2, 3], [4, 5, 6]].columns(1, 3) = [[2, 3], [5, 6]]
        """
        self._check_columns(start, stop)
        return Matrix([row[start:stop] for row in self.rows], check=False)

    def _check_columns(self, start, stop):
        """columns(start, stop) needs 0 ≤ start < stop ≤ n; a ValueError saying so otherwise."""
        n_cols = self.shape[1]
        if not 0 <= start < stop <= n_cols:
            raise ValueError(f"columns({start}, {stop}) of a matrix with {n_cols} columns: "
                             f"need 0 ≤ start < stop ≤ {n_cols}")

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
        """a[i, j] is the element a_ij; a[i] is row i, a copy that refuses to be changed.

        Negative indices count from the end, as for lists.
        """
        if isinstance(index, tuple):
            i, j = index
            return self.rows[i][j]
        return Row(self.rows[index])

    def __setitem__(self, index, value):
        """a[i, j] = v makes the element a_ij the number v, the one change a Matrix allows.

        A checker of gradients does this: nudge one weight, see how the loss moves.
        """
        if not isinstance(index, tuple):
            raise TypeError("write a[i, j] = v to change the element in row i, column j")
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"a matrix holds numbers, not {value!r}")
        i, j = index
        row = self.rows[i]
        row[j] = float(value)

    def __iter__(self):
        """Iterating over a matrix gives its rows, as copies (see __getitem__)."""
        return (Row(row) for row in self.rows)

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
        """The matrix of op(a_ij, other_ij) for every i, j, other a matrix or a number, op one of
        operator.add, sub, mul and truediv: operator.add(x, y) is x + y.

        Broadcasting, NumPy's rule for 2-D arrays: two sizes are compatible when they
        are equal or one of them is 1; the result takes the larger, and a size-1
        dimension is repeated along it. So (m, n) goes with (m, n), (1, n), (m, 1) and
        (1, 1), and (m, 1) with (1, n) gives (m, n). A number behaves like (1, 1): the
        bias row b added to every row of Z is Z + b.

        reflected=True computes op(other_ij, a_ij): it serves 1 - a, 2 / a and the like.
        """
        if isinstance(other, Real):
            other = Matrix([[float(other)]], check=False)
        elif not isinstance(other, Matrix):
            return NotImplemented
        n_rows, n_cols = _broadcast_shape(self.shape, other.shape, symbol)
        result = []
        for i in range(n_rows):
            result_row = []
            for j in range(n_cols):
                a, c = self._broadcast_at(i, j), other._broadcast_at(i, j)
                result_row.append(op(c, a) if reflected else op(a, c))
            result.append(result_row)
        return Matrix(result, check=False)

    def _broadcast_at(self, i, j):
        """Element (i, j) of this matrix stretched by broadcasting: a size-1 dimension is read at 0."""
        n_rows, n_cols = self.shape
        return self.rows[i if n_rows > 1 else 0][j if n_cols > 1 else 0]

    def __add__(self, other):
        """a + b, elementwise: [[1, 2]] + [[10], [20]] = [[11, 12], [21, 22]] (broadcast)."""
        return self._elementwise(other, operator.add, "+")

    def __radd__(self, other):
        """s + a, a number on the left: s added to every element."""
        return self._elementwise(other, operator.add, "+", reflected=True)

    def __sub__(self, other):
        """a - b, elementwise: [[5, 7]] - 1 = [[4, 6]]."""
        return self._elementwise(other, operator.sub, "-")

    def __rsub__(self, other):
        """s - a: 1 - [[0.25, 1]] = [[0.75, 0]]."""
        return self._elementwise(other, operator.sub, "-", reflected=True)

    def __mul__(self, other):
        """a * b, the elementwise (Hadamard) product a ⊙ b: each element times the one in the
        same place. Not the matrix product: that is @."""
        return self._elementwise(other, operator.mul, "*")

    def __rmul__(self, other):
        """s * a: 2 * [[1, 2]] = [[2, 4]]."""
        return self._elementwise(other, operator.mul, "*", reflected=True)

    def __truediv__(self, other):
        """a / b, elementwise: [[255, 51]] / 255 = [[1, 0.2]]. Dividing by 0 raises ZeroDivisionError."""
        return self._elementwise(other, operator.truediv, "/")

    def __rtruediv__(self, other):
        """s / a: s divided by every element."""
        return self._elementwise(other, operator.truediv, "/", reflected=True)

    def __neg__(self):
        """-a: every element negated."""
        return self.map(operator.neg)

    def map(self, fn):
        """fn applied to every element: [[1, 4]].map(math.sqrt) = [[1, 2]]."""
        n_rows, n_cols = self.shape
        return Matrix([[float(fn(self.rows[i][j])) for j in range(n_cols)] for i in range(n_rows)], check=False)

    # ------------------------------------------------------------------ transpose and product

    @property
    def T(self):
        """The transpose Aᵀ: rows become columns, (Aᵀ)_ij = a_ji. [[1, 2, 3]].T = [[1], [2], [3]]"""
        n_rows, n_cols = self.shape
        return Matrix([[self.rows[i][j] for i in range(n_rows)] for j in range(n_cols)], check=False)

    def transpose(self):
        """The transpose, Aᵀ: the same as a.T."""
        return self.T

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
        n, n_other = self.shape[1], other.shape[0]
        if n != n_other:
            raise ValueError(f"cannot compute {self.shape} @ {other.shape}: "
                             f"{n} columns vs {n_other} rows")

    def dot(self, other):
        """The matrix product, the same as a @ b."""
        return self @ other

    # ------------------------------------------------------------------ sums along rows and columns

    def sum(self, axis=None):
        """Σ of the elements: axis=1 → the (m, 1) column of row sums, Σ_j a_ij; axis=0 → the
        (1, n) row of column sums, Σ_i a_ij; axis=None → a float, the sum of the row sums.

        [[1, 2], [3, 4]].sum() = 10.0, .sum(axis=0) = [[4, 6]], .sum(axis=1) = [[3], [7]]
        Each sum starts at 0 and adds its terms in order: along a row j = 0, 1, ...,
        down a column i = 0, 1, ...
        """
        n_rows, n_cols = self.shape
        if axis == 1:
            sums = []
            for i in range(n_rows):
                total = 0.0
                for j in range(n_cols):
                    total += self.rows[i][j]
                sums.append([total])
            return Matrix(sums, check=False)
        if axis == 0:
            sums = [0.0] * n_cols
            for i in range(n_rows):
                for j in range(n_cols):
                    sums[j] += self.rows[i][j]
            return Matrix([sums], check=False)
        if axis is None:
            total = 0.0
            for (row_sum,) in self.sum(axis=1).rows:
                total += row_sum
            return total
        raise ValueError(f"axis must be None, 0 or 1, not {axis!r}")

    def mean(self, axis=None):
        """The average of the elements, whole (a float) or along an axis like sum."""
        total = self.sum(axis)
        count = {None: self.size, 0: len(self.rows), 1: len(self.rows[0])}[axis]
        return total / count

    def max(self, axis=None):
        """The largest element: axis=1 → of each row, (m, 1); axis=0 → of each column, (1, n);
        axis=None → a float, the largest of the rows' largest."""
        if axis == 1:
            return Matrix([[_largest(row)] for row in self.rows], check=False)
        if axis == 0:
            return Matrix([[_largest(column) for column in self.T.rows]], check=False)
        if axis is None:
            return _largest([_largest(row) for row in self.rows])
        raise ValueError(f"axis must be None, 0 or 1, not {axis!r}")

    def argmax(self, axis=1):
        """For each row (axis=1) or column (axis=0), the index of its largest element,
        the first one on ties: [[1, 5, 5], [7, 0, 2]].argmax() = [1, 0]."""
        if axis not in (0, 1):
            raise ValueError(f"axis must be 0 or 1, not {axis!r}")
        lines = self.rows if axis == 1 else self.T.rows
        return [line.index(_largest(line)) for line in lines]


class Row(list):
    """A row handed out by a[i]: a copy, so changing it could not change the matrix; it says so."""

    def __setitem__(self, index, value):
        raise TypeError("a[i] is a copy of row i: write a[i, j] = v to change the matrix")

    def __repr__(self):
        return f"Row({list.__repr__(self)})"


# ---------------------------------------------------------------------- helpers

def _largest(numbers):
    """The largest of the numbers, the first of them on a tie: each one that is larger than the
    largest so far takes its place (a NaN never is, and one that comes first stays)."""
    largest = numbers[0]
    for x in numbers[1:]:
        if x > largest:
            largest = x
    return largest


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
