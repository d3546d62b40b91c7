"""The mathematics of sharing a mini-batch among workers without changing a single number.

One step of mini-batch gradient descent has two kinds of work (docs/math.md, section 18):

1. Work for each sample alone. The forward pass and the gradient flowing down through the
   layers, dZ_l of every layer (Network.backpropagate): row i of each of them comes from
   sample i and nothing else. The batch's rows are shared out: each worker takes its
   rows of X (and of the dropout masks) and computes exactly the rows that one process
   would, because every operation on the way computes a row from that row alone. (The
   packed product of image bytes decides how to compute from W alone for that reason:
   my_math/fast/byte_matrix.py.) So any worker can take any image: a worker that has
   been slower than the others gets fewer (balance.py).
2. Sums over the samples: dW_l = A_{l−1}ᵀ dZ_l, and db_l. Element (k, j) of dW adds up a
   term for every sample of the batch, and float addition is not associative: cut into
   parts summed apart, the parts then added, the sum would round differently. So a sum
   is never cut. The ROWS of dW are shared out instead: each worker computes its rows of
   dW whole (rows_of_weight_gradient), each sum in the one process's order. db_l, a row
   of sums and cheap, is computed whole by every worker.

Then each worker updates its rows of every W, and every b (all of them the same way),
with its rows of the optimizer's state (its velocities, Adam's moments): the optimizers'
formulas work element by element, so a row updated apart is the row updated with the
rest (split_state, joined_state).

Nothing made of floats is ever added in another order than in one process (whole numbers
are, below: they add exactly in any order): the same seed gives the same weights for any
number of workers, by construction.

One more thing is shared out: the first layer's product X W₁, the costliest of a step, when
W₁ is a dense layer's and ByteMatrix multiplies it by the image bytes with its packed
product. Its sums are whole numbers, exact in any order (my_math/fast/byte_matrix.py, "the
product in parts"). So each worker packs only its own rows of W₁ and multiplies every image
of the batch by them; the sums of all the workers, added up, make each image's row of X W₁
(AlreadyMultiplied): bit for bit the product with the whole W₁, which then never travels.
"""

from itertools import chain

from my_math import Matrix
from my_math.fast.byte_matrix import ByteMatrix

from ..convolution import Conv
from ..dropout import Dropped, dropped


def shares(total, count):
    """range(total) cut into count consecutive ranges, in order, of sizes that differ by at most 1
    (the first ones one longer): shares(10, 3) = [range(0, 4), range(4, 7), range(7, 10)]."""
    size, extra = divmod(total, count)
    starts = [worker * size + min(worker, extra) for worker in range(count + 1)]
    return [range(start, stop) for start, stop in zip(starts, starts[1:])]


def weights_input(layer, A_prev):
    """What the weights of layer meet when it reads A_prev: A_prev itself, or, for a layer reading it
    through a dropout mask, A_prev ⊙ M / (1 − q)."""
    return dropped(A_prev, layer.M, layer.q) if isinstance(layer, Dropped) else A_prev


def rows_of_weight_gradient(layer, A_prev, dZ, rows):
    """The rows `rows` of layer.weight_gradient(A_prev, dZ), A_prev what its weights meet, each sum as in the
    whole dW: the layer's own weight_gradient, given only what those rows are made of.

    Row k of a dense layer's dW = A_prevᵀ dZ is column k of A_prev times dZ: so the rows are
    the weight gradient of A_prev's columns `rows`. Row (c, kr, kc) of a convolution's dW adds up
    dz times the input value at (c, row + kr, col + kc) over every image and place: the input
    shifted by (kr, kc) and cut to the maps' size, which a 1 × 1 convolution reads as one of its
    channels. So the rows are the weight gradient of a 1 × 1 convolution over those shifted
    inputs, one channel for each row, each sum over (image, row, col) in the same order.
    """
    if isinstance(layer, Conv):
        return Conv(Matrix(layer.W.rows[rows.start:rows.stop], check=False), layer.b,
                    (len(rows),) + layer.output_shape[1:]).weight_gradient(shifted_inputs(layer, A_prev, rows), dZ)
    return layer.weight_gradient(columns_of(A_prev, rows), dZ)


def columns_of(matrix, columns):
    """The matrix of matrix's columns in the range columns, a ByteMatrix if matrix is one."""
    if isinstance(matrix, ByteMatrix):
        return ByteMatrix([row[columns.start:columns.stop] for row in matrix.byte_rows])
    return Matrix([row[columns.start:columns.stop] for row in matrix.rows], check=False)


def shifted_inputs(conv, A_prev, positions):
    """For each image of A_prev and each kernel position k = (c, kr, kc) in positions, the input values
    a_(c, row+kr, col+kc) for every place (row, col) of conv's maps, in (k, row, col) order: a 1 × 1
    convolution's input of len(positions) channels. Bytes stay bytes (a ByteMatrix)."""
    channels, height, width = conv.input_shape
    K = conv.kernel
    _, out_height, out_width = conv.output_shape
    starts = [(k // (K * K) * height + k // K % K) * width + k % K for k in positions]
    pieces = [start + row * width for start in starts for row in range(out_height)]
    if isinstance(A_prev, ByteMatrix):
        return ByteMatrix([b"".join([a[piece:piece + out_width] for piece in pieces]) for a in A_prev.byte_rows])
    return Matrix([list(chain.from_iterable([a[piece:piece + out_width] for piece in pieces])) for a in A_prev.rows],
                  check=False)


def rows_of(matrix, rows):
    """The matrix of matrix's rows in the range rows, a ByteMatrix if matrix is one."""
    if isinstance(matrix, ByteMatrix):
        return ByteMatrix(matrix.byte_rows[rows.start:rows.stop])
    return Matrix(matrix.rows[rows.start:rows.stop], check=False)


def split_state(state, rows, worker):
    """The part of an optimizer's state (network/optimizer_state.py) that the worker numbered worker (from 0)
    keeps: in each list of it (one matrix, as rows, per parameter: W_1, b_1, W_2, ...), its rows
    rows[index][worker] of each layer's W that it has rows of, and that layer's b; everything else as it is."""
    part = {}
    for key, value in state.items():
        if isinstance(value, list):
            value = [matrix for index, layer_rows in enumerate(rows) if layer_rows[worker]
                     for matrix in (value[2 * index][layer_rows[worker].start:layer_rows[worker].stop],
                                    value[2 * index + 1])]
        part[key] = value
    return part


def joined_state(states, rows):
    """The whole optimizer's state from the workers' states (split_state's parts, worker by worker)."""
    whole = dict(states[0])
    for key, value in states[0].items():
        if isinstance(value, list):
            whole[key] = []
            for index, layer_rows in enumerate(rows):
                W = []
                for worker, state in enumerate(states):
                    if layer_rows[worker]:
                        W += state[key][2 * _position(rows, index, worker)]
                whole[key] += [W, value[2 * index + 1]]  # b: worker 0's, which has rows of every layer
    return whole


def _position(rows, index, worker):
    """Where layer index comes among the layers the worker has rows of."""
    return sum(1 for layer_rows in rows[:index] if layer_rows[worker])


class AlreadyMultiplied:
    """A stand-in for the batch's rows X whose product with W₁ is known already (made from the workers'
    sums): its @ ignores its operand and gives that product. So in Dense.forward, X @ W₁ + b₁ is
    the known product plus b₁, and the rest of the forward pass is as ever."""

    def __init__(self, XW):
        self.XW = XW

    def __matmul__(self, W):
        return self.XW


class Part:
    """Some rows of a layer's W, and its b: what a worker's optimizer updates, as it would a layer."""

    def __init__(self, W, b):
        self.W = W
        self.b = b
