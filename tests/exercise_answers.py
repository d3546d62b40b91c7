"""Right answers to the exercises of learn.py, written as a learner would: plain loops and lists,
each function on its own (none calls another), so that a wrong one among them is the only
one wrong. tests/test_exercises.py writes them into workbooks.

ANSWERS maps each exercise's name to its function here, whose name may differ (the
workbook's copy is renamed); OTHER_WAYS holds right answers written differently, with
comprehensions, zip and other loop orders.
"""

import math


def matmul(A, B):
    m, n, p = len(A), len(B), len(B[0])
    Z = []
    for i in range(m):
        row = []
        for j in range(p):
            total = 0.0
            for k in range(n):
                total += A[i][k] * B[k][j]
            row.append(total)
        Z.append(row)
    return Z


def transpose(A):
    return [[A[i][j] for i in range(len(A))] for j in range(len(A[0]))]


def add_bias(Z, b):
    return [[Z[i][j] + b[0][j] for j in range(len(Z[0]))] for i in range(len(Z))]


def relu(Z):
    return [[z if z > 0 else 0.0 for z in row] for row in Z]


def relu_derivative(Z):
    return [[1.0 if z > 0 else 0.0 for z in row] for row in Z]


def softmax(Z):
    P = []
    for row in Z:
        top = max(row)
        exps = [math.exp(z - top) for z in row]
        total = sum(exps)
        P.append([e / total for e in exps])
    return P


def cross_entropy(P, labels):
    total = 0.0
    for i, y in enumerate(labels):
        total += -math.log(max(P[i][y], 1e-300))
    return total / len(labels)


def output_gradient(P, labels):
    m = len(P)
    dZ = []
    for i, row in enumerate(P):
        dZ.append([(p - (1.0 if j == labels[i] else 0.0)) / m for j, p in enumerate(row)])
    return dZ


def dense_forward(A_prev, W, b):
    Z = []
    for a in A_prev:
        Z.append([sum(a[k] * W[k][j] for k in range(len(W))) + b[0][j] for j in range(len(W[0]))])
    return Z


def dense_backward(A_prev, W, dZ):
    m, n, p = len(A_prev), len(W), len(W[0])
    dW = [[sum(A_prev[i][k] * dZ[i][j] for i in range(m)) for j in range(p)] for k in range(n)]
    db = [[sum(dZ[i][j] for i in range(m)) for j in range(p)]]
    dA_prev = [[sum(dZ[i][j] * W[k][j] for j in range(p)) for k in range(n)] for i in range(m)]
    return dW, db, dA_prev


def relu_backward(dA, Z):
    return [[dA[i][j] if Z[i][j] > 0 else 0.0 for j in range(len(Z[0]))] for i in range(len(Z))]


def he_init(n_in, n_out, rng):
    sigma = math.sqrt(2 / n_in)
    return [[rng.gauss(0, sigma) for _ in range(n_out)] for _ in range(n_in)]


def sgd_momentum_step(W, dW, V, lr, momentum):
    V = [[momentum * v - lr * g for v, g in zip(v_row, g_row)] for v_row, g_row in zip(V, dW)]
    W = [[w + v for w, v in zip(w_row, v_row)] for w_row, v_row in zip(W, V)]
    return W, V


def adam_step(W, dW, U, S, t, lr):
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    new_W, new_U, new_S = [], [], []
    for w_row, g_row, u_row, s_row in zip(W, dW, U, S):
        new_U.append([beta1 * u + (1 - beta1) * g for u, g in zip(u_row, g_row)])
        new_S.append([beta2 * s + (1 - beta2) * g * g for s, g in zip(s_row, g_row)])
        new_W.append([w - lr * (u / (1 - beta1 ** t)) / (math.sqrt(s / (1 - beta2 ** t)) + eps)
                      for w, u, s in zip(w_row, new_U[-1], new_S[-1])])
    return new_W, new_U, new_S


def conv2d(image, filters, bias):
    C, H, W = len(image), len(image[0]), len(image[0][0])
    K = len(filters[0][0])
    out = []
    for f in range(len(filters)):
        feature_map = []
        for row in range(H - K + 1):
            line = []
            for col in range(W - K + 1):
                total = bias[f]
                for c in range(C):
                    for kr in range(K):
                        for kc in range(K):
                            total += image[c][row + kr][col + kc] * filters[f][c][kr][kc]
                line.append(total)
            feature_map.append(line)
        out.append(feature_map)
    return out


def maxpool2x2(X):
    return [[[max(x[r][c], x[r][c + 1], x[r + 1][c], x[r + 1][c + 1]) for c in range(0, len(x[0]), 2)]
             for r in range(0, len(x), 2)] for x in X]


def maxpool2x2_backward(X, dY):
    dX = [[[0.0] * len(X[0][0]) for _ in X[0]] for _ in X]
    for c in range(len(X)):
        for row in range(len(X[0]) // 2):
            for col in range(len(X[0][0]) // 2):
                best_r, best_c = 2 * row, 2 * col
                for kr in range(2):
                    for kc in range(2):
                        if X[c][2 * row + kr][2 * col + kc] > X[c][best_r][best_c]:
                            best_r, best_c = 2 * row + kr, 2 * col + kc
                dX[c][best_r][best_c] = dY[c][row][col]
    return dX


ANSWERS = {f.__name__: f for f in (matmul, transpose, add_bias, relu, relu_derivative, softmax, cross_entropy,
                                   output_gradient, dense_forward, dense_backward, relu_backward, he_init,
                                   sgd_momentum_step, adam_step, conv2d, maxpool2x2, maxpool2x2_backward)}


# ---------------------------------------------------------------------- right, and written otherwise

def matmul_by_zip(A, B):
    columns = list(zip(*B))
    return [[sum(a * b for a, b in zip(row, column)) for column in columns] for row in A]


def matmul_k_outermost(A, B):
    Z = [[0] * len(B[0]) for _ in A]
    for k in range(len(B)):
        for i in range(len(A)):
            for j in range(len(B[0])):
                Z[i][j] += A[i][k] * B[k][j]
    return Z


def transpose_by_zip(A):
    return [list(column) for column in zip(*A)]


def add_bias_in_a_loop(Z, b):
    result = []
    for row in Z:
        result.append([z + c for z, c in zip(row, b[0])])
    return result


def relu_by_max(Z):
    return [list(map(lambda z: max(z, 0), row)) for row in Z]


def softmax_subtracting_after(Z):
    """exp(z − max) summed first, then each divided: the same numbers, another order."""
    P = []
    for row in Z:
        shifted = [z - max(row) for z in row]
        total = math.fsum(math.exp(s) for s in shifted)
        P.append([math.exp(s) / total for s in shifted])
    return P


def cross_entropy_by_mean_of_a_list(P, labels):
    losses = [-math.log(max(row[y], 1e-300)) for row, y in zip(P, labels)]
    return sum(losses) / len(losses)


def output_gradient_by_one_hot(P, labels):
    Y = [[0] * len(P[0]) for _ in P]
    for i, y in enumerate(labels):
        Y[i][y] = 1
    return [[(p - t) / len(P) for p, t in zip(p_row, y_row)] for p_row, y_row in zip(P, Y)]


def dense_backward_with_transposes(A_prev, W, dZ):
    def product(A, B):
        return [[sum(a * b for a, b in zip(row, column)) for column in zip(*B)] for row in A]

    def transposed(A):
        return [list(column) for column in zip(*A)]
    return product(transposed(A_prev), dZ), [list(map(sum, zip(*dZ)))], product(dZ, transposed(W))


def sgd_momentum_step_in_place(W, dW, V, lr, momentum):
    for i in range(len(W)):
        for j in range(len(W[0])):
            V[i][j] = momentum * V[i][j] - lr * dW[i][j]
            W[i][j] += V[i][j]
    return W, V


def maxpool2x2_backward_by_index(X, dY):
    dX = [[[0] * len(row) for row in x] for x in X]
    for c, x in enumerate(X):
        for row in range(0, len(x), 2):
            for col in range(0, len(x[0]), 2):
                window = [x[row][col], x[row][col + 1], x[row + 1][col], x[row + 1][col + 1]]
                first = window.index(max(window))
                dX[c][row + first // 2][col + first % 2] = dY[c][row // 2][col // 2]
    return dX


OTHER_WAYS = {
    "matmul": [matmul_by_zip, matmul_k_outermost], "transpose": [transpose_by_zip],
    "add_bias": [add_bias_in_a_loop], "relu": [relu_by_max], "softmax": [softmax_subtracting_after],
    "cross_entropy": [cross_entropy_by_mean_of_a_list], "output_gradient": [output_gradient_by_one_hot],
    "dense_backward": [dense_backward_with_transposes], "sgd_momentum_step": [sgd_momentum_step_in_place],
    "maxpool2x2_backward": [maxpool2x2_backward_by_index],
}
