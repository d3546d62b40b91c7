"""The exercises, in the order of the first reading: what each one asks, chapter by chapter.

Each exercise is one function a learner writes from the mathematics alone, in plain Python:
numbers, lists of ints, matrices as lists of rows (a list of m lists of n numbers), images
as lists of channels of rows. Its docstring in the workbook (templates.py) is the text
below, its worked example (the first case its check tries) and the section of
docs/math.md that explains it. The workbook has one file per chapter.
"""

from collections import namedtuple

from .values import Tolerance

Exercise = namedtuple("Exercise", "name chapter parameters text example section parts tolerance changes_arguments")
Exercise.__doc__ = """One exercise.

name, parameters   the function the learner writes: def name(parameters)
chapter            the workbook file it is in, without .py
text               its docstring, up to the worked example: what it computes
example            the arguments of the worked example, the first case the check tries;
                   a string instead for an example that is said in words
section            where docs/math.md explains it
parts              the names of the values it returns, for one that returns a tuple; else None
tolerance          how close each number must be to the project's (values.Tolerance)
changes_arguments  True if it may change its arguments in place (an optimizer's step)
"""

Chapter = namedtuple("Chapter", "file title")

EXACT_ENOUGH = Tolerance(relative=1e-9, absolute=1e-12)

CHAPTERS = [
    Chapter("matrices", "matrices: the product, the transpose, the bias row (docs/math.md, sections 2 and 3)"),
    Chapter("activations", "activations: ReLU, its derivative, softmax (docs/math.md, sections 4 and 5)"),
    Chapter("loss", "the loss: cross-entropy, and the gradient where backpropagation starts (docs/math.md, "
                    "sections 4 and 5)"),
    Chapter("dense", "a dense layer, forwards and backwards, and its first weights (docs/math.md, sections 4, 5 "
                     "and 9)"),
    Chapter("optimizers", "optimizers: how a gradient becomes better weights (docs/math.md, section 10)"),
    Chapter("convolution", "convolution and max pooling (docs/math.md, section 17)"),
]


def _exercise(name, chapter, parameters, text, example, section, parts=None, tolerance=EXACT_ENOUGH,
              changes_arguments=False):
    return Exercise(name, chapter, parameters, text.strip("\n"), example, section, parts, tolerance,
                    changes_arguments)


EXERCISES = [
    _exercise("matmul", "matrices", "A, B", """
The matrix product Z = A·B of A (m × n) and B (n × p): the m × p matrix with

    z_ij = Σ_k a_ik · b_kj        (k = 0, 1, ..., n − 1)

row i of A times column j of B, term by term, added up.
""", ([[1, 2], [3, 4]], [[5, 6], [7, 8]]), "section 3"),

    _exercise("transpose", "matrices", "A", """
The transpose Aᵀ of A (m × n): the n × m matrix with (Aᵀ)_ij = a_ji.

Row i of Aᵀ is column i of A. The backward pass needs it: dW = A_prevᵀ·dZ.
""", ([[1, 2, 3], [4, 5, 6]],), "sections 2 and 5"),

    _exercise("add_bias", "matrices", "Z, b", """
Z + b for Z (m × n) and the bias row b (1 × n: a list holding one row of n numbers):
b added to every row of Z,

    (Z + b)_ij = z_ij + b_0j

This is broadcasting: the one row of b serves all m rows of Z.
""", ([[1, 2, 3], [4, 5, 6]], [[10, 20, 30]]), "section 3"),

    _exercise("relu", "activations", "Z", """
ReLU of every element of Z: relu(z) = max(z, 0).

Negative numbers become 0; the others stay as they are. The result has Z's shape.
""", ([[-2, 3], [0, 0.5]],), "section 4"),

    _exercise("relu_derivative", "activations", "Z", """
relu′ of every element of Z: 1 where z > 0, else 0.

At z = 0 exactly relu has no derivative; the project takes 0 there.
""", ([[-2, 3], [0, 0.5]],), "section 5"),

    _exercise("softmax", "activations", "Z", """
Softmax of each row of Z (m × n), turning a row of scores into probabilities:

    P_ij = exp(z_ij) / Σ_k exp(z_ik)

Every P_ij is positive and each row of P sums to 1. It must give the right answer for
z = 1000 too, where math.exp overflows: section 4 of docs/math.md says how.
""", ([[1, 2, 3], [1, 1, 1]],), "section 4"),

    _exercise("cross_entropy", "loss", "P, labels", """
The mean cross-entropy of a batch of m samples, a number:

    L = −(1/m) Σ_i ln P_i,yᵢ

P (m × n) holds a row of probabilities for each sample, labels[i] = yᵢ is the class of
sample i, and P_i,yᵢ the probability the network gave it. ln is math.log; take it of
max(p, 1e-300), as network/loss.py does, so that a probability of exactly 0 gives a large
loss (about 690.8) instead of an error.
""", ([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]], [1, 2]), "section 4"),

    _exercise("output_gradient", "loss", "P, labels", """
∂L/∂Z for softmax followed by cross-entropy, where backpropagation starts:

    dZ = (P − Y) / m

Y is the one-hot matrix of the labels, y_ij = 1 if labels[i] == j, else 0; m is the
number of rows. dZ has P's shape.
""", ([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]], [1, 2]), "section 5"),

    _exercise("dense_forward", "dense", "A_prev, W, b", """
A dense layer's forward pass, for a batch A_prev (m × n, one sample per row), weights W
(n × p) and the bias row b (1 × p):

    Z = A_prev·W + b        z_ij = Σ_k a_ik · w_kj + b_0j

You may use your own functions: from matrices import matmul, add_bias.
""", ([[1, 2], [2, 0]], [[0.5, -1], [0.25, 0.5]], [[0, 0.5]]), "section 4 (the example is section 7's)"),

    _exercise("dense_backward", "dense", "A_prev, W, dZ", """
A dense layer's backward pass: given dZ = ∂L/∂Z (m × p), return (dW, db, dA_prev):

    dW      = A_prevᵀ·dZ           n × p, W's shape
    db      = column sums of dZ    1 × p, b's shape (a list holding one row): db_0j = Σ_i dz_ij
    dA_prev = dZ·Wᵀ                m × n, A_prev's shape
""", ([[1, 0.5], [1, 0]], [[1, -1], [0.5, 1]], [[0.4088, -0.4088], [-0.074, 0.074]]),
        "section 5 (the example is section 7's)", parts=("dW", "db", "dA_prev")),

    _exercise("relu_backward", "dense", "dA, Z", """
The gradient through ReLU, from dA = ∂L/∂A to dZ = ∂L/∂Z, where A = relu(Z):

    dZ = dA ⊙ relu′(Z)        dz_ij = da_ij where z_ij > 0, else 0
""", ([[0.8176, -0.2044], [-0.148, 0.037]], [[1, 0.5], [1, -1.5]]), "section 5 (the example is section 7's)"),

    _exercise("he_init", "dense", "n_in, n_out, rng", """
He initialisation of a layer's weights: an n_in × n_out matrix, each weight drawn from
the normal distribution with mean 0 and variance 2/n_in, with rng.gauss(mean, standard
deviation). rng is a random.Random: the same seed must give the same weights. Drawn
row by row, they are the very weights network/dense.py draws.
""", "he_init(784, 128, random.Random(0)) gives a 784 × 128 matrix whose weights have mean "
     "about 0 and standard deviation about √(2/784) ≈ 0.0505.", "section 9"),

    _exercise("sgd_momentum_step", "optimizers", "W, dW, V, lr, momentum", """
One step of SGD with momentum for one parameter: W (weights, or a bias row), its
gradient dW and its velocity V, all of one shape; learning rate η = lr, momentum μ:

    V ← μ·V − η·dW
    W ← W + V            (with the new V)

elementwise. Return (W, V), the new ones. (You may change W and V in place.)
""", ([[0.5, -1], [0.25, 0.5]], [[0.5, -0.2], [1.6, -0.4]], [[0.1, 0], [-0.2, 0.05]], 0.5, 0.9), "section 10",
        parts=("W", "V"), changes_arguments=True),

    _exercise("adam_step", "optimizers", "W, dW, U, S, t, lr", """
Adam's step number t (t = 1 at the first step) for one parameter W with gradient g = dW
and moments U and S (all zeros before the first step), β₁ = 0.9, β₂ = 0.999, ε = 1e-8:

    U ← β₁·U + (1 − β₁)·g          S ← β₂·S + (1 − β₂)·g²
    Û = U / (1 − β₁ᵗ)              Ŝ = S / (1 − β₂ᵗ)
    W ← W − η·Û / (√Ŝ + ε)

elementwise, η = lr. Return (W, U, S), the new ones. (You may change them in place.)
""", ([[0.5, -1]], [[0.2, -0.4]], [[0, 0]], [[0, 0]], 1, 0.01), "section 10", parts=("W", "U", "S"),
        changes_arguments=True),

    _exercise("conv2d", "convolution", "image, filters, bias", """
A convolution layer's forward pass for one image: image[c][row][col] (C × H × W),
filters[f][c][kr][kc] (F filters, each C × K × K) and bias[f] (F numbers). No padding,
stride 1, and the kernel is not flipped (cross-correlation, as PyTorch computes it):

    z[f][row][col] = Σ_c Σ_kr Σ_kc image[c][row + kr][col + kc] · filters[f][c][kr][kc] + bias[f]

for row = 0 ... H − K and col = 0 ... W − K: the result is F × (H − K + 1) × (W − K + 1).
""", ([[[1, 2, 0], [0, 1, 3], [4, 0, 1]]], [[[[1, 0], [2, -1]]]], [0.5]), "section 17"),

    _exercise("maxpool2x2", "convolution", "X", """
2 × 2 max pooling, stride 2, of X[c][row][col] (C × H × W, H and W even): the largest
value of each 2 × 2 window, the windows side by side without overlapping,

    Y[c][row][col] = max of X[c][2·row + kr][2·col + kc] for kr, kc in 0, 1

The result is C × H/2 × W/2.
""", ([[[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 3], [-2, 2, 1, 0]]],), "section 17"),

    _exercise("maxpool2x2_backward", "convolution", "X, dY", """
The backward pass of 2 × 2 max pooling: given X (C × H × W) and dY = ∂L/∂Y (C × H/2 × W/2),
dX = ∂L/∂X (C × H × W). Each window's dY goes to the place of its largest value; the
other three places get 0. When several values tie for the largest, the first of them in
reading order (row by row) gets it, as network/pooling.py does.
""", ([[[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 3], [-2, 2, 1, 0]]], [[[1, 2], [3, 4]]]), "section 17"),
]

BY_NAME = {exercise.name: exercise for exercise in EXERCISES}


def exercises_of(chapter):
    """The exercises of a chapter (its file name, without .py), in order."""
    return [exercise for exercise in EXERCISES if exercise.chapter == chapter.file]
