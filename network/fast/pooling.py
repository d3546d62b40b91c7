"""Max pooling, fast: the four corners of every window taken out at once, and max run in C.

MaxPool.forward visits each window with Python loops and compares its values one by
one. Here, for each of the four corners of a window (top left, top right, bottom
left, bottom right), one call of operator.itemgetter takes that corner of every window
out of an image, in the output's (c, row, col) order; map(max, tl, tr, bl, br) then
gives every window's largest value. The built-in max keeps the first of equal values,
as the plain loop does: it replaces its answer only by a larger value (so a NaN wins
only when it comes first, as there), and it reads its arguments in the order of the
plain loop, row by row. So the result is bit for bit MaxPool.forward's.

backward needs to know which corner that was. max gives back the very object it
chose, and `is` tells which of the four arguments it is; several corners can be that
same object only when they hold the same value, and then the first of them is the one
the plain loop chose.

On PyPy, whose compiler turns plain loops into machine code, MaxPool's own loops are the
fastest way: there the fast forms are the plain definitions themselves.
"""

import sys
from itertools import compress
from operator import gt, is_, or_

from my_math import Matrix
from my_math.fast import fast_form

from ..pooling import SIZE, MaxPool
from .gather import gather

PYPY = sys.implementation.name == "pypy"
_PLAIN_FORWARD, _PLAIN_BACKWARD = MaxPool.forward, MaxPool.backward


@fast_form(MaxPool, "forward")
def forward(self, A_prev):
    """MaxPool.forward: every window's largest value, by map(max, ...) over its four corners (the loops on PyPy)."""
    if PYPY:
        return _PLAIN_FORWARD(self, A_prev)
    corners = _corners(self)
    return Matrix([list(map(max, *[take(a) for take in corners])) for a in A_prev.rows], check=False)


@fast_form(MaxPool, "backward")
def backward(self, A_prev, dZ, need_dA_prev=True):
    """MaxPool.backward: each window's dz to the corner max chose, the first of equals (the loops on PyPy)."""
    if PYPY:
        return _PLAIN_BACKWARD(self, A_prev, dZ, need_dA_prev)
    if not need_dA_prev:
        return None, None, None
    channels, height, width = self.input_shape
    corners = _corners(self)
    top_lefts = _top_lefts(self)
    nobody = [False] * len(top_lefts)
    dA_prev = []
    for a, d in zip(A_prev.rows, dZ.rows):
        values = [take(a) for take in corners]
        largest = list(map(max, *values))
        da = [0.0] * (channels * height * width)
        taken = nobody  # the windows whose dz has gone to an earlier corner
        for corner, step in zip(values, _steps(width)):
            # the windows where this corner is the value max chose, and no earlier one was
            hits = list(map(gt, map(is_, corner, largest), taken))
            taken = list(map(or_, taken, hits))
            for top_left, dz in zip(compress(top_lefts, hits), compress(d, hits)):
                da[top_left + step] = dz
        dA_prev.append(da)
    return None, None, Matrix(dA_prev, check=False)


def _top_lefts(pool):
    """The position in the input of each window's top left value, in the output's (c, row, col) order."""
    _, height, width = pool.input_shape
    channels, out_height, out_width = pool.output_shape
    return [(c * height + SIZE * row) * width + SIZE * col
            for c in range(channels) for row in range(out_height) for col in range(out_width)]


def _corners(pool):
    """Four functions, one per corner of a window, row by row: each takes that corner of every window out of an image."""
    top_lefts = _top_lefts(pool)
    return [gather([top_left + step for top_left in top_lefts]) for step in _steps(pool.input_shape[2])]


def _steps(width):
    """From a window's top left value to each of its values, row by row: 0, 1, width, width + 1."""
    return [kr * width + kc for kr in range(SIZE) for kc in range(SIZE)]
