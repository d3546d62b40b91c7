"""The model file: a trained network as plain JSON, readable by people and by any language.

    {"format": "pure-python-network", "version": 1,
     "sizes": [784, 128, 10],
     "activation": "relu",
     "layers": [{"weights": [[...128 numbers...], ... 784 rows], "bias": [...128 numbers...]},
                {"weights": [[...10 numbers...], ... 128 rows], "bias": [...10 numbers...]}],
     "metadata": {"dataset": "mnist", "epochs": 5, "test_accuracy": 0.977, ...}}

weights holds fan_in rows of fan_out numbers (W as in Z = X W + b); activation is the
hidden layers' φ (network/activations.py), and files written before there was a choice
have none: they are ReLU networks. Python writes each
float with the shortest text that reads back as exactly the same float, so a saved and
loaded network computes bit for bit what the original did. JSON rather than pickle:
loading a pickle can run any code hidden in the file, loading JSON cannot.
"""

import json
import math
import os
import tempfile

from my_math import Matrix

from .activations import ACTIVATIONS

FORMAT = "pure-python-network"
VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


def write_json_atomically(path, obj):
    """Write obj as JSON to path so that path is never left half-written.

    The text goes to a temporary file in the same folder, which then replaces path in
    one step (os.replace): an interruption leaves either the old file or the new one.
    Folders on the way are created. Non-finite floats are refused (ValueError).
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(obj, f, allow_nan=False, separators=(",", ":"))
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp made it private (0600); give it a new file's usual mode
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _umask():
    """The process's file-creation mask (os.umask can only be read by setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def default_model_path(dataset):
    """models/mnist.json or models/fashion.json: where train.py saves and test_single.py looks."""
    return os.path.join("models", f"{dataset}.json")


def write_model(path, parameters, activation, metadata):
    """Save the layers' parameters [(W, b), ...], the name of the hidden activation and a metadata dict to path."""
    sizes = [parameters[0][0].shape[0]] + [W.shape[1] for W, _ in parameters]
    write_json_atomically(path, {
        "format": FORMAT,
        "version": VERSION,
        "sizes": sizes,
        "activation": activation,
        "layers": [{"weights": W.rows, "bias": b.rows[0]} for W, b in parameters],
        "metadata": metadata,
    })


def check_model_fits(net, name, dataset, image_size, classes):
    """ModelFileError unless the network net (from the file called name) suits the data set.

    It must read image_size inputs and give one output per class; and when its metadata
    records the data set it was trained on (train.py does), that must be dataset: a digit
    network reading clothes would answer nonsense.
    """
    trained_on = net.metadata.get("dataset")
    if trained_on and trained_on != dataset:
        raise ModelFileError(f"{name} was trained on {trained_on}, not {dataset}: choose a model trained on "
                             f"{dataset} (or ask for {trained_on})")
    if net.sizes[0] != image_size or net.sizes[-1] != classes:
        raise ModelFileError(f"{name}: the network takes {net.sizes[0]} inputs and gives {net.sizes[-1]} outputs, "
                             f"but {dataset} images have {image_size} pixels and {classes} classes")


def read_json(path, fail, missing):
    """The JSON value in the file at path; fail(problem) for a file that is missing (the
    problem is then `missing`), a folder, unreadable or not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        fail(missing)
    except IsADirectoryError:
        fail("is a folder, not a file")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot be read ({error})")
    except json.JSONDecodeError as error:
        fail(f"is not valid JSON ({error})")


def read_versioned_json(path, fail, missing, kind, format_name, version):
    """The JSON object in the file at path, after checking it is a kind of file ("a model file")
    of this project: its format is format_name and its version is version; fail(problem) if not."""
    value = read_json(path, fail, missing)
    if not isinstance(value, dict) or value.get("format") != format_name:
        fail(f"is not {kind} of this project (its format is not {format_name!r})")
    if value.get("version") != version:
        fail(f"has version {value.get('version')!r}; this program reads version {version}")
    return value


def read_model(path):
    """The parameters [(W, b), ...], the activation's name and the metadata dict stored in path, all checked."""
    def fail(problem):
        raise ModelFileError(f"{path}: {problem}")

    model = read_versioned_json(path, fail, "no such model file", "a model file", FORMAT, VERSION)
    sizes, layers = model.get("sizes"), model.get("layers")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(n, int) and n >= 1 for n in sizes)):
        fail(f"sizes must be a list of at least two whole numbers ≥ 1, not {sizes!r}")
    if not isinstance(layers, list) or len(layers) != len(sizes) - 1:
        fail(f"sizes {sizes} need {len(sizes) - 1} layers")
    activation = model.get("activation", "relu")  # files from before the choice: ReLU
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        fail(f"activation must be one of {', '.join(ACTIVATIONS)}, not {activation!r}")
    metadata = model.get("metadata", {})
    if not isinstance(metadata, dict):
        fail("metadata must be a JSON object")

    parameters = []
    for number, (layer, fan_in, fan_out) in enumerate(zip(layers, sizes, sizes[1:]), 1):
        where = f"layer {number}"
        if not isinstance(layer, dict):
            fail(f"{where} must be a JSON object with weights and bias")
        W = _matrix(layer.get("weights"), fan_in, fan_out, f"{where} weights", fail)
        b = _matrix([layer.get("bias")], 1, fan_out, f"{where} bias", fail)
        parameters.append((W, b))
    return parameters, activation, metadata


def _matrix(rows, n_rows, n_cols, what, fail):
    """rows as an n_rows × n_cols Matrix of finite floats, or fail(...) saying what is wrong."""
    if (not isinstance(rows, list) or len(rows) != n_rows
            or not all(isinstance(row, list) and len(row) == n_cols for row in rows)):
        fail(f"{what} must be {n_rows} × {n_cols} numbers")
    for row in rows:
        # The quick test first: a row of plain numbers with a finite sum has only finite
        # numbers (an inf or a nan anywhere makes the sum inf or nan). Only a row that
        # fails it is searched for the culprit, to name it.
        if set(map(type, row)) <= {float, int} and math.isfinite(sum(row)):
            continue
        for x in row:
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                fail(f"{what} hold {x!r}, which is not a number")
            if not math.isfinite(x):
                fail(f"{what} hold {x}, which is not a finite number")
    return Matrix([[float(x) for x in row] for row in rows], check=False)
