"""The training loop: one epoch of mini-batch gradient descent, and the test. docs/math.md, section 11."""

import math
from collections import namedtuple

from .loss import cross_entropy

Batch = namedtuple("Batch", "epoch number seen loss accuracy mean_loss mean_accuracy X labels")
Batch.__doc__ = """What train_epoch tells its listeners after each mini-batch's update.

epoch, number  the epoch (from 1) and the batch's number in it (from 1)
seen           training images so far in this epoch
loss, accuracy the batch's own loss and accuracy, measured before its update
mean_loss, mean_accuracy  the same over the epoch so far
X, labels      the batch itself
"""


class TrainingDiverged(ArithmeticError):
    """The loss became NaN or infinite: the weights are garbage from here on."""


def train_epoch(net, optimizer, data, batch_size, rng, lr, epoch=1, on_batch=()):
    """One pass over data in an order shuffled by rng; returns (mean loss, accuracy) over it.

    For each mini-batch (X, labels): the forward pass, the loss L, backpropagation, and
    the optimizer's step of every weight and bias with learning rate lr. Each batch's
    loss and accuracy are measured before its update; then every listener in on_batch
    (the progress line, say) is called with a Batch. A NaN or infinite loss stops
    training with TrainingDiverged.
    """
    seen = correct = 0
    total_loss = 0.0
    for number, (X, labels) in enumerate(data.batches(batch_size, rng), 1):
        loss, P, gradients = net.loss_and_gradients(X, labels)
        if not math.isfinite(loss):
            raise TrainingDiverged(f"loss became {loss} at epoch {epoch}, batch {number}: try a smaller --lr")
        optimizer.step(net.layers, gradients, lr)
        right = count_correct(P.argmax(axis=1), labels)
        seen += len(labels)
        total_loss += loss * len(labels)
        correct += right
        batch = Batch(epoch, number, seen, loss, right / len(labels), total_loss / seen, correct / seen, X, labels)
        for listener in on_batch:
            listener(batch)
    return total_loss / seen, correct / seen


def evaluate(net, data, batch_size=500):
    """The test: (mean loss, accuracy, predicted, confidence) over a whole data set, in order.

    predicted[i] is the class the network chose for sample i, and confidence[i] the
    probability it gave that class (the mistakes it was surest of are the most telling).
    """
    total_loss, predicted, confidence = 0.0, [], []
    for X, labels in data.batches(batch_size):
        P = net.probabilities(X)
        total_loss += cross_entropy(P, labels) * len(labels)
        guesses = P.argmax(axis=1)
        predicted += guesses
        confidence += [row[guess] for row, guess in zip(P.rows, guesses)]
    return total_loss / len(data), count_correct(predicted, data.labels) / len(data), predicted, confidence


def count_correct(predicted, labels):
    """How many predicted classes are right: the number of samples i with predicted_i = labelᵢ."""
    return sum(guess == label for guess, label in zip(predicted, labels))
