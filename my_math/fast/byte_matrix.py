"""ByteMatrix: a batch of images kept as bytes, and a product that multiplies a whole row at a time.

An image's pixels are bytes, whole numbers from 0 to 255, and the network sees each pixel
as x = byte / 255. A ByteMatrix keeps the bytes (one byte a pixel, where a Python float
takes 24 bytes and more) and makes the floats only if something asks for them. Its product
with a matrix W of floats, the first layer's X @ W (the costliest step of training), is

    (X W)_ij = Σ_k x_ik w_kj = (1/255) · Σ_k (255 x_ik) w_kj

and every term is a small whole number, the byte 255 x_ik, times a float. Python's
integers have no size limit, and that makes a trick possible: write a whole row of W
into one big integer, each number in its own 72-bit slot (wider for very long sums),

    R_k = r_k0 + r_k1 · 2⁷² + r_k2 · 2¹⁴⁴ + ...        (r_kj = w_kj / γ, rounded)

Then byte · R_k multiplies all the numbers of the row at once, and R_0 + R_1 adds two rows
slot by slot, because (r_00 + r_01·2⁷²) + (r_10 + r_11·2⁷²) = (r_00 + r_10) + (r_01 + r_11)·2⁷².
So the one integer S_i = Σ_k (255 x_ik) R_k = Σ_j (Σ_k (255 x_ik) r_kj) · 2^(72 j) holds every
sum of row i of the product, and they can be read back as long as each stays well inside
its 72 bits. CPython does each big multiplication and addition in C, 30 bits at a time:
several times faster than one float multiplication and addition per term. The numbers
are written in whole units of γ, a power of two: fixed point. Read matmul, then _pack
and _unpack.

Floats here are IEEE 754 doubles, as in every Python: 64 bits, a sign bit, 11 bits of
exponent and 52 bits of fraction. Between two powers of two, 2^power ≤ w < 2^(power+1),
the doubles are evenly spaced, 2^(power−52) apart, and their 64-bit patterns, read as whole
numbers, are consecutive. _pack and _unpack use that to turn floats into whole numbers
and back with built-in functions instead of a Python loop over the numbers.

On PyPy plain loops are compiled to machine code and beat this trick, so there a
ByteMatrix multiplies as any Matrix does.
"""

import math
import sys
from array import array
from functools import cached_property
from itertools import chain, compress, repeat
from operator import add, mul, sub, truediv

from ..matrix import Matrix
from .switch import fast_form

# Each packed number has a slot of 9 bytes, 72 bits. The sums in a slot, Σ_k byte_k · r_kj with
# |r| < 2⁵⁰, stay below 2⁷¹ in size as long as Σ_k byte_k < 2²¹: a 9-byte slot is used for sums of
# at most 8 223 terms (_most_terms). Longer sums get wider slots (_slot_bytes), up to 12 bytes (see _unpack).
SLOT_BYTES = 9
MAX_SLOT_BYTES = 12
PIXEL_MAX = 255

# Packing pays off where Python's own loops are slow (CPython), not under a JIT (PyPy).
PACKING = sys.implementation.name != "pypy"

FLOAT_OF_BYTE = [byte / PIXEL_MAX for byte in range(PIXEL_MAX + 1)]  # looked up: faster than dividing


class ByteMatrix(Matrix):
    """A matrix whose elements are bytes divided by 255: pixel byte 0..255 stands for byte / 255.

    ByteMatrix([b"\\x00\\xff"]) is the matrix [[0.0, 1.0]]. It is a Matrix and behaves as
    one; it keeps the bytes, so that its product with a matrix of floats can use packed
    whole-number arithmetic, and makes its floats only when something asks for them.
    """

    def __init__(self, byte_rows):
        """A ByteMatrix from a list of equal-length bytes objects, one per row (one per image)."""
        if not byte_rows or not byte_rows[0]:
            raise ValueError("a ByteMatrix needs at least one row and one column")
        for i, row in enumerate(byte_rows):
            if not isinstance(row, bytes):
                raise TypeError(f"row {i} is a {type(row).__name__}, not bytes")
            if len(row) != len(byte_rows[0]):
                raise ValueError(f"ragged rows: row 0 has {len(byte_rows[0])} bytes but row {i} has {len(row)}")
        self.byte_rows = byte_rows

    @cached_property
    def rows(self):
        """The elements as floats, byte / 255, made the first time they are needed."""
        return [list(map(FLOAT_OF_BYTE.__getitem__, row)) for row in self.byte_rows]

    @property
    def T(self):
        """The transpose, still a ByteMatrix: its rows are the columns of bytes."""
        return ByteMatrix([bytes(column) for column in zip(*self.byte_rows)])

    @property
    def shape(self):
        """(m, n): the number of rows and of columns, read off the bytes (no floats needed)."""
        return len(self.byte_rows), len(self.byte_rows[0])

    def __setitem__(self, index, value):
        raise TypeError("a ByteMatrix holds the bytes of images and cannot be changed: "
                        "make a Matrix of its floats (Matrix(X.tolist())) to change one")



@fast_form(ByteMatrix, "__matmul__", exact=False)
def matmul(A, W):
    """A @ W, the product of Matrix.__matmul__, with W's rows packed into big integers.

        z_ij = Σ_k (byte_ik / 255) w_kj = (1/255) · Σ_k byte_ik w_kj

    Every w_kj is first rounded to the nearest multiple r_kj · γ of γ, the power of two
    with max |w| < 2⁵⁰ γ: an error of at most γ/2, which is between 2⁻⁵¹ and 2⁻⁵⁰ of the
    largest |w|. From there the arithmetic is exact: whole numbers, added and multiplied
    by Python's integers, in any order. The sum Σ_k byte_ik r_kj · γ is then rounded once to
    the nearest float and divided by 255. So z_ij differs from the exact value by at most
    (Σ_k byte_ik / 255) · γ/2 plus the two roundings at the end: for MNIST and the
    network's weights about 10⁻¹⁵, a few times the textbook loop's own rounding errors and
    far below anything training can notice, but not bit for bit the textbook's (the
    tests check the bound). This is the one fast form that rounds differently.

    W must hold finite numbers, the largest between 2⁻⁹⁰⁰ and 2⁹⁰⁰ in size (or all
    zeros), or the product is left to Matrix.__matmul__: infinities and NaNs must show in
    the product as they would in the textbook's, and the limits keep γ and the floats
    _pack and _unpack build far from overflow and underflow. So is a product whose sums
    would outgrow even the widest slots (more than 2⁴⁵ / 255 columns in A: never in
    practice), and every product on PyPy.

    Row i of the product depends on row i of A and on W, never on how many other rows A
    has: every choice here is made from W alone. So the rows of a product computed a few
    at a time are the rows of the whole product, bit for bit, which is what lets worker
    processes share a batch's rows out (network/parallel/). Packing W therefore happens
    even for a single image, where it costs more than it saves (about 10 ms for the
    first layer's W: benchmarks/predict_time.py). And as the sums are whole numbers, W's
    rows can be multiplied in parts and the parts' sums added: see "The product in parts".
    """
    if not isinstance(W, Matrix):
        return NotImplemented
    A._check_product_shapes(W)
    n, p = W.shape
    if not (PACKING and n < _most_terms(MAX_SLOT_BYTES)):
        return Matrix.__matmul__(A, W)
    top = largest_size(W.rows)
    if not _packable(top):
        return Matrix.__matmul__(A, W)
    # (B W) / 255 = B (W / 255), B the bytes: divide W (n × p numbers) first when it has no more rows than
    # columns, else the product (a row of p for each row of A), which for a layer's forward pass, W tall
    # and A a batch, is the smaller. (Not "whichever is smaller": that would depend on A's rows.)
    if n <= p:
        return Matrix(_packed_product(A.byte_rows, _divided(W.rows), top / PIXEL_MAX), check=False)
    return Matrix(_divided(_packed_product(A.byte_rows, W.rows, top)), check=False)


@fast_form(ByteMatrix, "__rmatmul__", exact=False)
def rmatmul(B, D):
    """D @ B for a Matrix of floats D on the left and this ByteMatrix B: the packed product the other way round.

        z_ij = Σ_k d_ik (byte_kj / 255) = (1/255) · Σ_k d_ik byte_kj

    This time the rows of B are packed, R_k = Σ_j byte_kj · 2^(72 j): they are whole numbers
    already, so nothing is rounded there. Each d_ik is rounded instead, to the nearest
    multiple r_ik γ of γ, the power of two with max |d| < 2⁵⁰ γ. Row i of the product is
    S_i = Σ_k r_ik R_k over the non-zero d_ik: slot j holds the whole number Σ_k r_ik byte_kj
    exactly, which _unpack turns into floats (times γ), then divided by 255. So the bound is
    matmul's with the two sides' roles swapped: (Σ_k byte_kj / 255) · γ/2 plus the two
    roundings at the end. (The gradient of a convolution's weights is such a product:
    network/fast/convolution.py.)

    Python asks B first, for D @ B, because ByteMatrix is a subclass of Matrix: a
    subclass's reflected operator goes before its parent's own. Switched off, D @ B is
    Matrix.__matmul__ again. As in matmul, D must hold finite numbers between 2⁻⁹⁰⁰ and
    2⁹⁰⁰ in size (or zeros), or the product is left to Matrix.__matmul__; so is a product
    with fewer non-zero d than rows of B, for which packing B would not pay, one whose sums
    could outgrow the widest slots, and every product on PyPy.
    """
    if not isinstance(D, Matrix):
        return NotImplemented
    D._check_product_shapes(B)
    n = len(B.byte_rows)
    nonzero = sum(len(row) - row.count(0.0) for row in D.rows)
    top = largest_size(D.rows) if PACKING and n < _most_terms(MAX_SLOT_BYTES) and nonzero >= n else math.nan
    if not _packable(top):
        return Matrix.__matmul__(D, B)
    exponent, slot_bytes = _grid_exponent(top), _slot_bytes(n)
    packed = _pack_bytes(B.byte_rows, slot_bytes)
    scale = math.ldexp(1.0, -exponent)  # d · 2^−exponent is exact (a power of two); round gives the nearest whole r
    sums = [sum(map(mul, map(round, map(mul, compress(row, row), repeat(scale))), compress(packed, row)))
            for row in D.rows]
    return Matrix(_divided(_unpack(sums, len(B.byte_rows[0]), exponent, slot_bytes)), check=False)


def _packed_product(byte_rows, w_rows, top):
    """The rows of B W for whole numbers byte_ik (0..255, rows of bytes) and floats w_kj, top = max |w_kj|.

    R_k is row k of W packed (see _pack), slot j holding r_kj with w_kj ≈ r_kj γ. Row i of
    the product is S_i = Σ_k byte_ik R_k, over the non-zero bytes only: slot j holds the
    whole number Σ_k byte_ik r_kj, which _unpack turns back into Σ_k byte_ik r_kj · γ ≈
    Σ_k byte_ik w_kj.
    """
    exponent, slot_bytes = _grid_exponent(top), _slot_bytes(len(w_rows))
    packed = _pack(w_rows, exponent, slot_bytes)
    counts = [sum(byte_row) for byte_row in byte_rows]  # a row of zeros (a pixel dark in every image) gives zeros
    sums = partial_sums(compress(byte_rows, counts), packed)
    return _rows_from_sums(sums, counts, len(w_rows[0]), exponent, slot_bytes)


def _rows_from_sums(sums, counts, p, exponent, slot_bytes):
    """The rows of the product, p numbers a row, from the sums S_i of the rows with a non-zero count: zeros
    for the others."""
    unpacked = iter(_unpack(sums, p, exponent, slot_bytes))
    return [next(unpacked) if count else [0.0] * p for count in counts]


def _packable(top):
    """Whether a W of largest |w| top can be packed (finite, and far from overflow and underflow: see matmul)."""
    return top == 0.0 or 2.0 ** -900 < top < 2.0 ** 900


# ---------------------------------------------------------------------- the product in parts

# Row i of A @ W is Σ_k byte_ik R_k: a sum of whole numbers, exact in any order and in any grouping. Cut
# W's rows k into parts, each part multiplied apart (partial_sums, with B's columns k of that part), and
# the parts' sums added up: that is S_i, the very whole number matmul computes, and product_from_sums
# turns it into the very floats matmul gives. network/parallel/ has its worker processes each keep and
# multiply their own rows of the first layer's W that way, so that W never travels between them. Each
# row packs into the same whole number whatever rows it is packed with, given the top and the number of
# rows of the whole W (the grid and the width of the slots): packed_rows.

def summed_in_parts(n, p, top):
    """Whether B @ W, for a W of n rows and p columns of largest |w| top, is the packed product that
    the functions below compute in parts (not when matmul would leave it to Matrix.__matmul__ or
    divide W first, nor when the fast forms are off)."""
    return ByteMatrix.__dict__.get("__matmul__") is matmul and PACKING and p < n < _most_terms(MAX_SLOT_BYTES) \
        and _packable(top)


def packed_rows(rows, top, n):
    """Some rows of a W of n rows and largest |w| top, packed as matmul packs them: R_k for each row k."""
    return _pack(rows, _grid_exponent(top), _slot_bytes(n))


def partial_sums(byte_rows, packed):
    """Σ_k byte_ik R_k for each row of bytes, over the packed rows R_k of W its bytes multiply: whole numbers."""
    return [sum(map(mul, compress(byte_row, byte_row), compress(packed, byte_row))) for byte_row in byte_rows]


def product_from_sums(sums, byte_rows, top, n, p):
    """B @ W, as matmul gives it, from the sums S_i = Σ_k byte_ik R_k over every row of W (B's rows of
    bytes, W of n rows, p columns and largest |w| top)."""
    counts = [sum(byte_row) for byte_row in byte_rows]
    rows = _rows_from_sums(list(compress(sums, counts)), counts, p, _grid_exponent(top), _slot_bytes(n))
    return Matrix(_divided(rows), check=False)


def _divided(rows):
    """Every element divided by 255."""
    return [list(map(truediv, row, repeat(PIXEL_MAX))) for row in rows]


def largest_size(rows):
    """max |w| over all the elements, or NaN if one of them is infinite or NaN."""
    total = sum(map(sum, rows))  # inf or NaN anywhere makes the total inf or NaN
    if not math.isfinite(total):
        return math.nan
    return max(max(map(max, rows)), -min(map(min, rows)))


def _slot_bytes(n):
    """The slot width in bytes for sums of n terms byte · r, |r| < 2⁵⁰: 9 for at most 8 223 terms, more beyond."""
    slot_bytes = SLOT_BYTES
    while n >= _most_terms(slot_bytes):
        slot_bytes += 1
    return slot_bytes


def _most_terms(slot_bytes):
    """The bound on the number n of terms byte · r, |r| < 2⁵⁰, whose sum a slot of slot_bytes bytes is
    used for: n < _most_terms(slot_bytes), which is 8 224 for 9 bytes, so at most 8 223 terms.

    A slot of slot_bits = 8 · slot_bytes bits holds any whole number of size below
    2^(slot_bits − 1), and the sum of n terms is below 255 · n · 2⁵⁰: n < 2^(slot_bits − 51) / 255
    is enough.
    """
    return 2 ** (8 * slot_bytes - 51) // PIXEL_MAX


def _grid_exponent(top):
    """The exponent such that γ = 2^exponent is the grid for numbers of size up to top: top < 2⁵⁰ γ."""
    return 0 if top == 0.0 else math.frexp(top)[1] - 50


def _pack(rows, exponent, slot_bytes=SLOT_BYTES):
    """Each row of floats w_j as one integer Σ_j r_j 2^(72 j), with r_j = w_j / γ rounded to a whole number
    (slots of 72 bits; of 8 · slot_bytes for wider ones).

    The rounding and the conversion to whole numbers are done by float addition, in C:
    ω = 1.5 · 2⁵² · γ is a double whose neighbours are γ apart, and so are those of ω + w
    for every |w| < 2⁵⁰ γ (they all lie between 2⁵² γ and 2⁵³ γ). Adding rounds w to the
    nearest multiple r γ, and as consecutive doubles there have consecutive bit
    patterns, the 64 bits of ω + r γ, read as a whole number, are bits(ω) + r. So the
    bytes of the doubles ω + w_j, each moved into a 9-byte slot, are the bytes of
    Σ_j (bits(ω) + r_j) 2^(72 j), and subtracting bits(ω) · ONES, ONES = 1 + 2⁷² + 2¹⁴⁴ + ...,
    leaves Σ_j r_j 2^(72 j). (Negative r_j borrow from the slot above, as in any
    subtraction; the integer is still exactly that sum.)
    """
    grid = math.ldexp(1.0, exponent)
    magic = 1.5 * 2.0 ** 52 * grid
    bits = array("d", map(add, chain.from_iterable(rows), repeat(magic))).tobytes()
    slots = bytearray(slot_bytes * (len(bits) // 8))
    for byte in range(8):  # each byte of every 8-byte double goes to the same place in its slot
        slots[byte::slot_bytes] = bits[byte::8]
    row_bytes = slot_bytes * len(rows[0])
    magic_ones = int.from_bytes(array("d", [magic]).tobytes(), "little") * _ones(len(rows[0]), slot_bytes)
    view = memoryview(slots)
    return [int.from_bytes(view[start:start + row_bytes], "little") - magic_ones
            for start in range(0, len(slots), row_bytes)]


def _pack_bytes(byte_rows, slot_bytes):
    """Each row of bytes as one integer Σ_j byte_j 2^(8 · slot_bytes · j): every byte moved to the
    lowest byte of its own slot, the rest of the slot 0."""
    joined = b"".join(byte_rows)
    slots = bytearray(slot_bytes * len(joined))
    slots[::slot_bytes] = joined
    row_bytes = slot_bytes * len(byte_rows[0])
    view = memoryview(slots)
    return [int.from_bytes(view[start:start + row_bytes], "little") for start in range(0, len(slots), row_bytes)]


def _unpack(sums, p, exponent, slot_bytes=SLOT_BYTES):
    """The rows of floats total_j · γ, from integers S_i = Σ_j total_j 2^(72 j) with every |total_j| < 2⁷¹,
    p per row (for slots of slot_bits = 8 · slot_bytes bits: 2^(slot_bits · j), |total_j| < 2^(slot_bits − 1)).

    S_i + 2⁷¹ · ONES holds 2⁷¹ + total_j in slot j, between 0 and 2⁷²: no borrows, so its
    bytes are the slots. The low 48 bits (lo) and the high 24 (hi) of each become doubles
    the way _pack made whole numbers, backwards: in the low bytes of a double floor =
    2^power they make floor + lo · 2^(power−52). With lo_floor = 2⁵² γ and hi_floor = 2¹⁰⁰ γ,
    the steps are γ for lo and 2⁴⁸ γ for hi: the doubles are low = lo_floor + lo · γ and
    high = hi_floor + hi · 2⁴⁸ γ, and total_j · γ = (high − hi_floor − 2²³ · 2⁴⁸ γ − lo_floor)
    + low. The subtraction is exact (its two sides are within a factor 2 of each other) and
    so is low, so the one addition rounds total_j · γ once, to the nearest double. A wider
    slot has slot_bits − 48 high bits instead of 24, and all of this holds as long as hi
    fits in the 52 bits of a double's fraction and high − hi_floor − 2^(slot_bits−1) γ, a
    multiple of 2⁴⁸ γ below 2^slot_bits γ, in its 53 bits of precision: up to
    slot_bits = 96, 12-byte slots.

    Wider slots still (fixed_point.py's, of 13 to 18 bytes) have a middle piece: bits 48 to 95
    become mid = mid_floor + middle bits · 2⁴⁸ γ (mid_floor = 2¹⁰⁰ γ), and the high bits count
    from 96. Then total_j · γ = ((high − hi_floor − 2^(slot_bits−1) γ − mid_floor) + mid) +
    (low − lo_floor): the first subtraction and the last are exact as above, and the two
    additions round once each, so the result is within 2⁻⁵² (|total_j γ| + 2⁴⁸ γ) of total_j · γ.
    """
    slot_bits = 8 * slot_bytes
    half_ones = (1 << (slot_bits - 1)) * _ones(p, slot_bytes)
    row_bytes = slot_bytes * p
    slots = b"".join((S + half_ones).to_bytes(row_bytes, "little") for S in sums)
    size = len(slots) // slot_bytes
    middle = slot_bytes > 12
    lo_floor = math.ldexp(1.0, exponent + 52)
    hi_floor = math.ldexp(1.0, exponent + (148 if middle else 100))
    lo = _floats_from_bytes(slots, range(6), lo_floor, slot_bytes)
    hi = _floats_from_bytes(slots, range(12 if middle else 6, slot_bytes), hi_floor, slot_bytes)
    if middle:
        mid_floor = math.ldexp(1.0, exponent + 100)
        mid = _floats_from_bytes(slots, range(6, 12), mid_floor, slot_bytes)
        offset = hi_floor + math.ldexp(1.0, exponent + slot_bits - 1) + mid_floor
        flat = list(map(add, map(add, map(sub, hi, repeat(offset)), mid), map(sub, lo, repeat(lo_floor))))
    else:
        offset = hi_floor + math.ldexp(1.0, exponent + slot_bits - 1) + lo_floor  # (high − offset) + low = total_j · γ
        flat = list(map(add, map(sub, hi, repeat(offset)), lo))
    return [flat[start:start + p] for start in range(0, size, p)]


def _ones(n, slot_bytes=SLOT_BYTES):
    """ONES = 1 + 2⁷² + 2¹⁴⁴ + ...: a 1 in each of n slots (of slot_bytes bytes)."""
    return int.from_bytes((b"\x01" + bytes(slot_bytes - 1)) * n, "little")


def _floats_from_bytes(slots, which_bytes, floor, slot_bytes):
    """The doubles floor + whole · ulp(floor), one per slot of slot_bytes bytes, whole the whole number
    in the slot's bytes which_bytes (at most 6 of them).

    floor is a power of two, so its 52 fraction bits are 0: the bytes of whole fill them.
    """
    floats = bytearray(array("d", [floor]).tobytes() * (len(slots) // slot_bytes))
    for place, byte in enumerate(which_bytes):
        floats[place::8] = slots[byte::slot_bytes]
    return array("d", floats)
