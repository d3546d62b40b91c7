"""Reading IDX files, the simple binary format MNIST is published in.

An IDX file is a short header followed by the values:

    bytes 0-1    zero
    byte  2      the type of the values: 0x08 means unsigned bytes, the only type used here
    byte  3      the number of dimensions, d
    4·d bytes    the size of each dimension, as big-endian unsigned 32-bit integers
    the rest     the values, one byte each, last dimension fastest (row by row)

Read as one big-endian 32-bit number, the first four bytes are the "magic number":
2051 = 0x00000803 for images (3 dimensions: count, rows, columns) and
2049 = 0x00000801 for labels (1 dimension: count).

The files are usually gzip-compressed. We recognise gzip by its first two bytes, 1f 8b,
not by the file name: people decompress and rename files freely.
"""

import gzip
import math
import os
import struct
import zlib
from collections import namedtuple

from .errors import DataError

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
UNSIGNED_BYTE = 0x08
GZIP_MAGIC = b"\x1f\x8b"

# Deflate, gzip's compression, never packs more than about 1032 bytes into one: so a
# header declaring more values than that would be damaged, and we refuse it before
# asking for the memory.
MAX_GZIP_RATIO = 1032

_KIND = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}

IdxArray = namedtuple("IdxArray", "dims data")
IdxArray.__doc__ = "An array of unsigned bytes: its dimensions (a tuple) and all its values (one bytes object)."


def idx_header(dims):
    """The header that starts an IDX file of unsigned bytes with these dimensions."""
    return struct.pack(">HBB%dI" % len(dims), 0, UNSIGNED_BYTE, len(dims), *dims)


def ndim_of(magic):
    """How many dimensions an IDX file with this magic number has: its last byte counts them."""
    return magic & 0xFF


def read_idx(path, magic, name=None):
    """Read the IDX file at path, which must have this magic number, into an IdxArray.

    The values are read with one call into one bytes object, so loading costs about one
    byte of memory per value. Raises DataError naming the file (or name, if given) when
    it is missing, a folder, not an IDX file of this kind, damaged, or holds more or
    fewer values than its header declares.
    """
    name = name or path
    if os.path.isdir(path):
        raise DataError(f"{name}: is a folder, expected an IDX file")
    try:
        compressed = _is_gzip(path)
        with (gzip.open(path) if compressed else open(path, "rb")) as f:
            dims = _read_dims(f, magic, name)
            size = math.prod(dims)
            if size > os.path.getsize(path) * (MAX_GZIP_RATIO if compressed else 1):
                raise DataError(f"{name}: header declares {size} values, more than the file can hold: truncated or damaged")
            data = f.read(size)
            if len(data) < size:
                raise DataError(f"{name}: truncated: {len(data)} of the {size} values its header declares")
            # Reading on to the end also makes gzip check its CRC of the whole content.
            if f.read(1):
                raise DataError(f"{name}: more values than the {size} its header declares: wrong or damaged file")
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except EOFError:
        raise DataError(f"{name}: truncated: the compressed data ends early") from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise DataError(f"{name}: damaged gzip data ({error})") from None
    except OSError as error:
        raise DataError(f"{name}: cannot read it ({error.strerror or error})") from None
    return IdxArray(dims, data)


def _is_gzip(path):
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def _read_dims(f, magic, name):
    """Read and check the header from f; return the dimensions it declares."""
    start = f.read(4)
    if not start:
        raise DataError(f"{name}: empty file")
    if len(start) < 4:
        raise DataError(f"{name}: too short to be an IDX file")
    (found,) = struct.unpack(">I", start)
    if found != magic:
        raise DataError(f"{name}: magic number {found}, expected {magic}: not an IDX file of {_KIND[magic]}")
    ndim = ndim_of(magic)
    sizes = f.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise DataError(f"{name}: truncated in its header")
    return struct.unpack(">%dI" % ndim, sizes)
