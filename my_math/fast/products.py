"""The matrix product, fast: the sums of Matrix.__matmul__'s triple loop, in the same order.

Two engines, one for each kind of Python:
- CPython runs bytecode slowly and its built-in functions (written in C) fast: each
  z_ij is a dot product computed by sum(map(operator.mul, a_row, w_column)), the loop over
  k inside C (_product_by_builtins).
- PyPy compiles plain loops to machine code, which beats the built-ins there: the loops
  are nested i, k, j so that the inner one walks along a row of W (_product_by_loops).

Both skip the zero entries of A. A term a_ik · w_kj with a_ik = 0 is ±0, and adding ±0
to a sum leaves it as it is, so the result does not change; but an MNIST image is about
80% black (zero) pixels, and the ReLU zeros most hidden units, so the work shrinks
several times over. The one term that is not ±0 is 0 · ∞ or 0 · NaN, which is NaN: when W
holds such a number nothing is skipped, so the product is the textbook's there too.

Exactness: the terms of each sum are added in the textbook's order, k = 0, 1, ..., so on
CPython up to 3.11 and on PyPy the result is bit for bit the triple loop's. Python 3.12
made sum() round more carefully (it carries each addition's rounding error forward), and
its math.sumprod does the same; there the last bit can differ from the plain loop's,
towards the exact value.
"""

import math
import operator
import sys
from itertools import compress, repeat

from ..matrix import Matrix
from .switch import fast_form

try:
    from math import sumprod  # Python 3.12+: a whole dot product in one C loop

    def _dot_with_each(a_row, columns):
        """[a_row · column for column in columns] by math.sumprod."""
        return list(map(sumprod, repeat(a_row), columns))
except ImportError:  # Python 3.9-3.11 and PyPy

    def _dot_with_each(a_row, columns):
        """[a_row · column for column in columns], each a_row · column = a_0 w_0 + a_1 w_1 + ... run by built-ins."""
        return [sum(map(operator.mul, a_row, column)) for column in columns]


def _product_by_builtins(A, W, skip_zeros):
    """The rows of A @ W for CPython, each z_ij a dot product run by built-ins.

    Zero entries are skipped by shortening both sides of the dot product:
    itertools.compress picks out, in C, the non-zero a_ik and the rows w_k they
    multiply, and zip(*rows) turns those rows into the shortened columns of W. A row of
    A that is mostly non-zero is not worth shortening: it meets the full columns of W,
    made once.
    """
    n = len(W)
    p = len(W[0])
    W_columns = None  # made only when a dense row of A needs them
    Z = []
    for a_row in A:
        a_nonzero = list(compress(a_row, a_row))
        if not a_nonzero and skip_zeros:
            Z.append([0.0] * p)
        elif skip_zeros and 4 * len(a_nonzero) < 3 * n:  # mostly zeros: use only the rows w_k with a_ik ≠ 0
            Z.append(_dot_with_each(a_nonzero, zip(*compress(W, a_row))))
        else:
            if W_columns is None:
                W_columns = list(zip(*W))
            Z.append(_dot_with_each(a_row, W_columns))
    return Z


def _product_by_loops(A, W, skip_zeros):
    """The rows of A @ W by plain loops, for PyPy, whose just-in-time compiler turns them into machine code.

    Row i of Z is a combination of the rows of W, z_i = Σ_k a_ik w_k: for each a_ik (each
    non-zero one when skipping), add a_ik times row k of W. Each z_ij still receives its
    terms a_ik w_kj in the order k = 0, 1, ..., exactly as in the textbook loop; only the
    loops are nested i, k, j instead of i, j, k, so that the inner loop walks along a row.
    """
    p = len(W[0])
    columns = range(p)
    Z = []
    for a_row in A:
        z_row = [0.0] * p
        for a_ik, w_row in zip(a_row, W):
            if a_ik or not skip_zeros:
                for j in columns:
                    z_row[j] += a_ik * w_row[j]
        Z.append(z_row)
    return Z


_product = _product_by_loops if sys.implementation.name == "pypy" else _product_by_builtins


@fast_form(Matrix, "__matmul__")
def matmul(A, W):
    """A @ W as Matrix.__matmul__ defines it, by the engine of this Python (see the module's docstring)."""
    if not isinstance(W, Matrix):
        return NotImplemented
    A._check_product_shapes(W)
    return Matrix(_product(A.rows, W.rows, skip_zeros=all_finite(W.rows)), check=False)


def all_finite(rows):
    """True when no number in rows is infinite or NaN (then 0 · w = ±0 for every w).

    An infinite or NaN number anywhere makes the sum infinite or NaN; so can a sum of
    huge finite numbers that overflows, and then the answer False only costs speed.
    """
    return math.isfinite(sum(map(sum, rows)))
