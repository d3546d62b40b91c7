"""Making it fast, the data's part (my_math/fast/ and network/fast/ hold the rest): read it last.

    shifts.py   augment.shifted by slices of rows instead of a loop over the pixels

Each fast form computes bit for bit what its plain definition computes, and
tests/test_fast_forms.py holds it to it; my_math/fast/switch.py explains how one takes
the place of the other.
"""

from . import shifts

__all__ = ["shifts"]
