"""The balance: how many of a batch's images each worker takes, so that all of them finish together.

Every worker has its rows of each dW and W to compute for good, but the images can go to
anyone, and the numbers never depend on who takes them (sharing.py). So a worker on a
slower or busier core gets fewer images.
"""

from itertools import accumulate


class Balance:
    """How many of a batch's images each worker takes: shares in proportion to each worker's speed, so
    that all of them finish step 1 together.

    Every worker has its rows of each dW and W to compute for good, but the images can go to
    anyone, and the numbers never depend on who takes them. Step 1 ends when the last worker
    is done with its images: one on a slower or busier core than the others (a laptop's
    efficiency cores, a machine shared) should get fewer. After each batch, each worker's
    time for step 1 over its share of the batch says how long it would take for a whole
    batch; that figure is averaged over the batches, each new one weighing WEIGHT, and the
    shares are made proportional to speed, 1 / that time. One batch's time alone says as
    much about what else the machine was doing at that moment as about the worker: shares
    that follow it jump about, and every step waits for the unlucky one. They start even.
    """

    WEIGHT = 0.2  # of the latest batch in the average
    LEAST = 0.02  # the smallest share (of 1/count), so that a worker that gets faster again is seen to

    def __init__(self, count):
        self.fractions = [1.0 / count] * count
        self.seconds = None  # for each worker, the time a whole batch would take it: the average so far

    def shares(self, m):
        """range(m) cut into one consecutive range for each worker, in order."""
        stops = [round(m * total) for total in accumulate(self.fractions)]
        return [range(start, stop) for start, stop in zip([0] + stops, stops)]

    def took(self, seconds):
        """Each worker's time for step 1 of the last batch."""
        whole = [max(taken, 1e-6) / fraction for taken, fraction in zip(seconds, self.fractions)]
        if self.seconds is None:
            self.seconds = whole
        else:
            self.seconds = [(1 - self.WEIGHT) * average + self.WEIGHT * new
                            for average, new in zip(self.seconds, whole)]
        speeds = [1 / taken for taken in self.seconds]
        fractions = [max(self.LEAST / len(speeds), speed / sum(speeds)) for speed in speeds]
        self.fractions = [fraction / sum(fractions) for fraction in fractions]
