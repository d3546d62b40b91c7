"""Making it fast: the last chapter. Read it once matrix.py and the network make sense.

matrix.py defines every operation by its plain loops; this package computes the same
numbers several times faster, in pure Python still. Each file explains why its fast form
equals the plain definition, and tests/test_fast_forms.py holds each one to it:

    switch.py       how a fast form takes the place of a plain definition, and back
    products.py     the matrix product: built-in dot products on CPython, loops for PyPy,
                    zeros skipped
    elementwise.py  elementwise arithmetic with broadcasting, the transpose and sums, in C
    byte_matrix.py  images kept as bytes, and a product that multiplies a whole row of
                    weights at once, packed into one big whole number
    fixed_point.py  the product of two matrices of floats, both written in fixed point and
                    packed the same way (network/fast/dense.py uses it)

The fast forms are off until use_fast_forms() switches them on (the scripts do); within
`with textbook():` the plain definitions run again.
"""

from .switch import FAST_FORMS, fast_form, fast_forms_in_use, textbook, use_fast_forms

__all__ = ["FAST_FORMS", "fast_form", "fast_forms_in_use", "textbook", "use_fast_forms"]
