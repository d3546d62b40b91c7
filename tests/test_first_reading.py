"""The first reading: the files the default network needs, read in an hour, held to what the README says.

The README lists them, in reading order, with their line counts (docstrings included); here
the counts are counted, the total is held to at most 800 lines, and each file is held to
import nothing of the project but the first reading itself: the chapters (other activations,
dropout, the CNN, the workers, the fast forms) stand beside it and never inside it.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_READING = ["my_math/matrix.py", "data/dataset.py", "network/dense.py", "network/activations.py",
                 "network/loss.py", "network/network.py", "network/sgd.py", "network/training.py"]
MOST_LINES = 800


def readme_table():
    """[(file, lines)] from the README's table of the first reading, and the total it states."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## [^\n]*[Ff]irst reading[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, "the README has no section on the first reading"
    rows = re.findall(r"^\| `([\w/.]+)` \| (\d+) \|", section.group(1), re.M)
    total = re.search(r"^\| \*\*total\*\* \| \*\*(\d+)\*\* \|", section.group(1), re.M)
    assert total, "the README's first reading states no total"
    return [(path, int(lines)) for path, lines in rows], int(total.group(1))


def line_count(path):
    return len((ROOT / path).read_text(encoding="utf-8").splitlines())


def test_the_readme_lists_the_first_reading_with_its_true_line_counts():
    rows, total = readme_table()
    assert [path for path, _ in rows] == FIRST_READING
    assert {path: lines for path, lines in rows} == {path: line_count(path) for path in FIRST_READING}
    assert total == sum(line_count(path) for path in FIRST_READING) <= MOST_LINES


def project_imports(path):
    """The project's modules a file imports, as dotted names (relative imports resolved)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    package = path.rsplit("/", 1)[0].replace("/", ".")
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] in ("my_math", "network", "data", "show"):
                found.add(base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] in ("my_math", "network", "data"))
    return found


def test_the_first_reading_imports_nothing_of_the_project_but_itself():
    """A file of the first reading depends on the first reading only: no chapter reaches inside it."""
    reading = {path[:-3].replace("/", ".") for path in FIRST_READING} | {"my_math"}
    for path in FIRST_READING:
        assert project_imports(path) <= reading, (path, project_imports(path) - reading)
