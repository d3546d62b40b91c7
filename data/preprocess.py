"""Making your own picture of a digit look like an MNIST digit, so the network can read it.

A network only knows the kind of input it was trained on. Every MNIST digit was made the
same way (LeCun et al., "Gradient-based learning applied to document recognition", 1998):
the handwriting was scanned, size-normalised to fit a 20 × 20 box keeping its aspect
ratio (the averaging made grey edges), and placed in a 28 × 28 frame so that its centre
of mass lands on the centre. Ink is light (255) on a black (0) background.

A photo, a scan or a drawing from a browser canvas is nothing like that: dark ink on
light paper, any size, the digit anywhere. mnist_style repeats MNIST's recipe on it:

    1. invert when the background is light          (MNIST has light ink on black)
    2. levels: background → 0, strongest ink → 1     (paper is never black, ink rarely white)
    3. crop to the ink's bounding box                (where the digit is does not matter)
    4. scale to fit 20 × 20, keeping the aspect      (how big it was does not matter)
    5. centre of mass to (14, 14) in 28 × 28          (where its weight is, as in MNIST)

All of it is plain Python on 2-D lists (rows of pixels). Pillow is used only to read a
file or bytes into such a list, and is imported inside the functions that need it, so
the rest of the project runs without it.
"""

import math

SIZE = 28  # the MNIST frame: SIZE × SIZE pixels
BOX = 20  # the digit is scaled to fit BOX × BOX inside the frame
CENTRE = 14  # MNIST puts the centre of mass at row 14, column 14 (row and column indices)

# Less contrast than this between ink and background (grey levels out of 255) is not a
# digit: a blank page, a uniformly grey picture, or sensor noise on either.
MIN_CONTRAST = 32

# After inversion, pixels within this fraction of the way from the background to the
# strongest ink count as background: paper grain, JPEG ripples and faint shadows would
# otherwise widen the bounding box and pull the centre of mass.
NOISE = 0.2

# Pictures larger than this on a side are shrunk (by averaging blocks of pixels) as they
# are read: a 12-megapixel phone photo would be 12 million Python numbers, and a digit
# that ends up 20 pixels tall needs nowhere near that many.
MAX_SIDE = 512


def mnist_style(gray):
    """The 784 inputs of an MNIST-like image of the digit drawn in gray.

    gray is a picture as a list of rows of grayscale values from 0 (black) to 255
    (white), of any size and aspect ratio, dark ink on light paper or light on dark.
    Returns 784 floats in [0, 1], row by row of the 28 × 28 frame, light ink on black
    like MNIST. Raises ValueError when gray is not a picture or shows no ink.
    """
    ink = _levels(_ink_up(_checked(gray)))
    top, bottom, left, right = _bounding_box(ink)
    digit = _fit(_crop(ink, top, bottom, left, right), BOX)
    return [v for row in _centred(digit) for v in row]


def _checked(gray):
    """gray as rows of floats, after checking it is a non-empty rectangle of numbers 0-255."""
    if not isinstance(gray, (list, tuple)) or not gray or not all(isinstance(row, (list, tuple)) for row in gray):
        raise ValueError("an image must be a non-empty list of rows of grayscale values")
    width = len(gray[0])
    if width == 0 or any(len(row) != width for row in gray):
        raise ValueError("an image's rows must all have the same, non-zero length")
    try:
        rows = [list(map(float, row)) for row in gray]
    except (TypeError, ValueError):
        rows = None
    # A sum is NaN ("not a number") when any of its terms is.
    if (rows is None or not 0 <= min(map(min, rows)) <= max(map(max, rows)) <= 255
            or math.isnan(sum(map(sum, rows)))):
        raise ValueError("an image's pixels must be grayscale numbers from 0 to 255")
    return rows


def _border(image):
    """The pixels along the four edges of image, where the background shows."""
    return image[0] + image[-1] + [row[0] for row in image] + [row[-1] for row in image]


def _median(values):
    return sorted(values)[len(values) // 2]


def _ink_up(image):
    """Step 1: image with the ink lighter than the background, inverted if needed.

    A digit fills a small part of its picture, so the edges show background: when the
    median edge pixel is light (above mid-grey), this is dark ink on light paper and we
    invert (v → 255 − v). The median, not the mean, so that a stroke touching the edge
    or a dark corner of a photo does not sway the decision.
    """
    if _median(_border(image)) > 255 / 2:
        return [[255.0 - v for v in row] for row in image]
    return image


def _levels(image):
    """Step 2: image rescaled so the background is 0 and the strongest ink is 1.

    The background level is the median edge pixel again; the ink's level is the
    brightest pixel. Everything up to NOISE of the way from one to the other becomes 0
    (background), and the rest is stretched linearly up to 1: a pencil digit on grey
    paper then looks like a pen digit on black, as in MNIST. Raises ValueError when
    there is no ink: less than MIN_CONTRAST between the brightest pixel and the
    background.
    """
    background = _median(_border(image))
    peak = max(max(row) for row in image)
    if peak - background < MIN_CONTRAST:
        raise ValueError("the image is empty: no ink stands out from the background")
    low = background + NOISE * (peak - background)
    scale = 1 / (peak - low)
    return [[(v - low) * scale if v > low else 0.0 for v in row] for row in image]


def _bounding_box(image):
    """Step 3a: (top, bottom, left, right), the smallest rows and columns holding all ink (inclusive)."""
    rows = [y for y, row in enumerate(image) if any(row)]
    columns = [x for x, column in enumerate(zip(*image)) if any(column)]
    return rows[0], rows[-1], columns[0], columns[-1]


def _crop(image, top, bottom, left, right):
    """Step 3b: the part of image from row top to bottom and column left to right, inclusive."""
    return [row[left:right + 1] for row in image[top:bottom + 1]]


def _fit(image, box):
    """Step 4: image scaled so its longer side is box pixels, keeping its aspect ratio.

    Each new pixel is the average of the old pixels it covers, weighted by how much of
    each it covers (a "box filter", or area averaging): shrinking a sharp stroke leaves
    grey at its edges, the anti-aliasing MNIST digits show. Averaging is done along the
    rows first, then down the columns, which gives the same averages as covering each
    new pixel's square at once.
    """
    height, width = len(image), len(image[0])
    scale = box / max(height, width)
    new_height, new_width = max(1, round(height * scale)), max(1, round(width * scale))
    across = _box_weights(width, new_width)
    narrowed = [[sum(row[j] * w for j, w in cells) for cells in across] for row in image]
    scaled = []
    for cells in _box_weights(height, new_height):
        new_row = [0.0] * new_width
        for j, w in cells:
            new_row = [a + v * w for a, v in zip(new_row, narrowed[j])]
        scaled.append(new_row)
    return scaled


def _box_weights(n_old, n_new):
    """For each of n_new pixels along a line, [(old pixel, weight), ...] for area averaging.

    New pixel i covers the stretch [i·s, (i+1)·s) of the old line, s = n_old / n_new; an
    old pixel j, the stretch [j, j+1), counts with the length of their overlap divided
    by s, so each new pixel's weights add up to 1.
    """
    step = n_old / n_new
    table = []
    for i in range(n_new):
        start, end = i * step, (i + 1) * step
        cells = []
        for j in range(int(start), min(n_old, math.ceil(end))):
            overlap = min(end, j + 1) - max(start, j)
            if overlap > 0:
                cells.append((j, overlap / step))
        table.append(cells)
    return table


def _centred(image):
    """Step 5: image placed in a SIZE × SIZE frame of zeros with its centre of mass at (CENTRE, CENTRE).

    The centre of mass is the ink-weighted mean row and column, Σ v·y / Σ v and
    Σ v·x / Σ v. Centring on it rather than on the bounding box is what MNIST did: a 7's
    heavy top bar sits near the middle, not above it. The shift is a whole number of
    pixels, as in MNIST, so the centre lands within half a pixel of (14, 14); ink shifted
    past the frame's edge (a very lopsided digit) is cut off.
    """
    total = sum(map(sum, image))
    centre_y = sum(y * v for y, row in enumerate(image) for v in row) / total
    centre_x = sum(x * v for row in image for x, v in enumerate(row)) / total
    shift_y, shift_x = round(CENTRE - centre_y), round(CENTRE - centre_x)
    frame = [[0.0] * SIZE for _ in range(SIZE)]
    for y, row in enumerate(image):
        if 0 <= y + shift_y < SIZE:
            for x, v in enumerate(row):
                if 0 <= x + shift_x < SIZE:
                    frame[y + shift_y][x + shift_x] = v
    return frame


def read_image(path):
    """The picture in the file at path (PNG, JPEG, ... anything Pillow reads) as rows of grayscale 0-255.

    Raises ValueError, one line naming the file, when it is missing, a folder, or not a
    picture Pillow can read. See _grayscale_rows for what is done to the picture.
    """
    from PIL import Image

    try:
        with Image.open(path) as picture:
            return _grayscale_rows(picture)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such image file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not an image file") from None
    except PermissionError:
        raise ValueError(f"{path}: cannot be read (permission denied)") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"{path}: not an image Pillow can read ({_one_line(error)})") from None


def decode_image_bytes(data):
    """The picture in data, the bytes of a PNG or JPEG file (say from a browser's canvas), as rows of grayscale 0-255.

    Raises ValueError with a one-line message when data is not a picture Pillow can read.
    """
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            return _grayscale_rows(picture)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"not an image Pillow can read ({_one_line(error)})") from None


def _grayscale_rows(picture):
    """An opened Pillow picture as a list of rows of grayscale values 0-255.

    Phones record which way up a photo was taken in its EXIF data rather than turning
    the pixels, so we turn them. Transparent pixels are laid on white, as a viewer shows
    them: a canvas with dark strokes on a transparent background reads as dark ink on
    white paper (light strokes on a transparent one would vanish). Colours become grey
    as Pillow's "L" mode weighs them, L = 0.299 R + 0.587 G + 0.114 B. Pictures larger
    than MAX_SIDE are shrunk by averaging blocks of pixels (see MAX_SIDE).
    """
    from PIL import Image, ImageOps

    picture = ImageOps.exif_transpose(picture)
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        picture = picture.convert("RGBA")
        picture = Image.alpha_composite(Image.new("RGBA", picture.size, "white"), picture)
    picture = picture.convert("L")
    factor = math.ceil(max(picture.size) / MAX_SIDE)
    if factor > 1:
        picture = picture.reduce(factor)
    width, height = picture.size
    pixels = picture.tobytes()
    return [list(pixels[y * width:(y + 1) * width]) for y in range(height)]


def _one_line(error):
    """The first line of an exception's message, for a one-line error."""
    return (str(error) or type(error).__name__).splitlines()[0]
