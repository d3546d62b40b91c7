"""Time one training step (forward, backward, update) per image, against the plain definitions.

    python benchmarks/train_step.py [--batches 20] [--reference-batches 3] [--optimizer sgd|adam]
                                    [--memory-batches 100]
    pypy3 benchmarks/train_step.py

Both run in this one process on the same 128-image MNIST batches with the 784 → 128 → 10
network: first with the fast forms (what train.py uses), then with the plain definitions
only (what train.py --textbook uses: the triple-loop product, every input pixel
multiplied, zero or not, elementwise loops, the optimizer's formula one Matrix operation
at a time). Figures are medians over the batches. Then, in a fresh subprocess, the peak memory (RSS) of loading all of MNIST,
training on --memory-batches batches and evaluating the 10 000 test images.
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from benchmarks.common import megabytes_of_maxrss  # noqa: E402
from data import load_mnist  # noqa: E402
from my_math.fast import textbook, use_fast_forms  # noqa: E402
from network import SGD, Network, evaluate, train_epoch  # noqa: E402
from network.adam import Adam  # noqa: E402

BATCH = 128


def make_optimizer(name):
    """train.py's optimizers: SGD with momentum 0.9 (its default) or Adam."""
    return Adam() if name == "adam" else SGD(momentum=0.9)


def step_times(batches, optimizer_name):
    """Seconds per image of each training step on the given batches."""
    net = Network([784, 128, 10], seed=0)
    optimizer = make_optimizer(optimizer_name)
    times = []
    for X, labels in batches:
        start = time.perf_counter()
        _, _, gradients = net.loss_and_gradients(X, labels)
        optimizer.step(net.layers, gradients, 0.01)
        times.append((time.perf_counter() - start) / len(labels))
    return times


def peak_memory(batches):
    """Peak RSS in MB of loading MNIST, training on some batches and evaluating the test set."""
    import resource
    train, test = load_mnist()
    net = Network([784, 128, 10], seed=0)
    train_epoch(net, SGD(momentum=0.9), train.take(batches * BATCH), BATCH, random.Random(0), 0.1)
    evaluate(net, test)
    return megabytes_of_maxrss(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20, help="batches timed for ours (default 20)")
    parser.add_argument("--reference-batches", type=int, default=3, help="batches timed for the textbook (default 3)")
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="(default sgd, as train.py)")
    parser.add_argument("--memory-batches", type=int, default=100,
                        help="batches trained in the memory measurement (0 skips it)")
    parser.add_argument("--measure-memory", type=int, metavar="BATCHES", help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_fast_forms()
    if args.measure_memory is not None:
        print(f"{peak_memory(args.measure_memory):.0f}")
        return

    train, _ = load_mnist()
    batches = list(train.take((args.batches + 1) * BATCH).batches(BATCH, random.Random(0)))
    ours = step_times(batches, args.optimizer)[1:]  # the first step warms up (and makes the optimizer's state)
    with textbook():
        reference = step_times(batches[:args.reference_batches + 1], args.optimizer)[1:]

    ours_ms, reference_ms = statistics.median(ours) * 1000, statistics.median(reference) * 1000
    print(f"{platform.python_implementation()} {platform.python_version()}, optimizer {args.optimizer}, "
          f"784-128-10 network, batches of {BATCH}")
    print(f"ours:     {ours_ms:.3f} ms per image (median of {len(ours)} batches)"
          f" = {ours_ms * 60:.0f} s per 60 000-image epoch")
    print(f"textbook: {reference_ms:.3f} ms per image (median of {len(reference)} batches)")
    print(f"speed-up: {reference_ms / ours_ms:.1f}×")
    if args.memory_batches:
        command = [sys.executable, os.path.abspath(__file__), "--measure-memory", str(args.memory_batches)]
        peak = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        print(f"peak memory: {peak} MB (load all of MNIST, train {args.memory_batches} batches, "
              f"evaluate 10 000 test images)")


if __name__ == "__main__":
    main()
