"""How much faster are the convolution's fast forms than its loops? And a CNN's training step, per image.

    python benchmarks/convolution.py [--rounds 6] [--plain-images 4] [--hidden 64|128|none]
    pypy3 benchmarks/convolution.py

The first layer of `python train.py --conv 8x5`: a convolution of 8 filters of 5 × 5 over
MNIST batches of 128 images (bytes), timed in this one run both ways: its plain
definition (network/convolution.py's loops, on --plain-images images of the batch, as
they take seconds per image) and the fast forms training uses (network/fast/convolution.py:
im2col and ByteMatrix's packed product on CPython). Forward: Z from the images;
backward: dW and db from a dZ as training makes it, through ReLU and 2 × 2 max pooling
(the first layer needs no dA_prev). The ways take turns within each round, on the same
batch, so a busy machine slows them all alike; the figures are medians over the rounds
after the first (a warm-up), in ms per image, each timing from a freshly collected heap.

Then the whole training step of the network --conv 8x5 --hidden 64 (or --hidden ...) makes (forward,
backward, SGD with momentum), per image, against the step of train.py's default
784 → 128 → 10 network in the same rounds, as a yardstick for the machine's speed; and the
same CNN step once more with the dense layer after the pooling computing its products in
floats, as before network/fast/dense.py put them in fixed point: what that lever gives.
"""

import argparse
import contextlib
import gc
import os
import platform
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from data import load_mnist  # noqa: E402
from my_math.fast import textbook, use_fast_forms  # noqa: E402
from network import SGD  # noqa: E402
from network.activations import relu, relu_backward  # noqa: E402
from network.architecture import describe, make_network  # noqa: E402
from network.fast import dense as fast_dense  # noqa: E402
from network.pooling import MaxPool  # noqa: E402
from network.settings import NO_HIDDEN, hidden_size  # noqa: E402

BATCH = 128


def gradient_of_conv_output(conv, X, rng):
    """A dZ for the convolution's output as training makes it: a random gradient of the pooled maps,
    sent back through the pooling (to each window's largest value) and the ReLU."""
    Z = conv.forward(X)
    A = relu(Z)
    pool = MaxPool(conv.output_shape)
    dP = pool.forward(A).map(lambda _: rng.gauss(0.0, 1e-3))
    return relu_backward(pool.input_gradient(A, dP), Z)


def backward(conv, X, dZ):
    """The first convolution's backward pass: its dW and db (its dA_prev, the pixels' gradient, is not needed)."""
    return conv.weight_gradient(X, dZ), conv.bias_gradient(dZ)


@contextlib.contextmanager
def dense_in_floats():
    """Within the with block, no dense layer computes in fixed point: its products are the float ones."""
    wide = fast_dense.WIDE
    fast_dense.WIDE = float("inf")
    try:
        yield
    finally:
        fast_dense.WIDE = wide


def timed(work):
    """Seconds that work() takes, from a heap just collected: what the others left behind makes
    no garbage collection of its own come due during it (the work's own collections are timed)."""
    gc.collect()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="rounds, the first a warm-up (default 6)")
    parser.add_argument("--plain-images", type=int, default=4, help="images per round for the loops (default 4)")
    parser.add_argument("--hidden", type=hidden_size, nargs="+", default=[64],
                        help="the CNN's hidden layers for the training step, or none (default 64, as the README's CNN)")
    args = parser.parse_args()
    use_fast_forms()
    hidden = [] if NO_HIDDEN in args.hidden else args.hidden

    train, _ = load_mnist()
    rng = random.Random(0)
    batches = list(train.take(args.rounds * BATCH).batches(BATCH, random.Random(0)))
    cnn = make_network([784, *hidden, 10], conv=[(8, 5)], seed=0)
    conv = cnn.layers[0]
    mlp = make_network([784, 128, 10], seed=0)
    cnn_in_floats = make_network([784, *hidden, 10], conv=[(8, 5)], seed=0)
    steps = {"cnn": (cnn, SGD(momentum=0.9), contextlib.nullcontext),
             "mlp": (mlp, SGD(momentum=0.9), contextlib.nullcontext),
             "cnn in floats": (cnn_in_floats, SGD(momentum=0.9), dense_in_floats)}
    times = {name: [] for name in ("plain forward", "fast forward", "plain backward", "fast backward", *steps)}
    for round_number, (X, labels) in enumerate(batches):
        dZ = gradient_of_conv_output(conv, X, rng)
        few = train.matrix(range(round_number * BATCH, round_number * BATCH + args.plain_images))
        few_dZ = dZ.__class__(dZ.rows[:args.plain_images], check=False)
        with textbook():
            plain_forward = timed(lambda: conv.forward(few)) / args.plain_images
            plain_backward = timed(lambda: backward(conv, few, few_dZ)) / args.plain_images
        measured = {"plain forward": plain_forward, "plain backward": plain_backward,
                    "fast forward": timed(lambda: conv.forward(X)) / len(labels),
                    "fast backward": timed(lambda: backward(conv, X, dZ)) / len(labels)}
        for name, (net, optimizer, way) in steps.items():
            with way():
                measured[name] = timed(lambda: optimizer.step(net.layers, net.loss_and_gradients(X, labels)[2],
                                                              0.01)) / len(labels)
        if round_number:
            for name, seconds in measured.items():
                times[name].append(seconds)

    ms = {name: statistics.median(seconds) * 1000 for name, seconds in times.items()}
    spread = {name: (min(seconds) * 1000, max(seconds) * 1000) for name, seconds in times.items()}
    print(f"{platform.python_implementation()} {platform.python_version()}: the convolution of 8 filters of 5×5 over "
          f"MNIST batches of {BATCH}, ms per image, median (min–max) of {args.rounds - 1} rounds")
    for way in ("forward", "backward"):
        plain, fast = ms[f"plain {way}"], ms[f"fast {way}"]
        print(f"  {way:8s}  loops {plain:8.3f} ({spread[f'plain {way}'][0]:.3f}–{spread[f'plain {way}'][1]:.3f})"
              f"   fast forms {fast:7.3f} ({spread[f'fast {way}'][0]:.3f}–{spread[f'fast {way}'][1]:.3f})"
              f"   {plain / fast:5.1f}× faster")
    print("Training step, forward + backward + SGD momentum update, ms per image:")
    print(f"  {describe(cnn)}: {ms['cnn']:.3f} ({spread['cnn'][0]:.3f}–{spread['cnn'][1]:.3f})"
          f" = {ms['cnn'] * 60:.0f} s per 60 000-image epoch")
    print(f"  the same with its dense layers' products in floats, none in fixed point: {ms['cnn in floats']:.3f}"
          f" ({spread['cnn in floats'][0]:.3f}–{spread['cnn in floats'][1]:.3f}): {ms['cnn in floats'] / ms['cnn']:.2f}×"
          f" the time")
    print(f"  {describe(mlp)} (train.py's default, as a yardstick): {ms['mlp']:.3f}"
          f" ({spread['mlp'][0]:.3f}–{spread['mlp'][1]:.3f})")


if __name__ == "__main__":
    main()
