"""A convolution layer: small K × K filters slid over the image, each giving a feature map.

A dense layer connects every pixel to every unit. A convolution looks at a small square
of the image at a time, a K × K patch, and asks every filter the same question at every
place: "how much does this patch look like you?". A filter is a K × K grid of weights
(one grid per input channel), and its answer at a place is the patch times those
weights, summed, plus the filter's bias. Sliding it over the image, one pixel at a time,
gives its feature map: where in the image its pattern is. The same few weights serve
every place, so a convolution of 8 filters of 5 × 5 has 208 parameters, where a dense
layer of 128 units over 784 pixels has 100 480.

The batch is a Matrix of m rows, as everywhere in the network: row i holds image i's
values flattened in (channel, row, column) order, (c, row, col) at position
c · height · width + row · width + col; the first layer's channel is the grey image,
28 × 28 = 784 values, the rows of X as they are. Z has one row per image too, holding
every filter's feature map in the same (filter, row, column) order, which is the order
PyTorch's Flatten uses. The filters are the columns of the weight matrix W, with
C · K · K rows in (channel, kernel row, kernel column) order: column f, read row by row,
is filter f's weights. docs/math.md, section 17.
"""

import math

from my_math import Matrix


class Conv:
    """A convolution of F filters of K × K over C input channels: stride 1, no padding ("valid").

    The input is C feature maps of height × width (input_shape = (C, height, width)); the
    output is F feature maps of (height − K + 1) × (width − K + 1), one value for every
    place where a K × K patch fits in the image. W is (C · K · K) × F, b is 1 × F.
    """

    def __init__(self, W, b, input_shape):
        """A layer with weights W ((C · K · K) × F), biases b (1 × F), for inputs of input_shape (C, height, width)."""
        channels, height, width = input_shape
        kernel = math.isqrt(W.shape[0] // channels)
        if channels * kernel * kernel != W.shape[0] or b.shape != (1, W.shape[1]):
            raise ValueError(f"a convolution over {channels} channels needs weights of C·K·K rows and a bias "
                             f"of one row, one column per filter: not {W.shape} and {b.shape}")
        if not 1 <= kernel <= min(height, width):
            raise ValueError(f"a {kernel}×{kernel} kernel does not fit in {height}×{width} feature maps")
        self.W = W
        self.b = b
        self.input_shape = (channels, height, width)
        self.kernel = kernel  # K
        self.filters = W.shape[1]  # F
        self.output_shape = (self.filters, height - kernel + 1, width - kernel + 1)

    @classmethod
    def he_initialised(cls, input_shape, filters, kernel, rng):
        """A new layer of `filters` filters of kernel × kernel, He-initialised: weights from
        𝒩(0, 2 / (C · K · K)), biases 0. Each output sums C · K · K inputs, its fan-in, so the
        reasoning of a dense layer's He initialisation holds as it is (docs/math.md, section 9)."""
        fan_in = input_shape[0] * kernel * kernel
        W = Matrix.random_normal(fan_in, filters, 0.0, math.sqrt(2.0 / fan_in), rng)
        return cls(W, Matrix.zeros(1, filters), input_shape)

    @classmethod
    def xavier_initialised(cls, input_shape, filters, kernel, rng):
        """A new layer initialised for sigmoid or tanh after it: weights from 𝒩(0, 2 / (fan_in + fan_out)),
        biases 0, with fan_in = C · K · K and fan_out = F · K · K (each input reaches F · K · K outputs),
        as a dense layer's Xavier initialisation (docs/math.md, section 13)."""
        fan_in, fan_out = input_shape[0] * kernel * kernel, filters * kernel * kernel
        W = Matrix.random_normal(fan_in, filters, 0.0, math.sqrt(2.0 / (fan_in + fan_out)), rng)
        return cls(W, Matrix.zeros(1, filters), input_shape)

    @classmethod
    def initialised(cls, input_shape, filters, kernel, rng, scheme):
        """A new layer initialised by scheme, "he" or "xavier" (an Activation's initialisation)."""
        make = {"he": cls.he_initialised, "xavier": cls.xavier_initialised}[scheme]
        return make(input_shape, filters, kernel, rng)

    def forward(self, A_prev):
        """Z: for image i, filter f and place (row, col) of its feature map,

            z_i,(f,row,col) = Σ_c Σ_kr Σ_kc a_i,(c, row+kr, col+kc) · w_(c,kr,kc),f  + b_f

        the K × K patch of every channel whose top left corner is at (row, col), times
        filter f's weights, summed in (c, kr, kc) order, plus the bias. Six loops for
        each image: the filter, the place (row, col), and the patch (c, kr, kc).
        """
        channels, height, width = self.input_shape
        K, F = self.kernel, self.filters
        _, out_height, out_width = self.output_shape
        W, b = self.W.rows, self.b.rows[0]
        Z = []
        for a in A_prev.rows:  # one image
            z = [0.0] * (F * out_height * out_width)
            for f in range(F):
                for row in range(out_height):
                    for col in range(out_width):
                        total = 0.0
                        for c in range(channels):
                            for kr in range(K):
                                for kc in range(K):
                                    total += a[(c * height + row + kr) * width + col + kc] * W[(c * K + kr) * K + kc][f]
                        z[(f * out_height + row) * out_width + col] = total + b[f]
            Z.append(z)
        return Matrix(Z, check=False)

    def weight_gradient(self, A_prev, dZ):
        """Given dZ = ∂L/∂Z, dW by the chain rule on forward's sum. Weight w_(c,kr,kc),f multiplies,
        at every place (row, col) of every image, the input a_i,(c, row+kr, col+kc), so its
        gradient adds them all up, weighted by dz, in (i, row, col) order:

            dw_(c,kr,kc),f = Σ_i Σ_row Σ_col dz_i,(f,row,col) · a_i,(c, row+kr, col+kc)
        """
        channels, height, width = self.input_shape
        K, F = self.kernel, self.filters
        _, out_height, out_width = self.output_shape
        A, D = A_prev.rows, dZ.rows
        dW = []
        for c in range(channels):
            for kr in range(K):
                for kc in range(K):
                    dW_row = [0.0] * F
                    for f in range(F):
                        total = 0.0
                        for i in range(len(A)):
                            for row in range(out_height):
                                for col in range(out_width):
                                    total += (D[i][(f * out_height + row) * out_width + col]
                                              * A[i][(c * height + row + kr) * width + col + kc])
                        dW_row[f] = total
                    dW.append(dW_row)
        return Matrix(dW, check=False)

    def bias_gradient(self, dZ):
        """db_f = Σ_i Σ_row Σ_col dz_i,(f,row,col): b_f is added at every place of every image."""
        _, out_height, out_width = self.output_shape
        D = dZ.rows
        db = [0.0] * self.filters
        for f in range(self.filters):
            total = 0.0
            for i in range(len(D)):
                for row in range(out_height):
                    for col in range(out_width):
                        total += D[i][(f * out_height + row) * out_width + col]
            db[f] = total
        return Matrix([db], check=False)

    def input_gradient(self, dZ):
        """dA_prev: an input value is in the patch of every place whose K × K square covers it, and
        it reaches every filter there, so its gradient collects from each place (row, col), in
        order, Σ_f dz_i,(f,row,col) · w_(c,kr,kc),f: what the place sends back to the (kr, kc)
        position of its patch (docs/math.md, section 17). Each image's row from its own dZ."""
        channels, height, width = self.input_shape
        K, F = self.kernel, self.filters
        _, out_height, out_width = self.output_shape
        W = self.W.rows
        dA_prev = []
        for d in dZ.rows:  # one image
            da = [0.0] * (channels * height * width)
            for row in range(out_height):
                for col in range(out_width):
                    for c in range(channels):
                        for kr in range(K):
                            for kc in range(K):
                                total = 0.0
                                for f in range(F):
                                    total += d[(f * out_height + row) * out_width + col] * W[(c * K + kr) * K + kc][f]
                                da[(c * height + row + kr) * width + col + kc] += total
            dA_prev.append(da)
        return Matrix(dA_prev, check=False)
