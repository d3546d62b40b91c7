"""Wrong answers to the exercises of learn.py, written as a learner would, each its own small function.

WRONG lists (exercise, wrong function, words its message must hold): the name of the known
mistake it makes, or, for one that no known mistake describes, what the message says.
tests/test_exercises.py writes each into a workbook of right answers and checks that it
fails its exercise, and only that one.
"""

import math
import random


def matmul_row_times_row(A, B):
    return [[sum(A[i][k] * B[j][k] for k in range(len(A[0]))) for j in range(len(B))] for i in range(len(A))]


def matmul_total_set_once(A, B):
    Z = []
    total = 0
    for i in range(len(A)):
        row = []
        for j in range(len(B[0])):
            for k in range(len(B)):
                total += A[i][k] * B[k][j]
            row.append(total)
        Z.append(row)
    return Z


def matmul_elementwise(A, B):
    return [[a * b for a, b in zip(row_a, row_b)] for row_a, row_b in zip(A, B)]


def transpose_as_many_rows_as_A(A):
    return [[A[j][i] for j in range(len(A))] for i in range(len(A))]


def transpose_copied(A):
    return [row[:] for row in A]


def add_bias_down_the_rows(Z, b):
    return [[Z[i][j] + b[0][i] for j in range(len(Z[0]))] for i in range(len(Z))]


def add_bias_first_row_only(Z, b):
    result = [row[:] for row in Z]
    for j in range(len(b[0])):
        result[0][j] += b[0][j]
    return result


def relu_absolute(Z):
    return [[abs(z) for z in row] for row in Z]


def relu_ones(Z):
    return [[1 if z > 0 else 0 for z in row] for row in Z]


def relu_derivative_one_at_zero(Z):
    return [[1 if z >= 0 else 0 for z in row] for row in Z]


def relu_derivative_is_relu(Z):
    return [[max(z, 0) for z in row] for row in Z]


def softmax_without_max(Z):
    P = []
    for row in Z:
        exps = [math.exp(z) for z in row]
        P.append([e / sum(exps) for e in exps])
    return P


def softmax_by_columns(Z):
    exps = [[math.exp(z - max(row)) for z in row] for row in Z]
    sums = [sum(column) for column in zip(*exps)]
    return [[e / s for e, s in zip(row, sums)] for row in exps]


def softmax_largest_of_all(Z):
    top = max(max(row) for row in Z)
    exps = [[math.exp(z - top) for z in row] for row in Z]
    return [[e / sum(row) for e in row] for row in exps]


def cross_entropy_summed(P, labels):
    return -sum(math.log(max(P[i][y], 1e-300)) for i, y in enumerate(labels))


def cross_entropy_plus(P, labels):
    return sum(math.log(max(P[i][y], 1e-300)) for i, y in enumerate(labels)) / len(labels)


def cross_entropy_without_floor(P, labels):
    return -sum(math.log(P[i][y]) for i, y in enumerate(labels)) / len(labels)


def output_gradient_without_m(P, labels):
    return [[p - (1 if j == y else 0) for j, p in enumerate(row)] for row, y in zip(P, labels)]


def output_gradient_y_minus_p(P, labels):
    return [[((1 if j == y else 0) - p) / len(P) for j, p in enumerate(row)] for row, y in zip(P, labels)]


def dense_forward_without_bias(A_prev, W, b):
    return [[sum(a[k] * W[k][j] for k in range(len(W))) for j in range(len(W[0]))] for a in A_prev]


def dense_forward_w_transposed(A_prev, W, b):
    return [[sum(a[k] * W[j][k] for k in range(len(a))) + b[0][j] for j in range(len(W))] for a in A_prev]


def dense_backward_db_by_rows(A_prev, W, dZ):
    dW = [[sum(A_prev[i][k] * dZ[i][j] for i in range(len(dZ))) for j in range(len(dZ[0]))] for k in range(len(W))]
    db = [[sum(row)] for row in dZ]
    dA_prev = [[sum(dZ[i][j] * W[k][j] for j in range(len(W[0]))) for k in range(len(W))] for i in range(len(dZ))]
    return dW, db, dA_prev


def dense_backward_w_not_transposed(A_prev, W, dZ):
    dW = [[sum(A_prev[i][k] * dZ[i][j] for i in range(len(dZ))) for j in range(len(dZ[0]))] for k in range(len(W))]
    db = [[sum(column) for column in zip(*dZ)]]
    dA_prev = [[sum(dZ[i][j] * W[j][k] for j in range(len(dZ[0]))) for k in range(len(W[0]))] for i in range(len(dZ))]
    return dW, db, dA_prev


def dense_backward_dw_transposed(A_prev, W, dZ):
    dW = [[sum(dZ[i][j] * A_prev[i][k] for i in range(len(dZ))) for k in range(len(W))] for j in range(len(dZ[0]))]
    db = [[sum(column) for column in zip(*dZ)]]
    dA_prev = [[sum(dZ[i][j] * W[k][j] for j in range(len(W[0]))) for k in range(len(W))] for i in range(len(dZ))]
    return dW, db, dA_prev


def relu_backward_times_relu(dA, Z):
    return [[d * max(z, 0) for d, z in zip(d_row, z_row)] for d_row, z_row in zip(dA, Z)]


def relu_backward_passing_at_zero(dA, Z):
    return [[d if z >= 0 else 0 for d, z in zip(d_row, z_row)] for d_row, z_row in zip(dA, Z)]


def he_init_variance_as_deviation(n_in, n_out, rng):
    return [[rng.gauss(0, 2 / n_in) for _ in range(n_out)] for _ in range(n_in)]


def he_init_uniform(n_in, n_out, rng):
    limit = math.sqrt(6 / n_in)
    return [[rng.uniform(-limit, limit) for _ in range(n_out)] for _ in range(n_in)]


def he_init_with_the_random_module(n_in, n_out, rng):
    return [[random.gauss(0, math.sqrt(2 / n_in)) for _ in range(n_out)] for _ in range(n_in)]


def sgd_momentum_step_old_velocity(W, dW, V, lr, momentum):
    new_W = [[w + v for w, v in zip(w_row, v_row)] for w_row, v_row in zip(W, V)]
    new_V = [[momentum * v - lr * g for v, g in zip(v_row, g_row)] for v_row, g_row in zip(V, dW)]
    return new_W, new_V


def sgd_momentum_step_uphill(W, dW, V, lr, momentum):
    V = [[momentum * v + lr * g for v, g in zip(v_row, g_row)] for v_row, g_row in zip(V, dW)]
    return [[w + v for w, v in zip(w_row, v_row)] for w_row, v_row in zip(W, V)], V


def adam_step_uncorrected(W, dW, U, S, t, lr):
    U = [[0.9 * u + 0.1 * g for u, g in zip(u_row, g_row)] for u_row, g_row in zip(U, dW)]
    S = [[0.999 * s + 0.001 * g * g for s, g in zip(s_row, g_row)] for s_row, g_row in zip(S, dW)]
    W = [[w - lr * u / (math.sqrt(s) + 1e-8) for w, u, s in zip(*rows)] for rows in zip(W, U, S)]
    return W, U, S


def adam_step_eps_inside(W, dW, U, S, t, lr):
    U = [[0.9 * u + 0.1 * g for u, g in zip(u_row, g_row)] for u_row, g_row in zip(U, dW)]
    S = [[0.999 * s + 0.001 * g * g for s, g in zip(s_row, g_row)] for s_row, g_row in zip(S, dW)]
    W = [[w - lr * (u / (1 - 0.9 ** t)) / math.sqrt(s / (1 - 0.999 ** t) + 1e-8) for w, u, s in zip(*rows)]
         for rows in zip(W, U, S)]
    return W, U, S


def conv2d_flipped(image, filters, bias):
    K, H, W = len(filters[0][0]), len(image[0]), len(image[0][0])
    return [[[bias[f] + sum(image[c][r + kr][s + kc] * filters[f][c][K - 1 - kr][K - 1 - kc]
                            for c in range(len(image)) for kr in range(K) for kc in range(K))
              for s in range(W - K + 1)] for r in range(H - K + 1)] for f in range(len(filters))]


def conv2d_without_bias(image, filters, bias):
    K, H, W = len(filters[0][0]), len(image[0]), len(image[0][0])
    return [[[sum(image[c][r + kr][s + kc] * filters[f][c][kr][kc]
                  for c in range(len(image)) for kr in range(K) for kc in range(K))
              for s in range(W - K + 1)] for r in range(H - K + 1)] for f in range(len(filters))]


def conv2d_one_short(image, filters, bias):
    K, H, W = len(filters[0][0]), len(image[0]), len(image[0][0])
    return [[[bias[f] + sum(image[c][r + kr][s + kc] * filters[f][c][kr][kc]
                            for c in range(len(image)) for kr in range(K) for kc in range(K))
              for s in range(W - K)] for r in range(H - K)] for f in range(len(filters))]


def maxpool2x2_mean(X):
    return [[[(x[r][c] + x[r][c + 1] + x[r + 1][c] + x[r + 1][c + 1]) / 4 for c in range(0, len(x[0]), 2)]
             for r in range(0, len(x), 2)] for x in X]


def maxpool2x2_from_zero(X):
    Y = []
    for x in X:
        pooled = []
        for r in range(0, len(x), 2):
            line = []
            for c in range(0, len(x[0]), 2):
                best = 0
                for value in (x[r][c], x[r][c + 1], x[r + 1][c], x[r + 1][c + 1]):
                    if value > best:
                        best = value
                line.append(best)
            pooled.append(line)
        Y.append(pooled)
    return Y


def maxpool2x2_backward_to_every_cell(X, dY):
    return [[[dY[c][r // 2][s // 2] for s in range(len(X[0][0]))] for r in range(len(X[0]))] for c in range(len(X))]


def maxpool2x2_backward_last_of_a_tie(X, dY):
    dX = [[[0.0] * len(row) for row in x] for x in X]
    for c, x in enumerate(X):
        for r in range(0, len(x), 2):
            for s in range(0, len(x[0]), 2):
                best = (r, s)
                for kr in (0, 1):
                    for kc in (0, 1):
                        if x[r + kr][s + kc] >= x[best[0]][best[1]]:
                            best = (r + kr, s + kc)
                dX[c][best[0]][best[1]] = dY[c][r // 2][s // 2]
    return dX


WRONG = [
    ("matmul", matmul_row_times_row, "row times row"),
    ("matmul", matmul_total_set_once, "the sum carried over"),
    ("matmul", matmul_elementwise, "the elementwise product"),
    ("transpose", transpose_as_many_rows_as_A, "only len(A) rows"),
    ("transpose", transpose_copied, "A returned as it was"),
    ("add_bias", add_bias_down_the_rows, "the bias on the wrong axis"),
    ("add_bias", add_bias_first_row_only, "the first row only"),
    ("relu", relu_absolute, "|z| instead of max(z, 0)"),
    ("relu", relu_ones, "relu′ instead of relu"),
    ("relu_derivative", relu_derivative_one_at_zero, "1 at z = 0"),
    ("relu_derivative", relu_derivative_is_relu, "relu instead of relu′"),
    ("softmax", softmax_without_max, "the missing max"),
    ("softmax", softmax_by_columns, "the sum on the wrong axis"),
    ("softmax", softmax_largest_of_all, "the largest z of the whole matrix"),
    ("cross_entropy", cross_entropy_summed, "the missing 1/m"),
    ("cross_entropy", cross_entropy_plus, "the sign turned round"),
    ("cross_entropy", cross_entropy_without_floor, "ln 0"),
    ("output_gradient", output_gradient_without_m, "the missing 1/m"),
    ("output_gradient", output_gradient_y_minus_p, "the sign turned round"),
    ("dense_forward", dense_forward_without_bias, "the bias forgotten"),
    ("dense_forward", dense_forward_w_transposed, "a transpose too many"),
    ("dense_backward", dense_backward_db_by_rows, "the sum on the wrong axis"),
    ("dense_backward", dense_backward_w_not_transposed, "the forgotten transpose of W"),
    ("dense_backward", dense_backward_dw_transposed, "the forgotten transpose: dZᵀ·A_prev is dWᵀ"),
    ("relu_backward", relu_backward_times_relu, "relu where relu′ belongs"),
    ("relu_backward", relu_backward_passing_at_zero, "the gradient passed where z = 0"),
    ("he_init", he_init_variance_as_deviation, "the variance as the standard deviation"),
    ("he_init", he_init_uniform, "uniform draws"),
    ("he_init", he_init_with_the_random_module, "not drawn from rng"),
    ("sgd_momentum_step", sgd_momentum_step_old_velocity, "W moved with the old V"),
    ("sgd_momentum_step", sgd_momentum_step_uphill, "the sign turned round"),
    ("adam_step", adam_step_uncorrected, "no bias correction"),
    ("adam_step", adam_step_eps_inside, "ε inside the square root"),
    ("conv2d", conv2d_flipped, "the flipped kernel"),
    ("conv2d", conv2d_without_bias, "the bias forgotten"),
    ("conv2d", conv2d_one_short, "one place short"),
    ("maxpool2x2", maxpool2x2_mean, "the mean of each window"),
    ("maxpool2x2", maxpool2x2_from_zero, "the largest started at 0"),
    ("maxpool2x2_backward", maxpool2x2_backward_to_every_cell, "every cell of the pooling window"),
    ("maxpool2x2_backward", maxpool2x2_backward_last_of_a_tie, "the last maximum"),
]
