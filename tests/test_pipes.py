"""Scripts whose reader goes away (`python find_data.py | head -1`) end quietly, as Unix tools do.

Each script's standard output is a pipe whose reading end is closed before the script
starts, so its first write fails for sure: the case of a reader that went away early.
"""

import os
import subprocess
import sys

import pytest

from network import Network
from network.model_file import save_network
from network.run_records import RunRecord
from network.settings import DEFAULTS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIGPIPE_STATUS = 141


def run_with_a_reader_gone(*argv, cwd=ROOT):
    """Run a script with argv, its stdout a pipe nobody reads; (exit status, stderr)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, *argv], cwd=cwd, stdout=write_end, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    finally:
        os.close(write_end)
    return result.returncode, result.stderr


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("pipes") / "model.json")
    save_network(Network([784, 8, 10]), path, {"dataset": "mnist"})
    return path


@pytest.mark.parametrize("argv", [
    ["find_data.py"],
    ["train.py", "--limit", "64", "--epochs", "1", "--no-plots", "--out", "{tmp}/m.json"],
    ["test_single.py", "--random", "--count", "50", "--model", "{model}"],
    ["test_single.py", "--index", "3", "--json", "--model", "{model}"],
    ["compare_runs.py", "--no-plot"],
])
def test_a_script_whose_reader_went_away_ends_quietly(argv, model, tmp_path):
    argv = [os.path.join(ROOT, argv[0])] + [a.format(tmp=tmp_path, model=model) for a in argv[1:]]
    record = RunRecord.start(str(tmp_path / "runs"), "a-run", [], dict(DEFAULTS), "models/mnist.json")
    record.update([{"epoch": 1, "test_accuracy": 0.9, "test_loss": 0.3, "seconds": 5.0}])  # for compare_runs.py
    status, err = run_with_a_reader_gone(*argv, cwd=tmp_path)
    assert "Traceback" not in err and "Broken pipe" not in err and "BrokenPipeError" not in err, err
    assert status == SIGPIPE_STATUS, err
