"""Pictures: of a training run (curves, predictions, mistakes, confusion matrix, weights or
a convolution's filters), and of test_single.py's answers.

The network package needs nothing but the standard library; pictures need matplotlib,
so each function imports it when it draws, never on `import show`. The figures are
matplotlib.figure.Figure objects written straight to PNG by matplotlib's Agg renderer:
no window, no display and no pyplot global state, so drawing works the same on a
laptop, over SSH and in CI.

The images come from a data set given as `images`: anything with .image(i) (the pixels
as 0..255 values, row by row), .labels, .image_shape and .class_names, such as the
test part of data.load_mnist().
"""

import math
import os

from network.architecture import convolutions
from network.layer_health import EVERY_IMAGES, SAMPLE, layer_names
from network.metrics import mistakes
from network.more_activations import activation_of

from .weight_pictures import input_patterns

RIGHT, WRONG = "tab:green", "tab:red"


def draw_training_pictures(folder, stem, history, net, test_set, predicted, confidence, counts, health=()):
    """Write train.py's PNG pictures into folder, named stem-*.png; [(path, what it shows)].

    predicted and confidence are the last test's per-image answers (network.evaluate),
    counts the confusion matrix (network/metrics.py), health the records of
    network/layer_health.py (their picture, stem-layers.png, only when there are some).
    """
    pictures = [
        ("curves", "loss and accuracy per epoch", training_curves, (history,)),
        ("predictions", "test images and the network's answers", prediction_grid, (test_set, predicted)),
        ("mistakes", "the most confident mistakes", confident_mistakes, (test_set, predicted, confidence)),
        ("confusion", "which classes are taken for which", confusion_matrix, (counts, test_set.class_names)),
        ("weights", "what each first-layer unit looks for", first_layer_weights,
         (net.layers[0].W, test_set.image_shape)),
    ]
    if convolutions(net):  # its first layer's weights are filters, not pictures of whole images
        pictures[-1] = ("weights", "the first convolution's filters", convolution_filters, (convolutions(net)[0],))
    if health:
        pictures.append(("layers", "each layer's activations, gradients and steps", layer_health,
                         (health, layer_names(net), activation_of(net))))
    written = []
    for name, what, draw, arguments in pictures:
        path = os.path.join(folder, f"{stem}-{name}.png")
        draw(*arguments, path)
        written.append((path, what))
    return written


def training_curves(history, path):
    """Loss and accuracy per epoch, on the training and the test set, side by side.

    history: one dict per epoch with epoch, train_loss, train_accuracy, test_loss, test_accuracy.
    The training figures are averaged over the epoch while the weights were still
    changing; the test figures are measured after it. A test curve that turns up
    while the training curve keeps going down is the sign of overfitting.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    epochs = [h["epoch"] for h in history]
    fig = Figure(figsize=(10, 4), layout="constrained")
    loss_axes, accuracy_axes = fig.subplots(1, 2)
    for axes, key, scale, label in ((loss_axes, "loss", 1, "cross-entropy loss"),
                                    (accuracy_axes, "accuracy", 100, "accuracy (%)")):
        for part, style in (("train", "o--"), ("test", "o-")):
            axes.plot(epochs, [h[f"{part}_{key}"] * scale for h in history], style, label=part)
        axes.set_xlabel("epoch")
        axes.set_ylabel(label)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend()
    best = max(history, key=lambda h: h["test_accuracy"])
    fig.suptitle(f"Training curves: best test accuracy {best['test_accuracy']:.2%} (epoch {best['epoch']})")
    fig.savefig(path, dpi=100)


def layer_health(records, names, activation, path):
    """Each layer's health through the run (network/layer_health.py), one line per layer, in four panels.

    Top left, the mean of each hidden layer's activations with their spread as a band;
    top right, the share of them on a flat part of φ (zero for the ReLU family, saturated
    for sigmoid and tanh); bottom left, the size of each layer's gradient, RMS(dW), on a log
    scale; bottom right, the size of each update for the size of the weights,
    log₁₀(RMS(ΔW)/RMS(W)), with the rule of thumb's −3 dashed. names: the layers' names.
    """
    from matplotlib.figure import Figure

    epochs = [record["epochs"] for record in records]
    flat_words = {"sigmoid": "saturated (within 0.01 of a limit)", "tanh": "saturated (within 0.01 of a limit)",
                  "leaky_relu": "with z ≤ 0 (slope α)"}.get(activation, "at zero (z ≤ 0)")
    fig = Figure(figsize=(11, 7), layout="constrained")
    (mean_axes, flat_axes), (gradient_axes, update_axes) = fig.subplots(2, 2, sharex=True)
    for l, name in enumerate(names):
        colour = f"C{l}"
        mean, spread = _series(records, l, "mean"), _series(records, l, "spread")
        if not math.isnan(mean[0]):  # a hidden layer
            mean_axes.plot(epochs, mean, color=colour, label=name)
            mean_axes.fill_between(epochs, [m - s for m, s in zip(mean, spread)],
                                   [m + s for m, s in zip(mean, spread)], color=colour, alpha=0.15)
            flat_axes.plot(epochs, [100 * share for share in _series(records, l, "flat")], color=colour, label=name)
        gradient_axes.plot(epochs, _series(records, l, "gradient"), color=colour, label=name)
        update_axes.plot(epochs, _series(records, l, "update"), color=colour, label=name)
    update_axes.axhline(-3, color="grey", linestyle="--", linewidth=1)
    gradient_axes.set_yscale("log")
    for axes, title in ((mean_axes, f"{activation} activations: mean ± spread"),
                        (flat_axes, f"share of activations {flat_words}, %"),
                        (gradient_axes, "gradient of the weights, RMS(dW)"),
                        (update_axes, "update for weight, log₁₀(RMS(ΔW) / RMS(W))")):
        axes.set_title(title, fontsize=10)
        axes.grid(alpha=0.3)
        if axes.get_legend_handles_labels()[0]:  # a network without hidden layers draws nothing at the top
            axes.legend(fontsize=8)
    for axes in (gradient_axes, update_axes):
        axes.set_xlabel("epochs")
    fig.suptitle(f"The health of each layer during training, on {SAMPLE} training images, every "
                 f"{EVERY_IMAGES:,} images and at the end of each epoch")
    fig.savefig(path, dpi=100)


def _series(records, l, key):
    """Layer l's key in each record, None as NaN (which matplotlib leaves out of a line)."""
    return [math.nan if record["layers"][l][key] is None else record["layers"][l][key] for record in records]


def prediction_grid(images, predicted, path, count=40, columns=10):
    """The first count images with the network's answer above each: green if right, red if wrong."""
    count = min(count, len(images))
    names = images.class_names
    fig, cells = _image_grid(count, columns)
    for i, axes in enumerate(cells):
        label, guess = images.labels[i], predicted[i]
        _show_image(axes, images, i)
        title = names[guess] if guess == label else f"{names[guess]} (is {names[label]})"
        axes.set_title(title, color=RIGHT if guess == label else WRONG, fontsize=9)
    right = sum(images.labels[i] == predicted[i] for i in range(count))
    fig.suptitle(f"The first {count} test images: {right} right (green), {count - right} wrong (red)")
    fig.savefig(path, dpi=100)


def confident_mistakes(images, predicted, confidence, path, count=24, columns=8):
    """The wrong answers the network was surest of, most confident first.

    confidence[i] is the probability the network gave its answer predicted[i]. Mistakes
    made with 99% confidence are often badly written digits, and sometimes wrong labels.
    """
    wrong = mistakes(images.labels, predicted, confidence)
    names = images.class_names
    fig, cells = _image_grid(max(1, min(count, len(wrong))), columns, title_lines=2)
    for i, axes in zip(wrong, cells):
        _show_image(axes, images, i)
        axes.set_title(f"{names[predicted[i]]} {confidence[i]:.0%}\n(is {names[images.labels[i]]})",
                       color=WRONG, fontsize=8)
    fig.suptitle(f"The most confident of the {len(wrong):,} mistakes on {len(images):,} test images: "
                 "the network's answer, its probability, (the true class)")
    fig.savefig(path, dpi=100)


def confusion_matrix(counts, class_names, path):
    """counts[true][predicted] as a coloured table: the diagonal is right, the rest shows which
    classes are taken for which. The colours are on a log scale so that a handful of
    mistakes still shows next to a thousand right answers."""
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    n = len(class_names)
    largest = max(max(row) for row in counts)
    masked = [[c if c else math.nan for c in row] for row in counts]  # 0 is left white
    fig = Figure(figsize=(8, 7), layout="constrained")
    axes = fig.subplots()
    picture = axes.imshow(masked, cmap="Blues", norm=LogNorm(vmin=1, vmax=max(largest, 2)))
    for t in range(n):
        for p in range(n):
            if counts[t][p]:
                dark = counts[t][p] > largest ** 0.6  # the upper part of the log scale
                axes.text(p, t, counts[t][p], ha="center", va="center", fontsize=8,
                          color="white" if dark else "black")
    if max(map(len, class_names)) > 2:  # names longer than digits need slanting to fit
        axes.set_xticks(range(n), class_names, rotation=45, ha="right")
    else:
        axes.set_xticks(range(n), class_names)
    axes.set_yticks(range(n), class_names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    right = sum(counts[i][i] for i in range(n))
    total = sum(map(sum, counts))
    axes.set_title(f"Confusion matrix: {right:,} of {total:,} right ({right / total:.2%})")
    fig.colorbar(picture, ax=axes, label="test images (log scale)")
    fig.savefig(path, dpi=100)


def first_layer_weights(W, image_shape, path, count=128, columns=16):
    """What each hidden unit of the first layer looks for: its weights as a picture.

    Column j of W holds the weight of every pixel into hidden unit j, so laid out as an
    image it shows the pattern that excites the unit most: blue pixels push it up, red
    ones down. Each unit is scaled by its own largest weight, so faint units show too.
    The pixels at the edge are 0 in (nearly) every MNIST image, so their weights get no gradient
    and keep the noise of the random start: the speckled frame round each picture.
    The pictures are tiled into one image, which is much faster to draw than a hundred
    separate plots.
    """
    units = input_patterns(W)[:count]
    shown = f"the first {len(units)} of {W.shape[1]}" if len(units) < W.shape[1] else f"all {len(units)}"
    _weight_mosaic(units, image_shape, columns, 2, 0.8,
                   f"First-layer weights of {shown} hidden units (blue: pixel excites the unit, red: inhibits it)", path)


def convolution_filters(conv, path, columns=8):
    """What each filter of a convolution looks for: its K × K weights as a picture (one per input
    channel, side by side), scaled by the filter's own largest weight.

    Slid over the image, a filter responds most where the image looks like it: blue
    where ink makes it respond, red where ink holds it back. Filters often learn edges
    and strokes of one direction: light on one side, dark on the other.
    """
    channels, K = conv.input_shape[0], conv.kernel
    filters = [[w for r in range(K) for c in range(channels) for w in pattern[(c * K + r) * K:(c * K + r + 1) * K]]
               for pattern in input_patterns(conv.W)]  # each channel's K × K beside the one before
    _weight_mosaic(filters, (K, channels * K), columns, 1, 1.2,
                   f"The {conv.filters} filters of {K}×{K} of the first convolution "
                   "(blue: ink there makes the filter respond, red: holds it back)", path)


def _weight_mosaic(pictures, shape, columns, gap, inches, title, path):
    """Weight pictures of shape (rows, cols), values −1 … 1, tiled columns to a row with gap blank
    (NaN, drawn transparent) pixels between them, each about `inches` wide, into one image at path.
    One tiled image draws much faster than a hundred separate plots."""
    from matplotlib.figure import Figure

    rows, cols = shape
    columns = min(columns, len(pictures))
    mosaic = [[math.nan] * (columns * (cols + gap) - gap)
              for _ in range(math.ceil(len(pictures) / columns) * (rows + gap) - gap)]
    for k, weights in enumerate(pictures):
        top, left = (k // columns) * (rows + gap), (k % columns) * (cols + gap)
        for r in range(rows):
            mosaic[top + r][left:left + cols] = weights[r * cols:(r + 1) * cols]
    width = columns * inches * cols / max(rows, cols)
    fig = Figure(figsize=(width, len(mosaic) / len(mosaic[0]) * width + 0.5), layout="constrained")
    axes = fig.subplots()
    axes.imshow(mosaic, cmap="RdBu", vmin=-1, vmax=1)
    axes.set_axis_off()
    fig.suptitle(title, fontsize=10 if len(title) > 80 else None)
    fig.savefig(path, dpi=100)


def _image_grid(count, columns, cell=1.3, title_lines=1):
    """A figure with count small picture cells, columns to a row, axes hidden; (figure, list of cells).

    The spacing is set by hand: with a hundred cells, matplotlib's automatic layout takes seconds.
    """
    from matplotlib.figure import Figure

    columns = min(columns, count)
    rows = math.ceil(count / columns)
    top = 0.45 + 0.17 * title_lines  # inches above the first row: the figure's title and the cells'
    height = rows * (cell + 0.17 * title_lines) + top
    fig = Figure(figsize=(max(columns * cell, 6), height))  # at least wide enough for the title
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - top / height,
                        wspace=0.1, hspace=0.1 + 0.15 * title_lines)
    cells = [axes for row in fig.subplots(rows, columns, squeeze=False) for axes in row]
    for axes in cells:
        axes.set_axis_off()
    return fig, cells[:count]


def _show_image(axes, images, i):
    """Draw image i of images in grey: dark ink on white paper."""
    rows, cols = images.image_shape
    pixels = images.image(i)
    axes.imshow([list(pixels[r * cols:(r + 1) * cols]) for r in range(rows)], cmap="gray_r", vmin=0, vmax=255)


def prediction_figure(predictions, class_names):
    """A matplotlib Figure of test_single.py's answers: each image beside a bar chart of its
    probabilities, the answer in blue and, when it is wrong, the true class in red.

    predictions are show/prediction_text.py's Predictions. Drawn without pyplot, as the
    pictures above: the caller saves it with figure.savefig(path). ImportError without matplotlib.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 2.8 * len(predictions)))
    axes = figure.subplots(len(predictions), 2, squeeze=False, gridspec_kw={"width_ratios": (1, 1.6)})
    for (image_axes, bar_axes), prediction in zip(axes, predictions):
        guess = prediction.guess
        side = math.isqrt(len(prediction.pixels))
        image_axes.imshow([prediction.pixels[r * side:(r + 1) * side] for r in range(side)], cmap="gray", vmin=0, vmax=1)
        image_axes.set_axis_off()
        source = prediction.source
        image_axes.set_title(f"test image {source['index']}" if source["source"] == "test"
                             else os.path.basename(source["path"]))
        colours = ["tab:blue" if k == guess else "lightgray" for k in range(len(class_names))]
        if prediction.label is not None and prediction.label != guess:
            colours[prediction.label] = "tab:red"  # the class it should have said
        bar_axes.barh(range(len(class_names)), prediction.probabilities, color=colours)
        bar_axes.set_yticks(range(len(class_names)))
        bar_axes.set_yticklabels(class_names)
        bar_axes.invert_yaxis()  # class 0 at the top, as in the terminal
        bar_axes.set_xlim(0, 1)
        bar_axes.set_xlabel("probability")
        title = f"says {class_names[guess]} ({prediction.probabilities[guess]:.0%})"
        if prediction.label is not None:
            title += f", truly {class_names[prediction.label]}"
        bar_axes.set_title(title)
    figure.tight_layout()
    return figure
