"""load_mnist: find a data set, read and check its files, and return its train and test parts."""

from .catalog import DEFAULT_DATASET, SPLITS, lookup
from .dataset import Dataset
from .errors import DataError
from .search import locate, repair_command


def load_mnist(data_dir=None, dataset=DEFAULT_DATASET, verify=True, parts=("train", "test")):
    """Load a data set ("mnist" or "fashion"); return (train, test), two Datasets.

    data_dir: a folder of the four IDX files (gzipped or not), a torchvision root holding
    MNIST/raw/, or Keras's mnist.npz. None means the folder in $MNIST_DIR
    ($FASHION_MNIST_DIR) if set, else the first complete copy in the search order of
    data/search.py: for MNIST, the copy shipped in data/MNIST next to this package.

    verify: check each file's SHA-256 against the published one; it hashes bytes already
    in memory, a few hundredths of a second for all of MNIST. Pass False to load other
    data in the same format.

    parts: which parts to load and return, in that order: ("test",) returns (test,) alone,
    for a program that only predicts and need not read the 60 000 training images.

    Raises DataError, one line naming the file, the problem and the fix, for anything wrong.
    """
    unknown = set(parts) - set(SPLITS)
    if unknown:
        raise ValueError(f"parts must be among {sorted(SPLITS)}, not {sorted(unknown)}")
    info = lookup(dataset)
    place = locate(info, data_dir)
    try:
        return tuple(_load_split(place, info, split, verify) for split in parts)
    except DataError as error:
        raise DataError(f"{error}; to fix, run `{repair_command(info, place)}`") from None


def _load_split(place, info, split, verify):
    """Read and cross-check the images and labels of split ("train" or "test") at place."""
    images_part, labels_part = SPLITS[split]
    images = place.read(images_part, info, verify)
    labels = place.read(labels_part, info, verify)
    count, *shape = images.dims
    if tuple(shape) != info.image_shape:
        raise DataError(f"{place.file(images_part)}: images are {' × '.join(map(str, shape))} pixels; "
                        f"the network expects {' × '.join(map(str, info.image_shape))}")
    if labels.dims[0] != count:
        raise DataError(f"{place.file(labels_part)}: {labels.dims[0]} labels "
                        f"for the {count} images of {place.file(images_part)}")
    classes = len(info.class_names)
    if labels.data and max(labels.data) >= classes:
        bad = next(i for i, label in enumerate(labels.data) if label >= classes)
        raise DataError(f"{place.file(labels_part)}: label {labels.data[bad]} at index {bad} "
                        f"is not below the {classes} classes")
    return Dataset(images.data, labels.data, info.key, split, info.class_names, info.image_shape)

