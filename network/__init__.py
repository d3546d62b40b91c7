"""network: the neural network built on my_math.Matrix, and its training.

The first reading (the README's, with docs/math.md beside it): dense.py (one layer,
Z = A_prev W + b), activations.py (ReLU and softmax), loss.py (cross-entropy),
network.py (forward and backward through all the layers), sgd.py (gradient descent
with momentum) and training.py (one epoch of mini-batch gradient descent, the test).

Then the chapters, each beside the first reading: more_activations.py (leaky ReLU,
sigmoid, tanh), dropout.py, adam.py, rmsprop.py and weight_decay.py, schedules.py (the
learning rate from epoch to epoch), convolution.py, pooling.py and cnn.py (the
convolutional network), parallel/ (train.py --workers), and fast/ (making it fast).
Around them, what the scripts need: architecture.py (a network from train.py's options,
and described), model_file.py and checkpoint.py (saved networks and training states),
optimizer_state.py, metrics.py, diagnosis.py, settings.py and run_records.py.
"""

from .network import Network
from .sgd import SGD
from .training import TrainingDiverged, evaluate, train_epoch

__all__ = ["Network", "SGD", "TrainingDiverged", "evaluate", "train_epoch"]
