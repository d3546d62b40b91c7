"""A dense layer of many units fed floats, fast: its three products in fixed point (my_math/fast/fixed_point.py).

The dense layer after a convolution's pooling, 1152 → 128 for --conv 8x5, costs more than
half of a CNN's training step on CPython when its products are computed with floats:
Z = A_prev W, dW = A_prevᵀ dZ and dA_prev = dZ Wᵀ, each 147 456 multiplications an image,
none of them of image bytes, which ByteMatrix's packing needs. In fixed point each of them
takes a third to a half of its time in floats (benchmarks/convolution.py times the step
both ways). A layer takes that way when it has at least WIDE units: one multiplication of
a packed row then does WIDE or more at once, which already pays at 32 units, where at 8
or 10 the products take about as long either way. That leaves train.py's default network,
whose first layer is fed image bytes and whose second has 10 units, to the products it
had, bit for bit.

The rows of Z and of dA_prev are those of A_prev and of dZ, each computed from its own row
alone, and those of dW from its own column of A_prev (every image of the batch) and all of
dZ: so worker processes that share out a batch's rows, or dW's, compute them bit for bit
as one process does (network/parallel/sharing.py).

The products are not the loops' bit for bit, but within fixed_point.py's bound;
use_fast_forms(exact_only=True) and --textbook leave them to the plain definitions.
"""

from my_math import Matrix
from my_math.fast import fast_form
from my_math.fast.fixed_point import PACKING, fixed_point_product

from ..dense import Dense

WIDE = 32  # a layer of this many units or more, fed floats, computes its products in fixed point

_PLAIN_FORWARD, _PLAIN_WEIGHT_GRADIENT, _PLAIN_INPUT_GRADIENT = (
    Dense.forward, Dense.weight_gradient, Dense.input_gradient)


def in_fixed_point(layer, A_prev):
    """Whether the layer's products go in fixed point: on CPython, for a layer of WIDE units or more fed floats
    (a Matrix, not the image bytes of a ByteMatrix, which have their own packed product)."""
    return PACKING and type(A_prev) is Matrix and layer.W.shape[1] >= WIDE


@fast_form(Dense, "forward", exact=False)
def forward(self, A_prev):
    """Dense.forward: Z = A_prev W + b, the product in fixed point for a wide layer fed floats."""
    if not in_fixed_point(self, A_prev):
        return _PLAIN_FORWARD(self, A_prev)
    return fixed_point_product(A_prev, self.W) + self.b


@fast_form(Dense, "weight_gradient", exact=False)
def weight_gradient(self, A_prev, dZ):
    """Dense.weight_gradient: dW = A_prevᵀ dZ, in fixed point for a wide layer fed floats."""
    if not in_fixed_point(self, A_prev):
        return _PLAIN_WEIGHT_GRADIENT(self, A_prev, dZ)
    return fixed_point_product(A_prev.T, dZ)


@fast_form(Dense, "input_gradient", exact=False)
def input_gradient(self, dZ):
    """Dense.input_gradient: dA_prev = dZ Wᵀ, in fixed point for a wide layer. Network.backpropagate asks
    it of every layer but the first, the one layer a ByteMatrix of image bytes feeds: so the
    layer's width alone decides."""
    if not (PACKING and self.W.shape[1] >= WIDE):
        return _PLAIN_INPUT_GRADIENT(self, dZ)
    return fixed_point_product(dZ, self.W.T)
