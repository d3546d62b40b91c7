"""Making it fast, the network's part (my_math/fast/ holds the rest): read it last.

    optimizers.py    the optimizers' steps without temporary matrices
    convolution.py   the convolution as one matrix product (im2col), packed for image bytes
    dense.py         a dense layer of many units fed floats (after a pooling): its products in fixed point
    pooling.py       max pooling by the built-in max over the windows' corners
    cnn.py           ReLU and the pooling after a convolution in one pass, forward and backward
    gather.py        taking many values out of a list at once, in C

Each fast form computes what the plain definition in network/ computes (bit for bit,
but for ByteMatrix's packed product, which the convolution of the image bytes uses, and
the products in fixed point of dense.py),
and tests/test_fast_forms.py holds it to it; my_math/fast/switch.py explains how one
takes the place of the other.
"""
