"""What compare_runs.py shows: a table of training runs and one picture of their test curves.

The runs are run records (network/run_records.py), dicts with the settings, the history
and the summary of each run. What tells the runs apart is the settings in which they
differ, written as the options of train.py that give them: "--activation sigmoid --lr 0.5".
"""

import textwrap
from collections import Counter

from network.settings import ADDED_LATER, DEFAULTS, STARTING_LR, option, shown

from .training_text import duration

# Settings that do not change what a run learns: where the data was found.
NOT_COMPARED = ("data_dir",)
LABEL_WIDTH = 130  # characters of legend text across the picture


def differences(records):
    """For each record, what sets its run apart, as {key: value}: the settings in which it differs
    from the value most of the runs have (the first run's, where there is no majority).

    Comparing sigmoid, Adam and dropout with the default gives {} for the default run and
    {"activation": "sigmoid"}, {"optimizer": "adam", "lr": 0.001}, {"dropout": 0.2} for the
    others. A single record is compared with train.py's defaults instead: what it changed.
    """
    settings = [record["settings"] for record in records]
    if len(records) == 1:
        usual = dict(DEFAULTS, lr=STARTING_LR.get(settings[0].get("optimizer")))
    else:
        keys = sorted({key for s in settings for key in s})
        usual = {key: _most_common([s.get(key) for s in settings]) for key in keys}
    return [{key: value for key, value in sorted(s.items())
             if key in usual and key not in NOT_COMPARED and value != usual[key]} for s in settings]


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


def _most_common(values):
    """The value that occurs most often in values (which may be lists), the first of them on a tie."""
    counts = Counter(map(repr, values))
    top = max(counts.values())
    return next(value for value in values if counts[repr(value)] == top)


def in_words(difference):
    """{key: value} as train.py's options: {"activation": "tanh", "limit": None} → "--activation tanh, no --limit"."""
    return ", ".join(f"no {option(key)}" if value is None else f"{option(key)} {shown(value)}"
                     for key, value in difference.items())


def label(record, difference):
    """A run's name and what sets it apart: "sigmoid: --activation sigmoid"."""
    words = in_words(difference)
    return f"{record['name']}: {words}" if words else record["name"]


def table(records):
    """The lines of the table: per run its name, what differs, epochs, final and best test accuracy, time."""
    heading = ("run", "what sets it apart" if len(records) > 1 else "changed from the defaults",
               "epochs", "final", "best (epoch)", "time", "outcome")
    rows = [heading]
    for record, difference in zip(records, differences(records)):
        history = record["history"]
        if history:
            final = f"{record['final_test_accuracy']:.2%}"
            best = f"{record['best_test_accuracy']:.2%} ({record['best_epoch']})"
        else:
            final = best = "-"
        epochs = f"{len(history)}/{record['settings'].get('epochs', '?')}"
        rows.append((record["name"], in_words(difference) or "-", epochs, final, best,
                     duration(record["seconds"]), record["outcome"]))
    widths = [max(len(row[column]) for row in rows) for column in range(len(heading))]
    right = {2, 3, 4, 5}  # the numbers are aligned on the right
    lines = ["  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                       for column, (cell, width) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def comparison_picture(records, path):
    """Test accuracy and test loss against the epoch, one coloured line per run, side by side, as PNG at path.

    The legend names each run and what sets it apart; runs without a finished epoch
    have no line.
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    drawn = [(record, difference) for record, difference in zip(records, differences(records)) if record["history"]]
    colours = colormaps["tab10" if len(drawn) <= 10 else "tab20"].colors
    labels = [label(record, difference) for record, difference in drawn]
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
