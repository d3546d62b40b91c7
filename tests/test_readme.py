"""Every command in README.md runs, so the README cannot rot.

The commands are read from README's ```sh blocks and run in order in one empty folder,
as a newcomer would type them: the first `python train.py` makes the model that the
`test_single.py` commands after it use. Commands that would take minutes run with
small limits added (QUICK); the few that cannot run here say why (NOT_RUN). Nothing
leaves the machine: `find_data.py --download` downloads from a local server.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.interrupt import running_until_ctrl_c
from tests.live_run import LiveRun
from tests.missing import NO_FASHION, NO_PYPY

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FASHION = Path("/usr/share/datasets/fashion-mnist")

NOT_RUN = {
    "pip install -r requirements.txt": ".ci/run installs requirements.txt before running the tests",
    "python -m pytest": "the test run this test is part of",
    "sudo apt-get install dataset-fashion-mnist": "installs a system package",
}

# Arguments added to a command so that it takes seconds; for a program given more than
# once, argparse keeps the last value, so these override the README's own.
QUICK = {
    "train.py": ["--limit", "300", "--test-limit", "100", "--epochs", "1", "--no-plots"],
    "benchmarks/matrix_product.py": ["--repeats", "1"],
    "benchmarks/train_step.py": ["--batches", "2", "--reference-batches", "1", "--memory-batches", "1"],
    "benchmarks/load_data.py": ["--runs", "1", "--naive-images", "500"],
    "benchmarks/predict_time.py": ["--runs", "1"],
    "benchmarks/predict_api.py": ["--requests", "3"],
    "benchmarks/live_overhead.py": ["--rounds", "1", "--limit", "640"],
    "benchmarks/accuracy.py": ["--limit", "300"],
    "benchmarks/convolution.py": ["--rounds", "2", "--plain-images", "1"],
    "benchmarks/augment_cost.py": ["--rounds", "2"],
    "benchmarks/workers.py": ["--rounds", "1", "--network", "mlp", "--batches", "1"],
    "benchmarks/experiments.py": ["--limit", "100", "--epochs", "1", "--only", "default", "augment",
                                  "--doc", "lab-book.md"],
}
# The scripts that judge what they measure: (the words of their verdict when it is met, when it is
# missed). They exit 0 or 1 as the verdict they print says: accuracy.py misses its bar on 300
# images; the timing scripts may miss their budget on a busy machine, and live_overhead.py its
# target in runs this short. This test checks that each runs and that its exit status tells its
# verdict, never how fast: speed is for the benchmarks themselves to measure.
VERDICTS = {
    "benchmarks/accuracy.py": ("; meets the bar", "; MISSES the bar"),
    "benchmarks/predict_time.py": ("within budget", "OVER budget"),
    "benchmarks/predict_api.py": ("within budget", "OVER budget"),
    "benchmarks/live_overhead.py": (": met.", ": MISSED."),
}


def readme_commands():
    """The command lines of README's ```sh blocks, with `a && b` as two commands."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            if line.strip():
                commands.extend(part.strip() for part in line.split("&&"))
    return commands


def test_readme_has_the_setup_and_test_commands_first():
    commands = readme_commands()
    assert commands[:3] == ["pip install -r requirements.txt", "python train.py", "python -m pytest"]


def how_to_run(command):
    """The command's argv as run here, or a string saying why it is not run here."""
    if command in NOT_RUN:
        return NOT_RUN[command]
    words = shlex.split(command)
    interpreter, script, args = words[0], words[1], words[2:]
    assert interpreter in ("python", "pypy3"), f"README command with an unknown interpreter: {command}"
    if interpreter == "pypy3":
        if not shutil.which("pypy3"):
            return NO_PYPY
        executable = shutil.which("pypy3")
    else:
        executable = sys.executable
    if "fashion" in args and not FASHION.is_dir():
        return NO_FASHION
    assert (ROOT / script).is_file(), f"README names a script that does not exist: {script}"
    if script == "train.py" and "--resume" in args:
        args = ["--resume", "--epochs", "2"]  # one more epoch than the quick run before it
    elif script == "learn.py" and args[:1] == ["train"]:
        args = args + ["--limit", "64", "--test-limit", "50", "--epochs", "1"]
    else:
        args = args + QUICK.get(script, [])
    return [executable, str(ROOT / script)] + args


def test_every_readme_command_runs(tmp_path, mirrors):
    """Each command runs; and following the README leaves the default model in place: after the
    first `python train.py`, only `--resume` (which carries on that very run) changes it."""
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "example-digit.png", tmp_path / "docs")
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")
    default_model = tmp_path / "models" / "mnist.json"
    ran, kept, not_here = 0, None, []
    for command in readme_commands():
        argv = how_to_run(command)
        if isinstance(argv, str):
            if command not in NOT_RUN:  # a program or data set this machine lacks
                not_here.append(f"{command} ({argv})")
            continue
        if "--serve" in argv:
            run_server_until_it_answers(argv, tmp_path, env)
        elif "--live" in argv:
            watch_until_it_has_finished(argv, tmp_path)
        elif "--download" in argv:
            download_from_the_local_mirror(argv, tmp_path, env, mirrors)
        else:
            run_to_the_end(argv, tmp_path, env)
        if kept is not None and "--resume" not in argv:
            assert default_model.read_bytes() == kept, f"{command} replaced models/mnist.json"
        kept = default_model.read_bytes() if default_model.exists() else None
        ran += 1
    assert ran >= 15 and kept is not None
    if not_here:
        pytest.skip(f"{ran} README commands ran; not here: " + "; ".join(not_here))


def run_to_the_end(argv, folder, env):
    """Run argv in folder; it must print something, no traceback, and end with the status it should."""
    result = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == expected_status(argv, result.stdout), \
        f"{argv}: exit status {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip() and "Traceback" not in result.stderr, argv
    return result


def expected_status(argv, out):
    """0, or for a script that judges what it measures (VERDICTS), the status its printed verdict means;
    learn.py check's, 1 while an exercise is not written or fails (the README's workbook is start's)."""
    script = argv[1]
    if Path(script).name == "learn.py" and argv[2:3] == ["check"]:
        return 0 if "not written yet" not in out and "✗" not in out else 1
    met, missed = VERDICTS.get(str(Path(script).relative_to(ROOT)), (None, None))
    if met is None:
        return 0
    assert (met in out) != (missed in out), f"{script} printed no verdict:\n{out}"
    return 0 if met in out else 1


def download_from_the_local_mirror(argv, folder, env, mirrors):
    """find_data.py --download, fetching MNIST from mirrors (a local server of data/MNIST's files) into an
    empty folder named by $MNIST_DIR: not from the internet into the clone's data/MNIST, found intact there."""
    shipped = {path.name: path.read_bytes() for path in (ROOT / "data" / "MNIST").iterdir()}
    mirrors.serve("mnist", shipped)
    target = folder / "downloaded"
    result = run_to_the_end(argv + ["--mirror", mirrors.url("mnist")], folder, dict(env, MNIST_DIR=str(target)))
    assert sorted(mirrors.requests) == sorted(f"/mnist/{name}" for name in shipped)
    assert {path.name: path.read_bytes() for path in target.iterdir()} == shipped
    assert f"Using {target} ($MNIST_DIR): complete, checksums OK." in result.stdout


def run_server_until_it_answers(argv, folder, env):
    """Start the drawing server on a free port, wait for its address, stop it with Ctrl-C."""
    with running_until_ctrl_c(argv + ["--port", "0"], lambda line: "http://127.0.0.1:" in line, cwd=folder,
                              env=env) as run:
        pass
    assert run.process.returncode == 0, run.err


def watch_until_it_has_finished(argv, folder):
    """Run train.py --live on a free port until training has finished and the page stays up, then Ctrl-C."""
    with LiveRun(*[arg for arg in argv[2:] if arg != "--live"], cwd=folder, python=argv[0]) as run:
        run.wait_for(lambda state: state["state"] == "finished")
    assert run.returncode == 0, run.err


@pytest.mark.parametrize("command", readme_commands())
def test_each_readme_command_has_a_known_interpreter_and_an_existing_script(command):
    """how_to_run's own asserts: the interpreter is python or pypy3 and the script exists.

    Not checked for a command in NOT_RUN, nor (the script) for one that cannot run here,
    e.g. a pypy3 command without pypy3. So a command added to README without a way to
    run it here fails this test.
    """
    how_to_run(command)
