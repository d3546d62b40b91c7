"""Checking one exercise: the learner's function against the project's plain definition.

The check calls the learner's function on each case of cases.py in turn, the worked
example first, and compares what comes back with what the project computes (reference.py)
number by number, within the exercise's tolerance. A backward function then meets a
finite-difference check (gradients.py). The first case that fails ends the check with a
message: the case, the inputs, what was expected, what came back (or the error raised,
with its line in the workbook), where the two first differ, and the known mistake it
matches, if any (mistakes.py). he_init is checked by its statistics instead (by_statistics.py).

A check never lets the learner's error out: it becomes the message. A function that runs
forever is stopped from outside, by runner.py.
"""

import copy
import os
import textwrap
import traceback
from collections import namedtuple

from . import by_statistics, gradients, reference
from .cases import cases
from .mistakes import MISTAKES
from .workbook import shown_path
from .values import describe, first_difference, number, numbers_in, places, shape_of, shown

Result = namedtuple("Result", "name status message")
Result.__doc__ = """What the check of one exercise found: status PASSED, FAILED or NOT_WRITTEN, and the
message, whose first line sums it up and whose other lines give the details."""

PASSED, FAILED, NOT_WRITTEN = "passed", "failed", "not written"


def check(exercise, function, directory, on_case=lambda label: None):
    """The Result of checking function, the learner's exercise written in the workbook in directory.

    on_case(label) is told of each case before the function meets it (runner.py times them).
    """
    if exercise.name == "he_init":
        return by_statistics.check(exercise, function, directory, on_case)
    for index, case in enumerate(cases(exercise.name)):
        on_case(case.label)
        expected = getattr(reference, exercise.name)(*case.args)
        args = copy.deepcopy(case.args)
        try:
            got = function(*args)
        except (Exception, SystemExit) as error:
            if index == 0 and isinstance(error, NotImplementedError):
                return not_written(exercise)
            return Result(exercise.name, FAILED, failure(exercise, case, expected, error=error, directory=directory))
        if not exercise.changes_arguments and args != case.args:
            return Result(exercise.name, FAILED, changed_arguments(exercise, case, args))
        problems = differences(exercise, got, expected)
        if problems:
            return Result(exercise.name, FAILED, failure(exercise, case, expected, got=got, problems=problems))
    if exercise.name in gradients.CHECKED:
        on_case("finite differences")
        try:
            problem = by_finite_differences(exercise, function)
        except (Exception, SystemExit) as error:
            problem = f"raised {error_text(error, directory)} in the finite-difference check"
        if problem:
            return Result(exercise.name, FAILED, problem)
    return Result(exercise.name, PASSED, passed(exercise))


def not_written(exercise):
    """The Result of an exercise whose function still raises NotImplementedError, as start wrote it."""
    return Result(exercise.name, NOT_WRITTEN, "not written yet")


def passed(exercise):
    """What a pass says: how many cases, and how close each number was."""
    count = len(cases(exercise.name))
    finite = " and the finite-difference check" if exercise.name in gradients.CHECKED else ""
    tolerance = exercise.tolerance
    return (f"{count} cases{finite} passed: every number within {tolerance.relative:g} × its size "
            f"+ {tolerance.absolute:g} of the project's")


def differences(exercise, got, expected):
    """[(part name or "", difference in words)] of got from expected; [] when they agree."""
    if not exercise.parts:
        difference = first_difference(got, expected, exercise.tolerance)
        return [("", difference)] if difference else []
    if not isinstance(got, (tuple, list)) or len(got) != len(exercise.parts):
        together = ", ".join(exercise.parts)
        return [("", f"returned {describe(got)}, where the tuple ({together}) was expected: "
                     f"return {together}")]
    found = []
    for part, mine, theirs in zip(exercise.parts, got, expected):
        difference = first_difference(mine, theirs, exercise.tolerance, name=part)
        if difference:
            found.append((part, difference))
    return found


def failure(exercise, case, expected, got=None, error=None, problems=(), directory=""):
    """The message of a failed case: a summary line, then the inputs, expected, what came back, the mistake."""
    mistakes = named_mistakes(exercise, case.args, got, error, [part for part, _ in problems])
    if error is not None:
        what = f"raised {error_text(error, directory)}"
    else:
        what = "; ".join(difference for _, difference in problems)
    summary = f"{case.label}: " + (", ".join(m.name for m in mistakes) if mistakes else what)
    lines = [summary] + call(exercise, case.args) + labelled("expected", expected, exercise.parts)
    if error is not None:
        lines.append(f"raised   {error_text(error, directory)}")
    else:
        lines += labelled("got", got, exercise.parts if all(part for part, _ in problems) else None)
        lines += [f"first difference: {difference}" for _, difference in problems]
    lines += [advice(m) for m in mistakes]
    return "\n".join(lines)


def changed_arguments(exercise, case, args):
    names = [name.strip() for name in exercise.parameters.split(",")]
    changed = [name for name, before, after in zip(names, case.args, args) if before != after]
    lines = [f"{case.label}: changed its argument {', '.join(changed)}"] + call(exercise, case.args)
    for name, after in zip(names, args):
        if name in changed:
            lines += labelled(f"{name} became", after)
    lines.append("Return new lists and leave the arguments as they are: the network needs them again later "
                 "(the backward pass reads A_prev and Z).")
    return "\n".join(lines)


def named_mistakes(exercise, args, got, error, parts):
    """The known mistakes of the exercise that its answer got, or its error, matches on args; one of each
    name (two ways of making the same mistake say the same). parts: the parts of got that are wrong."""
    found = {}
    for mistake in MISTAKES.get(exercise.name, ()):
        if matches(exercise, mistake, args, got, error, parts):
            found.setdefault(mistake.name, mistake)
    return list(found.values())


def matches(exercise, mistake, args, got, error, parts):
    """Whether the learner's answer got (or error, what it raised) is the mistake's, on args."""
    if error is not None or mistake.raises:
        return (error is not None and mistake.raises is not None and isinstance(error, mistake.raises)
                and (mistake.spot is None or mistake.spot(args, None)))
    if mistake.spot:
        return mistake.spot(args, got)
    return (mistake.part is None or mistake.part in parts) and _gives(exercise, mistake, args, got)


def _gives(exercise, mistake, args, got):
    """Whether got (or its part) is the mistake's wrong answer on args."""
    try:
        wrong = mistake.wrong(*copy.deepcopy(args))
    except Exception:  # a mistake that cannot even be computed on these inputs is not this one
        return False
    if mistake.part is not None:
        got = got[exercise.parts.index(mistake.part)]
    if exercise.parts and mistake.part is None:
        return isinstance(got, (tuple, list)) and len(got) == len(wrong) and all(
            first_difference(g, w, exercise.tolerance) is None for g, w in zip(got, wrong))
    return first_difference(got, wrong, exercise.tolerance) is None


def by_finite_differences(exercise, function):
    """None when every gradient the function returns agrees with its finite difference; else the message."""
    args, loss, found = gradients.checked(exercise.name, function)
    for gradient in found:
        place = disagreement(gradient)
        if place:
            lines = [f"the finite-difference check: {place}"] + call(exercise, args)
            lines.append(f"{loss}; ∂L/∂x ≈ (L(x + h) − L(x − h)) / 2h for each number x, h = {gradients.H:g}")
            lines += labelled(f"{gradient.name}, yours", gradient.yours)
            lines += labelled(f"{gradient.name}, by finite differences", gradient.numeric)
            return "\n".join(lines)
    return None


def disagreement(gradient):
    """"dW[1][0]: yours 0.5, by finite differences 0.25" for the first number of a Gradient that disagrees
    with its finite difference, or None."""
    shape = shape_of(gradient.numeric)
    if shape_of(gradient.yours) != shape:
        return f"{gradient.name} is {describe(gradient.yours)}, where {describe(gradient.numeric)} was expected"
    for place, mine, numeric in zip(places(shape), numbers_in(gradient.yours), numbers_in(gradient.numeric)):
        if not gradients.agree(mine, numeric):
            return f"{gradient.name}{place}: yours {number(mine)}, by finite differences {number(numeric)}"
    return None


def call(exercise, args):
    """The call with its inputs: "softmax(Z) with" and "Z = [[...]]" below it."""
    names = [name.strip() for name in exercise.parameters.split(",")]
    lines = [f"{exercise.name}({exercise.parameters}) with"]
    for name, value in zip(names, args):
        lines += labelled(f"  {name} =", value, width=0)
    return lines


def labelled(label, value, parts=None, width=8):
    """Lines showing value after label (padded to width), its continued lines under its first; a tuple
    one part a line, by the parts' names."""
    if parts and isinstance(value, (tuple, list)) and len(value) == len(parts):
        part_width = max(map(len, parts))
        lines = []
        for index, (part, item) in enumerate(zip(parts, value)):
            lead = label if index == 0 else ""
            lines += labelled(f"{lead:<{width}} {part:<{part_width}} =", item, width=0)
        return lines
    head = f"{label:<{width}} "
    first, *rest = shown(value, width=max(40, 96 - len(head))).split("\n")
    return [head + first] + [" " * len(head) + line for line in rest]


def advice(mistake):
    """"Known mistake, NAME: what to do", wrapped to fit the screen."""
    return textwrap.fill(f"Known mistake, {mistake.name}: {mistake.advice}", 92, subsequent_indent="  ")


def error_text(error, directory):
    """"IndexError: list index out of range (workbook/matrices.py, line 12)": the error and the line of
    the workbook it came from."""
    text = type(error).__name__ + (f": {error}" if str(error) else "")
    if isinstance(error, SystemExit):
        text = f"SystemExit (sys.exit({error.code!r}) was called)"
    place = workbook_line(error, directory)
    return f"{text} ({place})" if place else text


def workbook_line(error, directory):
    """"workbook/matrices.py, line 12": the last line of the traceback that is in the workbook, or None."""
    inside = os.path.abspath(directory) + os.sep
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if os.path.abspath(frame.filename).startswith(inside):
            return f"{shown_path(frame.filename)}, line {frame.lineno}"
    return None
