"""Do two versions of the code train the same weights? Short runs of train.py, one per kind of network.

    python benchmarks/same_weights.py --before df9c897      # this tree against that revision's
    python benchmarks/same_weights.py --before HEAD~3 --only "--workers 2" "--conv 8x5 --hidden 128"

For each of COMMANDS, train.py runs for 2 epochs on 256 images (unless the command says
otherwise) in this tree and in the tree of git revision --before, and the model files'
layers are compared as the files write them: the same text is the same floats, bit for
bit. A run that stops (--lr 1e9 diverges) is compared by what it prints on stderr. The
commands cover every option that changes what a step computes: the activations, dropout,
the optimizers and weight decay, shifted images, convolutions, the workers, --textbook.
A refactoring that claims to change nothing but the code's shape shows it here.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHORT = ["--epochs", "2", "--test-limit", "100", "--no-plots", "--quiet"]
COMMANDS = [
    "",
    "--activation sigmoid",
    "--activation tanh --dropout 0.2",
    "--activation leaky_relu",
    "--optimizer rmsprop",
    "--optimizer adam --lr 0.001 --hidden 256 64",
    "--dropout 0.2",
    "--augment",
    "--augment 2 --schedule step",
    "--conv 8x5 --hidden 128 --augment",
    "--conv 4x3 4x3 --hidden 32",
    "--conv 4x5 --hidden none --activation tanh",
    "--conv 4x5 --hidden 32 --dropout 0.3 --activation sigmoid",
    "--hidden none",
    "--weight-decay 0.001 --momentum 0",
    "--weight-decay 0.001 --optimizer adam",
    "--schedule constant --batch-size 32",
    "--workers 2",
    "--workers 2 --dropout 0.2 --optimizer adam",
    "--workers 2 --conv 8x5 --hidden 128 --augment",
    "--workers 3 --hidden 64 32",
    "--textbook --limit 64",
    "--textbook --limit 64 --conv 2x3 --hidden 16",
    "--workers 2 --textbook --limit 64",
    "--lr 1e9",
]


def weights(tree, options, python):
    """What the run of train.py in tree with options ends with: a hash of its model's layers, or of its stderr."""
    with tempfile.TemporaryDirectory() as folder:
        model = os.path.join(folder, "m.json")
        args = options.split() + SHORT + ["--out", model, "--runs-dir", folder]
        if "--limit" not in options:
            args += ["--limit", "256"]
        run = subprocess.run([python, os.path.join(tree, "train.py"), *args], cwd=folder, capture_output=True,
                             text=True)
        if not os.path.exists(model):
            return f"status {run.returncode}: " + hashlib.sha256(run.stderr.encode()).hexdigest()[:16]
        with open(model, encoding="utf-8") as f:
            layers = json.load(f)["layers"]
        return hashlib.sha256(json.dumps(layers).encode()).hexdigest()[:16]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, metavar="REV", help="the git revision to compare this tree with")
    parser.add_argument("--only", nargs="+", metavar="OPTIONS", help="these of COMMANDS only")
    args = parser.parse_args()
    commands = args.only or COMMANDS
    differ = 0
    with tempfile.TemporaryDirectory() as before_tree:
        archive = subprocess.run(["git", "-C", ROOT, "archive", args.before], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", before_tree], input=archive.stdout, check=True)
        print(f"train.py {' '.join(SHORT)}, in this tree and in {args.before}'s ({sys.executable})")
        for options in commands:
            now, before = weights(ROOT, options, sys.executable), weights(before_tree, options, sys.executable)
            same = now == before
            differ += not same
            print(f"  {options or '(the defaults)':58} {now:>28}  {'same' if same else 'DIFFERENT: ' + before}",
                  flush=True)
    print(f"{len(commands) - differ} of {len(commands)} runs end with the same weights, bit for bit")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
