"""A location: a folder of IDX files, or a Keras .npz archive, that may hold a data set."""

import os

from .catalog import PARTS
from .checksums import check_checksum
from .idx import ndim_of, read_idx
from .npz import read_npy


class Location:
    """A place that may hold the four files of a data set.

    path is a folder holding the files (each gzipped or not: torchvision keeps both) or
    a .npz archive holding the arrays; source says how we came to look there.
    """

    def __init__(self, path, source):
        self.path = os.fspath(path)
        self.source = source
        self.is_npz = self.path.endswith(".npz")

    def __repr__(self):
        return f"Location({self.path!r}, {self.source!r})"

    def file(self, part):
        """The file (or archive member) that holds part here, as named in messages."""
        if self.is_npz:
            return f"{self.path}:{part.npz_key}.npy"
        for name in (part.file + ".gz", part.file):
            path = os.path.join(self.path, name)
            if os.path.exists(path):
                return path
        return os.path.join(self.path, part.file + ".gz")

    def exists(self):
        return os.path.exists(self.path)

    def complete(self):
        """Whether every part is there (not whether it is intact: read() finds that out)."""
        if self.is_npz:
            return os.path.isfile(self.path)
        return all(os.path.exists(self.file(part)) for part in PARTS)

    def read(self, part, info, verify=True):
        """Read part of data set info from here as an IdxArray, checking its checksum if verify.

        Raises DataError naming the file when it is missing, unreadable or not as published.
        """
        name = self.file(part)
        if self.is_npz:
            array = read_npy(self.path, part.npz_key, ndim_of(part.magic))
        else:
            array = read_idx(name, part.magic)
        if verify:
            check_checksum(array, info, part, name)
        return array
