"""Starting a program that a test will stop with Ctrl-C (SIGINT)."""

import signal
import subprocess


def start_interruptible(argv, **options):
    """subprocess.Popen(argv, **options) with SIGINT at its default in the child.

    A shell starts background jobs (as CI may run the tests) with SIGINT ignored, the child
    would inherit that, and a Python that starts with SIGINT ignored never turns it into
    KeyboardInterrupt: Ctrl-C would then do nothing.
    """
    return subprocess.Popen(argv, preexec_fn=_default_sigint, **options)


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
