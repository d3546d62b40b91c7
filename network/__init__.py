"""network: a fully connected neural network built on my_math.Matrix.

Reading order: activations.py, loss.py, layers.py, network.py, optimizers.py,
schedules.py, training.py, model_file.py.
"""

from .model_file import ModelFileError
from .network import Network
from .optimizers import SGD, Adam
from .schedules import SCHEDULES
from .training import TrainingDiverged, train_epoch

__all__ = ["Network", "SGD", "Adam", "SCHEDULES", "train_epoch", "TrainingDiverged", "ModelFileError"]
