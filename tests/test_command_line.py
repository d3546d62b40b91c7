"""Every script answers a usage error in one form (show/command_line.py): one line saying what is
wrong, a guess where an option or a choice is close to a real one, where help is; exit status 2.
And a port already in use names a free one to try."""

import os
import re
import socket
import subprocess
import sys

import pytest

from network import Network
from network.model_file import save_network
from show.command_line import did_you_mean

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(script, *args, cwd=ROOT):
    return subprocess.run([sys.executable, os.path.join(ROOT, script), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def assert_usage_error(result, script, what):
    """One line on stderr, "SCRIPT: error: WHAT (help: python SCRIPT --help)", nothing on stdout, exit status 2.
    argparse's list of the choices, whose quoting differs between Python versions, is left out of WHAT."""
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    stderr = re.sub(r" \(choose from [^)]*\)", "", result.stderr, count=1)
    assert stderr == f"{script}: error: {what} (help: python {script} --help)\n"


@pytest.mark.parametrize("script, args, what", [
    ("train.py", ["--epocs", "3"], "unknown option --epocs: did you mean --epochs?"),
    ("train.py", ["--optimizer", "adamm"], "argument --optimizer: invalid choice: 'adamm': did you mean --optimizer adam?"),
    ("test_single.py", ["--indx", "3"], "unknown option --indx: did you mean --index?"),
    ("test_single.py", ["--dataset", "fashon"], "argument --dataset: invalid choice: 'fashon': did you mean --dataset "
                                                "fashion?"),
    ("find_data.py", ["--downlod"], "unknown option --downlod: did you mean --download?"),
    ("find_data.py", ["--dataset", "mnsit"], "argument --dataset: invalid choice: 'mnsit': did you mean --dataset mnist?"),
    ("compare_runs.py", ["--no-plt"], "unknown option --no-plt: did you mean --no-plot?"),
    ("learn.py", ["--dri"], "unknown option --dri: did you mean --dir?"),
    ("learn.py", ["chek"], "argument COMMAND: invalid choice: 'chek': did you mean check?"),
])
def test_a_typo_in_an_option_or_a_choice_is_one_line_with_a_guess(script, args, what):
    assert_usage_error(run(script, *args), script, what)


def test_a_run_name_close_to_a_recorded_one_gets_a_guess_too(tmp_path):
    from tests.test_compare_runs import write_record
    write_record(tmp_path / "runs", "sigmoid", [0.9])
    result = run("compare_runs.py", "sigmod", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == ("compare_runs.py: error: no run named 'sigmod' in runs/: "
                                                        "did you mean sigmoid? (ls runs/ lists the records)\n")


def test_a_model_name_close_to_a_saved_one_gets_a_guess(tmp_path):
    save_network(Network([784, 8, 10]), str(tmp_path / "models" / "sigmoid.json"), {"dataset": "mnist"})
    result = run("test_single.py", "--model", "sigmod", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == (
        f"test_single.py: error: {os.path.join('models', 'sigmod.json')}: no model there yet: did you mean "
        "--model sigmoid? Or train it: python train.py --name sigmod\n")


@pytest.mark.parametrize("script, args, what", [
    ("train.py", ["--epochs"], "argument --epochs: expected one argument"),
    ("train.py", ["--no-plots", "3"], "unexpected argument '3'"),
    ("train.py", ["--port", "8001"], "--port, --host and --paused go with --live"),
    ("test_single.py", ["--index", "3", "--count", "2"], "--count and --seed go with --random, not with --index or "
                                                         "--image"),
    ("find_data.py", ["--timeout", "0"], "--timeout must be more than 0 seconds"),
    ("compare_runs.py", ["--zzz"], "unknown option --zzz"),  # nothing near: no guess
])
def test_every_usage_error_has_the_same_form(script, args, what):
    assert_usage_error(run(script, *args), script, what)


def test_a_guess_only_when_one_is_near():
    assert did_you_mean("--limt", ["--limit", "--lr"]) == ": did you mean --limit?"
    assert did_you_mean("-seed", ["--seed"]) == ": did you mean --seed?"
    assert did_you_mean("--colour", ["--limit", "--lr"]) == ""
    assert did_you_mean("Adam", ["adam", "sgd"], prefix="--optimizer ") == ": did you mean --optimizer adam?"


# ---------------------------------------------------------------------- a port in use

def port_in_use():
    """A socket listening on a port of 127.0.0.1 (close it after use), and that port."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken, taken.getsockname()[1]


def suggested_port_is_free(stderr):
    """The port that the message "... try --port N, which is free now" names, after checking it is free."""
    port = int(stderr.split("try --port ")[1].split(",")[0])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # raises if it is not free
    return port


def test_the_drawing_page_on_a_port_in_use_names_a_free_one(tmp_path):
    save_network(Network([784, 8, 10]), str(tmp_path / "models" / "mnist.json"), {"dataset": "mnist"})
    taken, port = port_in_use()
    with taken:
        result = run("test_single.py", "--serve", "--port", str(port), cwd=tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith(f"test_single.py: error: cannot listen on 127.0.0.1:{port}: "
                                        "Address already in use: try --port ")
        assert result.stderr.endswith(", which is free now\n") and result.stderr.count("\n") == 1
        assert suggested_port_is_free(result.stderr) > port
