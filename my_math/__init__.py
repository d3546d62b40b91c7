"""my_math: the linear algebra of the network, in pure Python. Start with matrix.py, then byte_matrix.py."""

from .matrix import Matrix
from .byte_matrix import ByteMatrix

__all__ = ["Matrix", "ByteMatrix"]
