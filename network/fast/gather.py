"""gather(indices): a function that picks the values at those indices out of a sequence, in C."""

from operator import itemgetter


def gather(indices):
    """A function seq → tuple(seq[index] for index in indices), run by operator.itemgetter, in C.

    itemgetter of a single index gives the value itself, not a tuple of one: that case is
    wrapped so that the answer is always a tuple.
    """
    if len(indices) == 1:
        (index,) = indices
        return lambda seq: (seq[index],)
    return itemgetter(*indices)
