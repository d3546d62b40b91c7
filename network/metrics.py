"""Which classes the network takes for which: the confusion matrix of a test, and its mistakes."""


def confusion_counts(labels, predicted, num_classes):
    """counts[t][p]: how many samples of class t the network took for class p (the confusion matrix)."""
    counts = [[0] * num_classes for _ in range(num_classes)]
    for t, p in zip(labels, predicted):
        counts[t][p] += 1
    return counts


def mistakes(labels, predicted, confidence):
    """The samples i the network got wrong (predicted[i] ≠ labels[i]), the most confident first:
    confidence[i] is the probability it gave its answer predicted[i] (network.evaluate), and
    equal ones keep the samples' order. A wrong answer given with 99% is often a badly
    written digit, and sometimes a wrong label: the most telling mistakes come first."""
    wrong = [i for i, (label, guess) in enumerate(zip(labels, predicted)) if guess != label]
    return sorted(wrong, key=lambda i: -confidence[i])
