"""Output to a terminal, a file or a pipe, and what to do when its reader goes away."""

import os
import sys

SIGPIPE_STATUS = 141  # 128 + SIGPIPE: the exit status of a Unix tool whose reader went away


def quiet_when_the_reader_goes(main):
    """main()'s exit status; when the reader of the output goes away, exit quietly instead.

    `python find_data.py | head -1`: head reads one line and exits, and the next write
    raises BrokenPipeError. A Unix tool would end there without a word, and so does this:
    no traceback, exit status 141. stdout is pointed at /dev/null first, as Python would
    otherwise report the failed flush of its buffer when it exits. main must let the
    error through (it is an OSError: catch it before any `except OSError`), and its
    `finally` blocks still run, so servers and workers are stopped as on any other end.
    """
    try:
        status = main()
        sys.stdout.flush()  # a reader that left after the last line shows up here
        return status
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return SIGPIPE_STATUS
