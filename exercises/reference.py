"""The project's own plain definitions, as the exercises see them: plain lists in, plain lists out.

Every call from the exercises into the project's code goes through this module. Each
function here has the name and signature of an exercise: it turns its lists into the
project's Matrix (a matrix is a list of rows in both), asks my_math/ and network/ for the
answer, and turns the answer back into lists. The checks compare a learner's function with
these, and `learn.py train` uses these where a learner's function is not written yet.

The plain definitions, not their fast forms: learn.py never switches those on, and each
answer is computed inside textbook() (my_math/fast/switch.py) all the same, so that it is
my_math/matrix.py's loops even in a program that has (the tests have): a learner is held to
the definitions the book explains, and `learn.py train` with these functions computes what
`python train.py --textbook` computes.

Convolutions and pooling hold a batch as one row per image, the values in (channel, row,
column) order, and a convolution's filters as the columns of W, its rows in (c, kr, kc)
order (network/convolution.py); the exercises use nested lists, image[c][row][col] and
filters[f][c][kr][kc], and _flat, _nested and _filter_columns go between the two.
"""

import functools

from data import DataError, load_mnist
from my_math import Matrix
from my_math.fast import textbook
from network import activations, loss
from network.adam import Adam
from network.convolution import Conv
from network.dense import Dense
from network.pooling import MaxPool
from network.schedules import SCHEDULES
from network.sgd import SGD
from network.training import count_correct as _count_correct

__all__ = ["DataError"]  # the one error of the data, for learn.py to report


def plain(function):
    """function, computed with the plain definitions only: the fast forms are off while it runs."""
    @functools.wraps(function)
    def computed_plainly(*args):
        with textbook():
            return function(*args)
    return computed_plainly


# ---------------------------------------------------------------------- the exercises

@plain
def matmul(A, B):
    return (Matrix(A) @ Matrix(B)).tolist()


@plain
def transpose(A):
    return Matrix(A).T.tolist()


@plain
def add_bias(Z, b):
    return (Matrix(Z) + Matrix(b)).tolist()


@plain
def relu(Z):
    return activations.relu(Matrix(Z)).tolist()


@plain
def relu_derivative(Z):
    """relu′(Z), 1.0 where z > 0, else 0.0: relu_backward of a dA of ones, which passes 1 where z > 0."""
    Z = Matrix(Z)
    return activations.relu_backward(Matrix.zeros(*Z.shape) + 1.0, Z).tolist()


@plain
def softmax(Z):
    return activations.softmax(Matrix(Z)).tolist()


@plain
def cross_entropy(P, labels):
    return loss.cross_entropy(Matrix(P), labels)


@plain
def output_gradient(P, labels):
    P = Matrix(P)
    return ((P - loss.one_hot(labels, P.shape[1])) / len(labels)).tolist()  # as Network.backward starts


@plain
def dense_forward(A_prev, W, b):
    return Dense(Matrix(W), Matrix(b)).forward(Matrix(A_prev)).tolist()


@plain
def dense_backward(A_prev, W, dZ):
    layer, A_prev, dZ = Dense(Matrix(W), None), Matrix(A_prev), Matrix(dZ)
    return (layer.weight_gradient(A_prev, dZ).tolist(), layer.bias_gradient(dZ).tolist(),
            layer.input_gradient(dZ).tolist())


@plain
def relu_backward(dA, Z):
    return activations.relu_backward(Matrix(dA), Matrix(Z)).tolist()


def he_init(n_in, n_out, rng):
    return Dense.he_initialised(n_in, n_out, rng).W.tolist()


@plain
def sgd_momentum_step(W, dW, V, lr, momentum):
    """SGD's step for one parameter W with velocity V (its bias left out: a bias of 0 with no gradient)."""
    layer, no_bias = Dense(Matrix(W), Matrix.zeros(1, 1)), Matrix.zeros(1, 1)
    sgd = SGD(momentum)
    sgd.v = [{"W": Matrix(V), "b": no_bias}]
    sgd.step([layer], [(Matrix(dW), no_bias)], lr)
    return layer.W.tolist(), sgd.v[0]["W"].tolist()


@plain
def adam_step(W, dW, U, S, t, lr):
    """Adam's step number t for one parameter W with moments U and S (its default β₁, β₂, ε)."""
    layer, no_bias = Dense(Matrix(W), Matrix.zeros(1, 1)), Matrix.zeros(1, 1)
    adam = Adam()
    adam.t, adam.u, adam.s = t - 1, [Matrix(U), no_bias], [Matrix(S), no_bias]
    adam.step([layer], [(Matrix(dW), no_bias)], lr)
    return layer.W.tolist(), adam.u[0].tolist(), adam.s[0].tolist()


@plain
def conv2d(image, filters, bias):
    channels, height, width = _shape(image)
    layer = Conv(Matrix(_filter_columns(filters)), Matrix([bias]), (channels, height, width))
    return _nested(layer.forward(Matrix([_flat(image)])), layer.output_shape)


@plain
def maxpool2x2(X):
    pooling = MaxPool(_shape(X))
    return _nested(pooling.forward(Matrix([_flat(X)])), pooling.output_shape)


@plain
def maxpool2x2_backward(X, dY):
    pooling = MaxPool(_shape(X))
    return _nested(pooling.input_gradient(Matrix([_flat(X)]), Matrix([_flat(dY)])), pooling.input_shape)


def _shape(image):
    """(C, height, width) of image[c][row][col]."""
    return len(image), len(image[0]), len(image[0][0])


def _flat(image):
    """image[c][row][col] as one list in (c, row, col) order: the project's row of one image."""
    return [x for channel in image for row in channel for x in row]


def _nested(batch, shape):
    """The one row of batch (one image, in (c, row, col) order) as nested lists [c][row][col] of shape."""
    values, (channels, height, width) = batch.rows[0], shape
    return [[values[(c * height + row) * width:(c * height + row + 1) * width] for row in range(height)]
            for c in range(channels)]


def _filter_columns(filters):
    """filters[f][c][kr][kc] as the project's W, (C·K·K) × F: row (c, kr, kc), column f."""
    return [list(column) for column in zip(*(_flat(f) for f in filters))]


# ---------------------------------------------------------------------- training

def learning_rate(lr, epoch, epochs):
    """The learning rate of epoch (from 1) of epochs, train.py's default cosine schedule."""
    return SCHEDULES["cosine"](lr, epoch - 1, epochs)


def mnist(limit, test_limit):
    """The first limit training images and the first test_limit test images of MNIST (the copy
    train.py finds), as two data sets for batches(); DataError if it cannot be read."""
    train_set, test_set = load_mnist()
    return train_set.take(limit), test_set.take(test_limit)


def batches(data_set, batch_size, rng=None):
    """The data set's mini-batches as train.py draws them, (X, labels): X a list of rows, one image
    each, of pixels byte / 255; labels a list of ints. In a shuffled order with rng, one
    rng.shuffle for the whole pass, else in order."""
    for X, labels in data_set.batches(batch_size, rng):
        yield X.tolist(), list(labels)


def count_correct(P, labels):
    """How many rows of P have their largest probability (the first of equals) at the true class."""
    return _count_correct(Matrix(P).argmax(axis=1), labels)
