"""Learning-rate schedules: the learning rate η for each epoch. docs/math.md, section 10.

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


def step(lr, epoch, epochs):
    """η_e = η · ½^⌊e / every⌋ with every = ⌈E / 4⌉: halve the rate every quarter of the run.

    Every 5 epochs of 20, every 2 of 5, every epoch of 4 or fewer, so that the step
    schedule does something in short runs too. Its last epoch gets an eighth of the
    starting rate in runs of 4, 7, 8, and 10 or more epochs; a quarter in runs of 3, 5, 6
    and 9 (the quarters do not divide them evenly); half in 2; all of it in 1.
    """
    every = -(-epochs // 4)
    return lr * 0.5 ** (epoch // every)


SCHEDULES = {"constant": constant, "cosine": cosine, "step": step}
