"""exercises: the workbook of `python learn.py`, in which a learner writes the network's functions
and is told exactly where they are wrong.

learn.py tells the story; the package holds the parts, one concern a module:

    chapters.py    the exercises, chapter by chapter: what each asks, its worked example
    templates.py   the text of the workbook's files, written by `learn.py start`
    workbook.py    the workbook folder: writing it, its files' syntax, loading its functions
    reference.py   the project's own plain definitions, plain lists in and out: every call
                   into my_math/, network/ and data/ goes through it
    cases.py       the inputs each check tries: the worked example, random shapes, edge cases
    values.py      comparing and showing the numbers that go in and out
    mistakes.py    the known mistakes, each a wrong answer the checks recognise and name
    gradients.py   finite-difference checks of the backward functions
    by_statistics.py  he_init, checked by the statistics of the weights it draws
    checks.py      checking one exercise: case by case, the first failure in words
    worker.py      the process in which the learner's code runs while it is checked
    runner.py      running the checks with a time limit, from learn.py's process
    training.py    training 784 → 128 → 10 with the learner's functions
    text.py        what learn.py prints

Standard library only, like the core: the checks run wherever the network does.
"""
