"""The data sets this package knows: their files, checksums, classes and where copies live.

The figures come from the data sets' publishers (see docs/data.md): the SHA-256 of each
file's decompressed content, and the mirrors tried in order when downloading.
"""

from collections import namedtuple

from .errors import DataError
from .idx import IMAGES_MAGIC, LABELS_MAGIC

Part = namedtuple("Part", "file magic npz_key")
Part.__doc__ = "One of the four files of a data set: its name without .gz, IDX magic number and key in Keras's .npz."

TRAIN_IMAGES = Part("train-images-idx3-ubyte", IMAGES_MAGIC, "x_train")
TRAIN_LABELS = Part("train-labels-idx1-ubyte", LABELS_MAGIC, "y_train")
TEST_IMAGES = Part("t10k-images-idx3-ubyte", IMAGES_MAGIC, "x_test")
TEST_LABELS = Part("t10k-labels-idx1-ubyte", LABELS_MAGIC, "y_test")
PARTS = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)
SPLITS = {"train": (TRAIN_IMAGES, TRAIN_LABELS), "test": (TEST_IMAGES, TEST_LABELS)}

DataSetInfo = namedtuple(
    "DataSetInfo",
    "key title class_names image_shape sha256 mirrors folder env_var cache_dir keras system_dir system_package",
)
DataSetInfo.__doc__ = """What we know about one data set.

key, title       its name in code ("mnist") and for people ("MNIST")
class_names      the name of each label, in label order
image_shape      (rows, columns) of every image: what the network's input expects
sha256           Part.file -> SHA-256 of that file's decompressed content
mirrors          base URLs holding the .gz files, tried in order
folder           its folder's name next to this package (data/MNIST) and in torchvision's layout
env_var          the environment variable that names a folder holding it
cache_dir        its folder under ~/.cache
keras            where Keras keeps it: a .npz file or a folder of .gz files
system_dir       where a system package installs it, and that package's name (or None)
"""

MNIST = DataSetInfo(
    key="mnist",
    title="MNIST",
    class_names=tuple("0123456789"),
    image_shape=(28, 28),
    sha256={
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
    # The original site comes last: it often answers 403.
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    folder="MNIST",
    env_var="MNIST_DIR",
    cache_dir="~/.cache/mnist",
    keras="~/.keras/datasets/mnist.npz",
    system_dir=None,
    system_package=None,
)

FASHION = DataSetInfo(
    key="fashion",
    title="Fashion-MNIST",
    class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    image_shape=(28, 28),
    sha256={
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    folder="FashionMNIST",
    env_var="FASHION_MNIST_DIR",
    cache_dir="~/.cache/fashion-mnist",
    keras="~/.keras/datasets/fashion-mnist",
    system_dir="/usr/share/datasets/fashion-mnist",
    system_package="dataset-fashion-mnist",
)

DATASETS = {info.key: info for info in (MNIST, FASHION)}
DEFAULT_DATASET = "mnist"


def lookup(dataset):
    """The DataSetInfo of the data set called dataset ("mnist" or "fashion")."""
    try:
        return DATASETS[dataset]
    except KeyError:
        raise DataError(f"unknown data set {dataset!r}: choose one of {', '.join(DATASETS)}") from None
