"""What several benchmarks share: the model they time, the median of works taking turns, peak RSS in MB.

Plain standard library, so that importing it adds nothing to what a benchmark measures
(train_step.py's memory figure is the whole process's). The scripts put the project's
folder on sys.path themselves before `from benchmarks.common import ...`.
"""

import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODEL = os.path.join(ROOT, "models", "mnist.json")
STAND_IN_SIZES = [784, 128, 10]  # train.py's network


def untrained_stand_in():
    """An untrained 784-128-10 network, train.py's size, to time when there is no models/mnist.json.

    The times depend on the sizes, not on the weights' values.
    """
    from network.architecture import make_network  # here, not at the top: not every benchmark needs the package

    return make_network(STAND_IN_SIZES)


def median_seconds(works, rounds):
    """{name: the median time of work(round_number)} for each work in works, over rounds rounds.

    The works take turns within each round (round_number = 0, 1, ...), so a machine that
    is busy with something else for a while slows them all alike and the comparison
    stays fair.
    """
    times = {name: [] for name in works}
    for round_number in range(rounds):
        for name, work in works.items():
            start = time.perf_counter()
            work(round_number)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def megabytes_of_maxrss(maxrss):
    """resource.getrusage(...).ru_maxrss in MB: it is in bytes on macOS, in KiB elsewhere."""
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10
