"""network: a fully connected neural network built on my_math.Matrix.

Reading order: activations.py, loss.py, layers.py, network.py, optimizers.py,
schedules.py, training.py, model_file.py. Around them: checkpoint.py (the training state
train.py saves for --resume), plots.py (its pictures) and server.py with web/ (the page
of test_single.py --serve).
"""

from .model_file import ModelFileError
from .network import Network
from .optimizers import SGD, Adam
from .schedules import SCHEDULES
from .training import TrainingDiverged, train_epoch

__all__ = ["Network", "SGD", "Adam", "SCHEDULES", "train_epoch", "TrainingDiverged", "ModelFileError"]
