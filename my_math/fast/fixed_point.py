"""The product of two matrices of floats in fixed point: both sides whole numbers, one side packed.

ByteMatrix (byte_matrix.py) multiplies image bytes, small whole numbers, by rows of
weights packed into big integers. Here both factors are floats, as in the dense layer
after a convolution's pooling, whose input is the pooled maps. Each side is first written
in fixed point, as whole numbers of a grid:

    row i of A:  a_ik ≈ α_ik γ_i,   γ_i the power of two with max_k |a_ik| < 2⁵⁰ γ_i
    all of B:    b_kj ≈ β_kj γ,     γ   the power of two with max |b_kj|  < 2⁵⁰ γ

each α and β the nearest whole number, so that |α|, |β| ≤ 2⁵⁰ and each float moves by at
most half its grid: between 2⁻⁵¹ and 2⁻⁵⁰ of the largest of its row of A, or of B, as
ByteMatrix rounds W. From there the arithmetic is exact. Row k of B is packed as
ByteMatrix packs W, R_k = Σ_j β_kj 2^(b j), in slots of b bits wide enough for a sum of n
terms of size up to 2¹⁰⁰ (b = 112 for up to 2 047 terms), and row i of the product is

    S_i = Σ_k α_ik R_k,  slot j holding Σ_k α_ik β_kj exactly,

over the non-zero α_ik only (the ReLU's zeros cost nothing). Python multiplies a 50-bit
α by a row of p slots in one pass over its digits, in C: several times faster than p
float multiplications and additions one by one. Unpacked, each slot times γ_i γ is z_ij.

The error, all of it from the two roundings to the grids and the conversion at the end:

    |z_ij − Σ_k a_ik b_kj| ≤ Σ_k (|a_ik| γ/2 + |b_kj| γ_i/2 + γ_i γ/4) + 2⁻⁵² (|z_ij| + 2⁴⁸ γ_i γ)

about n · 2⁻⁵⁰ of max |a_i| · max |b| at the worst (n terms), where the textbook loop's own
rounding errors are up to n · 2⁻⁵³ · Σ_k |a_ik b_kj|: of the same kind and size, and far
below anything training can notice. tests/test_fixed_point.py holds the product to it.

Row i of the product depends on row i of A and on B, never on the other rows of A: its grid
γ_i is its own. So the rows of a product computed a few at a time are the rows of the whole
product, bit for bit, which is what worker processes sharing a batch's rows need
(network/parallel/sharing.py). A row of A holding an infinity or a NaN, or numbers too large or too
small for the grids (beyond 2^±400), is multiplied by the ordinary product, as is all of A
when B holds such numbers (or has 2⁴³ rows or more, whose sums no slot here holds):
infinities and NaNs then show in the product as in the textbook's. PyPy's compiled loops beat this trick, so there it is never used (PACKING).
"""

import math
from array import array
from itertools import compress, repeat
from operator import add, mul, sub

from ..matrix import Matrix
from .byte_matrix import PACKING, _grid_exponent, _pack, _unpack, largest_size

PRECISION = 50  # each number is rounded to 2^−PRECISION of the largest of its row of A, or of B, or finer
WIDEST_SLOT = 18  # bytes: byte_matrix._unpack reads slots of up to 18 bytes, sums of up to 2⁴³ − 1 terms
SMALLEST, LARGEST = 2.0 ** -400, 2.0 ** 400  # the sizes the grids take: products of two grids stay normal floats


def fixed_point_product(A, B):
    """A @ B for matrices of floats, computed in fixed point (see the module's docstring), within its bound."""
    A._check_product_shapes(B)
    top = largest_size(B.rows)
    n, p = B.shape
    slot_bytes = slot_bytes_for(n)
    if not (PACKING and _in_range(top) and slot_bytes <= WIDEST_SLOT):
        return A @ B
    exponent = _grid_exponent(top)
    packed = _pack(B.rows, exponent, slot_bytes)
    sums, scales, ordinary = [], [], {}
    for i, a_row in enumerate(A.rows):
        nonzero = list(compress(a_row, a_row))
        row_top = largest_size([nonzero]) if nonzero else 0.0
        if row_top == 0.0:
            sums.append(0)
            scales.append(0.0)
        elif _in_range(row_top):
            row_exponent = _grid_exponent(row_top)
            sums.append(sum(map(mul, whole_numbers(nonzero, row_exponent), compress(packed, a_row))))
            scales.append(math.ldexp(1.0, row_exponent))
        else:  # an infinity or a NaN, or a size the grids do not take: this row by the ordinary product
            ordinary[i] = (Matrix([a_row], check=False) @ B).rows[0]
            sums.append(0)
            scales.append(0.0)
    rows = _unpack(sums, p, exponent, slot_bytes)
    product = [list(map(mul, row, repeat(scale))) for row, scale in zip(rows, scales)]
    for i, row in ordinary.items():
        product[i] = row
    return Matrix(product, check=False)


def whole_numbers(row, exponent):
    """The floats of row as whole numbers α of the grid γ = 2^exponent, one after another: each x / γ rounded to
    the nearest.

    As in byte_matrix._pack: ω = 1.5 · 2⁵² · γ + x rounds x to the grid, and the 64 bits of
    the double ω + α γ, read as a whole number, are bits(ω) + α: array("q") reads them so.
    """
    magic = 1.5 * 2.0 ** 52 * math.ldexp(1.0, exponent)
    bits = array("q", array("d", map(add, row, repeat(magic))).tobytes())
    return map(sub, bits, repeat(_bits(magic)))


def _bits(x):
    """The 64 bits of the double x, as a whole number."""
    return array("q", array("d", [x]).tobytes())[0]


def slot_bytes_for(n):
    """The bytes of a slot for sums of n terms α β, |α|, |β| ≤ 2⁵⁰: each sum is below n · 2¹⁰⁰ in size,
    and a slot of b bits holds any whole number below 2^(b − 1)."""
    return (2 * PRECISION + n.bit_length() + 1 + 7) // 8


def _in_range(top):
    """Whether numbers of largest size top (NaN for an infinity or a NaN) take a grid: 2⁻⁴⁰⁰ < top < 2⁴⁰⁰."""
    return SMALLEST < top < LARGEST
