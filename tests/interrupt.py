"""Starting a program that a test will stop with Ctrl-C (SIGINT)."""

import contextlib
import select
import signal
import subprocess
import types

FIRST_LINE_TIMEOUT = 30  # seconds a program may take to print its first line
STOP_TIMEOUT = 10  # seconds it may take to end after Ctrl-C


def start_interruptible(argv, **options):
    """subprocess.Popen(argv, **options) with SIGINT at its default in the child.

    A shell starts background jobs (as CI may run the tests) with SIGINT ignored, the child
    would inherit that, and a Python that starts with SIGINT ignored never turns it into
    KeyboardInterrupt: Ctrl-C would then do nothing.
    """
    return subprocess.Popen(argv, preexec_fn=_default_sigint, **options)


@contextlib.contextmanager
def running_until_ctrl_c(argv, ready, **options):
    """Start argv (a server), hand its first line of output to the with block, then stop it with Ctrl-C.

    The program starts as start_interruptible starts it (options go to Popen), with stdout
    and stderr piped as text. Its first line is waited for at most FIRST_LINE_TIMEOUT
    seconds; ready(line) says whether it is the line expected, and when it is not, the
    program gets Ctrl-C first and the test then fails with the line and the program's
    stderr (read after Ctrl-C, so that a program that hangs cannot block the test).

    Yields run: run.process, run.first_line. Leaving the block sends SIGINT and waits up
    to STOP_TIMEOUT seconds for the program to end (else kills it and raises
    subprocess.TimeoutExpired); the rest of stdout and all of stderr are then run.out
    and run.err, the exit status run.process.returncode.
    """
    process = start_interruptible(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
    run = types.SimpleNamespace(process=process, first_line="", out=None, err=None)
    try:
        if select.select([process.stdout], [], [], FIRST_LINE_TIMEOUT)[0]:
            run.first_line = process.stdout.readline()
        if not ready(run.first_line):
            _ctrl_c(run)
            what = repr(run.first_line) if run.first_line else f"nothing within {FIRST_LINE_TIMEOUT} s"
            raise AssertionError(f"unexpected first line: {what}\n{run.err}")
        yield run
    finally:
        if run.err is None:  # not stopped yet
            _ctrl_c(run)


def _ctrl_c(run):
    """Send SIGINT (what Ctrl-C sends) to run.process and collect its output as it ends."""
    run.process.send_signal(signal.SIGINT)
    try:
        run.out, run.err = run.process.communicate(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        run.process.kill()
        run.out, run.err = run.process.communicate()
        raise


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
