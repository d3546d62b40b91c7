"""The process in which a learner's functions run while they are checked:

    python -m exercises.worker WORKBOOK NAME ...

It checks the exercises named, in order, and tells runner.py what it is doing, one JSON
object a line on its standard output: {"event": "ready"} once started, {"event": "case",
"name", "case"} before each case a function meets (and before importing its file), and
{"event": "result", "name", "status", "message"} after each exercise. runner.py watches
the time between them and ends this process when a function runs too long; that is why
the learner's code runs here and not in learn.py's own process.

Whatever the learner's code prints goes to standard error, so that it cannot mix with
these lines.
"""

import importlib
import json
import os
import sys

from .chapters import BY_NAME
from .checks import FAILED, NOT_WRITTEN, Result, check, error_text
from .values import describe
from .workbook import shown_path


def main(argv):
    directory, names = os.path.abspath(argv[0]), argv[1:]
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the learner's prints go to standard error
    sys.dont_write_bytecode = True  # no __pycache__ in the workbook
    sys.path.insert(0, directory)  # for the workbook's files to import each other: from matrices import matmul

    def tell(**event):
        events.write(json.dumps(event) + "\n")
        events.flush()

    tell(event="ready")
    for name in names:
        exercise = BY_NAME[name]
        tell(event="case", name=name, case=f"importing {shown_path(os.path.join(directory, exercise.chapter + '.py'))}")
        function = learner_function(exercise, directory)
        if isinstance(function, Result):
            result = function
        else:
            result = check(exercise, function, directory, lambda label: tell(event="case", name=name, case=label))
        tell(event="result", **result._asdict())
    return 0


def learner_function(exercise, directory):
    """The learner's function for the exercise, or the Result that says why there is none to check."""
    path = shown_path(os.path.join(directory, exercise.chapter + ".py"))
    try:
        module = importlib.import_module(exercise.chapter)
    except (Exception, SystemExit) as error:
        return Result(exercise.name, FAILED, f"importing {path} raised {error_text(error, directory)}")
    function = getattr(module, exercise.name, None)
    if function is None:
        return Result(exercise.name, NOT_WRITTEN, f"not written yet: {path} has no function {exercise.name}")
    if not callable(function):
        return Result(exercise.name, FAILED, f"{exercise.name} in {path} is {describe(function)}, not a function")
    return function


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl-C reaches this process too: runner.py says what happened
        sys.exit(130)
