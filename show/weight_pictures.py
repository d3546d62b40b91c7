"""What the first layer looks for: a unit's weights laid out as the input image, a convolution's
filters as K × K pictures, and what those filters found in an image, its feature maps.

Plain lists of numbers, for the pictures of show/plots.py and the pages' JavaScript.
"""

from network.architecture import convolutions


def input_patterns(W):
    """For each unit j, the weights into it (column j of W) divided by the largest of their sizes.

    Laid out as the input image, w_0j ... w_783,j is the pattern unit j responds to:
    positive where ink makes it fire, negative where ink holds it back. Dividing by
    max_k |w_kj| puts every unit on the same −1 … 1 scale, so faint units show as well
    as strong ones. A unit whose weights are all zero stays all zero.

    A convolution's W has a column per filter too, its C · K · K weights in (channel,
    kernel row, kernel column) order: the same scaling gives each filter's K × K
    picture (one after the other for each channel).
    """
    patterns = []
    for column in zip(*W.rows):
        largest = max(map(abs, column)) or 1.0
        patterns.append([w / largest for w in column])
    return patterns


def feature_maps(net, Z):
    """The first convolution's feature maps for the image of forward's Z = [None, Z_1, ...]: φ(Z_1) before
    its pooling, one list per filter, its height × width values row by row (after ReLU, 0 where
    nothing was found).

    Value (row, col) of map f says how strongly the K × K patch at (row, col) of the image
    looks like filter f: where in the image the filter found its pattern. [] for a
    network without convolutions.
    """
    if not convolutions(net):
        return []
    conv = net.layers[0]  # convolutions come first
    maps = net.phi(Z[1]).rows[0]
    size = conv.output_shape[1] * conv.output_shape[2]
    return [maps[f * size:(f + 1) * size] for f in range(conv.filters)]
