"""Dataset: one part (train or test) of an image data set, kept compact, served in mini-batches.

This is where the data becomes a matrix: a batch of m images is the m × 784 matrix X,
one image per row, each pixel x = byte / 255 between 0 (black) and 1 (full ink).
docs/math.md, section 3.
"""

from my_math import Matrix


def images_matrix(images):
    """The matrix X of a list of images (each bytes, one byte a pixel): row i is image i, x = byte / 255.

    (The scripts make a ByteMatrix instead, the same numbers kept as bytes, with a
    faster product: data/fast/batches.py, in the last chapter.)
    """
    return Matrix([[byte / 255 for byte in image] for image in images], check=False)


class Dataset:
    """The images and labels of one part of a data set.

    The pixels stay bytes, one byte a pixel: a single bytes object holds every image, row
    by row, image i at pixels[i * image_size:(i + 1) * image_size]. The 60 000 training
    images take 47 MB like this; as lists of Python floats they would take about 2 GB.
    Floats are made one mini-batch at a time.
    """

    def __init__(self, pixels, labels, dataset, name, class_names, image_shape=(28, 28)):
        """pixels: bytes, len(labels) images of image_shape; labels: bytes (or a list of ints)."""
        self.pixels = pixels
        self.labels = labels
        self.dataset = dataset
        self.name = name
        self.class_names = tuple(class_names)
        self.num_classes = len(self.class_names)
        self.image_shape = tuple(image_shape)
        self.image_size = image_shape[0] * image_shape[1]

    def __len__(self):
        return len(self.labels)

    def __repr__(self):
        rows, cols = self.image_shape
        return f"<Dataset {self.dataset} {self.name}: {len(self)} images of {rows}×{cols}, {self.num_classes} classes>"

    def image(self, i):
        """The pixels of image i, row by row, as bytes (values 0..255)."""
        if not 0 <= i < len(self):
            raise IndexError(f"image index {i} is out of range: the {self.dataset} {self.name} set "
                             f"has images 0 to {len(self) - 1}")
        start = i * self.image_size
        return self.pixels[start:start + self.image_size]

    def matrix(self, indices):
        """The matrix X with a row for each index in indices: that image's pixels, x = byte / 255."""
        return images_matrix([self.image(i) for i in indices])

    def batches(self, batch_size, rng=None):
        """The whole set as mini-batches (X, labels): X an m × image_size matrix, labels a list of m ints.

        In order when rng is None; otherwise in the order rng.shuffle (rng a random.Random)
        makes of range(len(self)). The order is drawn here, when batches() is called,
        with exactly one rng.shuffle: so a seeded run, or a resumed one, sees the same
        batches. The last batch is smaller when batch_size does not divide len(self).
        """
        return ((images_matrix(images), labels) for images, labels in self.image_batches(batch_size, rng))

    def image_batches(self, batch_size, rng=None):
        """batches(), each batch still a list of images (bytes) and a list of labels."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        order = list(range(len(self)))
        if rng is not None:
            rng.shuffle(order)
        return (([self.image(i) for i in order[start:start + batch_size]],
                 [self.labels[i] for i in order[start:start + batch_size]])
                for start in range(0, len(order), batch_size))

    def take(self, n):
        """A Dataset of the first n images (all of them if there are fewer), e.g. for --limit."""
        if n < 0:
            raise ValueError(f"cannot take {n} images: n must be at least 0")
        return Dataset(self.pixels[:n * self.image_size], self.labels[:n],
                       self.dataset, self.name, self.class_names, self.image_shape)
