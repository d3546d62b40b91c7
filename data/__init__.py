"""The data: find, check, download and load MNIST (or Fashion-MNIST), standard library only.

    from data import load_mnist
    train, test = load_mnist()                  # the copy shipped in data/MNIST
    for X, labels in train.batches(128, rng):   # X: 128 × 784, one image per row, each pixel byte / 255
        ...

On the reading path (the README's reading order: my_math/matrix.py, then this package's
dataset.py, then network/) is dataset.py: where the images become the matrix X, one image
per row. The rest finds, reads and checks the files, to read in this order when you want
to: idx.py (the file format), load.py (load_mnist), catalog.py (the data sets known),
locations.py and search.py (where copies may be), checksums.py, npz.py (Keras's archive)
and download.py. preprocess.py, apart, makes your own picture of a digit look like an
MNIST image; augment.py moves training images by a pixel or two (train.py --augment).
Last, fast/: the chapter "making it fast".
"""

from .dataset import Dataset
from .errors import DataError
from .load import load_mnist

# data.download (from data.download import download) is not imported here: it needs the
# network modules (urllib, ssl), a twentieth of a second that loading never needs.
__all__ = ["DataError", "Dataset", "load_mnist"]
