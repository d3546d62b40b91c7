"""The training loop: one epoch of mini-batch gradient descent. docs/math.md, section 11."""

import math
from collections import namedtuple

from .loss import cross_entropy
from .metrics import count_correct

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


def batch_gradients(net, X, labels, rng):
    """(loss, predicted classes, gradients) of one mini-batch: the forward pass, the loss L, and
    backpropagation, [(dW_1, db_1), ...]. rng is the run's random generator, for what a step
    draws at random: the dropout masks of the batch, if the network has dropout (none are
    drawn without it). They are drawn here, once for the whole batch, and handed to both
    passes, so the batch's rows could be computed anywhere, each with its rows of the masks."""
    masks = net.dropout_masks(len(labels), rng)
    A = net.forward(X, masks)
    P = A[-1]
    return cross_entropy(P, labels), P.argmax(axis=1), net.backward(A, labels, masks)


def train_epoch(net, optimizer, data, batch_size, rng, lr, epoch=1, on_batch=(), gradients_of=batch_gradients):
    """One pass over data in an order shuffled by rng; returns (mean loss, accuracy) over it.

    For each mini-batch (X, labels): forward pass, loss, backward pass, update:
        L and the gradients = gradients_of(net, X, labels, rng)   (batch_gradients above)
        w ← the optimizer's step with learning rate lr, for every weight and bias.
    Each batch's loss and accuracy are measured before its update; then every listener
    in on_batch is called with a Batch. A NaN or infinite loss stops training with
    TrainingDiverged.
    """
    seen = correct = 0
    total_loss = 0.0
    for number, (X, labels) in enumerate(data.batches(batch_size, rng), 1):
        loss, predicted, gradients = gradients_of(net, X, labels, rng)
        if not math.isfinite(loss):
            raise TrainingDiverged(f"loss became {loss} at epoch {epoch}, batch {number}: try a smaller --lr")
        optimizer.step(net.weighted_layers, gradients, lr)
        right = count_correct(predicted, labels)
        seen += len(labels)
        total_loss += loss * len(labels)
        correct += right
        batch = Batch(epoch, number, seen, loss, right / len(labels), total_loss / seen, correct / seen, X, labels)
        for listener in on_batch:
            listener(batch)
    return total_loss / seen, correct / seen
