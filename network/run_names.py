"""A training run's name, and the files it names.

    python train.py --name sigmoid      models/sigmoid.json and models/sigmoid.state.json,
                                        plots/sigmoid-*.png, runs/TIME-sigmoid.json
    python test_single.py --model sigmoid          predicts with models/sigmoid.json
    python compare_runs.py mnist sigmoid           compares the two runs' records

A run not given --name is called after its data set, mnist or fashion (models/mnist.json),
or after the model file --out names (--out models/cnn.json: cnn). --out and --plots-dir
still put the files elsewhere. So a run given a name of its own leaves every other
run's model in place.
"""

import json
import os
import re

from .model_file import default_model_path

PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MODELS = os.path.dirname(default_model_path("any"))  # models/: where a run's model goes, and --model NAME looks


def check_name(name):
    """name if it can be part of a file name (letters, digits, . _ -, at most 64), else ValueError."""
    if not PATTERN.fullmatch(name):
        raise ValueError(f"a run's name is letters, digits, '.', '_' and '-', starting with a letter or "
                         f"digit, at most 64 characters, not {name!r}")
    return name


def default_name(model_path):
    """The name of a run not given --name: its model file's, models/mnist.json → mnist, made fit for a file name."""
    stem = os.path.splitext(os.path.basename(model_path))[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).lstrip("._-")[:64] or "run"


def model_file(text):
    """The model file that test_single.py's --model TEXT means: a run's name, such as sigmoid, stands
    for models/sigmoid.json; a path (models/cnn.json, ../old.json, or a file here) is itself."""
    if PATTERN.fullmatch(text) and not text.endswith(".json") and not os.path.isfile(text):
        return default_model_path(text)
    return text


def model_names(folder=MODELS):
    """The names of the runs whose models are in folder: models/sigmoid.json → sigmoid."""
    try:
        files = os.listdir(folder)
    except OSError:
        return []
    return sorted(file[:-len(".json")] for file in files
                  if file.endswith(".json") and not file.endswith(".state.json") and PATTERN.fullmatch(file))


def trained_on_more(model_path, epochs, images):
    """The metadata of the model at model_path if it was trained on more than a run of epochs on images
    would be (more epochs, or more images): what that run would replace. None if not, or if there
    is no model there that train.py wrote."""
    try:
        with open(model_path, encoding="utf-8") as f:
            metadata = json.load(f)["metadata"]
        more = metadata.get("epochs", 0) > epochs or metadata.get("train_images", 0) > images
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return metadata if more else None
