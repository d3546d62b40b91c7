"""Elementwise arithmetic, the transpose and sums, fast: the same numbers as matrix.py's loops.

The plain definitions in matrix.py visit every element with two Python loops. Here the
loop over a row runs inside built-in functions written in C: map(operator.add, left_row,
right_row) adds two rows, zip(*rows) turns rows into columns, sum(row) adds a row up. Each
element still comes from the same single operation on the same two numbers, and every
sum adds the same terms in the same order, starting from 0, so the results are bit for
bit the plain ones (on Python 3.12+, sum() rounds more carefully, as products.py explains).

Broadcasting needs no index arithmetic: itertools.repeat(number) is an endless row of that
number, and repeat(row) an endless column of the same row, so a (1, n) row or a number is
simply repeated as far as the other operand goes.
"""

from itertools import repeat
from numbers import Real

from ..matrix import Matrix, _broadcast_shape
from .switch import fast_form

@fast_form(Matrix, "_elementwise")
def elementwise(self, other, op, symbol, reflected=False):
    """Matrix._elementwise: op(a_ij, other_ij) for every element, with broadcasting."""
    if isinstance(other, Matrix):
        shape = _broadcast_shape(self.shape, other.shape, symbol)
        left, right = _stretched(self, shape), _stretched(other, shape)
    elif isinstance(other, Real) and not isinstance(other, bool):
        left, right = self.rows, repeat(repeat(float(other)))
    else:
        return NotImplemented
    if reflected:
        left, right = right, left
    return Matrix([list(map(op, left_row, right_row)) for left_row, right_row in zip(left, right)], check=False)


def _stretched(matrix, shape):
    """The rows of matrix broadcast to shape, repeating a single row or column."""
    n_rows, n_cols = shape
    rows = matrix.rows
    if len(rows[0]) != n_cols:
        rows = [[row[0]] * n_cols for row in rows]
    if len(rows) != n_rows:
        rows = repeat(rows[0], n_rows)
    return rows


@fast_form(Matrix, "T")
@property
def transpose(self):
    """Aᵀ: zip(*rows) gives the columns, each as a tuple, in one pass in C."""
    return Matrix(list(map(list, zip(*self.rows))), check=False)


@fast_form(Matrix, "sum")
def sum_(self, axis=None):
    """Matrix.sum by the built-in sum, along the rows (axis=1), down the columns (axis=0, zip(*rows)), or
    of the rows' sums (None)."""
    if axis == 0:
        return Matrix([list(map(sum, zip(*self.rows)))], check=False)
    if axis == 1:
        return Matrix([[sum(row)] for row in self.rows], check=False)
    if axis is None:
        return sum(map(sum, self.rows))
    raise ValueError(f"axis must be None, 0 or 1, not {axis!r}")
