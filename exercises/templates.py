"""The text of the workbook's files: one per chapter, each exercise a function to write.

Each function has its signature, a docstring with the formula, the worked example (its
answer computed by the project, so that it is right by construction) and the section of
docs/math.md, and a body that raises NotImplementedError until the learner replaces it.
"""

import textwrap

from . import reference
from .chapters import CHAPTERS, exercises_of
from .values import is_number, is_sequence, shown

HEADER = '''"""{title}

Write each function below from the mathematics in its docstring, in plain Python: a
matrix is a list of rows, each a list of numbers ([[1, 2], [3, 4]] is 2 × 2). Replace
the line `raise NotImplementedError(...)` with your code, then compare your function
with the project's:

    python learn.py check {first}

It tries the worked example, then random shapes and edge cases, and tells you where your
answer first differs and, for a mistake it knows, which one. Return new lists and leave
the arguments as they are (an optimizer's step may change its own). Each case has {limit:g}
seconds. You may add imports and helper functions; the names below must stay.
"""
'''


def chapter_text(chapter, time_limit):
    """The whole file of a chapter (a chapters.Chapter), as start writes it."""
    exercises = exercises_of(chapter)
    number = CHAPTERS.index(chapter) + 1
    title = textwrap.fill(f"Workbook, chapter {number} of {len(CHAPTERS)}. {chapter.title[0].upper()}{chapter.title[1:]}.",
                          88)
    header = HEADER.format(title=title, first=exercises[0].name, limit=time_limit)
    imports = "\nimport math\n" if chapter.file != "matrices" else ""
    return header + imports + "".join("\n\n" + function_text(exercise) for exercise in exercises)


def function_text(exercise):
    """def name(parameters): its docstring, and a body that raises NotImplementedError."""
    body = exercise.text + "\n\n" + example_text(exercise) + f"\n\ndocs/math.md, {exercise.section}."
    docstring = "\n".join(("    " + line).rstrip() for line in body.split("\n")).lstrip()
    return (f"def {exercise.name}({exercise.parameters}):\n"
            f'    """{docstring}\n    """\n'
            f'    raise NotImplementedError("write {exercise.name}")\n')


def example_text(exercise):
    """"Example: matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]) gives [[19, 22], [43, 50]]", the answer
    the project computes, to 4 significant digits."""
    if isinstance(exercise.example, str):
        return textwrap.fill("Example: " + exercise.example, 84)
    answer = getattr(reference, exercise.name)(*exercise.example)
    arguments = [shown(value, width=10_000) for value in exercise.example]
    lead = f"Example: {exercise.name}("
    lines = [lead]
    for number, argument in enumerate(arguments):
        if number and len(lines[-1]) + len(argument) > 80:  # go on under the first argument
            lines[-1] += ","
            lines.append(" " * len(lead) + argument)
        else:
            lines[-1] += (", " if number else "") + argument
    lines[-1] += ")"
    rounded = _rounded(answer)
    about = "" if rounded == answer else "≈ "
    if exercise.parts:
        width = max(map(len, exercise.parts))
        for number, (part, value) in enumerate(zip(exercise.parts, rounded)):
            lead = "gives" if number == 0 else "     "
            lines.append(f"    {lead} {part:<{width}} {about or '= '}{shown(value, width=10_000)}")
    else:
        lines.append(f"    gives {about}{shown(rounded, width=10_000)}")
    return "\n".join(lines)


def _rounded(value):
    """value with every number rounded to 4 significant digits."""
    if is_sequence(value):
        return type(value)(_rounded(item) for item in value)
    return float(f"{value:.4g}") if is_number(value) else value
