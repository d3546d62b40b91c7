"""Known mistakes: the wrong answers learners write, each computed here so that a check can
recognise one and name it.

When a learner's function fails a case, the check computes each known mistake of that
exercise on the same inputs; if the learner's answer is that wrong answer (within the
exercise's tolerance), or raised that error, the message names the mistake and says what
to do. A mistake of a function that returns several values (dense_backward's dW, db and
dA_prev) may be about one of them: its part.

Each wrong answer is written here the way the mistake would be written, in plain lists.
"""

import math
from collections import namedtuple

from . import reference

Mistake = namedtuple("Mistake", "name advice wrong raises spot part")
Mistake.__doc__ = """A known mistake: its name ("the missing 1/m") and what to do instead (advice).

It is recognised by one of: wrong(*args), the wrong answer, which the learner's answer
(or its part, the name of one of the values returned) equals; raises, an exception class
the learner's function raised; spot(args, got), True for a wrong answer that cannot be
computed (one holding NaN).
"""


def gives(name, advice, wrong, part=None):
    return Mistake(name, advice, wrong, None, None, part)


def raises(name, advice, error, spot=None):
    return Mistake(name, advice, None, error, spot, None)


# ---------------------------------------------------------------------- plain lists

def _product(A, B):
    return [[sum(a * b for a, b in zip(row, column)) for column in zip(*B)] for row in A]


def _transposed(A):
    return [list(column) for column in zip(*A)]


def _each(f, A):
    """f of every number of a matrix."""
    return [[f(x) for x in row] for row in A]


def _pairs(f, A, B):
    """f(a, b) of the numbers in the same place of two matrices."""
    return [[f(a, b) for a, b in zip(row_a, row_b)] for row_a, row_b in zip(A, B)]


def _not_finite(value):
    """Whether a nesting of lists of numbers holds a NaN or an infinity."""
    if isinstance(value, (list, tuple)):
        return any(_not_finite(item) for item in value)
    return isinstance(value, float) and not math.isfinite(value)


# ---------------------------------------------------------------------- matrices

def _sum_never_restarted(A, B):
    """matmul with `total = 0` before the loops instead of inside them: each z_ij adds onto the last."""
    total, Z = 0.0, []
    for row in A:
        Z.append([])
        for column in zip(*B):
            total += sum(a * b for a, b in zip(row, column))
            Z[-1].append(total)
    return Z


def _sum_restarted_per_row(A, B):
    """matmul with `total = 0` inside the loop over the rows but outside the one over the columns."""
    Z = []
    for row in A:
        total, Z_row = 0.0, []
        for column in zip(*B):
            total += sum(a * b for a, b in zip(row, column))
            Z_row.append(total)
        Z.append(Z_row)
    return Z


def _bias_down_the_rows(Z, b):
    """b_0i added to every element of row i, where b_0j belongs to column j."""
    return [[z + b[0][i] for z in row] for i, row in enumerate(Z)]


NOT_RESTARTED = "the sum carried over from one element to the next"
RESTART = ("start the sum at 0 for each z_ij: `total = 0` belongs inside the loop over j, just before the "
           "loop over k.")

MATMUL = [
    gives("row times row (A·Bᵀ)", "z_ij takes row i of A and column j of B: Σ_k a_ik·b_kj, k running down "
          "column j (b_kj, not b_jk).", lambda A, B: _product(A, _transposed(B))),
    gives("the elementwise product", "A·B multiplies rows by columns and adds up, z_ij = Σ_k a_ik·b_kj; "
          "a_ij·b_ij is another operation, A ⊙ B.", lambda A, B: _pairs(lambda a, b: a * b, A, B)),
    gives("the product in the wrong order (B·A)", "matmul(A, B) is A·B: row i of A, column j of B. "
          "The order matters.", lambda A, B: _product(B, A)),
    gives(NOT_RESTARTED, RESTART, _sum_never_restarted),
    gives(NOT_RESTARTED, RESTART, _sum_restarted_per_row),
]

TRANSPOSE = [
    gives("A returned as it was", "(Aᵀ)_ij = a_ji: row i of the result is column i of A.", lambda A: A),
    gives("only len(A) rows", "Aᵀ has one row for each column of A: len(A[0]) rows of len(A) numbers.",
          lambda A: [[A[j][i] for j in range(len(A))] for i in range(len(A))]),
    gives("A turned round, not transposed", "(Aᵀ)_ij = a_ji, i and j counted from the top left in both: "
          "nothing is read backwards.", lambda A: [list(column)[::-1] for column in zip(*A)]),
    gives("A turned round, not transposed", "(Aᵀ)_ij = a_ji, i and j counted from the top left in both: "
          "nothing is read backwards.", lambda A: _transposed(A)[::-1]),
]

WRONG_AXIS_BIAS = "the bias on the wrong axis"
BIAS_ALONG_ROWS = "b_0j goes with column j: every row of Z gets the whole row b."

ADD_BIAS = [
    gives(WRONG_AXIS_BIAS, BIAS_ALONG_ROWS, _bias_down_the_rows),
    gives("the bias added to the first row only", "every row of Z gets b: broadcasting repeats the one row b "
          "for all m rows.", lambda Z, b: [[z + c for z, c in zip(Z[0], b[0])]] + [list(row) for row in Z[1:]]),
    gives("the sign turned round", "Z + b: add the bias, do not subtract it.",
          lambda Z, b: [[z - c for z, c in zip(row, b[0])] for row in Z]),
]

# ---------------------------------------------------------------------- activations

RELU = [
    gives("|z| instead of max(z, 0)", "relu(z) = max(z, 0): a negative z becomes 0, not positive.",
          lambda Z: _each(abs, Z)),
    gives("the sign turned round: min(z, 0)", "relu keeps the positive numbers and makes the negative ones 0: "
          "max(z, 0).", lambda Z: _each(lambda z: min(z, 0), Z)),
    gives("relu′ instead of relu", "relu(z) is z itself where z > 0, not 1.",
          lambda Z: _each(lambda z: 1 if z > 0 else 0, Z)),
]

RELU_DERIVATIVE = [
    gives("1 at z = 0", "relu′(z) is 1 only where z > 0: at z = 0 the project takes 0 (docs/math.md, section 5). "
          "Compare with >, not >=.", lambda Z: _each(lambda z: 1 if z >= 0 else 0, Z)),
    gives("relu instead of relu′", "relu′(z) is 1 where z > 0, not z.", lambda Z: _each(lambda z: max(z, 0), Z)),
    gives("the sign turned round: 1 where z < 0", "relu′ is relu's slope: 1 where z > 0, 0 where z < 0.",
          lambda Z: _each(lambda z: 1 if z < 0 else 0, Z)),
]


def _large(Z):
    return any(abs(z) > 700 for row in Z for z in row)


def _rows_far_apart(Z):
    """Rows whose largest scores are so far apart that exp of one row minus another's max underflows to 0."""
    tops = [max(row) for row in Z]
    return max(tops) - min(tops) > 700


def _exps(Z, shifted):
    """exp of every z, of z minus its row's largest if shifted."""
    return [[math.exp(z - (max(row) if shifted else 0)) for z in row] for row in Z]


def _softmax_columns(Z, shifted):
    exps = _exps(Z, shifted)
    sums = [sum(column) for column in zip(*exps)]
    return [[e / s for e, s in zip(row, sums)] for row in exps]


def _softmax_whole(Z, shifted):
    exps = _exps(Z, shifted)
    total = sum(map(sum, exps))
    return _each(lambda e: e / total, exps)


COLUMNS = "the sum on the wrong axis: each column normalised"
ALONG_ROWS = "P_ij = exp(z_ij) / Σ_k exp(z_ik): the sum runs along row i, one sum for each row."
WHOLE = "the sum over the whole matrix, not each row"
OWN_SUM = "each row is one sample's probabilities: divide by that row's own sum Σ_k exp(z_ik)."


SOFTMAX = [
    raises("the missing max", "exp(1000) overflows. Subtract each row's largest z from its z before exp: "
           "the answer is the same, as exp(−c) cancels above and below the line (docs/math.md, section 4).",
           OverflowError),
    Mistake("the missing max", "exp(1000) is too large for a float. Subtract each row's largest z from its z "
            "before exp: the answer is the same (docs/math.md, section 4).", None, None,
            lambda args, got: _large(args[0]) and not _rows_far_apart(args[0]) and _not_finite(got), None),
    raises("the largest z of the whole matrix, not of each row", "subtract each row's own largest z: with "
           "the largest of the whole matrix, a row far below it has exp = 0 everywhere and a sum of 0.",
           ZeroDivisionError, lambda args, got: _rows_far_apart(args[0])),
    Mistake("the largest z of the whole matrix, not of each row", "subtract each row's own largest z: with "
            "the largest of the whole matrix, a row far below it has exp = 0 everywhere.", None, None,
            lambda args, got: _rows_far_apart(args[0]) and _not_finite(got), None),
    gives(COLUMNS, ALONG_ROWS, lambda Z: _softmax_columns(Z, shifted=True)),
    gives(COLUMNS, ALONG_ROWS, lambda Z: _softmax_columns(Z, shifted=False)),
    gives(WHOLE, OWN_SUM, lambda Z: _softmax_whole(Z, shifted=True)),
    gives(WHOLE, OWN_SUM, lambda Z: _softmax_whole(Z, shifted=False)),
    gives("no exp", "P_ij = exp(z_ij) / Σ_k exp(z_ik): take exp of every z first.",
          lambda Z: [[z / sum(row) for z in row] for row in Z]),
]

# ---------------------------------------------------------------------- the loss


def _true_probabilities(P, labels):
    return [max(row[y], 1e-300) for row, y in zip(P, labels)]


MISSING_MEAN = "the missing 1/m"

CROSS_ENTROPY = [
    gives(MISSING_MEAN, "L is the mean over the m rows: divide the sum by m = len(labels).",
          lambda P, labels: -sum(map(math.log, _true_probabilities(P, labels)))),
    gives("the sign turned round", "L = −(1/m) Σ_i ln P_i,yᵢ: the ln of a probability is 0 or negative, and "
          "the loss is 0 or positive.",
          lambda P, labels: sum(map(math.log, _true_probabilities(P, labels))) / len(labels)),
    gives("log base 10", "ln is the natural logarithm, math.log(p); math.log10 is another one.",
          lambda P, labels: -sum(map(math.log10, _true_probabilities(P, labels))) / len(labels)),
    gives("the predicted class's probability, not the true class's", "take row i's probability of its true "
          "class, P[i][labels[i]], however small.",
          lambda P, labels: -sum(math.log(max(row)) for row in P) / len(labels)),
    gives("divided by m·n, not m", "the mean is over the m samples: divide by m = len(labels), not by the "
          "number of probabilities.",
          lambda P, labels: -sum(map(math.log, _true_probabilities(P, labels))) / (len(P) * len(P[0]))),
    raises("ln 0", "take ln of max(p, 1e-300), as network/loss.py does: ln 0 is −∞, and math.log(0) raises "
           "an error.", ValueError),
]


def _minus_one_hot(P, labels, m, sign=1.0):
    """sign · (P − Y) / m, Y one-hot."""
    return [[sign * (p - (1.0 if j == y else 0.0)) / m for j, p in enumerate(row)] for row, y in zip(P, labels)]


OUTPUT_GRADIENT = [
    gives(MISSING_MEAN, "dZ = (P − Y) / m: divide by m, the number of rows, as the loss is a mean over the batch.",
          lambda P, labels: _minus_one_hot(P, labels, 1)),
    gives("the sign turned round", "dZ = (P − Y) / m: predicted minus wanted.",
          lambda P, labels: _minus_one_hot(P, labels, len(P), -1.0)),
    gives("1 taken off every probability", "Y is one-hot: take 1 off only in column labels[i] of row i.",
          lambda P, labels: [[(p - 1) / len(P) for p in row] for row in P]),
    gives("divided by the number of classes, not m", "m is the number of rows (samples), len(P), not the number "
          "of classes len(P[0]).", lambda P, labels: _minus_one_hot(P, labels, len(P[0]))),
]

# ---------------------------------------------------------------------- the dense layer

DENSE_FORWARD = [
    gives("a transpose too many (A_prev·Wᵀ)", "Z = A_prev·W: z_ij = Σ_k a_ik·w_kj, with W as it is.",
          lambda A_prev, W, b: reference.add_bias(_product(A_prev, _transposed(W)), b)),
    gives("the bias forgotten", "Z = A_prev·W + b: add b to every row.", lambda A_prev, W, b: _product(A_prev, W)),
    gives(WRONG_AXIS_BIAS, BIAS_ALONG_ROWS, lambda A_prev, W, b: _bias_down_the_rows(_product(A_prev, W), b)),
    gives("the product in the wrong order (W·A_prev)", "Z = A_prev·W: one row per sample, as A_prev has.",
          lambda A_prev, W, b: reference.add_bias(_product(W, A_prev), b)),
]


def _column_sums(dZ):
    return [[sum(column) for column in zip(*dZ)]]


def _negated(M):
    return _each(lambda x: -x, M)


FORGOTTEN_TRANSPOSE = "the forgotten transpose"
SIGN = "the sign turned round"

DENSE_BACKWARD = [
    gives(f"{FORGOTTEN_TRANSPOSE}: dZᵀ·A_prev is dWᵀ", "dW = A_prevᵀ·dZ, which has W's shape, n × p.",
          lambda A_prev, W, dZ: _product(_transposed(dZ), A_prev), part="dW"),
    gives(f"{FORGOTTEN_TRANSPOSE} of A_prev: A_prev·dZ", "dW = A_prevᵀ·dZ: ∂L/∂w_kj = Σ_i a_ik·dz_ij sums over "
          "the samples i.", lambda A_prev, W, dZ: _product(A_prev, dZ), part="dW"),
    gives(f"{SIGN} in dW", "dW = A_prevᵀ·dZ, as it is: the minus sign of a step comes in the optimizer.",
          lambda A_prev, W, dZ: _negated(_product(_transposed(A_prev), dZ)), part="dW"),
    gives("the sum on the wrong axis: db from the rows of dZ", "db_0j = Σ_i dz_ij: add down each column "
          "(over the samples), one number for each unit j.",
          lambda A_prev, W, dZ: [[sum(row)] for row in dZ], part="db"),
    gives("the sum on the wrong axis: db from the rows of dZ", "db_0j = Σ_i dz_ij: add down each column "
          "(over the samples), one number for each unit j.",
          lambda A_prev, W, dZ: [[sum(row) for row in dZ]], part="db"),
    gives("db as the mean, not the sum (an extra 1/m)", "db is the column sums of dZ: the 1/m is in dZ already "
          "(output_gradient).", lambda A_prev, W, dZ: _each(lambda s: s / len(dZ), _column_sums(dZ)), part="db"),
    gives("db as a plain list, not a row", "return db as a list holding one row, [[...]], the shape of b.",
          lambda A_prev, W, dZ: _column_sums(dZ)[0], part="db"),
    gives(f"{SIGN} in db", "db = the column sums of dZ, as they are.",
          lambda A_prev, W, dZ: _negated(_column_sums(dZ)), part="db"),
    gives(f"{FORGOTTEN_TRANSPOSE} of W: dZ·W", "dA_prev = dZ·Wᵀ: ∂L/∂a_ik = Σ_j dz_ij·w_kj.",
          lambda A_prev, W, dZ: _product(dZ, W), part="dA_prev"),
    gives(f"{SIGN} in dA_prev", "dA_prev = dZ·Wᵀ, as it is.",
          lambda A_prev, W, dZ: _negated(_product(dZ, _transposed(W))), part="dA_prev"),
]

RELU_BACKWARD = [
    gives("relu where relu′ belongs: dA ⊙ relu(Z)", "multiply by relu′(z), which is 1 or 0, not by relu(z).",
          lambda dA, Z: _pairs(lambda d, z: d * max(z, 0), dA, Z)),
    gives("dA forgotten: relu′(Z) alone", "dZ = dA ⊙ relu′(Z): the gradient that comes in passes on where z > 0.",
          lambda dA, Z: _each(lambda z: 1 if z > 0 else 0, Z)),
    gives("the gradient passed where z = 0", "relu′(0) is taken as 0: pass the gradient only where z > 0, not >=.",
          lambda dA, Z: _pairs(lambda d, z: d if z >= 0 else 0, dA, Z)),
    gives("relu of dA: the gradient's own sign decided", "whether the gradient passes depends on z (was the unit "
          "on?), not on the sign of da.", lambda dA, Z: _each(lambda d: max(d, 0), dA)),
    gives(f"{SIGN}: passed where z < 0", "the gradient passes where z > 0, where relu's slope is 1.",
          lambda dA, Z: _pairs(lambda d, z: d if z < 0 else 0, dA, Z)),
]

# ---------------------------------------------------------------------- optimizers


def _momentum_velocity(dW, V, lr, momentum, sign=-1.0):
    return _pairs(lambda v, g: momentum * v + sign * lr * g, V, dW)


def _plus(A, B):
    return _pairs(lambda a, b: a + b, A, B)


SGD_MOMENTUM_STEP = [
    gives(f"{SIGN}: uphill", "V ← μ·V − η·dW: the step goes against the gradient, downhill.",
          lambda W, dW, V, lr, mu: (_plus(W, _momentum_velocity(dW, V, lr, mu, 1.0)),
                                     _momentum_velocity(dW, V, lr, mu, 1.0))),
    gives("W moved with the old V", "update V first, then W ← W + V with the new V.",
          lambda W, dW, V, lr, mu: _plus(W, V), part="W"),
    gives(f"{SIGN}: W ← W − V", "W ← W + V: V points downhill already.",
          lambda W, dW, V, lr, mu: _pairs(lambda w, v: w - v, W, _momentum_velocity(dW, V, lr, mu)), part="W"),
    gives("the momentum left out", "V ← μ·V − η·dW keeps a fraction μ of the old velocity.",
          lambda W, dW, V, lr, mu: (_pairs(lambda w, g: w - lr * g, W, dW), _each(lambda g: -lr * g, dW))),
    gives("(V, W) returned, not (W, V)", "return the new W first, then the new V: return W, V.",
          lambda W, dW, V, lr, mu: (_momentum_velocity(dW, V, lr, mu), _plus(W, _momentum_velocity(dW, V, lr, mu)))),
]

BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-8


def _adam(W, dW, U, S, t, lr, corrected=True, eps_inside=False, t_used=None, swapped=False):
    """Adam's step as a mistake would compute it; with the defaults, Adam's own."""
    t = t if t_used is None else t_used
    U = _pairs(lambda u, g: BETA1 * g + (1 - BETA1) * u if swapped else BETA1 * u + (1 - BETA1) * g, U, dW)
    S = _pairs(lambda s, g: BETA2 * s + (1 - BETA2) * g * g, S, dW)
    U_hat = _each(lambda u: u / (1 - BETA1 ** t), U) if corrected else U
    S_hat = _each(lambda s: s / (1 - BETA2 ** t), S) if corrected else S
    if eps_inside:
        step = _pairs(lambda u, s: lr * u / math.sqrt(s + EPSILON), U_hat, S_hat)
    else:
        step = _pairs(lambda u, s: lr * u / (math.sqrt(s) + EPSILON), U_hat, S_hat)
    return _pairs(lambda w, d: w - d, W, step), U, S


NOT_SQUARED = "g not squared in S"
SQUARE = "S ← β₂·S + (1 − β₂)·g²: S averages the square of the gradient."

ADAM_STEP = [
    gives("no bias correction", "divide U by 1 − β₁ᵗ and S by 1 − β₂ᵗ before the step (Û, Ŝ): the averages start "
          "at 0, and early on they are too small.", lambda *args: _adam(*args, corrected=False)[0], part="W"),
    gives("ε inside the square root", "W ← W − η·Û / (√Ŝ + ε): ε is added after the square root.",
          lambda *args: _adam(*args, eps_inside=True)[0], part="W"),
    gives(NOT_SQUARED, SQUARE, lambda W, dW, U, S, t, lr: _pairs(lambda s, g: BETA2 * s + (1 - BETA2) * g, S, dW),
          part="S"),
    raises(NOT_SQUARED, SQUARE + " With g itself, S goes below 0 and has no square root.", ValueError),
    gives("the weights of the average swapped", "U ← β₁·U + (1 − β₁)·g: most of U is the old U.",
          lambda *args: _adam(*args, swapped=True)[1], part="U"),
    gives("t counted once too many", "t is the number of this step, 1 at the first: use it as it is in βᵗ.",
          lambda W, dW, U, S, t, lr: _adam(W, dW, U, S, t, lr, t_used=t + 1)[0], part="W"),
    raises("t counted from 0", "t is 1 at the first step: 1 − βᵗ is 0 only at t = 0.", ZeroDivisionError),
]

# ---------------------------------------------------------------------- convolution and pooling


def _convolved(image, filters, bias, weight_at, channels=None, with_bias=True):
    """conv2d with the weight for (c, kr, kc) of a K × K filter read at weight_at(filter, c, kr, kc, K)."""
    K = len(filters[0][0])
    height, width = len(image[0]), len(image[0][0])
    return [[[sum(image[c][row + kr][col + kc] * weight_at(f, c, kr, kc, K)
                  for c in range(channels or len(image)) for kr in range(K) for kc in range(K))
              + (bias[n] if with_bias else 0)
              for col in range(width - K + 1)] for row in range(height - K + 1)]
            for n, f in enumerate(filters)]


CONV2D = [
    gives("the flipped kernel", "the kernel is not flipped here: filters[f][c][kr][kc] multiplies "
          "image[c][row + kr][col + kc], as PyTorch's Conv2d computes it (cross-correlation).",
          lambda image, filters, bias: _convolved(image, filters, bias,
                                                  lambda f, c, kr, kc, K: f[c][K - 1 - kr][K - 1 - kc])),
    gives("the kernel's rows and columns swapped", "filters[f][c][kr][kc]: kr goes down the rows and kc across the "
          "columns, as row and col do.",
          lambda image, filters, bias: _convolved(image, filters, bias, lambda f, c, kr, kc, K: f[c][kc][kr])),
    gives("the bias forgotten", "add bias[f] at every place of filter f's map.",
          lambda image, filters, bias: _convolved(image, filters, bias, lambda f, c, kr, kc, K: f[c][kr][kc],
                                                  with_bias=False)),
    gives("only the first channel", "the sum runs over every channel c of the image too: Σ_c Σ_kr Σ_kc.",
          lambda image, filters, bias: _convolved(image, filters, bias, lambda f, c, kr, kc, K: f[c][kr][kc],
                                                  channels=1)),
    gives("one place short in each direction: (H − K) × (W − K)", "row goes from 0 to H − K, both included: "
          "H − K + 1 places, range(H - K + 1).",
          lambda image, filters, bias: [[row[:-1] for row in z[:-1]] for z in reference.conv2d(image, filters, bias)]),
]


def _windows(X):
    """For every channel c and 2 × 2 window (row, col): the window's four values in reading order."""
    return [[[[x[2 * row + kr][2 * col + kc] for kr in (0, 1) for kc in (0, 1)] for col in range(len(x[0]) // 2)]
             for row in range(len(x) // 2)] for x in X]


def _pooled(X, f):
    return [[[f(window) for window in row] for row in x] for x in _windows(X)]


def _overlapping(X):
    """The largest of every 2 × 2 window at stride 1: (H − 1) × (W − 1) places."""
    return [[[max(x[row][col], x[row][col + 1], x[row + 1][col], x[row + 1][col + 1]) for col in range(len(x[0]) - 1)]
             for row in range(len(x) - 1)] for x in X]


MAXPOOL = [
    gives("the mean of each window (average pooling)", "max pooling keeps the largest of the four values.",
          lambda X: _pooled(X, lambda w: sum(w) / 4)),
    gives("the windows overlapping (stride 1)", "the windows sit side by side: window (row, col) starts at "
          "(2·row, 2·col).", _overlapping),
    gives("the largest started at 0", "start from the window's first value (or take max of the four): a window "
          "of negative numbers has a negative largest value.", lambda X: _pooled(X, lambda w: max(0, *w))),
    gives("the window's first value", "take the largest of the window's four values.", lambda X: _pooled(X, lambda w: w[0])),
]


def _spread(X, dY, share):
    """dX with share(window, dy) giving the four gradients of each window, in reading order."""
    dX = [[[0.0] * len(X[0][0]) for _ in X[0]] for _ in X]
    for c, channel in enumerate(_windows(X)):
        for row, windows in enumerate(channel):
            for col, window in enumerate(windows):
                for place, gradient in enumerate(share(window, dY[c][row][col])):
                    dX[c][2 * row + place // 2][2 * col + place % 2] = gradient
    return dX


def _to_last_largest(window, dy):
    last = max(i for i, x in enumerate(window) if x == max(window))
    return [dy if i == last else 0.0 for i in range(4)]


MAXPOOL_BACKWARD = [
    gives("the gradient sent to every cell of the pooling window", "only the largest value of the window made Y; "
          "the other three places get 0.", lambda X, dY: _spread(X, dY, lambda w, dy: [dy] * 4)),
    gives("the gradient shared out, a quarter to each cell", "that is average pooling's backward pass: here only "
          "the largest value's place gets dY, all of it.", lambda X, dY: _spread(X, dY, lambda w, dy: [dy / 4] * 4)),
    gives("on a tie, the gradient to the last maximum", "on a tie, the first largest in reading order gets it: "
          "compare with >, so that a later equal value does not take its place.",
          lambda X, dY: _spread(X, dY, _to_last_largest)),
    gives("on a tie, the gradient to every maximum", "only one place gets each window's dY: the first largest.",
          lambda X, dY: _spread(X, dY, lambda w, dy: [dy if x == max(w) else 0.0 for x in w])),
    gives("1 at the largest instead of dY", "the largest value's place gets that window's dY.",
          lambda X, dY: reference.maxpool2x2_backward(X, [[[1.0] * len(row) for row in y] for y in dY])),
]

MISTAKES = {
    "matmul": MATMUL, "transpose": TRANSPOSE, "add_bias": ADD_BIAS, "relu": RELU,
    "relu_derivative": RELU_DERIVATIVE, "softmax": SOFTMAX, "cross_entropy": CROSS_ENTROPY,
    "output_gradient": OUTPUT_GRADIENT, "dense_forward": DENSE_FORWARD, "dense_backward": DENSE_BACKWARD,
    "relu_backward": RELU_BACKWARD, "sgd_momentum_step": SGD_MOMENTUM_STEP, "adam_step": ADAM_STEP,
    "conv2d": CONV2D, "maxpool2x2": MAXPOOL, "maxpool2x2_backward": MAXPOOL_BACKWARD,
}
