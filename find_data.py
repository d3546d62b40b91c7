"""Find MNIST (or Fashion-MNIST) on this machine, check every file, and download it if asked.

    python find_data.py                       # where is MNIST, and is it complete and intact?
    python find_data.py --dataset fashion     # the same for Fashion-MNIST
    python find_data.py --data-dir DIR        # check DIR: a folder of the files, a torchvision root or a Keras .npz
    python find_data.py --download            # fetch missing or damaged files, then check

--download writes into --data-dir, else $MNIST_DIR ($FASHION_MNIST_DIR), else the data
package's folder (data/MNIST, data/FashionMNIST).

It looks, in order, in --data-dir and $MNIST_DIR ($FASHION_MNIST_DIR), each also as a
torchvision root (DIR/MNIST/raw), then data/MNIST next to the data package, ./data/MNIST,
~/.cache/mnist, ./data/MNIST/raw (torchvision), ~/.keras/datasets/mnist.npz (Keras) and,
for Fashion-MNIST, /usr/share/datasets/fashion-mnist.
It prints what it found, ✓ or ✗ for each file with its checksum, and which copy
load_mnist would use: the folder you named, else the first complete one.

Exit status: 0 when that copy is complete and intact; 1 when not, after printing the
command that fixes it; 2 for bad arguments or a named folder that cannot be used.
"""

import os
import sys

from data import DataError
from data.catalog import DATASETS, DEFAULT_DATASET, PARTS
from data.search import candidates, download_command, download_folder, named_location, repair_command
from show.command_line import ArgumentParser
from show.terminal import quiet_when_the_reader_goes


def main(argv=None):
    """Run the command line in argv (default sys.argv[1:]); return the exit status."""
    args = parse_args(argv)
    info = DATASETS[args.dataset]
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a terminal that cannot show ✓ gets ? rather than a crash
    try:
        if args.download:
            target = download_folder(info, args.data_dir)
            if os.path.exists(target) and not os.path.isdir(target):
                return _refuse(f"{target}: is not a folder, cannot download into it")
            from data.download import download  # urllib and ssl: only --download needs them
            try:
                download(target, info.key, mirrors=args.mirror, timeout=args.timeout)
            except DataError as error:
                print(f"✗ {error}")
                return 1
        try:
            chosen = named_location(info, args.data_dir)
        except DataError as error:
            return _refuse(str(error))
        return _report(info, args.data_dir, chosen)
    except KeyboardInterrupt:
        print("\ninterrupted: no partly downloaded file was left behind", file=sys.stderr)
        return 130


def parse_args(argv):
    parser = ArgumentParser(prog="find_data.py", description="Find, check and download MNIST or Fashion-MNIST.")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default=DEFAULT_DATASET)
    parser.add_argument("--data-dir", help="a folder of the IDX files, a torchvision root, or a Keras .npz")
    parser.add_argument("--download", action="store_true",
                        help="download missing or damaged files into --data-dir (default: the data package's folder)")
    parser.add_argument("--mirror", action="append",
                        help="a base URL to download from instead of the known mirrors (repeat for several)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for a server (default: 30)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be more than 0 seconds")
    return args


def _refuse(message):
    print(f"find_data.py: {message}", file=sys.stderr)
    return 2


def _report(info, data_dir, chosen):
    """Print every location and its files, then the verdict on the copy load_mnist would use."""
    print(f"Looking for {info.title}, in this order:")
    places = candidates(info, data_dir)
    problems = {}
    for place in places:
        if not place.exists():
            print(f"  - {place.path}  ({place.source}): not here")
            continue
        print(f"  {place.path}  ({place.source})")
        problems[place.path] = _check(place, info)
    # The copy named (one of the first places) or the first complete one: either way a
    # place that exists, so it has been checked above.
    chosen = chosen or next((place for place in places if place.complete()), None)
    if chosen is None:
        print(f"No complete copy of {info.title} found. To fix, run:\n  {download_command(info)}")
        return 1
    if problems[chosen.path]:
        print(f"{chosen.path} ({chosen.source}) is not a complete, intact copy of {info.title}. To fix, run:\n"
              f"  {repair_command(info, chosen)}")
        return 1
    print(f"Using {chosen.path} ({chosen.source}): complete, checksums OK.")
    return 0


def _check(place, info):
    """Print a ✓ or ✗ line for each file at place; return how many have a problem."""
    problems = 0
    for part in PARTS:
        try:
            array = place.read(part, info)
            shape = " × ".join(map(str, array.dims))
            print(f"    ✓ {os.path.basename(place.file(part))}  {shape}, checksum OK")
        except DataError as error:
            problems += 1
            print(f"    ✗ {error}")
    return problems


if __name__ == "__main__":
    sys.exit(quiet_when_the_reader_goes(main))
