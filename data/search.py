"""Where to look for a data set, in which order, and which copy to use.

A folder the user names (data_dir / --data-dir, else the environment variable, e.g.
MNIST_DIR) is used or refused, never silently swapped for another copy. Otherwise the
first complete copy wins, searched in this order:

    data/MNIST next to this package        (the copy shipped with the project)
    ./data/MNIST                           (relative to the current folder)
    ~/.cache/mnist
    ./data/MNIST/raw                       (torchvision's layout under ./data)
    ~/.keras/datasets/mnist.npz            (Keras; ~/.keras/datasets/fashion-mnist for Fashion-MNIST)
    /usr/share/datasets/fashion-mnist      (Fashion-MNIST only: apt-get install dataset-fashion-mnist)
"""

import os
import shlex

from .catalog import DEFAULT_DATASET
from .errors import DataError
from .locations import Location


def package_folder(info):
    """The folder next to this package that holds info's files: where downloads go by default."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), info.folder)


def named_location(info, data_dir=None):
    """The location the user named: data_dir, else info's environment variable; None if neither.

    data_dir may be a folder of the files, a torchvision root (holding MNIST/raw/) or a
    Keras .npz. Raises DataError when the named path does not exist or is another file.
    """
    named = _named(info, data_dir)
    if not named:
        return None
    path, source = named[0]
    if not os.path.exists(path):
        raise DataError(f"{path} ({source}): does not exist; to download {info.title} into it, "
                        f"run `{download_command(info, path)}`")
    if os.path.isfile(path) and not path.endswith(".npz"):
        raise DataError(f"{path} ({source}): is a file; expected a folder of IDX files or a Keras .npz")
    place, torchvision = _with_torchvision(info, path, source)
    if not place.complete() and torchvision.complete():
        return torchvision
    return place


def candidates(info, data_dir=None):
    """Every location that may hold info, in search order, each path once."""
    places = []
    for path, source in _named(info, data_dir):
        places += _with_torchvision(info, path, source)
    local = os.path.join(".", "data", info.folder)
    places += [
        Location(package_folder(info), "shipped with the project"),
        Location(local, "current folder"),
        Location(os.path.expanduser(info.cache_dir), "cache"),
        Location(os.path.join(local, "raw"), "torchvision layout"),
        Location(os.path.expanduser(info.keras), "Keras"),
    ]
    if info.system_dir:
        places.append(Location(info.system_dir, f"apt-get install {info.system_package}"))
    seen = set()
    unique = []
    for place in places:
        key = os.path.realpath(place.path)
        if key not in seen:
            seen.add(key)
            unique.append(place)
    return unique


def _named(info, data_dir=None):
    """The (path, source) pairs the user named, the one that counts first: data_dir, then the environment variable."""
    named = []
    if data_dir:
        named.append((os.fspath(data_dir), "--data-dir"))
    if os.environ.get(info.env_var):
        named.append((os.environ[info.env_var], "$" + info.env_var))
    return named


def _with_torchvision(info, path, source):
    """path itself, and where torchvision would keep info's files under path as a root."""
    return [Location(path, source),
            Location(os.path.join(path, info.folder, "raw"), source + ", torchvision layout")]


def first_complete(info):
    """The first location, in search order, holding every file of info; None if there is none."""
    return next((place for place in candidates(info) if place.complete()), None)


def locate(info, data_dir=None):
    """The location to load info from: the one named (used or refused), else the first complete one."""
    place = named_location(info, data_dir) or first_complete(info)
    if place is None:
        raise DataError(f"{info.title} not found (looked in {', '.join(p.path for p in candidates(info))}); "
                        f"to get it, run `{download_command(info)}`"
                        + (f" or `apt-get install {info.system_package}`" if info.system_package else ""))
    return place


def download_folder(info, data_dir=None):
    """Where --download puts info's files: the folder the user named, else package_folder(info)."""
    named = _named(info, data_dir)
    return named[0][0] if named else package_folder(info)


def repair_command(info, place):
    """The command that fetches a fresh copy of info where place is (for a Keras .npz, into the default folder)."""
    return download_command(info, None if place.is_npz else place.path)


def download_command(info, folder=None):
    """The command that downloads info into folder (by default the package's folder) and checks it."""
    words = ["python", "find_data.py", "--download"]
    if info.key != DEFAULT_DATASET:
        words += ["--dataset", info.key]
    if folder is not None and os.path.realpath(folder) != os.path.realpath(package_folder(info)):
        words += ["--data-dir", folder]
    return " ".join(shlex.quote(word) for word in words)
