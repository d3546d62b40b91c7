"""The training loop: one epoch of mini-batch gradient descent. docs/math.md, section 11."""

import math

from .loss import cross_entropy
from .metrics import count_correct


class TrainingDiverged(ArithmeticError):
    """The loss became NaN or infinite: the weights are garbage from here on."""


def train_epoch(net, optimizer, data, batch_size, rng, lr, epoch=1, on_batch=None):
    """One pass over data in an order shuffled by rng; returns (mean loss, accuracy) over it.

    For each mini-batch (X, labels): forward pass, loss, backward pass, update:
        A = net.forward(X), P = A[-1] (its last layer's), L = cross-entropy(P, labels),
        grads = backprop,         w ← optimizer's step with learning rate lr.
    Each batch's loss and accuracy are measured before its update, and on_batch(seen,
    mean loss, accuracy), if given, is called after every batch with the figures so far.
    A NaN or infinite loss stops training with TrainingDiverged.
    """
    seen = correct = 0
    total_loss = 0.0
    for number, (X, labels) in enumerate(data.batches(batch_size, rng), 1):
        A = net.forward(X)
        P = A[-1]
        loss = cross_entropy(P, labels)
        if not math.isfinite(loss):
            raise TrainingDiverged(f"loss became {loss} at epoch {epoch}, batch {number}: try a smaller --lr")
        optimizer.step(net.layers, net.backward(A, labels), lr)
        seen += len(labels)
        total_loss += loss * len(labels)
        correct += count_correct(P.argmax(axis=1), labels)
        if on_batch is not None:
            on_batch(seen, total_loss / seen, correct / seen)
    return total_loss / seen, correct / seen
