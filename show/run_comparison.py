"""What compare_runs.py shows: a table of training runs and one picture of their test curves.

The runs are run records (network/run_records.py), dicts with the settings, the history
and the summary of each run. Each run is described by what it changed from train.py's
defaults, written as the options of train.py that give it: "--activation sigmoid --lr 0.5";
the default run by "-". Runs of the same name are told apart by the time they started.
"""

import textwrap
from collections import Counter

from network.run_records import standing
from network.settings import ADDED_LATER, DEFAULTS, STARTING_LR, option, shown

from .training_text import duration

# Settings that do not change what a run learns: where the data was found.
NOT_COMPARED = ("data_dir",)
LABEL_WIDTH = 130  # characters of legend text across the picture


def differences(records):
    """For each record, what sets its run apart, as {key: value}: the settings in which it differs from
    train.py's defaults, the learning rate from its optimizer's own (STARTING_LR).

    The default run gives {}; sigmoid, Adam and dropout {"activation": "sigmoid"},
    {"optimizer": "adam"} (0.001 being Adam's own lr) and {"dropout": 0.2}.
    """
    return [differences_from(settings, dict(DEFAULTS, lr=STARTING_LR.get(settings.get("optimizer"))))
            for settings in (record["settings"] for record in records)]


def differences_from(settings, reference):
    """What sets a run with settings apart from a run with the reference settings, as {key: value}:
    the settings in which it differs, over the reference's keys.

    A setting the run's record lacks, being older than that setting, is the value every run
    had before it came (ADDED_LATER), or its default. The live page names each earlier run
    with what differs from the run training now: {"activation": "sigmoid"}.
    """
    def value(s, key):
        return s[key] if key in s else ADDED_LATER.get(key, DEFAULTS.get(key))

    return {key: value(settings, key) for key in sorted(reference)
            if key not in NOT_COMPARED and value(settings, key) != value(reference, key)}


def in_words(difference):
    """{key: value} as train.py's options: {"activation": "tanh", "limit": None} → "--activation tanh, no --limit"."""
    return ", ".join(f"no {option(key)}" if value is None else f"{option(key)} {shown(value)}"
                     for key, value in difference.items())


def names(records):
    """Each run's name, with the time it started where another of these runs has the same name:
    "mnist (10:15:02)", with the day as well when those runs started on different days."""
    count = Counter(record["name"] for record in records)
    days = {}  # the days on which the runs of each name started
    for record in records:
        days.setdefault(record["name"], set()).add(started(record)[:10])

    def told_apart(record):
        name = record["name"]
        if count[name] == 1:
            return name
        return f"{name} ({started(record) if len(days[name]) > 1 else started(record)[11:]})"

    return [told_apart(record) for record in records]


def started(record):
    """When the run started, as its record says: 2025-03-14 09:30:15."""
    return str(record.get("started", "?"))


def label(name, difference):
    """A run's name and what sets it apart: "sigmoid: --activation sigmoid"."""
    words = in_words(difference)
    return f"{name}: {words}" if words else name


def table(records):
    """The lines of the table: per run its name, what it changed from the defaults, epochs, final and
    best test accuracy, time (total_seconds, or the epochs' in a record older than it) and outcome."""
    heading = ("run", "changed from the defaults", "epochs", "final", "best (epoch)", "time", "outcome")
    rows = [heading]
    for record, name, difference in zip(records, names(records), differences(records)):
        history = record["history"]
        if history:
            final = f"{record['final_test_accuracy']:.2%}"
            best = f"{record['best_test_accuracy']:.2%} ({record['best_epoch']})"
        else:
            final = best = "-"
        epochs = f"{len(history)}/{record['settings'].get('epochs', '?')}"
        rows.append((name, in_words(difference) or "-", epochs, final, best,
                     duration(record.get("total_seconds", record["seconds"])), standing(record)[0]))
    widths = [max(len(row[column]) for row in rows) for column in range(len(heading))]
    right = {2, 3, 4, 5}  # the numbers are aligned on the right
    lines = ["  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                       for column, (cell, width) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def notes(records):
    """A line for each run whose record says "running" but which is not known to be: ended, or
    perhaps still running where that cannot be checked, with why and what is known of it."""
    lines = []
    for record, name in zip(records, names(records)):
        outcome, why = standing(record)
        if outcome != record["outcome"]:
            lines.append(note(name, record, outcome, why))
    return lines


def note(name, record, outcome, why):
    """The line under the table for a run whose record says "running" but is not known to be."""
    done = f"{len(record['history'])} of {record['settings'].get('epochs', '?')} epochs done"
    written = f", the record last written {record['updated']}" if "updated" in record else ""
    if outcome == "ended":
        return f"{name}: ended without writing how: {why}; {done}{written}"
    return f"{name}: may still be running: {why}; {done}{written}"


def comparison_picture(records, path):
    """Test accuracy and test loss against the epoch, one coloured line per run, side by side, as PNG at path.

    The legend names each run and what sets it apart; runs without a finished epoch
    have no line.
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    drawn = [(record, label(name, difference))
             for record, name, difference in zip(records, names(records), differences(records)) if record["history"]]
    colours = colormaps["tab10" if len(drawn) <= 10 else "tab20"].colors
    labels = [text for _, text in drawn]
    columns = 2 if len(drawn) > 4 and max(map(len, labels)) <= 2 * LABEL_WIDTH // 5 else 1
    labels = [textwrap.fill(text, LABEL_WIDTH // columns, subsequent_indent="    ", break_on_hyphens=False)
              for text in labels]
    legend_lines = sum(text.count("\n") + 1 for text in labels) / columns + 1
    fig = Figure(figsize=(11, 5 + 0.2 * legend_lines), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[5, 0.2 * legend_lines])
    accuracy_axes, loss_axes = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    key = fig.add_subplot(grid[1, :])  # a row of its own for the legend, under both plots
    key.axis("off")
    for number, ((record, _), text) in enumerate(zip(drawn, labels)):
        epochs = [h["epoch"] for h in record["history"]]
        style = {"color": colours[number % len(colours)], "marker": "o", "markersize": 3}
        accuracy_axes.plot(epochs, [100 * h["test_accuracy"] for h in record["history"]], label=text, **style)
        loss_axes.plot(epochs, [h["test_loss"] for h in record["history"]], **style)
    for axes, what in ((accuracy_axes, "test accuracy (%)"), (loss_axes, "test loss (cross-entropy)")):
        axes.set_xlabel("epoch")
        axes.set_ylabel(what)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
    key.legend(*accuracy_axes.get_legend_handles_labels(), loc="upper center", ncol=columns, frameon=False)
    fig.suptitle(f"{len(drawn)} training run{'s' * (len(drawn) != 1)}: test accuracy and loss after each epoch")
    fig.savefig(path, dpi=100)
