"""What learn.py prints: the files start wrote, each check's verdict, the overview of the
exercises, and the lines before and after training with the learner's functions.

The lines during training are train.py's own (show/training_text.py): the progress line
and one line an epoch.
"""

import json

from show.training_text import duration, plural

from .chapters import CHAPTERS, EXERCISES, exercises_of
from .checks import FAILED, NOT_WRITTEN, PASSED
from .workbook import file_of, shown_path

MARK = {PASSED: "✓", FAILED: "✗", NOT_WRITTEN: "·"}


def started(written, left_alone, directory):
    """The lines after start: what it wrote, what it left alone, and where to begin."""
    lines = []
    if written:
        width = max(len(shown_path(path)) for path in written)
        lines.append(f"Wrote {plural(len(written), 'file')} of exercises in {shown_path(directory)}:")
        lines += [f"  {shown_path(path):<{width}}  {', '.join(names_in(path))}" for path in written]
    if left_alone:
        lines.append(f"Left alone ({'it is' if len(left_alone) == 1 else 'they are'} there already; rename or "
                     "delete a file to get a fresh copy of it):")
        lines += [f"  {shown_path(path)}" for path in left_alone]
    first = CHAPTERS[0].file + ".py"
    lines.append(f"Begin with {shown_path(file_of(directory, 'matmul'))}: write matmul, then run "
                 f"{command('check matmul', directory)}" if written and written[0].endswith(first) else
                 f"See how far you are: {command('', directory)}")
    return lines


def names_in(path):
    """The exercises of a chapter's file, by its path."""
    chapter = next(c for c in CHAPTERS if path.endswith(c.file + ".py"))
    return [exercise.name for exercise in exercises_of(chapter)]


def command(words, directory):
    """python learn.py WORDS, with --dir when the workbook is not the default one."""
    folder = "" if directory == "workbook" else f" --dir {directory}"
    return f"python learn.py {words}".rstrip() + folder


def verdict(result):
    """The lines of one exercise's result: "✓ matmul", "· relu  not written yet", or "✗ softmax: ..." and
    the details of its first failure, indented."""
    if result.status == PASSED:
        return [f"✓ {result.name}"]
    if result.status == NOT_WRITTEN:
        return [f"· {result.name}  {result.message}"]
    summary, *details = result.message.split("\n")
    return [f"✗ {result.name}: {summary}"] + ["    " + line for line in details]


def as_json(result):
    """One exercise's result as one line of JSON: {"name", "status", "message"}."""
    return json.dumps({"name": result.name, "status": result.status, "message": result.message},
                      ensure_ascii=False)


def summary(results, directory):
    """The lines after the verdicts: how many passed, and what to do next (results: those of the
    exercises checked, all of them or some)."""
    counts = {status: sum(r.status == status for r in results) for status in (PASSED, FAILED, NOT_WRITTEN)}
    words = [f"{counts[PASSED]} of {len(results)} passed"]
    if counts[FAILED]:
        words.append(f"{counts[FAILED]} failed")
    if counts[NOT_WRITTEN]:
        words.append(f"{counts[NOT_WRITTEN]} not written yet")
    return ["", ", ".join(words) + "."] + next_step(results, directory)


def next_step(results, directory):
    """What to do next: fix the first exercise that fails, else write the first one not written."""
    for status, verb in ((FAILED, "fix"), (NOT_WRITTEN, "write")):
        for result in results:
            if result.status == status:
                path = shown_path(file_of(directory, result.name))
                return [f"Next: {verb} {result.name} in {path}, then: {command('check ' + result.name, directory)}"]
    if len(results) < len(EXERCISES):
        return [f"Next: check them all: {command('check', directory)}"]
    return [f"Every one passes. Train the network with your own functions: {command('train', directory)}"]


def overview(results, directory):
    """learn.py alone: the exercises chapter by chapter with their marks (results None: no workbook yet)."""
    lines = ["The exercises of the workbook, in the order of the first reading"
             + (f" ({shown_path(directory)}/):" if results else ":")]
    status = {result.name: result.status for result in results or ()}
    for number, chapter in enumerate(CHAPTERS, 1):
        marks = "  ".join(f"{MARK[status[e.name]]} {e.name}" if e.name in status else e.name
                          for e in exercises_of(chapter))
        lines.append(f"  {number}. {chapter.file + '.py':<15} {marks}")
    if results is None:
        return lines + ["", f"No workbook yet. Start with: {command('start', directory)}"]
    return lines + ["  (✓ passes, ✗ fails, · not written yet)"] + summary(results, directory)[1:]


def training_header(settings, sources, train_images, test_images):
    """The lines before training: the network, the data and settings, and whose each function is."""
    mine = sum(source == "yours" for source in sources.values())
    lines = [f"Network:  784 → 128 → 10, ReLU and softmax, trained with {mine} of your {len(sources)} functions",
             f"Data:     the first {train_images:,} MNIST training images (--limit), tested on the first "
             f"{test_images:,} test images (--test-limit)",
             f"Training: {plural(settings.epochs, 'epoch')} of batches of {settings.batch_size}, SGD with momentum "
             f"{settings.momentum}, lr {settings.lr} (cosine schedule), seed {settings.seed}",
             "Functions:"]
    width = max(map(len, sources))
    lines += [f"  {name:<{width}}  {source}" for name, source in sources.items()]
    return lines


def source_of(result):
    """Whose function training uses for an exercise, in words, from its check's result."""
    if result.status == PASSED:
        return "yours"
    why = "not written yet" if result.status == NOT_WRITTEN else "it fails its check"
    return f"the project's (yours: {why})"


def trained(history, sources, seconds):
    """The last lines: the time, and the test accuracy the learner's code reached."""
    accuracy = f"{history[-1]['test_accuracy']:.1%}"
    mine = sum(source == "yours" for source in sources.values())
    if mine == len(sources):
        sentence = f"Your code trained this network to {accuracy}."
    elif mine == 0:
        sentence = f"The project's code trained this network to {accuracy}; write the exercises to make it yours."
    else:
        sentence = f"Your code ({mine} of {len(sources)} functions) and the project's trained this network to {accuracy}."
    return [f"Time: {duration(seconds)}.", sentence]
