"""ReLU and max pooling after a convolution, fast: both in one pass over each window's four values.

ConvNetwork computes a convolution's output as A_l = pool(φ(Z_l)): φ of every value of
Z_l (8 · 24 · 24 = 4 608 an image for --conv 8x5), then each 2 × 2 window's largest; on
the way back it computes φ(Z_l) again, to find each window's largest, sends the window's
gradient there, and multiplies all 4 608 by φ′(Z_l). For ReLU all of this can be done
window by window, on Z_l itself, without φ(Z_l) or φ′(Z_l):

Forward. The largest of a window's relu values is max(0, a, b, c, d), the built-in max
reading 0 first and then the window's values row by row (network/fast/pooling.py takes
them out of an image, a corner at a time). Both are the window's first largest positive
value, or 0 when it has none: max replaces its answer only by a larger value, as the
plain pooling does, and relu(z) is z where z > 0 and 0 elsewhere (a NaN too, which is
never larger than 0). So A_l is bit for bit the plain one.

Backward. The plain pass sends a window's dz to its first largest relu value, and then
dZ = (that) ⊙ relu′(Z) keeps it only where z > 0. If the window's largest relu value is
0, no z of it is positive, and the window's dZ is all 0 wherever dz went. If it is m > 0,
the first value equal to m is the first largest z as well, where relu′ is 1. So: the
window's dz goes to its first value equal to m when m > 0, and nowhere otherwise, which is
the plain dZ_l, bit for bit.

This spares the two passes of relu and the one of relu_backward over Z_l: about 6% of the
CNN's training step on CPython (docs/cnn.md, "How fast"). Other activations, and PyPy
(whose compiler runs the plain loops fast), use the plain definitions.
"""

import sys
from itertools import repeat

from my_math import Matrix
from my_math.fast import fast_form

from ..activations import relu, relu_backward
from ..cnn import ConvNetwork
from .pooling import _corners, _top_lefts

PYPY = sys.implementation.name == "pypy"
_PLAIN_POOLED, _PLAIN_POOLED_BACKWARD = ConvNetwork.pooled, ConvNetwork.pooled_backward


def relu_in_one_pass(net):
    """Whether net's φ is ReLU, on CPython: then its pooling and φ go in one pass."""
    return not PYPY and net.phi is relu and net.phi_backward is relu_backward


@fast_form(ConvNetwork, "pooled")
def pooled(self, conv, Z_l):
    """ConvNetwork.pooled, pool(relu(Z_l)), as max(0, the window's four values) for every window."""
    if not relu_in_one_pass(self):
        return _PLAIN_POOLED(self, conv, Z_l)
    corners = _corners(conv.output_shape)
    return Matrix([list(map(max, repeat(0.0), *[take(z) for take in corners])) for z in Z_l.rows], check=False)


@fast_form(ConvNetwork, "pooled_backward")
def pooled_backward(self, conv, dA, Z_l):
    """ConvNetwork.pooled_backward for ReLU: each window's dz to its first value equal to its largest m,
    when m > 0."""
    if not relu_in_one_pass(self):
        return _PLAIN_POOLED_BACKWARD(self, conv, dA, Z_l)
    width = conv.output_shape[2]
    corners = _corners(conv.output_shape)
    top_left, top_right, bottom_left, _ = corners
    top_lefts = _top_lefts(conv.output_shape)
    dZ = []
    for z, d in zip(Z_l.rows, dA.rows):
        dz = [0.0] * len(z)
        largest = map(max, repeat(0.0), *[take(z) for take in corners])
        for position, gradient, m, a, b, c in zip(top_lefts, d, largest, top_left(z), top_right(z), bottom_left(z)):
            if m > 0.0:
                dz[position if a == m else position + 1 if b == m else
                   position + width if c == m else position + width + 1] = gradient
        dZ.append(dz)
    return Matrix(dZ, check=False)
