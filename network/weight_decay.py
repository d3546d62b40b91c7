"""L2 weight decay: the weights pulled a little towards 0 at every step. docs/math.md, section 10.
A chapter after the first reading (train.py --weight-decay L2).

Adding (λ/2) Σ w² over the weights to the loss adds λ w to each weight's gradient:

    g ← ∂L/∂w + λ w          (weights only)

and then the optimizer steps as ever. The biases are left alone: a bias only shifts its
unit's input, and keeping it small does nothing against overfitting.
"""


class WeightDecay:
    """An optimizer whose gradients get λ W added to each layer's dW first: WeightDecay(SGD(0.9), 1e-4)."""

    def __init__(self, optimizer, weight_decay):
        self.optimizer = optimizer
        self.weight_decay = weight_decay  # λ
        self.name = optimizer.name

    def step(self, layers, gradients, lr):
        """The optimizer's step with the gradients (dW + λ W, db) of each layer."""
        decayed = [(dW + self.weight_decay * layer.W, db) for layer, (dW, db) in zip(layers, gradients)]
        self.optimizer.step(layers, decayed, lr)
