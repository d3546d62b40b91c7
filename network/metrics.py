"""Which classes the network takes for which: the confusion matrix of a test."""


def confusion_counts(labels, predicted, num_classes):
    """counts[t][p]: how many samples of class t the network took for class p (the confusion matrix)."""
    counts = [[0] * num_classes for _ in range(num_classes)]
    for t, p in zip(labels, predicted):
        counts[t][p] += 1
    return counts
