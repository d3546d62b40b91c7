"""The values that go in and out of the exercises: what kind and shape they are, how close two
of them are, and how they look in a message.

Every exercise takes and returns plain Python: numbers, lists of numbers, matrices as lists
of rows, images as lists of channels of rows. A learner's answer is compared number by
number with the project's, within a tolerance; the first number that differs is named by
its place, [i][j], the way Python would index it.
"""

import math
from collections import namedtuple
from numbers import Real

Tolerance = namedtuple("Tolerance", "relative absolute")
Tolerance.__doc__ = """got is close enough to expected when |got − expected| ≤ absolute + relative·|expected|.
A different order of the same additions changes a sum by about 10⁻¹⁶ of its size, far
below these."""


def is_number(x):
    """A real number: an int or a float (not True or False, which Python also counts as ints)."""
    return isinstance(x, Real) and not isinstance(x, bool)


def is_sequence(x):
    return isinstance(x, (list, tuple))


def shape_of(value):
    """The sizes of a rectangular nesting of lists of numbers: (2, 3) for a 2 × 3 matrix, () for a
    number; None for anything else (ragged rows, an empty list, a string, None ...)."""
    if is_number(value):
        return ()
    if not is_sequence(value) or not value:
        return None
    inner = [shape_of(item) for item in value]
    if inner[0] is None or any(shape != inner[0] for shape in inner):
        return None
    return (len(value),) + inner[0]


def describe(value):
    """What a value is, in words: "a 2 × 3 matrix", "the number 4.5", "None", "a dict"."""
    if value is None:
        return "None"
    if is_number(value):
        return f"the number {number(value)}"
    shape = shape_of(value)
    if shape is not None:
        kind = {1: "list of", 2: "matrix", 3: "nested list (C × H × W)"}.get(len(shape), "nested list")
        if len(shape) == 1:
            return f"a list of {shape[0]} numbers"
        return f"a {' × '.join(map(str, shape))} {kind}"
    if is_sequence(value):
        return _irregular(value)
    return _kind(value)


def _irregular(value):
    """What is wrong with a list that is not a rectangular nesting of lists of numbers, in words."""
    if not value:
        return "an empty list"
    for item in _leaves(value):
        if is_sequence(item):
            return "a list with an empty list in it"
        if isinstance(item, bool):
            return f"a list holding {item}, where a number belongs: write 1 and 0 (or 1.0 and 0.0)"
        if not is_number(item):
            return f"a list holding {_kind(item)} where a number belongs"
    if not all(is_sequence(item) for item in value):
        return "a list mixing numbers and lists"
    lengths = [len(item) for item in value]
    if len(set(lengths)) > 1:
        return f"a list of rows of different lengths ({', '.join(map(str, lengths[:6]))}{', ...' * (len(lengths) > 6)})"
    return f"a list of {len(value)} items that are not all of one shape"


def _kind(value):
    """The type of a value in words, with its module when it is not a built-in: "a str", "a numpy.ndarray"."""
    cls = type(value)
    name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"
    return "None" if value is None else f"a {name}"


def _leaves(value):
    """The items of a nesting of lists that are not themselves lists, in order."""
    for item in value:
        if is_sequence(item) and item:
            yield from _leaves(item)
        else:
            yield item


def first_difference(got, expected, tolerance, name=""):
    """Where got first differs from expected, in words, or None when every number is close enough.

    name is how the value is called in the message ("dW"): "dW[0][1]: expected 0.3348, got
    -0.3348". A got of another kind or shape than expected is described as such.
    """
    expected_shape = shape_of(expected)
    got_shape = shape_of(got)
    if got_shape != expected_shape:
        what = f"{name} is " if name else ""
        return f"{what}{describe(got)}, where {describe(expected)} was expected"
    for place, (g, e) in zip(places(expected_shape), zip(numbers_in(got), numbers_in(expected))):
        if not close(g, e, tolerance):
            where = f"{name}{place}: " if name or place else ""
            return f"{where}expected {number(e)}, got {number(g)}"
    return None


def close(got, expected, tolerance):
    """|got − expected| ≤ absolute + relative·|expected|; never true of NaN or an infinity that was not expected."""
    if math.isinf(expected) or math.isinf(got):
        return got == expected
    return abs(got - expected) <= tolerance.absolute + tolerance.relative * abs(expected)


def numbers_in(value):
    """The numbers of a nesting of lists, in reading order (a number alone is its own list)."""
    if is_number(value):
        return [value]
    return [x for item in value for x in numbers_in(item)]


def places(shape):
    """The index of every number of a value of that shape, in reading order: "[0][0]", "[0][1]", ..."""
    places = [""]
    for size in shape:
        places = [f"{place}[{i}]" for place in places for i in range(size)]
    return places


def number(x):
    """A number as a message shows it: whole numbers without ".0", others to 6 significant digits."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def shown(value, width=88):
    """A value as a message shows it, on one line if it fits in width, else a matrix row by row or
    an image channel by channel; numbers as number() writes them."""
    one_line = _one_line(value)
    if len(one_line) <= width or not is_sequence(value) or shape_of(value) is None or len(shape_of(value)) < 2:
        return one_line
    return "[" + ",\n ".join(_indented(shown(item, width - 1)) for item in value) + "]"


def _one_line(value):
    if is_sequence(value):
        return "[" + ", ".join(_one_line(item) for item in value) + "]"
    return number(value) if is_number(value) else repr(value)


def _indented(text):
    return text.replace("\n", "\n ")
