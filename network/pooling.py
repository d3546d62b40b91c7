"""Max pooling: each feature map shrunk to half its height and width, keeping the largest value of each 2 × 2 square.

After a convolution, a feature map says how strongly its filter's pattern appears at
each place. Pooling keeps, of every 2 × 2 square, only the strongest answer: the map
becomes a quarter of the size (fewer numbers for the layers after it), and a pattern
moved by a pixel mostly gives the same pooled map. It has no weights: nothing to learn.

The batch is laid out as the convolution's (network/convolution.py): one row per image,
the values in (channel, row, column) order, and so is the result. docs/math.md, section 17.
"""

from my_math import Matrix

SIZE = 2  # the windows are SIZE × SIZE, and they do not overlap (stride SIZE)


class MaxPool:
    """2 × 2 max pooling with stride 2 over C feature maps of height × width.

    The output is C maps of (height // 2) × (width // 2): a last odd row or column, which
    no whole window covers, is left out (as PyTorch does).
    """

    def __init__(self, input_shape):
        channels, height, width = input_shape
        if height < SIZE or width < SIZE:
            raise ValueError(f"{SIZE}×{SIZE} pooling needs feature maps of at least {SIZE}×{SIZE}, not {height}×{width}")
        self.input_shape = (channels, height, width)
        self.output_shape = (channels, height // SIZE, width // SIZE)

    def forward(self, A_prev):
        """The largest value of each window: z_i,(c,row,col) = max of a_i,(c, 2row+kr, 2col+kc), kr, kc ∈ {0, 1}.

        Four loops: the image, the channel, and the place (row, col) of the output.
        """
        channels, _, _ = self.input_shape
        _, out_height, out_width = self.output_shape
        Z = []
        for a in A_prev.rows:  # one image
            pooled = []
            for c in range(channels):
                for row in range(out_height):
                    for col in range(out_width):
                        pooled.append(a[self._largest_in_window(a, c, row, col)])
            Z.append(pooled)
        return Matrix(Z, check=False)

    def input_gradient(self, A_prev, dZ):
        """The gradient of the pooling's input: each window's dz goes to its largest value; the others get 0.

        The output is z = a_(largest), so ∂z/∂a is 1 for that value and 0 for the other
        three: a small change of a value that is not the largest changes nothing. When
        several values share the largest, the first of them (row by row) is the one
        forward took, and it takes the gradient (docs/math.md, section 17). Pooling has
        no weights: this is all of its backward pass.
        """
        channels, height, width = self.input_shape
        _, out_height, out_width = self.output_shape
        dA_prev = []
        for a, d in zip(A_prev.rows, dZ.rows):  # one image
            da = [0.0] * (channels * height * width)
            for c in range(channels):
                for row in range(out_height):
                    for col in range(out_width):
                        da[self._largest_in_window(a, c, row, col)] = d[(c * out_height + row) * out_width + col]
            dA_prev.append(da)
        return Matrix(dA_prev, check=False)

    def _largest_in_window(self, a, c, row, col):
        """The position in a of the largest value of window (row, col) of channel c; the first of equals.

        The window's values are read row by row, and one replaces the largest so far only
        when it is larger (a NaN never is, unless it comes first).
        """
        _, height, width = self.input_shape
        top_left = (c * height + SIZE * row) * width + SIZE * col
        largest = top_left
        for kr in range(SIZE):
            for kc in range(SIZE):
                position = top_left + kr * width + kc
                if a[position] > a[largest]:
                    largest = position
        return largest
