"""The data: find, check, download and load MNIST (or Fashion-MNIST), standard library only.

    from data import load_mnist
    train, test = load_mnist()                  # the copy shipped in data/MNIST
    for X, labels in train.batches(128, rng):   # X: a ByteMatrix, 128 × 784, pixel p standing for p / 255
        ...

Read in this order: idx.py (the file format), dataset.py (pixels kept as bytes, batches
too: ByteMatrix), load.py (load_mnist), then catalog.py (the data sets known), locations.py
and search.py (where copies may be), checksums.py, npz.py (Keras's archive) and download.py.
preprocess.py, apart, makes your own picture of a digit look like an MNIST image.
"""

from .dataset import Dataset
from .errors import DataError
from .load import load_mnist

# data.download (from data.download import download) is not imported here: it needs the
# network modules (urllib, ssl), a twentieth of a second that loading never needs.
__all__ = ["DataError", "Dataset", "load_mnist"]
