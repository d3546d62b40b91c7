"""Checksums: is this array, byte for byte, the published data?

We hash the decompressed content (header, then values), not the .gz file: the same data
is published in differently compressed .gz files, torchvision keeps decompressed copies,
and Keras keeps the values in an .npz. All of them hash the same this way.
"""

import hashlib

from .errors import DataError
from .idx import idx_header


def content_sha256(array):
    """The SHA-256 (in hex) of array as an IDX file: its header, then its values."""
    digest = hashlib.sha256(idx_header(array.dims))
    digest.update(array.data)  # hashed where it lies: no 47 MB copy of header + values
    return digest.hexdigest()


def check_checksum(array, info, part, name):
    """Raise DataError, naming the file as name, unless array is part of data set info as published."""
    if content_sha256(array) != info.sha256[part.file]:
        raise DataError(
            f"{name}: checksum mismatch: not the published {info.title} {part.file} (damaged, or another data set)"
        )
