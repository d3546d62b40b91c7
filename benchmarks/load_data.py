"""How long does loading MNIST take, and how much memory? Our loader next to a naive one.

    python benchmarks/load_data.py [--runs 5] [--naive-images 10000] [--python PYTHON]

Each run loads in a fresh Python process, so nothing is cached or already in memory.
The time is measured inside that process around the load: for load_mnist, importing the
data package included; the naive loader imports gzip before its timer starts. The peak
memory is the process's peak resident set size (RSS), as its parent sees it through
resource.getrusage(RUSAGE_CHILDREN).ru_maxrss. That figure is the largest over all the
children a process has waited for, so each run gets a parent of its own that waits for
that one child: this script starts "measure" processes, and each starts one loader.

The naive reference reads the same file into a list of lists of floats (pixel / 255),
as a first version often does. It would need gigabytes for all 70 000 images, so it
loads --naive-images of them and the figures for 70 000 are extrapolated linearly.
Prints medians over the runs. Unix only (the resource module).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.common import megabytes_of_maxrss  # noqa: E402  (after the path is set)

ALL_IMAGES = 70000

# What each loader process runs. Each prints the seconds its load took.
PROGRAMS = {
    "python alone": "print(0.0)",
    "load_mnist": f"""
import sys, time
sys.path.insert(0, {ROOT!r})
start = time.perf_counter()
from data import load_mnist
train, test = load_mnist(verify=sys.argv[1] == "verify")
assert len(train) + len(test) == {ALL_IMAGES}
print(time.perf_counter() - start)
""",
    "naive": f"""
import gzip, sys, time
start = time.perf_counter()
count = int(sys.argv[1])
with gzip.open({os.path.join(ROOT, "data", "MNIST", "train-images-idx3-ubyte.gz")!r}) as f:
    f.read(16)
    images = [[pixel / 255 for pixel in f.read(784)] for _ in range(count)]
with gzip.open({os.path.join(ROOT, "data", "MNIST", "train-labels-idx1-ubyte.gz")!r}) as f:
    f.read(8)
    labels = list(f.read(count))
print(time.perf_counter() - start)
""",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-images", type=int, default=10000, help="how many images the naive loader loads")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure (default: this one)")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)  # a measure process: PROGRAM [ARG]
    args = parser.parse_args()
    if args.measure:
        return measure(args.python, *args.measure)

    version = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0], sys.implementation.name)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"Loading MNIST: median of {args.runs} fresh processes, {version}\n")
    print(f"{'loader':<26}{'images':>8}{'load s':>10}{'process s':>11}{'peak RSS MB':>13}")
    alone = report(args, "python alone", 0)
    report(args, "load_mnist", ALL_IMAGES, "verify")
    report(args, "load_mnist", ALL_IMAGES, "no-verify")
    naive = report(args, "naive", args.naive_images, str(args.naive_images))
    scale = ALL_IMAGES / args.naive_images
    print(f"{'naive, scaled':<26}{ALL_IMAGES:>8}{naive['load'] * scale:>10.2f}{'':>11}"
          f"{alone['rss'] + (naive['rss'] - alone['rss']) * scale:>13.0f}   (extrapolated linearly)")


def report(args, program, images, *program_args):
    """Run program in args.runs fresh processes; print and return the medians."""
    runs = [json.loads(subprocess.run(
        [sys.executable, __file__, "--python", args.python, "--measure", program, *program_args],
        capture_output=True, text=True, check=True).stdout) for _ in range(args.runs)]
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(f"{' '.join((program, *program_args)):<26}{images:>8}{medians['load']:>10.2f}{medians['process']:>11.2f}{medians['rss']:>13.0f}")
    return medians


def measure(python, program, *program_args):
    """Run one loader process; print its load time, its whole time and its peak RSS in MB, as JSON."""
    start = time.perf_counter()
    done = subprocess.run([python, "-c", PROGRAMS[program], *program_args], capture_output=True, text=True, check=True)
    process = time.perf_counter() - start
    megabytes = megabytes_of_maxrss(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"load": float(done.stdout), "process": process, "rss": megabytes}))


if __name__ == "__main__":
    main()
