"""Stochastic gradient descent with momentum: how a gradient becomes a change of the weights.
docs/math.md, sections 6 and 10.

The step is written as its formulas, one Matrix operation per symbol. g is the gradient
of a parameter w (a weight matrix W or a bias row b), η = lr the learning rate:

    v ← μ v − η g
    w ← w + v

Momentum keeps a velocity v for every parameter: steps that agree from batch to batch
build up speed, while the noise from batch to batch averages out. With μ = 0 it is plain
gradient descent, w ← w − η g. (Adam, RMSprop and weight decay are chapters of their own:
network/adam.py, network/rmsprop.py, network/weight_decay.py.)
"""

from my_math import Matrix


class SGD:
    """Mini-batch stochastic gradient descent with momentum μ (0.9 in train.py)."""

    name = "sgd"

    def __init__(self, momentum):
        self.momentum = momentum  # μ
        self.v = None  # the velocities of each layer's W and b, made at the first step

    def step(self, layers, gradients, lr):
        """Move every layer's weights and biases along their velocities, with learning rate lr (η).

        gradients holds (dW, db) for each layer, as Network.backward gives them.
        """
        if self.v is None:  # standing still at first: every velocity 0
            self.v = [{"W": Matrix.zeros(*layer.W.shape), "b": Matrix.zeros(*layer.b.shape)} for layer in layers]
        mu = self.momentum
        for layer, (dW, db), v in zip(layers, gradients, self.v):
            v["W"] = mu * v["W"] - lr * dW  # v ← μ v − η g
            v["b"] = mu * v["b"] - lr * db
            layer.W = layer.W + v["W"]      # w ← w + v
            layer.b = layer.b + v["b"]
