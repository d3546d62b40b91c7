"""The convolution, fast: on CPython im2col, which turns it into one product of the Matrix class;
on PyPy, loops its compiler makes fast.

network/convolution.py computes every value of every feature map with its own loops
over the patch. But each of those sums is a dot product: the K × K patch of every channel
under place (row, col), laid out as one row of C · K · K numbers in (c, kr, kc) order,
times column f of W, whose rows are in that same order. Lay out every patch of every
image as a row of one big matrix, the patches (m · places rows; "im2col", image to
columns, its usual name), and all of the layer is one matrix product:

    patches @ W = every filter (a column) at every place (a row) of every image,

computed by the fast product of my_math/fast/, which adds the terms of each sum in the
order k = 0, 1, ... of the row, the order of forward's loops over (c, kr, kc). The bias
comes last, as in forward's total + b_f: each patch ends with one more value, 1, and W
with one more row, b, so that the last term of each sum is 1 · b_f = b_f. The backward
pass is two more products, read off the loops in the same way:

    dWᵀ = dZᵀ @ patches   (weight_gradient) row f of dZᵀ holds dz_i,(f,row,col) for every
                          image and place, in (i, row, col) order, and column (c, kr, kc) of
                          the patches the input value at (c, row+kr, col+kc) in that same order;
    dA_prev = col2im(dZ @ Wᵀ)   (input_gradient) row (i, row, col) of dZ Wᵀ holds, for each
                          (c, kr, kc), the Σ_f dz · w that the place sends back to its patch;
                          col2im adds it onto the input value at (c, row+kr, col+kc).

(dWᵀ rather than dW = patchesᵀ @ dZ: the same sums, and the patches, bytes for the first
layer, can then stay on the right of a packed product, below.)

Each sum gets the same terms in the same order as in network/convolution.py, so these
are its numbers bit for bit (with Python ≤ 3.11 and PyPy, as products.py explains),
except where the product itself rounds differently: ByteMatrix's packed product, below.

The first layer's input is the image bytes, a ByteMatrix, and so are its patches (the
1 at the end of each is the byte 255): patches @ W and dZᵀ @ patches are then
ByteMatrix's packed products (my_math/fast/byte_matrix.py: matmul and rmatmul), within
their error bound, the bias counted as one more weight. They are the one place where
this file's numbers are not the loops' bit for bit; switched to the ordinary product
(use_fast_forms(exact_only=True)), they are.
For the forward product, whose rows are many and short (25 pixels),
packing one row of W per pixel would cost more than it saves; so on CPython the patches
are made wide: the K rows of G + K − 1 pixels that G neighbouring places of a row share,
and W becomes a banded matrix with a column for each of those G places and each filter,
place `shift` (0 to G − 1) holding the filter shifted that many places to the right:

    band_(c,kr,j),(shift,f) = w_(c,kr,j−shift),f   when 0 ≤ j − shift < K, else 0

Place shift of the wide patch sees pixel j at kernel column kc = j − shift, so its sum
holds exactly the terms of the narrow patch, in the same order, plus products with the
band's zeros, which are +0 and change no sum (the bias row is b_f in every column
(shift, f)). One
packed row of the band now serves G · F outputs at a time.

On PyPy, whose compiler turns plain loops into machine code, building all those patches
costs more than the loops: there the loops of network/convolution.py stay, arranged
so that the innermost one runs along a row of the image (_forward_by_loops,
_weight_gradient_by_loops, _input_gradient_by_loops). Each sum still receives its terms in the same order, so they are
the plain loops' numbers bit for bit.
"""

import functools
import sys
from itertools import chain, compress
from operator import add

from my_math import Matrix
from my_math.fast.byte_matrix import ByteMatrix
from my_math.fast import byte_matrix, fast_form
from my_math.fast.products import all_finite

from ..convolution import Conv
from .gather import gather

WIDE = 8  # G: places per wide patch when the packed product is used (24 places a row: 3 wide patches)
PYPY = sys.implementation.name == "pypy"


@fast_form(Conv, "forward")
def forward(self, A_prev):
    """Conv.forward by this Python's engine: im2col on CPython, loops on PyPy."""
    return (_forward_by_loops if PYPY else _forward_by_im2col)(self, A_prev)


@fast_form(Conv, "weight_gradient")
def weight_gradient(self, A_prev, dZ):
    """Conv.weight_gradient by this Python's engine: im2col on CPython, loops on PyPy."""
    return (_weight_gradient_by_loops if PYPY else _weight_gradient_by_im2col)(self, A_prev, dZ)


@fast_form(Conv, "bias_gradient")
def bias_gradient(self, dZ):
    """Conv.bias_gradient: each filter's dz of every image and place, (i, row, col) order, summed by the built-in sum."""
    places = self.output_shape[1] * self.output_shape[2]
    return Matrix([[sum(chain.from_iterable([d[f * places:(f + 1) * places] for d in dZ.rows]))
                    for f in range(self.filters)]], check=False)


@fast_form(Conv, "input_gradient")
def input_gradient(self, dZ):
    """Conv.input_gradient by this Python's engine: im2col on CPython, loops on PyPy."""
    return (_input_gradient_by_loops if PYPY else _input_gradient_by_im2col)(self, dZ)


def _forward_by_im2col(self, A_prev):
    """Conv.forward by im2col: the patches (wide ones for image bytes on CPython) @ W, then + b."""
    channels, height, width = self.input_shape
    K = self.kernel
    _, out_height, out_width = self.output_shape
    is_bytes = isinstance(A_prev, ByteMatrix)
    G = min(WIDE, out_width) if is_bytes and byte_matrix.PACKING else 1
    per_row = -(-out_width // G)  # patches per row of places: the last one may reach past the edge
    rows = A_prev.byte_rows if is_bytes else A_prev.rows
    patches = _patches(rows, self.input_shape, K, G, is_bytes, with_one=True)
    # A patch of zeros but its last 1 (a sixth of MNIST's wide patches: no ink there) sums to 0 + 1 · b_f:
    # its row of the product is 0.0 + b_f at every place, the loops' total + b_f, and is not computed
    # (unless W holds an infinity or a NaN, which 0 times makes NaN).
    band = Matrix(_band(self.W.rows, self.b.rows[0], channels, K, G), check=False)
    if all_finite(band.rows):
        inked = [len(patch) - patch.count(0) > 1 for patch in patches]
    else:
        inked = [True] * len(patches)
    products = iter([])
    if any(inked):
        inked_patches = list(compress(patches, inked))
        inked_patches = ByteMatrix(inked_patches) if is_bytes else Matrix(inked_patches, check=False)
        products = iter((inked_patches @ band).rows)
    no_ink = [0.0 + b_f for b_f in self.b.rows[0]] * G
    product = [next(products) if ink else no_ink for ink in inked]
    # Row (i, row, patch) of the product holds places shift of the patch, filters f: put them in (f, row, col) order.
    order = _output_order(self.output_shape, G)
    per_image = out_height * per_row
    return Matrix([list(order(list(chain.from_iterable(product[start:start + per_image]))))
                   for start in range(0, len(product), per_image)], check=False)


def _weight_gradient_by_im2col(self, A_prev, dZ):
    """Conv.weight_gradient by im2col: dW = (dZᵀ @ patches)ᵀ."""
    F = self.filters
    places = self.output_shape[1] * self.output_shape[2]
    is_bytes = isinstance(A_prev, ByteMatrix)
    inputs = A_prev.byte_rows if is_bytes else A_prev.rows
    # dZᵀ: row f holds filter f's dz of every image and place, in (i, row, col) order.
    dZ_T = [list(chain.from_iterable([d[f * places:(f + 1) * places] for d in dZ.rows])) for f in range(F)]
    # dWᵀ = dZᵀ @ patches, the patches a row per place: with image bytes, ByteMatrix's packed product
    # the other way round. The places where no filter has a gradient (all dz = 0: more than half of
    # them after a pooling) add only 0 to every sum, and are left out of both (unless the input
    # holds an infinity or a NaN, which 0 times makes NaN).
    live = list(map(any, zip(*dZ_T))) if is_bytes or all_finite(inputs) else [True] * len(dZ_T[0])
    if not any(live):
        return Matrix.zeros(self.W.shape[0], F)
    patches = _patches(inputs, self.input_shape, self.kernel, 1, is_bytes, with_one=False, keep=live)
    patches = ByteMatrix(patches) if is_bytes else Matrix(patches, check=False)
    dW_T = Matrix([list(compress(row, live)) for row in dZ_T], check=False) @ patches
    return dW_T.T


def _input_gradient_by_im2col(self, dZ):
    """Conv.input_gradient by im2col: col2im(dZ @ Wᵀ), dZ laid out a row per image and place."""
    F = self.filters
    places = self.output_shape[1] * self.output_shape[2]
    # Row (i, place) holds the dz of every filter f at that place of image i.
    by_place = Matrix([list(values) for d in dZ.rows for values in zip(*[d[f * places:(f + 1) * places] for f in range(F)])],
                      check=False)
    return _col2im(by_place @ self.W.T, self.input_shape, self.kernel, len(dZ.rows))


@functools.lru_cache(maxsize=None)
def _patch_getter(input_shape, K, G, with_one):
    """A function that takes every patch out of an image, one after another, in (row, patch) order, and
    the size of a patch.

    A patch is K rows of G + K − 1 values for each channel, in (c, kr, j) order, and then,
    with_one, the 1 for the bias. A column past the image's right edge reads the 0, and the 1 is
    read from, the two values appended to each image (index channels · height · width, and the next).
    """
    channels, height, width = input_shape
    out_height, out_width = height - K + 1, width - K + 1
    beyond = channels * height * width
    indices = []
    for row in range(out_height):
        for first in range(0, out_width, G):
            patch = [(c * height + row + kr) * width + j if j < width else beyond
                     for c in range(channels) for kr in range(K) for j in range(first, first + G + K - 1)]
            indices += patch + [beyond + 1] * with_one
    size = channels * K * (G + K - 1) + with_one
    return gather(indices), size


def _patches(rows, input_shape, K, G, is_bytes, with_one, keep=None):
    """Every patch of every image, as bytes or as a list of floats: the rows of im2col's matrix, (i, row, patch)
    order; only those whose flag in keep (one for each, in that order) is true, when keep is given."""
    ends = b"\x00\xff" if is_bytes else [0.0, 1.0]  # the 0 past the edge, and the 1 (a byte 255) for the bias
    get, size = _patch_getter(input_shape, K, G, with_one)
    keep = iter(keep) if keep is not None else None
    patches = []
    for a in rows:
        values = get(a + ends)
        values = bytes(values) if is_bytes else list(values)
        starts = range(0, len(values), size)
        patches += [values[start:start + size] for start in (compress(starts, keep) if keep else starts)]
    return patches


def _band(W, b, channels, K, G):
    """The (C · K · (G + K − 1) + 1) × (G · F) banded matrix of the wide patches: w_(c,kr,j−shift),f in column
    (shift, f), and a last row holding b_f in every column (shift, f). With G = 1 it is W with b as its last row."""
    F = len(W[0])
    band = [[W[(c * K + kr) * K + j - shift][f] if 0 <= j - shift < K else 0.0
             for shift in range(G) for f in range(F)]
            for c in range(channels) for kr in range(K) for j in range(G + K - 1)]
    return band + [list(b) * G]


@functools.lru_cache(maxsize=None)
def _output_order(output_shape, G):
    """A function that takes one image's rows of the product, chained, and gives its Z in (f, row, col) order.

    Row (row, patch) of the product holds, in column (shift, f), the place col = patch · G + shift.
    """
    F, out_height, out_width = output_shape
    per_row = -(-out_width // G)
    return gather([((row * per_row + col // G) * G + col % G) * F + f
                   for f in range(F) for row in range(out_height) for col in range(out_width)])


def _col2im(by_place, input_shape, K, m):
    """dA_prev from the rows of dZ Wᵀ, one per image and place: each row's value (c, kr, kc) added onto (c, row+kr, col+kc).

    Each input value must receive its terms in the order of the places, row by row, as in
    Conv.input_gradient. The place that sends to (c, row′, col′) through (kr, kc) is
    (row′ − kr, col′ − kc), so going through (kr, kc) from the last to the first, (K − 1, K − 1)
    first, brings every value its terms in that order; and for one (kr, kc) a whole row
    of places adds onto one stretch of a row of the input, by map(add, ...).
    """
    channels, height, width = input_shape
    out_height, out_width = height - K + 1, width - K + 1
    places = out_height * out_width
    rows = by_place.rows
    dA_prev = []
    for start in range(0, m * places, places):
        sent = list(zip(*rows[start:start + places]))  # sent[(c, kr, kc)]: what every place sends there
        da = [0.0] * (channels * height * width)
        for c in range(channels):
            for kr in reversed(range(K)):
                for kc in reversed(range(K)):
                    values = sent[(c * K + kr) * K + kc]
                    for row in range(out_height):
                        at = (c * height + row + kr) * width + kc
                        da[at:at + out_width] = map(add, da[at:at + out_width],
                                                    values[row * out_width:(row + 1) * out_width])
        dA_prev.append(da)
    return Matrix(dA_prev, check=False)


def _forward_by_loops(self, A_prev):
    """Conv.forward for PyPy: for each filter and row of places, a row of sums, to which each weight
    w_(c,kr,kc),f in turn adds w times a stretch of the input's row row + kr; then + b_f.

    Every sum receives its terms in the (c, kr, kc) order of Conv.forward, from 0.
    """
    channels, height, width = self.input_shape
    K, F = self.kernel, self.filters
    _, out_height, out_width = self.output_shape
    W, b = self.W.rows, self.b.rows[0]
    columns = range(out_width)
    Z = []
    for a in A_prev.rows:
        z = [0.0] * (F * out_height * out_width)
        for f in range(F):
            for row in range(out_height):
                totals = [0.0] * out_width
                for c in range(channels):
                    for kr in range(K):
                        start = (c * height + row + kr) * width
                        for kc in range(K):
                            w = W[(c * K + kr) * K + kc][f]
                            at = start + kc
                            for col in columns:
                                totals[col] += a[at + col] * w
                at = (f * out_height + row) * out_width
                for col in columns:
                    z[at + col] = totals[col] + b[f]
        Z.append(z)
    return Matrix(Z, check=False)


def _weight_gradient_by_loops(self, A_prev, dZ):
    """Conv.weight_gradient for PyPy: each place of each image, in order, adds dz times the values of its
    patch to the sums of dW; a dz of 0 adds nothing and is skipped (unless the inputs hold an
    infinity or a NaN, which 0 times makes NaN)."""
    channels, height, width = self.input_shape
    K, F = self.kernel, self.filters
    _, out_height, out_width = self.output_shape
    offsets = [(c * height + kr) * width + kc for c in range(channels) for kr in range(K) for kc in range(K)]
    size = len(offsets)
    sums = [[0.0] * size for _ in range(F)]  # sums[f][k]: dW's column f
    skip = all_finite(A_prev.rows)
    for a, d in zip(A_prev.rows, dZ.rows):
        for f in range(F):
            column = sums[f]
            for row in range(out_height):
                for col in range(out_width):
                    dz = d[(f * out_height + row) * out_width + col]
                    if dz != 0.0 or not skip:
                        corner = row * width + col
                        for k in range(size):
                            column[k] += dz * a[corner + offsets[k]]
    return Matrix([list(row) for row in zip(*sums)], check=False)


def _input_gradient_by_loops(self, dZ):
    """Conv.input_gradient for PyPy: each place sends Σ_f dz · w to its patch, as there; a place whose dz
    are all 0 is skipped (unless W holds an infinity or a NaN)."""
    channels, height, width = self.input_shape
    K, F = self.kernel, self.filters
    offsets = [(c * height + kr) * width + kc for c in range(channels) for kr in range(K) for kc in range(K)]
    _, out_height, out_width = self.output_shape
    W = self.W.rows
    skip = all_finite(W)
    dA_prev = []
    for d in dZ.rows:
        da = [0.0] * (channels * height * width)
        for row in range(out_height):
            for col in range(out_width):
                place = row * out_width + col
                dz = [d[f * out_height * out_width + place] for f in range(F)]
                if skip and not any(dz):
                    continue
                corner = row * width + col
                for k in range(len(offsets)):
                    w_row = W[k]
                    total = 0.0
                    for f in range(F):
                        total += dz[f] * w_row[f]
                    da[corner + offsets[k]] += total
        dA_prev.append(da)
    return Matrix(dA_prev, check=False)
