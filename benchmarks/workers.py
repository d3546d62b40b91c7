"""How much faster does training go on more cores? Training images per second with train.py --workers N.

    python benchmarks/workers.py [--rounds 5] [--network mlp|cnn|both] [--workers 1 2] [--before REV] [--batches N]
    python benchmarks/workers.py --bytes [--workers 2 4 8]

Times train_epoch (network/training.py) on MNIST batches of 128, as train.py trains:
    mlp  the default network, python train.py: 784 → 128 → 10, SGD with momentum 0.9
    cnn  the README's, python train.py --conv 8x5 --hidden 128 --augment: a convolution of 8
         filters of 5 × 5, 2 × 2 max pooling, 1152 → 128 → 10, images shifted by up to a pixel

Each round times every way in turn, each in a fresh process that loads MNIST, makes the
network (seed 0), starts the workers (their start, once per run, is not timed), trains
two batches to warm up, then times the next batches twice: its images/s are the mean of
the two. The machine is shared and noisy: taking turns, a few seconds apart, slows every
way alike when something else runs for a while. The medians and the spread are over the
rounds; the load average before and after is printed. The speed-up of N workers is the
median images/s of N workers over the median of 1.

What the machine itself gives is measured in the same rounds: a job with nothing to share
(pure-Python arithmetic, as much as one core does in about a second) run by N processes at
once against one alone, N × its time alone ÷ the time of the slowest of the N. On a
machine whose cores are all there for us that is N; on a shared one it is less, and no
number of workers can beat it.

--before REV also times the code of the git revision REV (say, the commit before --workers
came), with no workers, taken out with git archive into a temporary folder: --workers 1
must be as fast as that.

--bytes counts, instead, what travels between the main process and the worker processes
for a batch (every pickled message, both ways), for each network and number of workers.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 128
NETWORKS = {  # the Network's arguments, --augment's pixels, batches timed in a turn
    "mlp": ({"sizes": [784, 128, 10]}, 0, 12),
    "cnn": ({"sizes": [784, 128, 10], "conv": [(8, 5)]}, 1, 2),
}

# Run in a fresh process with sys.argv = [tree, network, workers, batches]: prints the images/s.
MEASURE = """
import random, sys, time
sys.path.insert(0, sys.argv[1])
from data import load_mnist
from data.augment import Shifted
from network import SGD, Network, train_epoch
arguments, shift, batches = {networks}[sys.argv[2]]
workers, batches = int(sys.argv[3]), int(sys.argv[4]) or batches
train_set, _ = load_mnist()

def images(count):
    return Shifted(train_set.take(count * {batch}), shift) if shift else train_set.take(count * {batch})

net, optimizer, hook = Network(seed=0, **arguments), SGD(momentum=0.9), {{}}
if workers > 1:
    from network.parallel import Workers
    shared = Workers(workers, net, optimizer)
    optimizer, hook = shared.optimizer, dict(gradients_of=shared.gradients_of)

def images_per_second(data):
    began = time.perf_counter()
    train_epoch(net, optimizer, data, {batch}, random.Random(0), 0.01, **hook)
    return len(data) / (time.perf_counter() - began)

images_per_second(images(2))
timed = images(batches)
print(sum(images_per_second(timed) for turn in range(2)) / 2)
"""

# Run in a fresh process with sys.argv = [network, workers]: prints the bytes each way per batch.
COUNT = """
import random, sys
sys.path.insert(0, {root!r})
from multiprocessing.reduction import ForkingPickler
from data import load_mnist
from data.augment import Shifted
from network import SGD, Network, train_epoch
from network.parallel import Workers
arguments, shift, _ = {networks}[sys.argv[1]]
train_set, _ = load_mnist()
data = Shifted(train_set.take(4 * {batch}), shift) if shift else train_set.take(4 * {batch})
net = Network(seed=0, **arguments)
sent, received = [], []

class Counted:
    def __init__(self, connection):
        self.connection = connection
    def send(self, message):
        sent.append(len(ForkingPickler.dumps(message)))
        self.connection.send(message)
    def recv(self):
        message = self.connection.recv()
        received.append(len(ForkingPickler.dumps(message)))
        return message
    def close(self):
        self.connection.close()

with Workers(int(sys.argv[2]), net, SGD(momentum=0.9)) as workers:
    workers.connections = [Counted(connection) for connection in workers.connections]
    train_epoch(net, workers.optimizer, data, {batch}, random.Random(0), 0.01, gradients_of=workers.gradients_of)
print(sum(sent) / 4, sum(received) / 4)
"""


def nothing_to_share(_=None):
    """Seconds for a fixed amount of pure-Python arithmetic on lists of floats (as an optimizer's step does)."""
    began = time.perf_counter()
    rows = [[float(i + j) for j in range(128)] for i in range(400)]
    for _ in range(100):
        rows = [[w * 0.9 - 0.1 * v for w, v in zip(row, row)] for row in rows]
    return time.perf_counter() - began


def machine_speed_up(count):
    """count × the time of nothing_to_share alone (the mean of a run before and one after) ÷ that of the
    slowest of count processes running it at once."""
    before = nothing_to_share()
    with multiprocessing.Pool(count) as pool:
        together = pool.map(nothing_to_share, range(count))
    alone = (before + nothing_to_share()) / 2
    return count * alone / max(together)


def measure(tree, network, workers, batches):
    """Images/s of one way, in a fresh process running the code in tree (batches timed in a turn, 0: the network's)."""
    code = MEASURE.format(networks=NETWORKS, batch=BATCH)
    result = subprocess.run([sys.executable, "-c", code, tree, network, str(workers), str(batches)],
                            capture_output=True, text=True, cwd=tree, check=True)
    return float(result.stdout)


def load():
    return "load average {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def rounds_of(network, counts, rounds, before_tree, batches):
    """({way: [images/s of each round]}, {n: [machine_speed_up(n) of each round]}): the ways are "before"
    (when before_tree) and each number of workers, in turns; the machine's figure right after n workers."""
    ways = ([("before", before_tree, 1)] if before_tree else []) + [(n, ROOT, n) for n in counts]
    seen = {way: [] for way, _, _ in ways}
    machine = {n: [] for n in counts if n > 1}
    for _ in range(rounds):
        for way, tree, workers in ways:
            seen[way].append(measure(tree, network, workers, batches))
            if way in machine:
                machine[way].append(machine_speed_up(workers))
    return seen, machine


def report(network, seen, machine, before):
    rounds = len(seen[1])
    print(f"{network}: training images per second, median (min–max) of {rounds} rounds")
    medians = {way: statistics.median(values) for way, values in seen.items()}
    for way, values in seen.items():
        name = f"before ({before})" if way == "before" else f"--workers {way}"
        print(f"  {name:18} {medians[way]:7.1f}  ({min(values):.1f}–{max(values):.1f})")
    for way, median in medians.items():
        if way == "before":
            print(f"  --workers 1 ÷ before: {medians[1] / median:.3f}")
        elif way != 1:
            print(f"  --workers {way} ÷ --workers 1: {median / medians[1]:.2f}")
    for n, values in machine.items():
        print(f"  the machine, {n} processes with nothing to share ÷ 1: {statistics.median(values):.2f} "
              f"({min(values):.2f}–{max(values):.2f})")


def count_bytes(networks, counts):
    code = COUNT.format(root=ROOT, networks=NETWORKS, batch=BATCH)
    print(f"bytes per batch of {BATCH} between the main process and the worker processes (all of them)")
    for network in networks:
        for n in counts:
            if n > 1:
                result = subprocess.run([sys.executable, "-c", code, network, str(n)], capture_output=True,
                                        text=True, check=True)
                sent, received = map(float, result.stdout.split())
                print(f"  {network} --workers {n}: {sent / 1e6:.2f} MB to them, {received / 1e6:.2f} MB back")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds: each way once, in a fresh process (default 5)")
    parser.add_argument("--network", choices=["mlp", "cnn", "both"], default="both", help="(default both)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="numbers of workers (default 1 2)")
    parser.add_argument("--before", metavar="REV", help="also time the code of this git revision, without workers")
    parser.add_argument("--bytes", action="store_true", help="count the bytes that travel instead of timing")
    parser.add_argument("--batches", type=int, default=0, metavar="N",
                        help=f"batches timed in a turn (default: {NETWORKS['mlp'][2]} for mlp, "
                             f"{NETWORKS['cnn'][2]} for cnn)")
    args = parser.parse_args()
    networks = ["mlp", "cnn"] if args.network == "both" else [args.network]
    counts = sorted(set(args.workers) | {1})
    if args.bytes:
        count_bytes(networks, counts)
        return
    with tempfile.TemporaryDirectory() as before_tree:
        if args.before:
            archive = subprocess.run(["git", "-C", ROOT, "archive", args.before], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", before_tree], input=archive.stdout, check=True)
        print(f"{os.cpu_count()} cores; {load()}")
        for network in networks:
            report(network, *rounds_of(network, counts, args.rounds, args.before and before_tree, args.batches),
                   args.before)
        print(load())


if __name__ == "__main__":
    main()
