"""The convolutional network: convolutions, each followed by φ and 2 × 2 max pooling, then the dense
layers of network.py. docs/math.md, section 17. A chapter after the first reading (train.py --conv).

Its forward and backward passes are Network's, with one thing more: after a convolution
comes φ and then max pooling, so a convolution's output A_l is pool(φ(Z_l)), and on the
way back the gradient reaches φ(Z_l) only where each window's largest value was
(network/pooling.py) before it passes through φ. The layers with weights, convolutions
and dense layers, are numbered l = 1, 2, ... as in network.py: a pooling belongs to the
convolution before it and has no number of its own.
"""

from .activations import softmax
from .convolution import Conv
from .network import Network
from .pooling import MaxPool


class ConvNetwork(Network):
    """A convolutional network, e.g. 8 filters of 5 × 5 over a 28 × 28 image, then φ and 2 × 2 max
    pooling, then dense layers 8 · 12 · 12 = 1152 → 128 → 10: network/architecture.py makes one
    (make_network([784, 128, 10], conv=[(8, 5)])), or one of given layers (network_of).
    self.layers holds the convolutions and the dense layers, the last one dense.
    """

    def forward(self, X):
        """Network.forward, with A_l = pool(φ(Z_l)) after a convolution."""
        last = len(self.layers)
        Z, A = [None], [X]
        for l, layer in enumerate(self.layers, 1):
            Z.append(layer.forward(A[l - 1]))                           # Z_l = conv(A_{l−1}), or A_{l−1} W_l + b_l
            if l == last:
                A.append(softmax(Z[l]))                                 # P = softmax(Z_last)
            elif isinstance(layer, Conv):
                A.append(self.pooled(layer, Z[l]))                      # A_l = pool(φ(Z_l))
            else:
                A.append(self.phi(Z[l]))                                # A_l = φ(Z_l)
        return Z, A

    def backpropagate(self, Z, A, dZ_last):
        """Network.backpropagate, with the gradient of a convolution's output sent back through its pooling."""
        last = len(self.layers)
        dZ = [None] * last + [dZ_last]
        for l in range(last, 1, -1):
            dA = self.layers[l - 1].input_gradient(dZ[l])               # dA_{l−1}
            below = self.layers[l - 2]
            if isinstance(below, Conv):
                dZ[l - 1] = self.pooled_backward(below, dA, Z[l - 1])   # through the pooling, then φ
            else:
                dZ[l - 1] = self.phi_backward(dA, Z[l - 1])             # dZ_{l−1} = dA ⊙ φ′(Z_{l−1})
        return dZ

    def pooled(self, conv, Z_l):
        """A_l = pool(φ(Z_l)): the feature maps of the convolution conv through φ, then max pooling."""
        return pooling(conv).forward(self.phi(Z_l))

    def pooled_backward(self, conv, dA, Z_l):
        """dZ_l = ∂L/∂Z_l from dA = ∂L/∂pool(φ(Z_l)): each window's gradient to its largest φ(z)
        (network/pooling.py), then through φ, dZ_l = (that) ⊙ φ′(Z_l)."""
        return self.phi_backward(pooling(conv).input_gradient(self.phi(Z_l), dA), Z_l)

    @property
    def input_shape(self):
        """(C, height, width) of the images the network reads."""
        return self.layers[0].input_shape


def pooling(conv):
    """The 2 × 2 max pooling after the convolution conv."""
    return MaxPool(conv.output_shape)
