"""Learning-rate schedules: the learning rate η for each epoch.

Large steps early make fast progress; small steps late let the weights settle into a
minimum instead of bouncing around it.
"""

import math


def constant(lr, epoch, epochs):
    """η_e = η: the same every epoch."""
    return lr


def cosine(lr, epoch, epochs):
    """η_e = η · ½ (1 + cos(π e / E)) for epoch e = 0, 1, ..., E − 1: from η down towards 0
    along half a cosine wave, slowly at first, fastest in the middle, slowly at the end."""
    return lr * 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))


def step(lr, epoch, epochs, every=5, factor=0.5):
    """η_e = η · factor^⌊e / every⌋: by default (every=5, factor=0.5), halve it every 5 epochs."""
    return lr * factor ** (epoch // every)


SCHEDULES = {"constant": constant, "cosine": cosine, "step": step}
