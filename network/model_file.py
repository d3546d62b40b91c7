"""The model file: a trained network as plain JSON, readable by people and by any language.

A fully connected network is written as version 1:

    {"format": "pure-python-network", "version": 1,
     "sizes": [784, 128, 10],
     "activation": "relu",
     "layers": [{"weights": [[...128 numbers...], ... 784 rows], "bias": [...128 numbers...]},
                {"weights": [[...10 numbers...], ... 128 rows], "bias": [...10 numbers...]}],
     "metadata": {"dataset": "mnist", "epochs": 5, "test_accuracy": 0.977, ...}}

weights holds fan_in rows of fan_out numbers (W as in Z = X W + b); activation is the
hidden layers' φ (network/more_activations.py), and files written before there was a choice
have none: they are ReLU networks. A network with
convolutions is written as version 2, whose layers say what they are:

    {"format": "pure-python-network", "version": 2,
     "input_shape": [1, 28, 28],
     "activation": "relu",
     "layers": [{"type": "conv", "channels": 1, "filters": 8, "kernel": 5,
                 "weights": [[...8 numbers...], ... 25 rows], "bias": [...8 numbers...]},
                {"type": "maxpool", "size": 2},
                {"type": "dense", "weights": [[...10 numbers...], ... 1152 rows], "bias": [...10 numbers...]}],
     "metadata": {...}}

A convolution's weights have C·K·K rows, in (channel, kernel row, kernel column) order,
of F numbers, one per filter (network/convolution.py); the dense layer after the last
pooling reads its maps flattened in (channel, row, column) order. Both are PyTorch's
orders: docs/cnn.md shows how the file maps onto torch.nn.Conv2d and Linear weights.
Version 1 files are still read, and a fully connected network is still written as
version 1, which every earlier copy of this program reads.

Python writes each float with the shortest text that reads back as exactly the same
float, so a saved and loaded network computes bit for bit what the original did. JSON
rather than pickle: loading a pickle can run any code hidden in the file, loading JSON cannot.
"""

import json
import math
import os
import tempfile

from my_math import Matrix

from .architecture import network_of, sizes
from .cnn import pooling
from .convolution import Conv
from .dense import Dense
from .more_activations import ACTIVATIONS, activation_of
from .pooling import SIZE

FORMAT = "pure-python-network"
VERSIONS = (1, 2)


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
        if os.path.exists(temporary):  # a Ctrl-C just after os.replace finds it gone
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


def save_network(net, path, metadata=None):
    """Write the network to a JSON model file at path, atomically: version 1 when all its layers are
    dense, version 2 otherwise. metadata (data set, epochs, test accuracy, ...) is merged into
    net.metadata first."""
    net.metadata.update(metadata or {})
    layers = net.layers
    if all(isinstance(layer, Dense) for layer in layers):
        model = {"version": 1, "sizes": [layers[0].W.shape[0]] + [layer.W.shape[1] for layer in layers],
                 "activation": activation_of(net),
                 "layers": [{"weights": layer.W.rows, "bias": layer.b.rows[0]} for layer in layers]}
    else:
        model = {"version": 2, "input_shape": list(layers[0].input_shape), "activation": activation_of(net),
                 "layers": [entry for layer in layers for entry in _entries(layer)]}
    write_json_atomically(path, dict({"format": FORMAT}, **model, metadata=net.metadata))


def _entries(layer):
    """A layer as entries of a version 2 file's "layers": a convolution and its pooling, or a dense layer."""
    if isinstance(layer, Conv):
        return [{"type": "conv", "channels": layer.input_shape[0], "filters": layer.filters, "kernel": layer.kernel,
                 "weights": layer.W.rows, "bias": layer.b.rows[0]},
                {"type": "maxpool", "size": SIZE}]
    return [{"type": "dense", "weights": layer.W.rows, "bias": layer.b.rows[0]}]


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
    inputs, *_, outputs = sizes(net)
    if inputs != image_size or outputs != classes:
        raise ModelFileError(f"{name}: the network takes {inputs} inputs and gives {outputs} outputs, "
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


def read_versioned_json(path, fail, missing, kind, format_name, versions):
    """The JSON object in the file at path, after checking it is a kind of file ("a model file")
    of this project: its format is format_name and its version one of versions; fail(problem) if not."""
    value = read_json(path, fail, missing)
    if not isinstance(value, dict) or value.get("format") != format_name:
        fail(f"is not {kind} of this project (its format is not {format_name!r})")
    if value.get("version") not in versions:
        readable = "version" + ("s " if len(versions) > 1 else " ") + " and ".join(map(str, versions))
        fail(f"has version {value.get('version')!r}; this program reads {readable}")
    return value


def load_network(path):
    """The network stored in the model file at path (its metadata in net.metadata), after checking
    everything in it; ModelFileError says in one line what is wrong with a bad file. It computes
    with the activation the file records (ReLU in files that record none, written before there
    was a choice)."""
    def fail(problem):
        raise ModelFileError(f"{path}: {problem}")

    model = read_versioned_json(path, fail, "no such model file", "a model file", FORMAT, VERSIONS)
    activation = model.get("activation", "relu")  # files from before the choice: ReLU
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        fail(f"activation must be one of {', '.join(ACTIVATIONS)}, not {activation!r}")
    metadata = model.get("metadata", {})
    if not isinstance(metadata, dict):
        fail("metadata must be a JSON object")
    if model["version"] == 1:
        return network_of(_dense_layers(model, fail), activation, metadata)
    input_shape = model.get("input_shape")
    if (not isinstance(input_shape, list) or len(input_shape) != 3
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in input_shape)):
        fail(f"input_shape must be [channels, height, width], three whole numbers ≥ 1, not {input_shape!r}")
    return network_of(_typed_layers(model.get("layers"), tuple(input_shape), fail), activation, metadata)


def _dense_layers(model, fail):
    """The Dense layers of a version 1 file, which lists the sizes and then each layer's weights and bias."""
    sizes, layers = model.get("sizes"), model.get("layers")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(n, int) and n >= 1 for n in sizes)):
        fail(f"sizes must be a list of at least two whole numbers ≥ 1, not {sizes!r}")
    if not isinstance(layers, list) or len(layers) != len(sizes) - 1:
        fail(f"sizes {sizes} need {len(sizes) - 1} layers")
    dense = []
    for number, (layer, fan_in, fan_out) in enumerate(zip(layers, sizes, sizes[1:]), 1):
        where = f"layer {number}"
        if not isinstance(layer, dict):
            fail(f"{where} must be a JSON object with weights and bias")
        dense.append(Dense(_matrix(layer.get("weights"), fan_in, fan_out, f"{where} weights", fail),
                           _matrix([layer.get("bias")], 1, fan_out, f"{where} bias", fail)))
    return dense


def _typed_layers(entries, input_shape, fail):
    """The layers of a version 2 file, each checked to fit the shape the layers before it give.

    Convolutions come first, on (channels, height, width) maps, each followed by its 2 × 2
    max pooling (network/cnn.py); the dense layers after them, the last one giving the
    class scores. A pooling is no layer of its own here: it belongs to its convolution.
    """
    if not isinstance(entries, list) or not entries:
        fail("layers must be a non-empty list")
    shape, size = input_shape, math.prod(input_shape)  # shape is None after a dense layer
    layers = []
    for number, entry in enumerate(entries, 1):
        kind = entry.get("type") if isinstance(entry, dict) else None
        where = f"layer {number} ({kind})"
        if kind not in ("conv", "maxpool", "dense"):
            fail(f"layer {number} must be a JSON object whose type is conv, maxpool or dense, not {kind!r}")
        after_conv = bool(layers) and isinstance(layers[-1], Conv) and shape == layers[-1].output_shape
        if after_conv != (kind == "maxpool"):
            fail(f"{where}: every convolution must be followed by its max pooling, and a pooling must follow "
                 "a convolution")
        if kind != "dense" and shape is None:
            fail(f"{where} comes after a dense layer: convolutions come first")
        if kind == "conv":
            channels, filters, kernel = (_whole_number(entry, field, where, fail) for field in ("channels", "filters", "kernel"))
            if channels != shape[0]:
                fail(f"{where} has {channels} channels, but the layers before it give {shape[0]}")
            if kernel > min(shape[1:]):
                fail(f"{where}: a {kernel}×{kernel} kernel does not fit in the {shape[1]}×{shape[2]} maps before it")
            layers.append(Conv(_matrix(entry.get("weights"), channels * kernel * kernel, filters, f"{where} weights",
                                       fail), _matrix([entry.get("bias")], 1, filters, f"{where} bias", fail), shape))
            shape = layers[-1].output_shape
        elif kind == "maxpool":
            if entry.get("size") != SIZE:
                fail(f"{where} size must be {SIZE} (windows of {SIZE} × {SIZE}), not {entry.get('size')!r}")
            if min(shape[1:]) < SIZE:
                fail(f"{where}: the {shape[1]}×{shape[2]} maps before it are too small to pool")
            shape = pooling(layers[-1]).output_shape
        else:
            weights = entry.get("weights")
            fan_out = len(weights[0]) if isinstance(weights, list) and weights and isinstance(weights[0], list) else 0
            if not fan_out:
                fail(f"{where} weights must be {size} rows of numbers, one row per input")
            layers.append(Dense(_matrix(weights, size, fan_out, f"{where} weights", fail),
                                _matrix([entry.get("bias")], 1, fan_out, f"{where} bias", fail)))
            shape = None
        size = math.prod(shape) if shape else layers[-1].W.shape[1]
    if not isinstance(layers[-1], Dense):
        fail(f"the last layer must be dense, to give the class scores, not {entries[-1]['type']}")
    return layers


def _whole_number(entry, field, where, fail):
    """entry[field] if it is a whole number ≥ 1, else fail(...) naming the field."""
    value = entry.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        fail(f"{where} {field} must be a whole number ≥ 1, not {value!r}")
    return value


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
        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fail(f"{what} hold {value!r}, which is not a number")
            if not math.isfinite(value):
                fail(f"{what} hold {value}, which is not a finite number")
    return Matrix([[float(value) for value in row] for row in rows], check=False)
