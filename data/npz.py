"""Reading the arrays in Keras's mnist.npz without NumPy: zipfile, struct and a literal parser.

An .npz file is a zip archive of .npy files, one per array; Keras's holds x_train, y_train,
x_test and y_test. A .npy file is:

    6 bytes      b"\\x93NUMPY"
    2 bytes      the format version, major then minor
    2 or 4 bytes the header's length, little-endian (2 bytes in version 1, 4 in versions 2 and 3)
    the header   a Python dict literal, e.g. {'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }
    the rest     the values, last dimension fastest ("C order")

With one-byte values in C order, the values are laid out exactly as in an IDX file.
"""

import ast
import math
import struct
import zipfile
import zlib

from .errors import DataError
from .idx import IdxArray

NPY_MAGIC = b"\x93NUMPY"
# One byte has no byte order, so NumPy may write any of these for unsigned bytes.
UNSIGNED_BYTE_DESCRS = ("|u1", "u1", "<u1", ">u1")


def read_npy(npz_path, key, ndim):
    """Read the array named key (e.g. "x_train"), which must have ndim dimensions, from an .npz.

    Returns an IdxArray; raises DataError naming the archive and the array when it is not
    there, damaged, not unsigned bytes in C order, or not as long as its header declares.
    """
    name = f"{npz_path}:{key}.npy"
    try:
        with zipfile.ZipFile(npz_path) as archive:
            content = archive.read(key + ".npy")
    except KeyError:
        raise DataError(f"{name}: not in the archive") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise DataError(f"{npz_path}: not a readable .npz (zip) file ({error})") from None
    except OSError as error:
        raise DataError(f"{npz_path}: cannot read it ({error.strerror or error})") from None
    dims, start = _parse_header(content, name)
    if len(dims) != ndim:
        raise DataError(f"{name}: has {len(dims)} dimensions, expected {ndim}")
    data = content[start:]
    if len(data) != math.prod(dims):
        raise DataError(f"{name}: holds {len(data)} values, its header declares {math.prod(dims)}")
    return IdxArray(dims, data)


def _parse_header(content, name):
    """Check the .npy header at the start of content; return (shape, where the values start)."""
    if not content.startswith(NPY_MAGIC) or len(content) < 8:
        raise DataError(f"{name}: not a .npy array")
    major = content[6]
    if major not in (1, 2, 3):
        raise DataError(f"{name}: .npy format version {major} is not supported")
    length_format, start = ("<H", 10) if major == 1 else ("<I", 12)  # version 1 has a 2-byte header length
    if len(content) < start:
        raise DataError(f"{name}: not a .npy array (its header is cut short)")
    (length,) = struct.unpack_from(length_format, content, 8)
    try:
        header = ast.literal_eval(content[start:start + length].decode("latin-1"))
        descr, fortran_order, shape = header["descr"], header["fortran_order"], header["shape"]
    except (ValueError, SyntaxError, RecursionError, TypeError, KeyError):
        raise DataError(f"{name}: unreadable .npy header") from None
    if descr not in UNSIGNED_BYTE_DESCRS or fortran_order is not False:
        raise DataError(f"{name}: holds {descr!r} values (fortran_order={fortran_order}), expected unsigned bytes in C order")
    if not (isinstance(shape, tuple) and all(isinstance(n, int) and n >= 0 for n in shape)):
        raise DataError(f"{name}: unreadable .npy shape {shape!r}")
    return shape, start + length
