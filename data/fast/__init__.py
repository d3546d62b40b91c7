"""Making it fast, the data's part (my_math/fast/ and network/fast/ hold the rest): read it last.

    batches.py  a batch of images kept as bytes, a ByteMatrix, with its fast product
    shifts.py   augment.shifted by slices of rows instead of a loop over the pixels

Each fast form computes what its plain definition computes, and tests/test_fast_forms.py
holds it to it; my_math/fast/switch.py explains how one takes the place of the other.
"""
