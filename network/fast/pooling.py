"""Max pooling, fast: the four corners of every window taken out at once, and max run in C.

MaxPool.forward visits each window with Python loops and compares its values one by
one. Here, for each of the four corners of a window (top left, top right, bottom
left, bottom right), one call of operator.itemgetter takes that corner of every window
out of an image, in the output's (c, row, col) order; map(max, tl, tr, bl, br) then
gives every window's largest value. The built-in max keeps the first of equal values,
as the plain loop does: it replaces its answer only by a larger value (so a NaN wins
only when it comes first, as there), and it reads its arguments in the order of the
plain loop, row by row. So the result is bit for bit MaxPool.forward's.

The backward pass, input_gradient, needs to know which corner that was: it compares each
window's four values in the plain loop's order, the corners taken out the same way, with
the plain loop's rule (a value replaces the largest so far only when it is larger), in
one Python loop over the windows rather than the plain definition's nested loops and
index arithmetic.

On PyPy, whose compiler turns plain loops into machine code, MaxPool's own loops are the
fastest way: there the fast forms are the plain definitions themselves.
"""

import functools
import sys
from my_math import Matrix
from my_math.fast import fast_form

from ..pooling import SIZE, MaxPool
from .gather import gather

PYPY = sys.implementation.name == "pypy"
_PLAIN_FORWARD, _PLAIN_INPUT_GRADIENT = MaxPool.forward, MaxPool.input_gradient


@fast_form(MaxPool, "forward")
def forward(self, A_prev):
    """MaxPool.forward: every window's largest value, by map(max, ...) over its four corners (the loops on PyPy)."""
    if PYPY:
        return _PLAIN_FORWARD(self, A_prev)
    corners = _corners(self.input_shape)
    return Matrix([list(map(max, *[take(a) for take in corners])) for a in A_prev.rows], check=False)


@fast_form(MaxPool, "input_gradient")
def input_gradient(self, A_prev, dZ):
    """MaxPool.input_gradient: each window's dz to the corner max chose, the first of equals (the loops on PyPy)."""
    if PYPY:
        return _PLAIN_INPUT_GRADIENT(self, A_prev, dZ)
    channels, height, width = self.input_shape
    top_left, top_right, bottom_left, bottom_right = _corners(self.input_shape)
    top_lefts = _top_lefts(self.input_shape)
    dA_prev = []
    for a, d in zip(A_prev.rows, dZ.rows):
        da = [0.0] * (channels * height * width)
        for position, dz, largest, right, below, below_right in zip(
                top_lefts, d, top_left(a), top_right(a), bottom_left(a), bottom_right(a)):
            at = position
            if right > largest:
                largest, at = right, position + 1
            if below > largest:
                largest, at = below, position + width
            if below_right > largest:
                at = position + width + 1
            da[at] = dz
        dA_prev.append(da)
    return Matrix(dA_prev, check=False)


@functools.lru_cache(maxsize=None)
def _top_lefts(input_shape):
    """The position in the input of each window's top left value, in the output's (c, row, col) order."""
    channels, height, width = input_shape
    return tuple((c * height + SIZE * row) * width + SIZE * col
                 for c in range(channels) for row in range(height // SIZE) for col in range(width // SIZE))


@functools.lru_cache(maxsize=None)
def _corners(input_shape):
    """Four functions, one per value of a window, row by row (top left, top right, bottom left,
    bottom right): each takes that value of every window out of an image."""
    width = input_shape[2]
    steps = [kr * width + kc for kr in range(SIZE) for kc in range(SIZE)]
    return [gather([top_left + step for top_left in _top_lefts(input_shape)]) for step in steps]
