"""my_math: the linear algebra of the network, in pure Python.

The first reading starts here, with matrix.py: a matrix as a list of rows, and every
operation by its plain definition. (Then data/dataset.py, then network/.) fast/ is the
last chapter, "making it fast": the same numbers, computed faster, switched on by
my_math.fast.use_fast_forms(), which the scripts call (python train.py --textbook does not).
"""

from .matrix import Matrix

__all__ = ["Matrix"]
