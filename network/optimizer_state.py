"""An optimizer's state, as saved with a checkpoint (network/checkpoint.py) and shared out among
workers (network/parallel/sharing.py): a JSON-ready dict, each of its lists holding one matrix (as rows)
per parameter in the order W_1, b_1, W_2, b_2, ...

    sgd      {"name": "sgd", "velocity": [...]}          v, the velocities
    adam     {"name": "adam", "t": t, "u": [...], "s": [...]}
    rmsprop  {"name": "rmsprop", "s": [...]}

A list is None before the optimizer's first step. WeightDecay's state is its optimizer's.
"""

from my_math import Matrix

from .weight_decay import WeightDecay


def state_of(optimizer):
    """What must be saved to carry on training later exactly as if never stopped."""
    if hasattr(optimizer, "state"):  # the workers' optimizer, which gathers the state they share out
        return optimizer.state()
    optimizer = _inner(optimizer)
    if optimizer.name == "sgd":
        velocity = None if optimizer.v is None else [v[name] for v in optimizer.v for name in ("W", "b")]
        return {"name": "sgd", "velocity": _rows(velocity)}
    if optimizer.name == "adam":
        return {"name": "adam", "t": optimizer.t, "u": _rows(optimizer.u), "s": _rows(optimizer.s)}
    return {"name": "rmsprop", "s": _rows(optimizer.s)}


def load_state(optimizer, state):
    """Give optimizer the state that state_of gave (of an optimizer of the same name)."""
    optimizer = _inner(optimizer)
    if optimizer.name == "sgd":
        velocity = _matrices(state["velocity"])
        optimizer.v = None if velocity is None else [{"W": W, "b": b} for W, b in zip(velocity[::2], velocity[1::2])]
    elif optimizer.name == "adam":
        # Training states written before the moments were renamed u and s call them m and v.
        optimizer.t = state["t"]
        optimizer.u = _matrices(state.get("u", state.get("m")))
        optimizer.s = _matrices(state.get("s", state.get("v")))
    else:
        optimizer.s = _matrices(state["s"])


def _inner(optimizer):
    """The optimizer that keeps the state: the one inside WeightDecay."""
    return optimizer.optimizer if isinstance(optimizer, WeightDecay) else optimizer


def _rows(matrices):
    """The matrices as lists of rows, for JSON (None stays None)."""
    return None if matrices is None else [matrix.rows for matrix in matrices]


def _matrices(rows_of_each):
    """The lists of rows as matrices again (None stays None)."""
    return None if rows_of_each is None else [Matrix(rows) for rows in rows_of_each]
