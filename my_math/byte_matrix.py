"""ByteMatrix: a batch of images, and a product that multiplies a whole row at a time.

An image's pixels are bytes, whole numbers p from 0 to 255, and the network sees each
pixel as x = p / 255. So the first layer's product, the costliest step of training, is

    (X B)_ij = Σ_k x_ik b_kj = (1/255) · Σ_k p_ik b_kj

and every term is a small whole number times a float. Python's integers have no size
limit, and that makes a trick possible: write a whole row of B into one big integer,
each number in its own 72-bit slot,

    U_k = q_k1 + q_k2 · 2⁷² + q_k3 · 2¹⁴⁴ + ...        (q_kj = b_kj / g, rounded)

Then p · U_k multiplies all the numbers of the row at once, and U_k + U_l adds two rows
slot by slot, because (a + b·2⁷²) + (c + d·2⁷²) = (a + c) + (b + d)·2⁷². So the one integer
Σ_k p_ik U_k = Σ_j (Σ_k p_ik q_kj) · 2^(72 j) holds every sum of row i of the product,
and they can be read back as long as each stays well inside its 72 bits. CPython does
each big multiplication and addition in C, 30 bits at a time: several times faster than
one float multiplication and addition per term. The numbers are written in whole units
of g, a power of two: fixed point. Read ByteMatrix.__matmul__, then _pack and _unpack.

On PyPy plain loops are compiled to machine code and beat this trick, so there a
ByteMatrix multiplies as any Matrix does.
"""

import math
import sys
from array import array
from functools import cached_property
from itertools import chain, compress, repeat
from operator import add, mul, sub, truediv

from .matrix import Matrix

# Each packed number has a slot of 72 bits. The sums in a slot, Σ_k p_k q_kj with |q| ≤ 2⁵⁰,
# stay below 2⁷¹ in size as long as Σ_k p_k < 2²¹: at most 8 224 columns of 255.
SLOT_BYTES = 9
SLOT_BITS = 8 * SLOT_BYTES
PIXEL_MAX = 255
MAX_COLUMNS = 2 ** 21 // PIXEL_MAX

# Packing pays off where Python's own loops are slow (CPython), not under a JIT (PyPy), and
# only for enough non-zero bytes: packing a row of b costs about as much as multiplying it
# by four bytes the float way (measured: about 20 MNIST images times W1 break even).
_PACKING = sys.implementation.name != "pypy"
PACKING_PAYS = 4  # non-zero bytes in a, at least, per row of b

FLOAT_OF_BYTE = [p / PIXEL_MAX for p in range(PIXEL_MAX + 1)]  # looked up: faster than dividing


class ByteMatrix(Matrix):
    """A matrix whose elements are bytes divided by 255: pixel p (0..255) stands for p / 255.

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
        """The elements as floats, p / 255, made the first time they are needed."""
        return [list(map(FLOAT_OF_BYTE.__getitem__, row)) for row in self.byte_rows]

    @property
    def T(self):
        """The transpose, still a ByteMatrix: its rows are the columns of bytes."""
        return ByteMatrix([bytes(column) for column in zip(*self.byte_rows)])

    def __matmul__(self, other):
        """a @ b, the product of Matrix.__matmul__, with b's rows packed into big integers.

            c_ij = Σ_k (p_ik / 255) b_kj = (1/255) · Σ_k p_ik b_kj

        Every b_kj is first rounded to the nearest multiple q_kj · g of g, the power of two
        with max |b| < 2⁵⁰ g: an error of at most g/2, about 2⁻⁵² of the largest |b|. From
        there the arithmetic is exact: whole numbers, added and multiplied by Python's
        integers, in any order. The sum Σ_k p_ik q_kj · g is then rounded once to the
        nearest float and divided by 255. So c_ij differs from the exact c_ij by at most
        (Σ_k p_ik / 255) · g/2 plus the two roundings at the end: for MNIST and the
        network's weights about 10⁻¹⁵, a few times the textbook loop's own rounding
        errors and far below anything training can notice. The tests check the bound.

        b must hold finite numbers, the largest between 2⁻⁹⁰⁰ and 2⁹⁰⁰ in size (or all
        zeros), or the product is left to Matrix.__matmul__: infinities and NaNs must show
        in the product as they would in the textbook's, and the limits keep g and the
        floats _pack and _unpack build far from overflow and underflow. So is a product
        with more than MAX_COLUMNS columns in a, whose sums could outgrow their slots;
        one with fewer than PACKING_PAYS non-zero bytes in a per row of b (a few images),
        for which packing b would take longer than it saves; and every product on PyPy.
        """
        if not isinstance(other, Matrix):
            return NotImplemented
        self._check_product_shapes(other)
        k = len(other.rows)
        if not (_PACKING and k <= MAX_COLUMNS and self._nonzero_count() >= PACKING_PAYS * k):
            return Matrix.__matmul__(self, other)
        top = _largest_size(other.rows)
        if not (top == 0.0 or 2.0 ** -900 < top < 2.0 ** 900):
            return Matrix.__matmul__(self, other)
        # (P B) / 255 = P (B / 255): divide whichever of B and the product has fewer rows.
        if k < len(self.byte_rows):
            return Matrix(_packed_product(self.byte_rows, _divided(other.rows), top / PIXEL_MAX), check=False)
        return Matrix(_divided(_packed_product(self.byte_rows, other.rows, top)), check=False)

    @property
    def shape(self):
        """(m, n): the number of rows and of columns, read off the bytes (no floats needed)."""
        return len(self.byte_rows), len(self.byte_rows[0])

    def _nonzero_count(self):
        """How many bytes are not 0."""
        return sum(len(row) - row.count(0) for row in self.byte_rows)


def _packed_product(p_rows, b_rows, top):
    """The rows of P B for whole numbers p_ik (0..255, rows of bytes) and floats b_kj, top = max |b_kj|.

    U_k is row k of B packed (see _pack), slot j holding q_kj with b_kj ≈ q_kj g. Row i
    of the product is S_i = Σ_k p_ik U_k, over the non-zero p_ik only: slot j holds the
    whole number Σ_k p_ik q_kj, which _unpack turns back into Σ_k p_ik q_kj · g ≈ Σ_k p_ik b_kj.
    """
    exponent = _grid_exponent(top)
    packed = _pack(b_rows, exponent)
    counts = [sum(p_row) for p_row in p_rows]  # a row of zeros (a pixel dark in every image) gives zeros
    sums = [sum(map(mul, compress(p_row, p_row), compress(packed, p_row))) for p_row in compress(p_rows, counts)]
    n = len(b_rows[0])
    unpacked = iter(_unpack(sums, n, exponent))
    return [next(unpacked) if count else [0.0] * n for count in counts]


def _divided(rows):
    """Every element divided by 255."""
    return [list(map(truediv, row, repeat(PIXEL_MAX))) for row in rows]


def _largest_size(rows):
    """max |b| over all the elements, or NaN if one of them is infinite or NaN."""
    total = sum(map(sum, rows))  # inf or NaN anywhere makes the total inf or NaN
    if not math.isfinite(total):
        return math.nan
    return max(max(map(max, rows)), -min(map(min, rows)))


def _grid_exponent(top):
    """e such that g = 2^e is the grid for numbers of size up to top: top < 2⁵⁰ g."""
    return 0 if top == 0.0 else math.frexp(top)[1] - 50


def _pack(rows, exponent):
    """Each row of floats b_j as one integer Σ_j q_j 2^(72 j), with q_j = b_j / g rounded to a whole number.

    The rounding and the conversion to whole numbers are done by float addition, in C:
    M = 1.5 · 2⁵² · g is a float whose neighbours are g apart, and so are those of
    M + b for every |b| < 2⁵⁰ g. Adding rounds b to the nearest multiple q g, and
    within such a stretch of floats, consecutive floats have consecutive bit patterns:
    the 64 bits of M + q g, read as a whole number, are c + q, with c the bits of M. So
    the bytes of the floats M + b_j, each moved into a 9-byte slot, are the bytes of
    Σ_j (c + q_j) 2^(72 j), and subtracting c · ONES, ONES = 1 + 2⁷² + 2¹⁴⁴ + ..., leaves
    Σ_j q_j 2^(72 j). (Negative q_j borrow from the slot above, as in any subtraction; the
    integer is still exactly that sum.)
    """
    g = math.ldexp(1.0, exponent)
    magic = 1.5 * 2.0 ** 52 * g
    bits = array("d", map(add, chain.from_iterable(rows), repeat(magic))).tobytes()
    slots = bytearray(SLOT_BYTES * (len(bits) // 8))
    for byte in range(8):  # byte b of every 8-byte float goes to byte b of its slot
        slots[byte::SLOT_BYTES] = bits[byte::8]
    row_bytes = SLOT_BYTES * len(rows[0])
    c_ones = int.from_bytes(array("d", [magic]).tobytes(), "little") * _ones(len(rows[0]))
    view = memoryview(slots)
    return [int.from_bytes(view[start:start + row_bytes], "little") - c_ones
            for start in range(0, len(slots), row_bytes)]


def _unpack(sums, n, exponent):
    """The rows of floats v_j · g, from integers S = Σ_j v_j 2^(72 j) with every |v_j| < 2⁷¹.

    S + 2⁷¹ · ONES holds 2⁷¹ + v_j in slot j, between 0 and 2⁷²: no borrows, so its bytes
    are the slots. The low 48 bits (lo) and the high 24 (hi) of each become floats the
    way _pack made whole numbers, backwards: in the low bytes of a float 2^E they make
    2^E + lo · 2^(E−52). With 2^(E−52) = g for lo and 2⁴⁸ g for hi, that is L = 2^E_lo + lo · g
    and H = 2^E_hi + hi · 2⁴⁸ g, and v_j · g = (H − 2^E_hi − 2²³ · 2⁴⁸ g − 2^E_lo) + L. The
    subtraction is exact (its two sides are within a factor 2 of each other) and so is
    L, so the one addition rounds v_j · g once, to the nearest float.
    """
    half_ones = (1 << (SLOT_BITS - 1)) * _ones(n)
    row_bytes = SLOT_BYTES * n
    slots = b"".join((S + half_ones).to_bytes(row_bytes, "little") for S in sums)
    size = len(slots) // SLOT_BYTES
    lo_floor = math.ldexp(1.0, exponent + 52)
    hi_floor = math.ldexp(1.0, exponent + 100)
    lo = _floats_from_bytes(slots, range(6), lo_floor)
    hi = _floats_from_bytes(slots, range(6, SLOT_BYTES), hi_floor)
    offset = hi_floor + math.ldexp(1.0, exponent + SLOT_BITS - 1) + lo_floor  # (H − offset) + L = v_j · g
    flat = list(map(add, map(sub, hi, repeat(offset)), lo))
    return [flat[start:start + n] for start in range(0, size, n)]


def _ones(n):
    """ONES = 1 + 2⁷² + 2¹⁴⁴ + ...: a 1 in each of n slots."""
    return int.from_bytes((b"\x01" + bytes(SLOT_BYTES - 1)) * n, "little")


def _floats_from_bytes(slots, slot_bytes, floor):
    """The floats floor + c · ulp(floor), one per slot, c the whole number in its bytes slot_bytes (at most 6).

    floor is a power of two, so its low 52 bits are 0: the bytes of c fill them.
    """
    floats = bytearray(array("d", [floor]).tobytes() * (len(slots) // SLOT_BYTES))
    for place, byte in enumerate(slot_bytes):
        floats[place::8] = slots[byte::SLOT_BYTES]
    return array("d", floats)
