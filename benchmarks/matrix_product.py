"""How much faster is @ than its plain definition, the triple loop? Both are timed in this one run.

    python benchmarks/matrix_product.py [--repeats 7]

The first layer's products of one training step on a batch of 128 MNIST images (about
80% zeros) with the 784 → 128 → 10 network: with the images as a Matrix of floats
(Matrix.__matmul__) and as the ByteMatrix training uses (packed whole numbers). Then
dense random matrices: the first layer's shape with no zero pixels, and two smaller
ones. Each figure is the median of --repeats timings, the ways taking turns. The two
rows of a pair (floats, then ByteMatrix) multiply the same numbers, so the triple loop
(my_math/matrix.py, run with the fast forms switched off) is timed once for both, and
its figure is shown on each row.
"""

import argparse
import os
import platform
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from benchmarks.common import median_seconds  # noqa: E402
from data import load_mnist  # noqa: E402
from my_math import Matrix  # noqa: E402
from my_math.fast import textbook, use_fast_forms  # noqa: E402


def plain_product(a, b):
    """a @ b by matrix.py's triple loop (the fast forms switched off), on plain float matrices."""
    with textbook():
        return a @ b


def random_matrix(rng, rows, cols, zeros=0.0):
    return Matrix([[0.0 if rng.random() < zeros else rng.gauss(0, 1) for _ in range(cols)] for _ in range(rows)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timings per product (the median is shown)")
    args = parser.parse_args()
    use_fast_forms()

    rng = random.Random(0)
    train, _ = load_mnist()
    X = train.matrix(range(128))  # a ByteMatrix
    X_floats = Matrix(X.tolist())
    zeros = sum(x == 0.0 for row in X.rows for x in row) / (X.shape[0] * X.shape[1])
    W1 = random_matrix(rng, 784, 128)
    dZ1 = random_matrix(rng, 128, 128, zeros=0.5)  # a ReLU layer's gradient is about half zeros
    cases = [  # (name, a, b, the ByteMatrix row's name and a, or None for a dense product)
        ("MNIST batch X @ W1", X_floats, W1, ("  X a ByteMatrix", X)),
        ("backprop Xᵀ @ dZ1", X_floats.T, dZ1, ("  Xᵀ a ByteMatrix", X.T)),
        ("dense, the first layer's", random_matrix(rng, 128, 784), W1, None),
        ("dense 128×128 @ 128×128", random_matrix(rng, 128, 128), random_matrix(rng, 128, 128), None),
        ("dense 64×256 @ 256×64", random_matrix(rng, 64, 256), random_matrix(rng, 256, 64), None),
    ]
    print(f"{platform.python_implementation()} {platform.python_version()}; "
          f"MNIST batch: 128 images, {zeros:.0%} zeros; median of {args.repeats} runs")
    print(f"{'product':26s} {'shape':>22s} {'textbook':>10s} {'ours':>10s} {'speed-up':>9s}")
    for name, a, b, packed in cases:
        works = {"textbook": lambda _: plain_product(a, b), name: lambda _: a @ b}
        rows = [(name, a)]
        if packed:
            packed_name, packed_a = packed
            works[packed_name] = lambda _: packed_a @ b
            rows.append(packed)
        medians = median_seconds(works, args.repeats)
        slow = medians["textbook"]
        for row_name, row_a in rows:
            fast = medians[row_name]
            shape = f"{row_a.shape[0]}×{row_a.shape[1]} @ {b.shape[0]}×{b.shape[1]}"
            print(f"{row_name:26s} {shape:>22s} {slow * 1000:8.0f}ms {fast * 1000:8.1f}ms {slow / fast:8.1f}×")


if __name__ == "__main__":
    main()
