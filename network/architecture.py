"""A network's architecture: making one from its sizes and chapters (the activation, convolutions),
or from layers already made (a model file's), and describing it.

Network([784, 128, 10]) is the first reading's network. The scripts make theirs here, so
that --activation and --conv can choose what a Network computes with: make_network draws
the weights of every layer from random.Random(seed), in order, as Network does, so with
ReLU and no convolution its weights are Network(sizes, seed)'s.
"""

import math
import random

from .cnn import ConvNetwork, pooling
from .convolution import Conv
from .dense import Dense
from .more_activations import activation_named, use_activation, xavier_initialised
from .network import Network


def make_network(sizes, seed=0, activation="relu", conv=(), input_shape=None):
    """A new network for consecutive sizes n_0, n_1, ..., initialised from random.Random(seed) as the
    activation φ wants: He for the ReLU family, Xavier for sigmoid and tanh.

    conv, a list of (F, K) pairs, puts before the dense layers a convolution of F filters
    of K × K for each pair, each followed by φ and 2 × 2 max pooling (network/cnn.py). Their
    input is an image of input_shape (C channels, height, width), n_0 values in all; by
    default one channel, square: (1, √n_0, √n_0). The first dense layer then takes the
    last pooling's output, n_0 no longer: sizes[1:] are the dense layers' sizes.
    """
    if len(sizes) < 2 or not all(isinstance(n, int) and n >= 1 for n in sizes):
        raise ValueError(f"sizes must be at least two whole numbers ≥ 1, e.g. [784, 128, 10], not {sizes!r}")
    scheme = activation_named(activation).initialisation
    rng = random.Random(seed)
    layers = []
    if conv:
        shape = image_shape(sizes[0], input_shape)
        for filters, kernel in conv:
            layers.append(Conv.initialised(shape, filters, kernel, rng, scheme))
            shape = pooling(layers[-1]).output_shape
        sizes = [math.prod(shape)] + list(sizes[1:])
    dense = Dense.he_initialised if scheme == "he" else xavier_initialised
    layers += [dense(n_in, n_out, rng) for n_in, n_out in zip(sizes, sizes[1:])]
    return network_of(layers, activation)


def network_of(layers, activation="relu", metadata=None):
    """The network made of these layers, computing with the activation called activation: a Network,
    or a ConvNetwork when there are convolutions. No weight is drawn: they are the layers'."""
    kind = ConvNetwork if any(isinstance(layer, Conv) for layer in layers) else Network
    net = kind.__new__(kind)  # Network.__init__ would draw new weights: these layers have theirs
    net.layers = layers
    use_activation(net, activation)
    net.metadata = metadata or {}
    return net


def image_shape(size, input_shape):
    """input_shape as a (C, height, width) tuple of size values, or (1, √size, √size) when it is None."""
    if input_shape is None:
        side = math.isqrt(size)
        input_shape = (1, side, side)
    input_shape = tuple(input_shape)
    if len(input_shape) != 3 or math.prod(input_shape) != size or min(input_shape) < 1:
        raise ValueError(f"a convolutional network's {size} inputs must be an image: give input_shape "
                         f"(channels, height, width), not {input_shape!r}")
    return input_shape


def convolutions(net):
    """The convolution layers, in order (none in a fully connected network)."""
    return [layer for layer in net.layers if isinstance(layer, Conv)]


def sizes(net):
    """The number of values each layer gives, inputs first: [784, 128, 10]; with a convolution, its maps
    and then the pooled ones: [784, 4608, 1152, 128, 10] (8 maps of 24 × 24, then of 12 × 12)."""
    first = net.layers[0]
    result = [math.prod(first.input_shape) if isinstance(first, Conv) else first.W.shape[0]]
    for layer in net.layers:
        if isinstance(layer, Conv):
            result += [math.prod(layer.output_shape), math.prod(pooling(layer).output_shape)]
        else:
            result.append(layer.W.shape[1])
    return result


def parameter_count(net):
    """The number of weights and biases: Σ_l (n_{l−1} + 1) · n_l for dense layers, (C·K·K + 1) · F for a
    convolution."""
    return sum(len(layer.W.rows) * len(layer.W.rows[0]) + len(layer.b.rows[0]) for layer in net.layers)


def describe(net):
    """The layers in one line: "784 → 128 → 10"; for a convolutional network, also the shape of the
    maps each convolution and pooling gives:
    "1×28×28 → conv 8 filters 5×5 → 8×24×24 → max pool → 8×12×12 → 128 → 10"."""
    if not convolutions(net):
        return " → ".join(map(str, sizes(net)))
    words = [_shape_text(net.layers[0].input_shape)]
    for layer in net.layers:
        if isinstance(layer, Conv):
            words += [f"conv {layer.filters} filters {layer.kernel}×{layer.kernel}", _shape_text(layer.output_shape),
                      "max pool", _shape_text(pooling(layer).output_shape)]
        else:
            words.append(str(layer.W.shape[1]))
    return " → ".join(words)


def _shape_text(shape):
    """(8, 24, 24) → 8×24×24."""
    return "×".join(map(str, shape))

