"""Training the default network, 784 → 128 → 10, with the learner's own functions.

Everything is plain lists, and every step is one of the exercises, called by its name in
functions: the learner's where it passed its check, the project's (reference.py)
elsewhere. For each mini-batch (X, labels), with Z_1, A_1 the hidden layer and P the
output (docs/math.md, sections 4 to 6):

    Z1 = dense_forward(X, W1, b1)      A1 = relu(Z1)
    Z2 = dense_forward(A1, W2, b2)     P = softmax(Z2)         L = cross_entropy(P, labels)
    dZ2 = output_gradient(P, labels)
    dW2, db2, dA1 = dense_backward(A1, W2, dZ2)                dZ1 = relu_backward(dA1, Z1)
    dW1, db1, _ = dense_backward(X, W1, dZ1)
    W, V = sgd_momentum_step(W, dW, V, lr, momentum)           for W1, b1, W2, b2

The weights start from he_init, the biases at 0. The order of the images, the
initialisation and the learning rates are those of train.py with the same seed and
settings, so that with the project's functions it computes what `python train.py
--textbook` computes.
"""

import math
import random
import time
from collections import namedtuple

from . import reference
from .checks import workbook_line

SIZES = (784, 128, 10)  # the default network: MNIST's pixels, 128 hidden units, 10 classes
TEST_BATCH = 500  # images a batch when testing, as Network.evaluate

# The functions a training step calls, in the order of the step.
USED = ("he_init", "dense_forward", "relu", "softmax", "cross_entropy", "output_gradient", "dense_backward",
        "relu_backward", "sgd_momentum_step")

Settings = namedtuple("Settings", "limit test_limit epochs batch_size lr momentum seed")
Step = namedtuple("Step", "seen mean_loss mean_accuracy")
Step.__doc__ = "How an epoch stands after a mini-batch: images seen so far, their mean loss and accuracy."


class LearnerError(Exception):
    """One of the learner's functions raised an error while training; the message says which, and where."""


class TrainingDiverged(ArithmeticError):
    """The loss became NaN or infinite."""


def guarded(name, function, directory):
    """function, with an error it raises turned into a LearnerError that names it and its line in the workbook."""
    def called(*args):
        try:
            return function(*args)
        except Exception as error:
            place = workbook_line(error, directory)
            where = f" ({place})" if place else ""
            raise LearnerError(f"your {name} raised {type(error).__name__}: {error}{where} while training") from None
    return called


def train(functions, train_set, test_set, settings, after_batch=lambda epoch, step: None,
          after_epoch=lambda result: None):
    """Train the network with functions ({name: function} for every name in USED); return the history,
    one dict per epoch (epoch, lr, train_loss, train_accuracy, test_loss, test_accuracy, seconds).

    after_batch(epoch, Step) is called after every mini-batch's update, after_epoch(result)
    after every epoch's test.
    """
    f = functions
    n_in, n_hidden, n_classes = SIZES
    initial = random.Random(settings.seed)  # as Network(sizes, seed): W1 drawn first, then W2
    parameters = [f["he_init"](n_in, n_hidden, initial), [[0.0] * n_hidden],
                  f["he_init"](n_hidden, n_classes, initial), [[0.0] * n_classes]]
    velocities = [[[0.0] * len(row) for row in parameter] for parameter in parameters]
    order = random.Random(settings.seed)  # as train.py: the shuffling has a generator of its own
    history = []
    for epoch in range(1, settings.epochs + 1):
        began = time.perf_counter()
        lr = reference.learning_rate(settings.lr, epoch, settings.epochs)
        seen = correct = 0
        total_loss = 0.0
        for number, (X, labels) in enumerate(reference.batches(train_set, settings.batch_size, order), 1):
            loss, P, gradients = gradient_step(f, X, labels, parameters)
            if not math.isfinite(loss):
                raise TrainingDiverged(f"the loss became {loss} at epoch {epoch}, batch {number}: "
                                       "try a smaller --lr")
            for k, (parameter, gradient, velocity) in enumerate(zip(parameters, gradients, velocities)):
                parameters[k], velocities[k] = f["sgd_momentum_step"](parameter, gradient, velocity, lr,
                                                                      settings.momentum)
            seen += len(labels)
            total_loss += loss * len(labels)
            correct += reference.count_correct(P, labels)
            after_batch(epoch, Step(seen, total_loss / seen, correct / seen))
        test_loss, test_accuracy = evaluate(f, parameters, test_set)
        result = {"epoch": epoch, "lr": lr, "train_loss": total_loss / seen, "train_accuracy": correct / seen,
                  "test_loss": test_loss, "test_accuracy": test_accuracy,
                  "seconds": round(time.perf_counter() - began, 1)}
        history.append(result)
        after_epoch(result)
    return history


def forward(f, X, parameters):
    """(Z1, A1, P): the hidden layer's Z and A, and the probabilities, for the batch X."""
    W1, b1, W2, b2 = parameters
    Z1 = f["dense_forward"](X, W1, b1)
    A1 = f["relu"](Z1)
    return Z1, A1, f["softmax"](f["dense_forward"](A1, W2, b2))


def gradient_step(f, X, labels, parameters):
    """(L, P, [dW1, db1, dW2, db2]) of one mini-batch: the forward pass, the loss and backpropagation."""
    W1, b1, W2, b2 = parameters
    Z1, A1, P = forward(f, X, parameters)
    loss = f["cross_entropy"](P, labels)
    dZ2 = f["output_gradient"](P, labels)
    dW2, db2, dA1 = f["dense_backward"](A1, W2, dZ2)
    dZ1 = f["relu_backward"](dA1, Z1)
    dW1, db1, _ = f["dense_backward"](X, W1, dZ1)  # dA_prev of the first layer, the pixels' gradient, goes unused
    return loss, P, [dW1, db1, dW2, db2]


def evaluate(f, parameters, test_set):
    """(mean loss, accuracy) over the test set, in batches of TEST_BATCH images."""
    total_loss, correct, count = 0.0, 0, 0
    for X, labels in reference.batches(test_set, TEST_BATCH):
        _, _, P = forward(f, X, parameters)
        total_loss += f["cross_entropy"](P, labels) * len(labels)
        correct += reference.count_correct(P, labels)
        count += len(labels)
    return total_loss / count, correct / count
