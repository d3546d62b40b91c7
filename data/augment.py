"""Augmentation: the training images moved by a pixel or two, a new way every time they are drawn.

A digit moved one pixel to the left is the same digit, but to the network, which sees
784 separate numbers, it is a different input: most pixels of the stroke now fall on
other weights. Showing each training image with a small random shift each time it is
drawn teaches the network that such moves do not change the answer, with images it
could not learn by heart, and lifts the test accuracy (docs/experiments.md). The test
images are never moved.

The shifts are made from the bytes of the images, before the batch becomes a matrix,
and cost a few percent of a training step (data/fast/shifts.py computes shifted()
several times faster, the same bytes; benchmarks/augment_cost.py measures it).
docs/math.md, section 16. A chapter after the first reading (train.py --augment).
"""

from . import dataset


def shifted(image, right, down, shape):
    """The image (bytes, row by row, shape = (rows, columns)) moved right and down by whole pixels.

    Every pixel moves: the pixel at (row, column) of the result is the one at
    (row − down, column − right) of the image, or 0 (black, no ink) where that lies
    outside it. Negative right and down move left and up. shifted(image, 0, 0, shape)
    is the image itself.
    """
    rows, columns = shape
    result = bytearray(rows * columns)  # all 0: black
    for row in range(rows):
        for column in range(columns):
            source_row, source_column = row - down, column - right
            if 0 <= source_row < rows and 0 <= source_column < columns:
                result[row * columns + column] = image[source_row * columns + source_column]
    return bytes(result)


class Shifted:
    """A data set whose images are shifted at random, by up to max_shift pixels each way, when drawn.

    Shifted(train_set, 1).batches(128, rng) gives the batches of train_set.batches(128, rng),
    each image moved by (right, down), each a whole number from −max_shift to max_shift,
    drawn from rng for every image every time it is drawn. The labels stay as they are.
    """

    def __init__(self, dataset, max_shift):
        self.dataset = dataset
        self.max_shift = max_shift

    def __len__(self):
        return len(self.dataset)

    def batches(self, batch_size, rng):
        """The mini-batches (X, labels) of the data set in the order rng shuffles them, the images shifted.

        The shifts of a batch are drawn when the batch is made, image by image in the
        order of its rows, (right, down) for each: so the same seed gives the same images,
        whoever computes with them afterwards.
        """
        for images, labels in self.dataset.image_batches(batch_size, rng):
            yield self.moved(images, rng), labels

    def moved(self, images, rng):
        """The matrix X of the images (bytes), each moved by its own (right, down), drawn from rng."""
        most, shape = self.max_shift, self.dataset.image_shape
        moves = [(rng.randint(-most, most), rng.randint(-most, most)) for _ in images]
        # dataset.images_matrix looked up when called: the scripts' fast form takes its place
        return dataset.images_matrix([shifted(image, right, down, shape)
                                      for image, (right, down) in zip(images, moves)])
