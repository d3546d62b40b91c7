"""The learner's workbook: a folder of Python files, one per chapter, written once by `learn.py
start` and from then on the learner's own.

This module writes it (never over a file that is there), reads whether each file is valid
Python, and loads the learner's functions for `learn.py train`. The checks run the
learner's code elsewhere, in a process of their own (runner.py).
"""

import importlib
import os
import sys
import tempfile

from .chapters import BY_NAME, CHAPTERS
from .templates import chapter_text

DEFAULT_FOLDER = "workbook"


class WorkbookError(Exception):
    """The workbook folder cannot be used (not there, not a folder, not writable); one line saying so."""


def path_of(directory, chapter_file):
    """The file of a chapter: workbook/matrices.py."""
    return os.path.join(directory, chapter_file + ".py")


def file_of(directory, name):
    """The file that holds the exercise called name."""
    return path_of(directory, BY_NAME[name].chapter)


def write(directory, time_limit):
    """Write every chapter's file that is not there yet; return (written, left alone), two lists of paths."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise WorkbookError(f"{directory} is a file, not a folder: choose another --dir")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as error:
        raise WorkbookError(f"cannot make the folder {directory} ({error.strerror or error}): "
                            "choose another --dir") from None
    written, left_alone = [], []
    for chapter in CHAPTERS:
        path = path_of(directory, chapter.file)
        if os.path.exists(path):
            left_alone.append(path)
        else:
            _write_new(path, chapter_text(chapter, time_limit))
            written.append(path)
    return written, left_alone


def _write_new(path, text):
    """Write text to path through a temporary file, so that a failure leaves no half-written file."""
    folder = os.path.dirname(path) or "."
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise WorkbookError(f"cannot write {path} ({error.strerror or error}): choose another --dir") from None


def check_folder(directory):
    """Stop with a WorkbookError unless directory is a workbook (a folder with at least one chapter's file)."""
    if not os.path.isdir(directory) or not any(os.path.exists(path_of(directory, c.file)) for c in CHAPTERS):
        hint = "" if directory == DEFAULT_FOLDER else f" --dir {directory}"
        raise WorkbookError(f"there is no workbook in {directory}: python learn.py start{hint} writes one")


def syntax_error(path):
    """None if the file is valid Python, else what is wrong: "workbook/loss.py, line 12, is not valid
    Python: expected ':'", and below it the line, with ^ under the place."""
    try:
        with open(path, "rb") as file:
            source = file.read()
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        message = f"{shown_path(path)}, line {error.lineno}, is not valid Python: {error.msg}"
        text = (error.text or "").rstrip("\n")
        if not text.strip():
            return message
        indent = len(text) - len(text.lstrip())
        caret = "\n" + " " * (4 + (error.offset or 1) - 1 - indent) + "^" if error.offset else ""
        return f"{message}\n    {text.strip()}{caret}"
    except (ValueError, UnicodeDecodeError) as error:  # null bytes; not UTF-8
        return f"{shown_path(path)} is not valid Python: {error}"
    return None


def shown_path(path):
    """path relative to the current folder when it is inside it, else absolute."""
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative


def learner_functions(directory, names):
    """{name: the learner's function} for the exercises called name, imported from the workbook.

    Used only for exercises whose checks have passed, so their files import cleanly. The
    workbook's folder goes first on sys.path, for its files to import each other
    (from matrices import matmul).
    """
    folder = os.path.abspath(directory)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return {name: getattr(importlib.import_module(BY_NAME[name].chapter), name) for name in names}
