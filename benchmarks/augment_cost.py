"""What --augment costs: shifting a batch of training images, against a training step on it.

    python benchmarks/augment_cost.py [--rounds 30]
    pypy3 benchmarks/augment_cost.py

For each of --rounds batches of 128 MNIST training images, in turn: one training step
of train.py's 784 → 128 → 10 network (forward, backward, SGD with momentum), the shifts
of the batch as --augment makes them (the draws from the generator, the shifted images
from the bytes, the new ByteMatrix: data/augment.py's Shifted.moved), and the
same shifts computed with the plain definition, pixel by pixel. They take turns, so a
machine busy with something else slows all three alike; the figures are medians. The
bar: the shifts cost at most 10% of a step.
"""

import argparse
import os
import platform
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from benchmarks.common import median_seconds  # noqa: E402
from data import load_mnist  # noqa: E402
from data.augment import Shifted  # noqa: E402
from data.dataset import images_matrix  # noqa: E402
from my_math.fast import textbook, use_fast_forms  # noqa: E402
from network import SGD, Network  # noqa: E402

BATCH = 128
BAR = 0.10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="batches timed (default 30)")
    args = parser.parse_args()
    use_fast_forms()

    train, _ = load_mnist()
    batches = list(train.take((args.rounds + 1) * BATCH).image_batches(BATCH, random.Random(0)))
    matrices = [images_matrix(images) for images, _ in batches]
    net, optimizer = Network([784, 128, 10], seed=0), SGD(momentum=0.9)
    shifter, rng = Shifted(train, 1), random.Random(1)

    def step(k):
        optimizer.step(net.layers, net.loss_and_gradients(matrices[k], batches[k][1])[2], 0.01)

    def shift(k):
        shifter.moved(batches[k][0], rng)

    def shift_plainly(k):
        with textbook():
            shifter.moved(batches[k][0], rng)

    step(args.rounds)  # the first step makes the optimizer's state: not timed
    times = median_seconds({"step": step, "shift": shift, "plain shift": shift_plainly}, args.rounds)
    print(f"{platform.python_implementation()} {platform.python_version()}, batches of {BATCH}, "
          f"medians of {args.rounds} rounds")
    for name in ("step", "shift", "plain shift"):
        print(f"{name + ':':13} {times[name] * 1000:8.2f} ms a batch = {times[name] / times['step']:6.1%} of a step")
    verdict = "within" if times["shift"] <= BAR * times["step"] else "OVER"
    print(f"--augment costs {times['shift'] / times['step']:.1%} of a training step: {verdict} the bar of {BAR:.0%}")


if __name__ == "__main__":
    main()
