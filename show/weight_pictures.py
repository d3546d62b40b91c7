"""What a first-layer unit looks for: its weights laid out as the input image."""


def input_patterns(W):
    """For each unit j, the weights into it (column j of W) divided by the largest of their sizes.

    Laid out as the input image, w_0j ... w_783,j is the pattern unit j responds to:
    positive where ink makes it fire, negative where ink holds it back. Dividing by
    max_k |w_kj| puts every unit on the same −1 … 1 scale, so faint units show as well
    as strong ones. A unit whose weights are all zero stays all zero.
    """
    patterns = []
    for column in zip(*W.rows):
        largest = max(map(abs, column)) or 1.0
        patterns.append([w / largest for w in column])
    return patterns
