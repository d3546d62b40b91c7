"""How much faster does training go on more cores? Training images per second with train.py --workers N.

    python benchmarks/workers.py [--rounds 5] [--network mlp|cnn|both] [--workers 1 2] [--before REV] [--batches N]
    python benchmarks/workers.py --bytes [--workers 2 4 8]

Times train_epoch (network/training.py) on MNIST batches of 128, as train.py trains:
    mlp  the default network, python train.py: 784 → 128 → 10, SGD with momentum 0.9
    cnn  the README's, python train.py --conv 8x5 --hidden 64 --augment (its weight decay left out): a
         convolution of 8 filters of 5 × 5, 2 × 2 max pooling, 1152 → 64 → 10, images shifted by up to a pixel

Each round times every way in turn, each in a fresh process that loads MNIST, makes the
network (seed 0), starts the workers (their start, once per run, is not timed), trains
two batches to warm up, then times the next batches twice: its images/s are the mean of
the two. The machine is shared and noisy: taking turns, a few seconds apart, slows every
way alike when something else runs for a while. The medians and the spread are over the
rounds; the load average before and after is printed. The speed-up of N workers is the
median images/s of N workers over the median of 1.

What the machine itself gives this very work is measured in the same rounds: N trainings
of one process each (--workers 1), with nothing to share, timed at once, all starting
together; N × the images/s of the slowest of them ÷ those of --workers 1 alone, in the
same round. On a machine whose cores are all there for us that is N; on a shared one it
is less (its other work, cores that share their caches), and no number of workers can
beat it: the speed-up of N workers over it is how much of the machine they use.

--before REV also times the code of the git revision REV (say, the commit before --workers
came), with no workers, taken out with git archive into a temporary folder: --workers 1
must be as fast as that.

--bytes counts, instead, what travels between the main process and the worker processes
for a batch (every pickled message, both ways), for each network and number of workers.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 128
NETWORKS = {  # make_network's arguments, --augment's pixels, batches timed in a turn
    "mlp": ({"sizes": [784, 128, 10]}, 0, 12),
    "cnn": ({"sizes": [784, 64, 10], "conv": [(8, 5)]}, 1, 2),
}

# Run in a fresh process with sys.argv = [tree, network, workers, batches] (and "together": it says "ready" when
# warmed up and starts timing on a line from its standard input): prints the images/s.
MEASURE = """
import random, sys, time
sys.path.insert(0, sys.argv[1])
from data import load_mnist
from data.augment import Shifted
from network import SGD, train_epoch
arguments, shift, batches = {networks}[sys.argv[2]]
workers, batches = int(sys.argv[3]), int(sys.argv[4]) or batches
train_set, _ = load_mnist()

def images(count):
    return Shifted(train_set.take(count * {batch}), shift) if shift else train_set.take(count * {batch})

optimizer, hook = SGD(momentum=0.9), {{}}
try:  # the code since the first reading was cut out of the rest (a tree from --before may be older)
    from my_math.fast import use_fast_forms
    from network.architecture import make_network
    use_fast_forms()
    net = trainee = make_network(seed=0, **arguments)
    if workers > 1:
        from network.parallel import Workers
        trainee = Workers(workers, net, optimizer)
        optimizer = trainee.optimizer
except ImportError:
    from network import Network
    net = trainee = Network(seed=0, **arguments)
    if workers > 1:
        from network.parallel import Workers
        shared = Workers(workers, net, optimizer)
        optimizer, hook = shared.optimizer, dict(gradients_of=shared.gradients_of)

def images_per_second(data):
    began = time.perf_counter()
    train_epoch(trainee, optimizer, data, {batch}, random.Random(0), 0.01, **hook)
    return len(data) / (time.perf_counter() - began)

images_per_second(images(2))
timed = images(batches)
if sys.argv[5:] == ["together"]:
    print("ready", flush=True)
    sys.stdin.readline()
print(sum(images_per_second(timed) for turn in range(2)) / 2)
"""

# Run in a fresh process with sys.argv = [network, workers]: prints the bytes each way per batch.
COUNT = """
import random, sys
sys.path.insert(0, {root!r})
from multiprocessing.reduction import ForkingPickler
from data import load_mnist
from data.augment import Shifted
from my_math.fast import use_fast_forms
from network import SGD, train_epoch
from network.architecture import make_network
from network.parallel import Workers
arguments, shift, _ = {networks}[sys.argv[1]]
train_set, _ = load_mnist()
data = Shifted(train_set.take(4 * {batch}), shift) if shift else train_set.take(4 * {batch})
use_fast_forms()
net = make_network(seed=0, **arguments)
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
    train_epoch(workers, workers.optimizer, data, {batch}, random.Random(0), 0.01)
print(sum(sent) / 4, sum(received) / 4)
"""


def measuring(tree, network, workers, batches, *more):
    """The command that runs MEASURE on the code in tree (batches timed in a turn, 0: the network's)."""
    code = MEASURE.format(networks=NETWORKS, batch=BATCH)
    return [sys.executable, "-c", code, tree, network, str(workers), str(batches), *more]


def measure(tree, network, workers, batches):
    """Images/s of one way, in a fresh process running the code in tree."""
    result = subprocess.run(measuring(tree, network, workers, batches), capture_output=True, text=True, cwd=tree,
                            check=True)
    return float(result.stdout)


def machine_speed_up(network, count, batches, alone):
    """count × the images/s of the slowest of count one-process trainings timed at once ÷ alone, the images/s
    of one timed alone (in the same round)."""
    command = measuring(ROOT, network, 1, batches, "together")
    runs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            for _ in range(count)]
    for run in runs:
        run.stdout.readline()  # ready: loaded and warmed up
    for run in runs:
        run.stdin.write("go\n")
        run.stdin.flush()
    return count * min(float(run.communicate()[0]) for run in runs) / alone


def load():
    return "load average {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def rounds_of(network, counts, rounds, before_tree, batches):
    """({way: [images/s of each round]}, {n: [machine_speed_up of each round]}): the ways are "before"
    (when before_tree) and each number of workers, in turns; the machine's figure for n right after n workers."""
    ways = ([("before", before_tree, 1)] if before_tree else []) + [(n, ROOT, n) for n in counts]
    seen = {way: [] for way, _, _ in ways}
    machine = {n: [] for n in counts if n > 1}
    for _ in range(rounds):
        for way, tree, workers in ways:
            seen[way].append(measure(tree, network, workers, batches))
            if way in machine:
                machine[way].append(machine_speed_up(network, workers, batches, seen[1][-1]))
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
        print(f"  the machine, {n} trainings of one process at once ÷ 1: {statistics.median(values):.2f} "
              f"({min(values):.2f}–{max(values):.2f}); --workers {n} ÷ the machine's: "
              f"{statistics.median(seen[n]) / medians[1] / statistics.median(values):.2f}")


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
