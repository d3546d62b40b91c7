"""network: a neural network built on my_math.Matrix (fully connected, or convolutional), and its training.

The README's reading order goes my_math/matrix.py, data/dataset.py, then this package:
dense.py (one layer, Z = A_prev W + b), activations.py (ReLU, softmax), loss.py
(cross-entropy, and the gradient (P − Y) / m where backpropagation starts), network.py
(forward and backward through all the layers), convolution.py and pooling.py (the
layers of a convolutional network), optimizers.py and schedules.py (gradients
become better weights), training.py (one epoch of mini-batch gradient descent), then
train.py. Around them: metrics.py (right answers counted), diagnosis.py (when training
goes wrong: the signs, and what to try), settings.py (a run's settings
and train.py's command line), model_file.py (the saved network) and checkpoint.py (the
training state, for --resume). Last, fast/: the chapter "making it fast", and parallel.py
(train.py --workers: each mini-batch shared out among processes, the same weights).
"""

from . import diagnosis, fast
from .model_file import ModelFileError
from .network import Network
from .optimizers import SGD, Adam, RMSprop
from .schedules import SCHEDULES
from .training import TrainingDiverged, train_epoch

__all__ = ["Network", "SGD", "Adam", "RMSprop", "SCHEDULES", "train_epoch", "TrainingDiverged", "ModelFileError",
           "diagnosis", "fast"]
