"""my_math: the linear algebra of the network, in pure Python. Start with matrix.py."""

from .matrix import Matrix

__all__ = ["Matrix"]
