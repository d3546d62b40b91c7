"""How often the network is right: the count of right answers and the confusion matrix."""


def count_correct(predicted, labels):
    """How many predicted classes are right: #{i : predicted_i = y_i}, predicted_i = argmax_j P_ij."""
    return sum(p == y for p, y in zip(predicted, labels))


def confusion_counts(labels, predicted, num_classes):
    """counts[t][p]: how many samples of class t the network took for class p (the confusion matrix)."""
    counts = [[0] * num_classes for _ in range(num_classes)]
    for t, p in zip(labels, predicted):
        counts[t][p] += 1
    return counts
