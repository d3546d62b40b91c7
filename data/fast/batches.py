"""data/dataset.py's images_matrix, fast: the batch kept as bytes, a ByteMatrix.

The plain definition makes 784 floats, byte / 255, for every image of a batch. A
ByteMatrix (my_math/fast/byte_matrix.py) is a Matrix with those very elements: it keeps
the bytes and makes each float, byte / 255, only when something asks for its rows. What
it gains is its product: the first layer's X W₁ and Xᵀ dZ₁ multiply whole rows of weights
at once, packed into big whole numbers.
"""

from my_math.fast import fast_form
from my_math.fast.byte_matrix import ByteMatrix

from .. import dataset


@fast_form(dataset, "images_matrix")
def images_matrix(images):
    """dataset.images_matrix: the matrix X of the images, as the bytes themselves."""
    return ByteMatrix(list(images))
