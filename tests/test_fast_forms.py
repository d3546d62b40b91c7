"""Every fast form (my_math/fast, network/fast) against its plain definition, bit for bit.

Each registered fast form has cases here: the same inputs go through the plain definition
(inside textbook()) and through the fast form, and the results must be the same floats,
NaNs and signs of zero included (compared by repr). Python 3.12+ rounds sums more
carefully in its built-ins (sum, math.sumprod): there products and sums are held to a
relative 1e-12 instead. ByteMatrix's packed product (both ways round: B @ W and D @ B)
and the products in fixed point of a wide dense layer fed floats (network/fast/dense.py)
round differently by design; tests/test_byte_matrix.py and tests/test_fixed_point.py hold
them to their error bounds. The
convolution of image bytes uses it: with it switched off (exact_only) the convolution
is held bit for bit, with it on to 1e-12 here, and to the bound in tests/test_cnn.py.
"""

import importlib
import math
import random
import sys

import pytest

from data import augment, dataset
from my_math import Matrix
from my_math.fast import FAST_FORMS, textbook, use_fast_forms
from my_math.fast.byte_matrix import ByteMatrix
from my_math.fast.switch import FAST_MODULES
from network import SGD
from network.adam import Adam
from network.architecture import make_network
from network.cnn import pooling
from network.convolution import Conv
from network.dense import Dense
from network.fast import convolution as fast_convolution
from network.fast import dense as fast_dense
from network.optimizer_state import state_of
from network.pooling import MaxPool
from network.rmsprop import RMSprop
from network.weight_decay import WeightDecay

for module in FAST_MODULES:  # every fast form registered, before the test below is given one case each
    importlib.import_module(module)

EXACT_SUMS = sys.version_info < (3, 12) or sys.implementation.name == "pypy"
SHAPES = [(1, 1), (1, 5), (5, 1), (3, 4), (7, 7), (2, 9), (10, 3)]


def random_rows(rng, n_rows, n_cols, zeros=0.0):
    return [[0.0 if rng.random() < zeros else rng.uniform(-2, 2) for _ in range(n_cols)] for _ in range(n_rows)]


def both_ways(compute):
    """(plain, fast): compute() with the plain definitions, then with the fast forms."""
    with textbook():
        plain = compute()
    return plain, compute()


def same(plain, fast, sums=False):
    """Bit for bit the same (repr: also NaN and −0.0); near enough where Python 3.12+'s sums differ."""
    if sums and not EXACT_SUMS:
        near(plain, fast)
    else:
        assert repr(as_lists(plain)) == repr(as_lists(fast))


def near(plain, fast):
    """The same numbers to a relative 1e-12 (an absolute 1e-12 near 0), NaN where there is NaN."""
    a, b = numbers(plain), numbers(fast)
    assert len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12) or math.isnan(x) and math.isnan(y)
                                    for x, y in zip(a, b))


def as_lists(result):
    """A result as lists: a Matrix's rows, and so for each Matrix of a tuple (a layer's gradients)."""
    if isinstance(result, Matrix):
        return result.tolist()
    if isinstance(result, tuple):
        return [as_lists(part) for part in result]
    return result


def numbers(result):
    """Every number in a result (a float, a Matrix, a tuple of them), in order."""
    result = as_lists(result)
    if isinstance(result, list):
        return [x for part in result for x in numbers(part)]
    return [] if result is None else [result]


# ---------------------------------------------------------------------- the cases, one per fast form

def matrix_product_cases():
    rng = random.Random(1)
    for zeros in (0.0, 0.5, 0.9, 1.0):
        for n, k in SHAPES:
            for p in (1, 3):
                yield Matrix(random_rows(rng, n, k, zeros)), Matrix(random_rows(rng, k, p))


def check_matrix_product():
    for A, W in matrix_product_cases():
        same(*both_ways(lambda: A @ W), sums=True)
    # 0 · ∞ and 0 · NaN are NaN in the textbook's sums: zeros are not skipped then.
    A = Matrix([[0.0, 1.0], [0.0, 0.0], [2.0, 0.0]] * 3)
    for special in (math.inf, -math.inf, math.nan):
        W = Matrix([[special, 1.0], [2.0, 3.0]])
        same(*both_ways(lambda: A @ W))
        assert math.isnan((A @ W)[0, 0])


def check_elementwise():
    rng = random.Random(2)
    for m, n in [(1, 1), (3, 1), (1, 4), (3, 4)]:
        shapes = {(m, n), (1, n), (m, 1), (1, 1)}
        for shape_a in shapes:
            for shape_b in shapes:
                a = Matrix(random_rows(rng, *shape_a))
                b = Matrix(random_rows(rng, *shape_b))
                for compute in (lambda: a + b, lambda: a - b, lambda: a * b, lambda: a / b):
                    same(*both_ways(compute))
    a = Matrix(random_rows(rng, 3, 4))
    for s in (3, 0.25, -2.0):
        for compute in (lambda: a + s, lambda: s - a, lambda: s * a, lambda: s / a, lambda: a / s):
            same(*both_ways(compute))


def check_transpose():
    rng = random.Random(3)
    for n, m in SHAPES:
        a = Matrix(random_rows(rng, n, m))
        same(*both_ways(lambda: a.T))


def check_sum():
    rng = random.Random(4)
    for n, m in SHAPES:
        a = Matrix(random_rows(rng, n, m, 0.2))
        for axis in (None, 0, 1):
            same(*both_ways(lambda: a.sum(axis)), sums=True)
    a = Matrix([[-0.0, -0.0], [-0.0, 1e300], [1e300, -1e300]])
    for axis in (None, 0, 1):
        same(*both_ways(lambda: a.sum(axis)), sums=True)


def check_byte_matrix_product():
    """Not bit for bit (see test_byte_matrix.py); the switch puts the plain product back."""
    X = ByteMatrix([bytes([0, 255, 7] * 10)] * 40)
    W = Matrix([[(-1) ** k * 0.123456789 * k for k in range(12)] for _ in range(30)])
    with textbook():
        assert (X @ W) == Matrix(X.tolist()) @ W
    assert ByteMatrix.__matmul__ is not Matrix.__matmul__
    near(Matrix(X.tolist()) @ W, X @ W)


def check_byte_matrix_product_on_the_right():
    """The same for D @ B, the bytes on the right; switched off, it is Matrix.__matmul__ again."""
    B = ByteMatrix([bytes([0, 255, 7, 1] * 3)] * 30)
    D = Matrix([[(-1) ** k * 0.123456789 * k for k in range(30)] for _ in range(40)])
    with textbook():
        assert "__rmatmul__" not in ByteMatrix.__dict__
        assert (D @ B) == D @ Matrix(B.tolist())
    near(D @ Matrix(B.tolist()), D @ B)


def dense_cases():
    """(layer, A_prev, dZ): a wide layer fed floats (fixed point), a narrower one, a wide one fed image bytes."""
    rng = random.Random(8)
    for n_in, n_out, as_bytes in ((20, fast_dense.WIDE, False), (20, fast_dense.WIDE - 1, False),
                                  (784, fast_dense.WIDE, True)):
        layer = Dense(Matrix(random_rows(rng, n_in, n_out)), Matrix(random_rows(rng, 1, n_out)))
        if as_bytes:
            A_prev = ByteMatrix([bytes(rng.randrange(256) for _ in range(n_in)) for _ in range(3)])
        else:
            A_prev = Matrix(random_rows(rng, 3, n_in, zeros=0.5))
        yield layer, A_prev, Matrix(random_rows(rng, 3, n_out, zeros=0.5))


def same_dense(compute, wide_enough):
    """Bit for bit where the layer keeps its products (tests/test_fixed_point.py: fixed point's bound);
    wide_enough(layer, A_prev) says where it does not."""
    for layer, A_prev, dZ in dense_cases():
        plain, fast = both_ways(lambda: compute(layer, A_prev, dZ))
        if wide_enough(layer, A_prev) or isinstance(A_prev, ByteMatrix):
            near(plain, fast)
        else:
            same(plain, fast, sums=True)


def check_dense_forward():
    same_dense(lambda layer, A_prev, dZ: layer.forward(A_prev), fast_dense.in_fixed_point)


def check_dense_weight_gradient():
    same_dense(lambda layer, A_prev, dZ: layer.weight_gradient(A_prev, dZ), fast_dense.in_fixed_point)


def check_dense_input_gradient():
    same_dense(lambda layer, A_prev, dZ: layer.input_gradient(dZ),
               lambda layer, A_prev: fast_dense.PACKING and layer.W.shape[1] >= fast_dense.WIDE)


def convolution_cases():
    """(layer, input, dZ) on random shapes: 1–3 channels, kernels 1–5, odd and even image sizes, 1–4
    filters, 1–3 images, the input as floats (with zeros and negatives) and as image bytes."""
    rng = random.Random(7)
    for case in range(24):
        channels, kernel, filters, m = rng.randint(1, 3), rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 3)
        height, width = rng.randint(kernel, 11), rng.randint(kernel, 11)
        layer = Conv(Matrix(random_rows(rng, channels * kernel * kernel, filters)),
                     Matrix(random_rows(rng, 1, filters)), (channels, height, width))
        places = filters * (height - kernel + 1) * (width - kernel + 1)
        dZ = Matrix(random_rows(rng, m, places, zeros=0.6))
        size = channels * height * width
        if case % 2:
            yield layer, ByteMatrix([bytes(rng.randrange(256) if rng.random() < 0.3 else 0 for _ in range(size))
                                     for _ in range(m)]), dZ
        else:
            yield layer, Matrix(random_rows(rng, m, size, zeros=0.4)), dZ


def same_convolution(plain_compute, fast_compute):
    """The plain convolution (plain_compute with the plain definitions) and a fast one agree: bit for
    bit with the exact fast forms; with the packed product too (image bytes on CPython), to a relative 1e-12."""
    with textbook():
        plain = plain_compute()
    use_fast_forms(True, exact_only=True)
    try:
        exact = fast_compute()
    finally:
        use_fast_forms(True)
    same(plain, exact, sums=True)
    near(plain, fast_compute())


def infinite_cases():
    """A float case and a bytes case with an infinity in W: 0 · ∞ is NaN in the loops' sums, so no
    zero may be skipped; and an infinity in a float input."""
    cases = list(convolution_cases())[:2]
    infinite = []
    for layer, X, dZ in cases:
        W = layer.W.tolist()
        W[-1][0] = math.inf
        # the first image all 0: no ink in its patches, whose sums are then 0 · ∞ = NaN too
        blank = ByteMatrix([bytes(len(X.byte_rows[0]))] + X.byte_rows[1:]) if isinstance(X, ByteMatrix) else \
            Matrix([[0.0] * len(X.rows[0])] + X.tolist()[1:])
        infinite.append((Conv(Matrix(W), layer.b, layer.input_shape), blank, dZ))
    layer, X, dZ = cases[0]
    infinite.append((layer, Matrix([[math.inf if k == 3 else x for k, x in enumerate(row)] for row in X.tolist()]), dZ))
    return infinite


def check_conv_forward():
    for layer, X, _ in list(convolution_cases()) + infinite_cases():
        plain = lambda: layer.forward(X)  # noqa: E731
        same_convolution(plain, plain)
        # both engines on every Python: PyPy's loops here, CPython's im2col under PyPy
        same_convolution(plain, lambda: fast_convolution._forward_by_loops(layer, X))
        same_convolution(plain, lambda: fast_convolution._forward_by_im2col(layer, X))


def backward_cases():
    """convolution_cases, and the infinite ones with place 0 without a gradient from any filter:
    skipping it would skip 0 · ∞."""
    cases = list(convolution_cases())
    for layer, X, dZ in infinite_cases():
        places = layer.output_shape[1] * layer.output_shape[2]
        cases.append((layer, X, Matrix([[0.0 if k % places == 0 else d for k, d in enumerate(row)] for row in dZ.tolist()])))
    return cases


def check_conv_weight_gradient():
    for layer, X, dZ in backward_cases():
        plain = lambda: layer.weight_gradient(X, dZ)  # noqa: E731
        same_convolution(plain, plain)
        same_convolution(plain, lambda: fast_convolution._weight_gradient_by_loops(layer, X, dZ))
        same_convolution(plain, lambda: fast_convolution._weight_gradient_by_im2col(layer, X, dZ))


def check_conv_bias_gradient():
    for layer, _, dZ in backward_cases():
        same(*both_ways(lambda: layer.bias_gradient(dZ)), sums=True)


def check_conv_input_gradient():
    for layer, _, dZ in backward_cases():
        plain = lambda: layer.input_gradient(dZ)  # noqa: E731
        same_convolution(plain, plain)
        same_convolution(plain, lambda: fast_convolution._input_gradient_by_loops(layer, dZ))
        same_convolution(plain, lambda: fast_convolution._input_gradient_by_im2col(layer, dZ))


def pooling_cases():
    rng = random.Random(8)
    for _ in range(20):
        channels, height, width, m = rng.randint(1, 3), rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 3)
        # ties (0.0 and 1.0 often), a NaN now and then, and -0.0 next to 0.0
        values = [[rng.choice([0.0, -0.0, 1.0, 1.0, rng.gauss(0, 1), rng.gauss(0, 1), math.nan if rng.random() < 0.05 else 2.0])
                   for _ in range(channels * height * width)] for _ in range(m)]
        pool = MaxPool((channels, height, width))
        dZ = Matrix(random_rows(rng, m, math.prod(pool.output_shape)))
        yield pool, Matrix(values), dZ


def check_pool_forward():
    for pool, A, _ in pooling_cases():
        same(*both_ways(lambda: pool.forward(A)))


def check_pool_input_gradient():
    for pool, A, dZ in pooling_cases():
        same(*both_ways(lambda: pool.input_gradient(A, dZ)))


def convolution_outputs():
    """Convolutions with pre-activations Z and gradients dA of their pooled outputs: ties (0.0 and 1.0
    often), −0.0 beside 0.0, a NaN now and then, windows of negative values only, odd edges."""
    rng = random.Random(11)
    mixed = lambda: rng.choice([0.0, -0.0, 1.0, 1.0, -1.0, rng.gauss(0, 1), math.nan if rng.random() < 0.05 else 2.0])  # noqa: E731
    negative = lambda: rng.choice([-0.0, -1.0, -rng.random()])  # noqa: E731
    for (filters, height, width), m in (((1, 6, 6), 3), ((2, 5, 7), 2), ((3, 4, 4), 1), ((8, 24, 24), 2)):
        conv = Conv.initialised((1, height + 2, width + 2), filters, 3, rng, "he")
        for value in (mixed, negative):
            Z = Matrix([[value() for _ in range(filters * height * width)] for _ in range(m)])
            yield conv, Z, Matrix(random_rows(rng, m, math.prod(pooling(conv).output_shape)))


def networks_with_each_activation():
    for activation in ("relu", "leaky_relu", "sigmoid", "tanh"):
        yield make_network([36, 4, 3], conv=[(2, 3)], activation=activation)


def check_pooled():
    for net in networks_with_each_activation():
        for conv, Z, _ in convolution_outputs():
            same(*both_ways(lambda: net.pooled(conv, Z)))


def check_pooled_backward():
    for net in networks_with_each_activation():
        for conv, Z, dA in convolution_outputs():
            same(*both_ways(lambda: net.pooled_backward(conv, dA, Z)))


class Layer:
    """A layer's parameters, W and b, as the optimizers see them."""

    def __init__(self, W, b):
        self.W, self.b = W, b


def optimizer_run(make_optimizer, steps=4):
    """Two layers' parameters and the optimizer's state after a few steps with random gradients."""
    rng = random.Random(6)
    layers = [Layer(Matrix(random_rows(rng, 6, 5)), Matrix(random_rows(rng, 1, 5))),
              Layer(Matrix(random_rows(rng, 5, 3)), Matrix(random_rows(rng, 1, 3)))]
    optimizer = make_optimizer()
    for _ in range(steps):
        gradients = [(Matrix(random_rows(rng, *layer.W.shape, 0.2)), Matrix(random_rows(rng, *layer.b.shape)))
                     for layer in layers]
        optimizer.step(layers, gradients, 0.05)
    return [(layer.W, layer.b) for layer in layers], state_of(optimizer)


def check_sgd_step():
    for make in (lambda: SGD(0.0), lambda: SGD(0.9), lambda: WeightDecay(SGD(0.5), 0.01),
                 lambda: WeightDecay(SGD(0.0), 0.1)):
        plain, fast = both_ways(lambda: optimizer_run(make))
        assert repr(plain) == repr(fast)


def check_adam_step():
    for make in (Adam, lambda: WeightDecay(Adam(), 0.01), lambda: Adam(beta1=0.5, eps=1e-3)):
        plain, fast = both_ways(lambda: optimizer_run(make))
        assert repr(plain) == repr(fast)


def check_rmsprop_step():
    for make in (RMSprop, lambda: WeightDecay(RMSprop(), 0.01), lambda: RMSprop(rho=0.5, eps=1e-3)):
        plain, fast = both_ways(lambda: optimizer_run(make))
        assert repr(plain) == repr(fast)


def check_shifted():
    """Every shift of small images of random bytes, within the frame and out of it, and of real-sized ones."""
    rng = random.Random(7)
    for shape in ((1, 1), (3, 4), (5, 2), (28, 28)):
        rows, columns = shape
        image = bytes(rng.randrange(256) for _ in range(rows * columns))
        shifts = range(-max(shape) - 1, max(shape) + 2) if rows * columns < 100 else range(-3, 4)
        for right in shifts:
            for down in shifts:
                plain, fast = both_ways(lambda: augment.shifted(image, right, down, shape))
                assert plain == fast, (shape, right, down)


def check_images_matrix():
    """The batch as bytes holds the very numbers of the plain batch of floats, byte / 255."""
    rng = random.Random(9)
    images = [bytes(rng.choice([0, 0, 255, rng.randrange(256)]) for _ in range(40)) for _ in range(5)]
    plain, fast = both_ways(lambda: dataset.images_matrix(images))
    assert type(plain) is Matrix and type(fast) is ByteMatrix and fast.byte_rows == images
    same(plain, fast)


CHECKS = {
    ("Matrix", "__matmul__"): check_matrix_product,
    ("Matrix", "_elementwise"): check_elementwise,
    ("Matrix", "T"): check_transpose,
    ("Matrix", "sum"): check_sum,
    ("data.dataset", "images_matrix"): check_images_matrix,
    ("ByteMatrix", "__matmul__"): check_byte_matrix_product,
    ("ByteMatrix", "__rmatmul__"): check_byte_matrix_product_on_the_right,
    ("Dense", "forward"): check_dense_forward,
    ("Dense", "weight_gradient"): check_dense_weight_gradient,
    ("Dense", "input_gradient"): check_dense_input_gradient,
    ("SGD", "step"): check_sgd_step,
    ("Adam", "step"): check_adam_step,
    ("Conv", "forward"): check_conv_forward,
    ("Conv", "weight_gradient"): check_conv_weight_gradient,
    ("Conv", "bias_gradient"): check_conv_bias_gradient,
    ("Conv", "input_gradient"): check_conv_input_gradient,
    ("MaxPool", "forward"): check_pool_forward,
    ("MaxPool", "input_gradient"): check_pool_input_gradient,
    ("ConvNetwork", "pooled"): check_pooled,
    ("ConvNetwork", "pooled_backward"): check_pooled_backward,
    ("RMSprop", "step"): check_rmsprop_step,
    ("data.augment", "shifted"): check_shifted,
}


@pytest.mark.parametrize("form", FAST_FORMS, ids=lambda form: f"{form.owner.__name__}.{form.name}")
def test_the_fast_form_computes_what_the_plain_definition_computes(form):
    assert (form.owner.__name__, form.name) in CHECKS, "a fast form without a test: add it to CHECKS"
    CHECKS[form.owner.__name__, form.name]()


def test_only_the_packed_products_round_differently():
    assert [(f.owner.__name__, f.name) for f in FAST_FORMS if not f.exact] == [
        ("ByteMatrix", "__matmul__"), ("ByteMatrix", "__rmatmul__"),
        ("Dense", "forward"), ("Dense", "weight_gradient"), ("Dense", "input_gradient")]


def test_textbook_puts_the_plain_definitions_back_and_then_the_fast_forms():
    fast = {(f.owner, f.name): f.owner.__dict__.get(f.name) for f in FAST_FORMS}
    with textbook():
        for form in FAST_FORMS:
            assert form.owner.__dict__.get(form.name) is form.plain
    assert {(f.owner, f.name): f.owner.__dict__.get(f.name) for f in FAST_FORMS} == fast
    assert all(fast[f.owner, f.name] is f.fast for f in FAST_FORMS)
