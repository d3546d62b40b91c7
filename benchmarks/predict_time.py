"""How long does test_single.py take to answer, from the command to the printed answer? Budget: 0.5 s.

    python benchmarks/predict_time.py [--runs 7] [--model PATH] [--python PYTHON]

Each command runs --runs times, each time in a fresh process, and this script times it
from start to exit: interpreter start, imports, loading the model and the images, the
prediction and the printing are all included, as when you type the command. It prints
the median of each, next to references measured in the same run, on the same machine:

    python alone            python -c pass: no Python program starts faster
    load the model          import network/model_file.py and load_network the model file
    load all of MNIST       load_mnist(): all 70 000 images, which one prediction should not need
    predict a test image    python test_single.py --index 0
    predict a PNG file      python test_single.py --image digit.png (test image 0 drawn 3× larger,
                            black on white: Pillow and data/preprocess.py included)

The model is --model, else models/mnist.json; without one, an untrained 784-128-10
network of the same size as train.py's stands in (loading time depends on the number
of weights, not their values). Exit status 1 when predicting a test image is over budget.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.common import DEFAULT_MODEL, untrained_stand_in  # noqa: E402
from data import load_mnist  # noqa: E402  (after the path is set, to run from any folder)
from network.model_file import save_network  # noqa: E402

BUDGET = 0.5  # seconds, for one prediction of a test image


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command (default 7)")
    parser.add_argument("--model", help="the model file (default models/mnist.json, else an untrained stand-in)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure (default: this one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        model = args.model or DEFAULT_MODEL
        if not args.model and not os.path.exists(model):
            model = os.path.join(scratch, "untrained.json")
            save_network(untrained_stand_in(), model)
            print("No models/mnist.json: an untrained 784-128-10 network stands in.")
        digit = save_test_digit(os.path.join(scratch, "digit.png"))

        version = subprocess.run([args.python, "-c", "import sys; print(sys.implementation.name, sys.version.split()[0])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        print(f"Wall time of a fresh process, median of {args.runs} runs, {version}; model {model}\n")
        commands = [
            ("python alone", ["-c", "pass"]),
            ("load the model", ["-c", "import sys; from network.model_file import load_network; load_network(sys.argv[1])",
                                model]),
            ("load all of MNIST", ["-c", "from data import load_mnist; load_mnist()"]),
            ("predict a test image", ["test_single.py", "--model", model, "--index", "0"]),
            ("predict a PNG file", ["test_single.py", "--model", model, "--image", digit]),
        ]
        medians = {}
        for name, command in commands:
            medians[name] = median_seconds([args.python, *command], args.runs)
            print(f"  {name:<22}{medians[name]:6.3f} s")

    predict = medians["predict a test image"]
    print(f"\nPredicting a test image: {predict:.3f} s, budget {BUDGET} s: {'within' if predict <= BUDGET else 'OVER'} budget; "
          f"{predict - medians['python alone']:.3f} s more than starting Python.")
    return 0 if predict <= BUDGET else 1


def save_test_digit(path):
    """Save MNIST test image 0 as a PNG, 3× larger, black ink on white paper, like a scan; return path."""
    from PIL import Image

    pixels = load_mnist()[1].image(0)
    picture = Image.new("L", (28, 28))
    picture.putdata([255 - v for v in pixels])
    picture.resize((84, 84), Image.NEAREST).save(path)
    return path


def median_seconds(command, runs):
    """The median wall time of runs runs of command, each in a fresh process started in the project's folder."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return statistics.median(times)


if __name__ == "__main__":
    sys.exit(main())
