"""README.md and docs/*.md: no template token left unfilled, and a measured figure stated in two
places says the same in both.

A template token is an ALL_CAPS_NAME with an underscore (LAB_E20_DEFAULT, say) outside code:
to a learner it reads as a broken page. Names of the code (`STARTING_LR`) are written in
backticks or in fenced blocks, and are not tokens.

A figure that a command measures should stand in one place, the others linking to it; where
it is written out twice, the tests below hold the copies to the place that owns it.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
TOKEN = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b")


def read(name):
    return (ROOT / name).read_text(encoding="utf-8")


def template_tokens(text):
    """The template tokens of a Markdown text, outside fenced blocks and `code`: (line number, token)."""
    found = []
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            found += [(number, token) for token in TOKEN.findall(re.sub(r"`[^`]*`", "", line))]
    return found


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_no_unfilled_template_token(path):
    tokens = template_tokens(path.read_text(encoding="utf-8"))
    assert not tokens, f"{path.name}: unfilled template tokens (fill them, or put code names in backticks): {tokens}"


def test_the_token_check_can_fail():
    text = "# A page\n\nIt reaches LAB_E20_DEFAULT.\n\n`STARTING_LR` is code.\n\n```\nMAX_SLOT_BYTES = 12\n```\n"
    assert template_tokens(text) == [(3, "LAB_E20_DEFAULT")]


# ---------------------------------------------------------------------- figures stated twice

def one_line(text):
    return re.sub(r"\s+", " ", text)


def lab_book(text):
    """{command: (after 5 epochs, after 20 epochs)} from docs/experiments.md's table, the figures' home."""
    figures = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].startswith("`python train.py"):
            figures[cells[1].strip("`")] = tuple(cells[2:4])
    assert "python train.py" in figures, "docs/experiments.md has no table row for `python train.py`"
    return figures


def math_md_quotes(lab, math_text):
    """The figures of the lab book that docs/math.md, section 16, quotes: (quoted, the lab book's)."""
    quoted = re.search(r"20 epochs of the default network reach ([\d.]+%) of the test images without shifts "
                       r"and ([\d.]+%) with them.*?Shifts of up to 2 pixels do almost as well after 20 epochs "
                       r"\(([\d.]+%)\) but worse after 5 \(([\d.]+%), against ([\d.]+%) with shifts of up to 1\)",
                       one_line(math_text))
    assert quoted, "docs/math.md, section 16, no longer quotes the lab book as this test reads it: update the test"
    return quoted.groups(), (lab["python train.py"][1], lab["python train.py --augment"][1],
                             lab["python train.py --augment 2"][1], lab["python train.py --augment 2"][0],
                             lab["python train.py --augment"][0])


def test_the_lab_books_figures_in_math_md_are_the_lab_books():
    """docs/math.md, section 16, quotes five figures of the lab book: the same five."""
    quoted, owned = math_md_quotes(lab_book(read("docs/experiments.md")), read("docs/math.md"))
    assert quoted == owned


def test_the_check_of_the_lab_books_figures_can_fail():
    """The lab book's figure changed and math.md's copy not: caught."""
    changed = read("docs/experiments.md").replace("| 98.28% | 98.64% |", "| 98.28% | 98.65% |")
    assert changed != read("docs/experiments.md"), "the lab book's --augment row changed: update this test"
    quoted, owned = math_md_quotes(lab_book(changed), read("docs/math.md"))
    assert quoted != owned


def readme_figures(command):
    """The first percentage of each row of the README's tables whose last cell is the command `command`."""
    figures = []
    for line in read("README.md").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[-1] == f"`{command}`":
            figures.append(re.search(r"\d+\.\d+%", line).group(0))
    return figures


@pytest.mark.parametrize("command, experiment, after", [
    ("python benchmarks/accuracy.py", "python train.py", 0),
    ("python benchmarks/accuracy.py --long", "python train.py", 1),
    ("pypy3 benchmarks/accuracy.py --augment", "python train.py --augment", 1),
])
def test_the_readmes_accuracies_are_the_lab_books(command, experiment, after):
    """Where the README's table states an accuracy that the lab book measured too, the two agree."""
    owned = lab_book(read("docs/experiments.md"))[experiment][after]
    for figure in readme_figures(command):
        assert figure == owned, f"README.md says {figure} for `{command}`, docs/experiments.md {owned}"


def test_the_readmes_cnn_accuracy_is_docs_cnn_md():
    """The CNN's final accuracy: docs/cnn.md shows the run, the README's table may quote it."""
    owned = re.search(r"final test accuracy ([\d.]+%) after 8 epochs", read("docs/cnn.md"))
    assert owned, "docs/cnn.md no longer shows the CNN's final accuracy as this test reads it: update the test"
    for figure in readme_figures("pypy3 benchmarks/accuracy.py --cnn"):
        assert figure == owned.group(1), f"README.md says {figure}, docs/cnn.md {owned.group(1)}"
