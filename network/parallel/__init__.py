"""Training on every core (train.py --workers N): each mini-batch shared out among processes, and the
weights bit for bit those of one process, whatever their number. The last chapter, after the
first reading, the CNN and the fast forms. docs/math.md, section 18.

Read it in this order:

    sharing.py    the mathematics: what of a step can be computed apart, and why no sum is ever
                  cut in two; each layer's rows of dW; the optimizer's state in rows. This is
                  the part to learn from.
    balance.py    how many of a batch's images each worker takes: by its speed.
    processes.py  the plumbing: the worker processes, what they are told and answer through
                  their pipes, and how they end (Ctrl-C, a worker that dies).

steps_on is what train.py calls: with one worker it starts nothing, and training is the
first reading's own (network/training.py).
"""

from .balance import Balance
from .processes import START_METHOD, WorkerError, Workers, steps_on
from .sharing import joined_state, rows_of_weight_gradient, shares, split_state

__all__ = ["Balance", "START_METHOD", "WorkerError", "Workers", "steps_on", "joined_state", "rows_of_weight_gradient",
           "shares", "split_state"]
