"""When training goes wrong: the signs of it, read from figures training already has, in plain words.

Five things go wrong often enough to be worth watching for, and each shows in numbers
that training computes anyway (or in one cheap look at a sample of images):

    diverging      the loss climbs far above where it started and stays there
    not learning   after a whole epoch the network is no better than guessing
    dead units     ReLU units that output 0 for every image, and so never learn again
    saturated      sigmoid or tanh units pinned at their limits, where their slope is 0
    overfitting    the training loss still falls while the test loss rises

A diverging run is stopped (TrainingDiverged, from DivergenceWatch); the others are
reported after each epoch by after_epoch. Every threshold is a named constant below,
and docs/diagnosis.md gives the reasoning behind it and shows each message.
"""

import math
from collections import namedtuple

from .dense import Dense
from .training import TrainingDiverged

# With `classes` classes, a uniform guess has a loss of ln(classes), ln 10 ≈ 2.30 for MNIST. A loss
# above FAR_ABOVE_GUESSING · ln(classes) means the network gives the true class less than
# classes⁻⁴ of probability on average: 1/10 000 for 10 classes, where a uniform guess gives
# 1/10. Healthy training starts near ln(classes) and only goes down.
FAR_ABOVE_GUESSING = 4
STAYING = 3  # batches in a row above it: a single bad batch can come back, three do not
CHANCE_MARGIN = 1.5  # accuracy under 1.5/classes (15% for 10 classes) after an epoch is chance
FLAT = 0.95  # a mean loss over an epoch above 0.95 · ln(classes) has hardly moved from the start...
BARELY = 3  # ...and, with an accuracy under 3/classes (30%), the network has learnt next to nothing
JUDGED_FROM = 10  # batches an epoch needs before "not learning" is judged
SAMPLE = 1000  # training images looked at after each epoch for dead and saturated units
DEAD_SHARE = 0.10  # more dead units than this share of a layer is reported
SATURATION_EDGE = 0.01  # an activation closer than this to its limit is saturated
SATURATED_SHARE = 0.5  # more saturated activations than this share is reported
RISING = 2  # epochs in a row of rising test loss, with falling training loss, is overfitting
RISE = 1.02  # ... if the test loss rose by at least 2% over them: less is a flat curve's noise

# The limits of the activations that have them, where their slope goes to 0.
LIMITS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}

Diagnosis = namedtuple("Diagnosis", "kind message")
Diagnosis.__doc__ = """One thing training noticed: its kind ("not learning", "dead units",
"saturated", "overfitting") and a message for the learner: what happened, why, what to try."""


class Watch:
    """What train.py watches: a diverging loss after every batch, the other signs after every epoch.

    train_set is the training data (its first SAMPLE images are the sample looked at for
    dead or saturated units), batch_size the run's, activation the hidden layers' φ.
    """

    def __init__(self, train_set, batch_size, activation="relu"):
        self.divergence = DivergenceWatch(train_set.num_classes)
        self.sample = train_set.matrix(range(min(SAMPLE, len(train_set))))
        self.batches = -(-len(train_set) // batch_size)
        self.classes = train_set.num_classes
        self.activation = activation

    def after_batch(self, batch):
        """A train_epoch listener: TrainingDiverged when the loss has run away."""
        self.divergence(batch)

    def end_of_epoch(self):
        """Before the epoch is tested and saved: TrainingDiverged if it ended far above guessing."""
        self.divergence.end_of_epoch()

    def after_epoch(self, history, result, net):
        """(every finding as a dict, for the history; the Diagnoses new since the epoch before, to say),
        for the epoch of result that follows history."""
        found = after_epoch(history + [result], self.batches, net, self.sample, self.classes, self.activation)
        previous = history[-1].get("diagnoses", []) if history else []
        return [finding._asdict() for finding in found], new(found, previous)


class DivergenceWatch:
    """A train_epoch listener that stops a diverging run with TrainingDiverged.

    It raises when STAYING batches in a row have a loss above FAR_ABOVE_GUESSING · ln(classes),
    saying how far the loss rose and how fast: from the last batch below that line (or
    the first batch of the run) to now; and at the end of an epoch (end_of_epoch) as soon
    as the last batch is above it, so that a diverged network is never saved.
    """

    def __init__(self, classes):
        self.ceiling = FAR_ABOVE_GUESSING * math.log(classes)
        self.below = None  # (loss, batches so far) of the last batch under the ceiling
        self.batches = 0  # batches seen by this watch
        self.above = 0  # batches in a row above the ceiling
        self.last = None  # the last batch above it

    def __call__(self, batch):
        self.batches += 1
        if batch.loss <= self.ceiling:
            self.below, self.above = (batch.loss, self.batches), 0
            return
        self.above += 1
        self.last = batch
        if self.above >= STAYING:
            self.stop()

    def end_of_epoch(self):
        """Called before an epoch is saved: a loss still far above guessing stops the run now."""
        if self.above:
            self.stop()

    def stop(self):
        start, at = self.below or (self.last.loss, self.batches)
        raise TrainingDiverged(f"the loss rose from {start:.3g} to {self.last.loss:.3g} within "
                               f"{self.batches - at} batches (epoch {self.last.epoch}, batch {self.last.number})")


def diverged_advice(lr):
    """What a diverging run most likely needs: the cause and the option to change."""
    return (f"the learning rate {lr:g} is most likely too large: each step overshoots the minimum "
            f"further than the last; try --lr {lr / 10:g}, a tenth of it")


def after_epoch(history, batches, net, sample, classes, activation="relu"):
    """The Diagnoses after the epoch history[-1], which had this many batches: [] when all looks well.

    history holds one dict per epoch (epoch, lr, train_loss, train_accuracy, test_loss);
    sample is a matrix of SAMPLE training images, looked at for dead or saturated units: the
    units of the hidden dense layers (a convolution's maps have places that no digit's ink
    ever reaches, and pooling has no units of its own).
    """
    found = not_learning(history[-1], batches, classes) + overfitting(history)
    _, A = net.forward(sample)
    hidden = [A_l for layer, A_l in zip(net.layers, A[1:-1]) if isinstance(layer, Dense)]
    if activation == "relu":
        found += dead_units(hidden, sample.shape[0])
    if activation in LIMITS:
        found += saturated(hidden, activation)
    return found


def new(found, previous):
    """The findings whose kind was not found after the epoch before (previous: its "diagnoses"
    dicts): a lasting problem is said once, and again if it comes back."""
    said = {finding["kind"] for finding in previous}
    return [finding for finding in found if finding.kind not in said]


def not_learning(result, batches, classes):
    """After an epoch of this many batches: training accuracy at chance, or the loss flat at ln(classes)."""
    guess = math.log(classes)
    if batches < JUDGED_FROM:
        return []
    accuracy, loss = result["train_accuracy"], result["train_loss"]
    at_chance = accuracy < CHANCE_MARGIN / classes
    flat = loss >= FLAT * guess and accuracy < BARELY / classes
    if not (at_chance or flat):
        return []
    return [Diagnosis("not learning",
                      f"not learning: after epoch {result['epoch']} the training accuracy is {accuracy:.1%}, "
                      f"hardly better than guessing one of {classes} classes ({1 / classes:.0%}), and the "
                      f"loss {loss:.2f} is about where it starts (ln {classes} = {guess:.2f}). Likely causes: a learning rate far too small "
                      f"(try --lr {result['lr'] * 10:g}, ten times it) or far too large (try a tenth), "
                      "or hidden units that have died (a message about dead units says so when they have).")]


def dead_units(hidden, images):
    """ReLU units that output 0 for every image of the sample, in each hidden layer."""
    found = []
    for l, A in enumerate(hidden, 1):
        units = A.shape[1]
        dead = sum(1 for column in zip(*A.rows) if not any(column))
        if dead > DEAD_SHARE * units:
            found.append(Diagnosis("dead units",
                                   f"dead units: {dead} of {units} hidden units of layer {l} never fired on "
                                   f"{images:,} training images this epoch. A large step can push a unit's bias "
                                   "and weights so far negative that z < 0 for every image; then relu′(z) = 0, "
                                   "no gradient reaches it and it never recovers. Try a smaller --lr, or "
                                   "--activation leaky_relu, whose slope below 0 is small but not 0."))
    return found


def saturated(hidden, activation):
    """sigmoid or tanh activations pinned within SATURATION_EDGE of their limits, where the slope is ~0."""
    low, high = LIMITS[activation]
    found = []
    for l, A in enumerate(hidden, 1):
        values = [a for row in A.rows for a in row]
        pinned = sum(1 for a in values if a - low < SATURATION_EDGE or high - a < SATURATION_EDGE)
        if pinned > SATURATED_SHARE * len(values):
            found.append(Diagnosis("saturated",
                                   f"saturated units: {pinned / len(values):.0%} of the {activation} activations of "
                                   f"layer {l} are within {SATURATION_EDGE} of their limits {low:g} and {high:g}. "
                                   f"There {activation}′ is nearly 0, so almost no gradient passes and those units "
                                   "learn very slowly. Try a smaller --lr, or --activation relu."))
    return found


def overfitting(history):
    """The test loss rose for RISING epochs in a row, by RISE in all, while the training loss kept falling."""
    if len(history) <= RISING:
        return []
    recent = history[-RISING - 1:]
    test_rising = all(b["test_loss"] > a["test_loss"] for a, b in zip(recent, recent[1:]))
    train_falling = all(b["train_loss"] < a["train_loss"] for a, b in zip(recent, recent[1:]))
    if not (test_rising and train_falling and recent[-1]["test_loss"] >= RISE * recent[0]["test_loss"]):
        return []
    return [Diagnosis("overfitting",
                      f"overfitting: the training loss fell from {recent[0]['train_loss']:.3f} to "
                      f"{recent[-1]['train_loss']:.3f} over the last {RISING} epochs while the test loss rose "
                      f"from {recent[0]['test_loss']:.3f} to {recent[-1]['test_loss']:.3f}: the network is "
                      "learning its training images by heart rather than what digits look like. Remedies: "
                      "--weight-decay (e.g. 0.0005), --dropout 0.2, --augment, more training images, or fewer "
                      "--epochs.")]
