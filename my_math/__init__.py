"""my_math: the linear algebra of the network, in pure Python.

The README's reading order starts here, with matrix.py: a matrix as a list of rows, and
every operation by its plain definition. (Then data/dataset.py, then network/.) fast/ is
the last chapter, "making it fast": the same numbers, computed faster, which is what
training uses; python train.py --textbook uses the plain definitions instead.
"""

from .matrix import Matrix
from .fast import ByteMatrix, textbook, use_fast_forms

__all__ = ["Matrix", "ByteMatrix", "textbook", "use_fast_forms"]
