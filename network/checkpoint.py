"""Checkpoints: all it takes to stop training and later carry on exactly where it stopped.

After every epoch two JSON files are written, each atomically (model_file.py):

    models/mnist.json          the model: what test_single.py loads (model_file.py)
    models/mnist.state.json    the training state, needed only to resume:

    {"format": "pure-python-training-state", "version": 1,
     "epoch": 2,                                     # epochs completed
     "settings": {"epochs": 5, "lr": 0.001, ...},    # the run's settings, as train.py keeps them
     "optimizer": {"name": "adam", "t": 938, "u": [...], "s": [...]},
     "rng": [3, [...625 whole numbers...], null],    # the shuffling RNG's getstate()
     "history": [{"epoch": 1, "train_loss": 0.31, ...}, ...]}

Why more than the model: the next epoch also depends on the optimizer's running
averages (Adam's u and s, SGD's velocity v), which the weights do not contain, and on the
state of the random generator, which decides the order of the next epoch's batches.
With both restored, a resumed run ends with bit for bit the weights of a run that was
never stopped (tests/test_train.py checks that).
"""

import contextlib
import random
import signal
import threading
from collections import namedtuple

from .architecture import describe
from .model_file import load_network, read_json, save_network, write_json_atomically
from .optimizer_state import state_of

FORMAT = "pure-python-training-state"
VERSION = 1

Checkpoint = namedtuple("Checkpoint", "net settings optimizer_state rng history")
Checkpoint.__doc__ = """A run loaded to be resumed: the network, the settings dict, the
optimizer's state (network/optimizer_state.py), the shuffling random.Random and the history (one dict per epoch)."""


class CheckpointError(ValueError):
    """A training state that cannot be resumed; the message says which file and why."""


def state_path(model_path):
    """Where the training state of model_path lives: models/mnist.json → models/mnist.state.json."""
    stem = model_path[:-len(".json")] if model_path.endswith(".json") else model_path
    return stem + ".state.json"


def save_checkpoint(model_path, net, metadata, optimizer, rng, settings, history):
    """Save the model (with metadata) and the training state after epoch len(history).

    Ctrl-C is held back until both files are written, so the two always belong to the
    same epoch; the model's metadata records that epoch, which load_checkpoint checks.
    (A hard kill between the two writes can still split them; load_checkpoint says so.)
    """
    state = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": len(history),
        "settings": settings,
        "optimizer": state_of(optimizer),
        "rng": _rng_to_json(rng),
        "history": history,
    }
    with interrupts_held():
        save_network(net, model_path, dict(metadata, epochs=len(history)))
        write_json_atomically(state_path(model_path), state)


def load_checkpoint(model_path):
    """The Checkpoint saved at model_path and its state file, after checking they fit together.

    Raises ModelFileError for a bad model file and CheckpointError for a bad state file.
    """
    net = load_network(model_path)
    path = state_path(model_path)

    def fail(problem):
        raise CheckpointError(f"{path}: {problem}")

    state = read_json(path, fail, missing=f"no training state to resume {model_path} from "
                                          "(it is written after each epoch)")
    if not isinstance(state, dict) or state.get("format") != FORMAT or state.get("version") != VERSION:
        fail(f"is not a training state of this project (format {FORMAT!r}, version {VERSION})")
    epoch, history = state.get("epoch"), state.get("history")
    if not isinstance(history, list) or epoch != len(history) or not isinstance(state.get("settings"), dict):
        fail("its epoch, history and settings do not agree")
    if net.metadata.get("epochs") != epoch:
        fail(f"is from epoch {epoch} but {model_path} from epoch {net.metadata.get('epochs')}")
    optimizer_state = state.get("optimizer")
    if not isinstance(optimizer_state, dict) or not _fits(optimizer_state, net):
        fail(f"its optimizer state does not fit the {describe(net)} network in {model_path}")
    rng = _rng_from_json(state.get("rng"), fail)
    return Checkpoint(net, state["settings"], optimizer_state, rng, history)


def _fits(optimizer_state, net):
    """Whether every list in the optimizer's state (Adam's u and s, SGD's velocity v) holds one
    matrix per parameter, shaped like it: W₁ (fan_in × fan_out), b₁ (1 × fan_out), W₂, ..."""
    shapes = []
    for layer in net.layers:
        shapes += [layer.W.shape, layer.b.shape]
    for moments in optimizer_state.values():
        if isinstance(moments, list) and [_shape(m) for m in moments] != shapes:
            return False
    return True


def _shape(rows):
    """(rows, columns) of a list of equal-length lists, or None for anything else."""
    if not isinstance(rows, list) or not all(isinstance(row, list) and len(row) == len(rows[0]) for row in rows):
        return None
    return (len(rows), len(rows[0]) if rows else 0)


def _rng_to_json(rng):
    """random.Random.getstate() is (version, a tuple of 625 ints, gauss_next): JSON has no tuples."""
    version, internal, gauss_next = rng.getstate()
    return [version, list(internal), gauss_next]


def _rng_from_json(saved, fail):
    """A random.Random in the state _rng_to_json saved, or fail(...) if saved is not such a state."""
    rng = random.Random()
    try:
        version, internal, gauss_next = saved
        rng.setstate((version, tuple(internal), gauss_next))
    except (TypeError, ValueError, OverflowError):
        fail("its random generator state is damaged")
    return rng


@contextlib.contextmanager
def interrupts_held():
    """Inside the with block, Ctrl-C (SIGINT) waits; it is delivered as soon as the block ends.

    Blocks may be nested: an inner block hands a held Ctrl-C on to the outer one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)

