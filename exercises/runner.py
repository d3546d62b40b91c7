"""Running the checks with a time limit: the learner's code in a process of its own.

A learner's function may loop forever. A thread cannot be stopped from outside in Python,
and an alarm signal works only on Unix and only in the main thread; a process can always
be ended, on every system and every Python (CPython 3.9–3.13, PyPy). So the checks run in
a worker process (worker.py), which reports each case it starts; when a case takes longer
than the time limit, the worker is ended, the exercise is reported as stopped, and a new
worker carries on with the exercises after it.

Files that are missing or are not valid Python are reported from here without running
anything: the file and line of a syntax error, for every exercise of that file.
"""

import json
import os
import queue
import subprocess
import sys
import threading

from .chapters import BY_NAME
from .checks import FAILED, NOT_WRITTEN, Result
from .workbook import file_of, shown_path, syntax_error

TIME_LIMIT = 5.0  # seconds a learner's function may take on one case
STARTING = 60.0  # seconds a worker may take to start: importing the project, on a busy machine
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check(directory, names, time_limit=TIME_LIMIT):
    """The Result of each exercise called name, checked in the workbook in directory, in order, each as
    soon as it is known."""
    directory = os.path.abspath(directory)
    known = {}
    for name in names:
        path = file_of(directory, name)
        if not os.path.exists(path):
            known[name] = Result(name, NOT_WRITTEN, f"not written yet: {shown_path(path)} is missing "
                                                    "(python learn.py start writes it again, and leaves the others alone)")
        else:
            problem = syntax_error(path)
            if problem:
                known[name] = Result(name, FAILED, problem)
    checked = _checked(directory, [name for name in names if name not in known], time_limit)
    for name in names:
        yield known[name] if name in known else next(checked)


def _checked(directory, names, time_limit):
    """The Results of the exercises called name, in order, from as many workers as it takes."""
    remaining = list(names)
    while remaining:
        with Worker(directory, remaining) as worker:
            for result in worker.results(time_limit):
                remaining.remove(result.name)
                yield result
                if worker.stopped_while_importing:  # the others of that file would hang the same way
                    chapter = BY_NAME[result.name].chapter
                    for name in [name for name in remaining if BY_NAME[name].chapter == chapter]:
                        remaining.remove(name)
                        yield Result(name, FAILED, result.message)


class Worker:
    """A worker process checking the exercises called names, in order; end it by leaving the with block."""

    def __init__(self, directory, names):
        self.names = list(names)
        self.stopped_while_importing = False
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen([sys.executable, "-m", "exercises.worker", directory, *names],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=environment,
                                        encoding="utf-8")
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        """Put each line the worker writes into self.lines, and None when it has closed its output."""
        try:
            for line in self.process.stdout:
                self.lines.put(line)
        except (OSError, ValueError):  # the output closed under it: the worker is being ended
            pass
        self.lines.put(None)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.reader.join(timeout=5)  # it reads to the end of the output, which a process the learner's code
        self.process.stdout.close()  # started might still hold open

    def results(self, time_limit):
        """The Result of each exercise the worker checks, until it has checked them all, or it is stopped
        for taking more than time_limit seconds on a case (the last Result says so), or it has ended."""
        name, case, limit = self.names[0], "starting", STARTING
        while True:
            try:
                line = self.lines.get(timeout=limit)
            except queue.Empty:
                self.stopped_while_importing = case.startswith("importing ")
                yield Result(name, FAILED, stopped(name, case, limit))
                return
            if line is None:
                if name in self.names:
                    yield Result(name, FAILED, ended(name, case, self.process.wait()))
                return
            event = json.loads(line)
            limit = time_limit
            if event["event"] == "case":
                name, case = event["name"], event["case"]
            elif event["event"] == "result":
                self.names = self.names[1:]
                name, case = (self.names[0] if self.names else None), "between two exercises"
                yield Result(event["name"], event["status"], event["message"])
                if not self.names:
                    return


def stopped(name, case, time_limit):
    """The message of an exercise stopped for running too long on case."""
    if case == "starting":
        return f"the checks did not start within {time_limit:g} seconds: is the machine very busy?"
    if case.startswith("importing "):
        return (f"{case} took more than {time_limit:g} seconds, and was stopped: does the file run a loop "
                "that never ends, outside any function?")
    return (f"{case}: {name} ran for more than {time_limit:g} seconds, and was stopped: does a loop never end? "
            "(A while loop whose condition never changes, or a loop over a list that grows as it goes.)")


def ended(name, case, status):
    """The message of an exercise whose worker ended without reporting on it (exit status status)."""
    if case == "starting":
        return f"the checks could not start (exit status {status}): python -m exercises.worker shows why"
    return (f"{case}: the process running {name} ended without a word (exit status {status}): does {name} "
            "call sys.exit or os._exit, or recurse without end?")
