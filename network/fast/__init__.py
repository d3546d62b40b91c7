"""Making it fast, the network's part (my_math/fast/ holds the rest): read it last.

    optimizers.py   the optimizers' steps without temporary matrices

Each fast form computes bit for bit what the plain definition in network/ computes, and
tests/test_fast_forms.py holds it to it; my_math/fast/switch.py explains how one takes
the place of the other.
"""

from . import optimizers

__all__ = ["optimizers"]
