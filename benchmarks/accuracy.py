"""Test accuracy of train.py's default settings, of the longer documented settings, or of the README's CNN.

    python benchmarks/accuracy.py            # python train.py: 5 epochs; the bar is 97.5%
    python benchmarks/accuracy.py --long     # python train.py --epochs 20; the bar is 98.0%
    python benchmarks/accuracy.py --augment  # python train.py --augment --epochs 20; the bar is 98.5%
    python benchmarks/accuracy.py --shifted  # the README's shifted images in under 10 minutes; the bar is 98.5%
    python benchmarks/accuracy.py --cnn      # the README's convolutional network; the bar is 99.0%
    pypy3 benchmarks/accuracy.py --cnn       # PyPy's own figures, several times sooner

It runs train.py (with the interpreter running this script) without --data-dir, so on
the MNIST that load_mnist finds: the folder in $MNIST_DIR if set, else the first
complete copy in data/search.py's order, the one shipped in data/MNIST first. It writes
its model into a temporary folder and prints the test accuracy after every epoch from
the training history train.py saves. CPython 3.9–3.11 compute bit for bit
the same weights; 3.12+ (whose sum rounds more carefully) and PyPy (which multiplies
the images as floats, not packed) differ in the last digits, and so may the figures.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

TRAIN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "train.py")
SETTINGS = {  # name: (extra arguments to train.py, the bar for the final test accuracy)
    "default": ([], 0.975),
    "long": (["--epochs", "20"], 0.980),
    "augment": (["--augment", "--epochs", "20"], 0.985),
    "shifted": (["--augment", "--epochs", "8", "--batch-size", "64", "--workers", "auto"], 0.985),
    "cnn": (["--conv", "8x5", "--hidden", "64", "--augment", "--epochs", "7", "--weight-decay", "0.0005",
             "--workers", "auto"], 0.990),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--long", action="store_true", help="the 20-epoch setting instead of the default")
    which.add_argument("--augment", action="store_true", help="20 epochs with shifted training images (--augment)")
    which.add_argument("--shifted", action="store_true",
                       help="shifted training images, 8 epochs in batches of 64 on every core: the README's recipe")
    which.add_argument("--cnn", action="store_true", help="the README's convolutional network instead of the default")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="train and test on N images only, for 2 epochs: a quick check that the benchmark "
                             "runs, whose accuracy says nothing about the bar")
    args = parser.parse_args()
    name = ("long" if args.long else "augment" if args.augment else "shifted" if args.shifted else "cnn" if args.cnn
            else "default")
    extra, bar = SETTINGS[name]
    if args.limit:
        extra = extra + ["--limit", str(args.limit), "--test-limit", str(args.limit), "--epochs", "2"]
    with tempfile.TemporaryDirectory() as folder:
        model = os.path.join(folder, "model.json")
        command = [sys.executable, TRAIN, "--no-plots", "--quiet", "--out", model, "--runs-dir", folder] + extra
        print("$", " ".join(["python", "train.py"] + extra), flush=True)
        started = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - started
        with open(os.path.join(folder, "model.state.json"), encoding="utf-8") as f:
            history = json.load(f)["history"]
    print(f"\n{'epoch':>5} {'lr':>8} {'train acc':>10} {'test acc':>9} {'seconds':>8}")
    for h in history:
        print(f"{h['epoch']:>5} {h['lr']:>8.4f} {h['train_accuracy']:>10.2%} {h['test_accuracy']:>9.2%} {h['seconds']:>8.0f}")
    final = history[-1]["test_accuracy"]
    epochs_time = sum(h["seconds"] for h in history)
    print(f"\n{platform.python_implementation()} {platform.python_version()}: {epochs_time / 60:.1f} minutes of "
          f"epochs (training and the test after each), {wall / 60:.1f} minutes for the whole command")
    verdict = "meets" if final >= bar else "MISSES"
    print(f"\n{name} setting: final test accuracy {final:.2%} after {len(history)} epochs; {verdict} the bar of {bar:.1%}")
    return 0 if final >= bar else 1


if __name__ == "__main__":
    sys.exit(main())
