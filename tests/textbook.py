"""Plain textbook definitions, loops over lists and nothing clever: the reference the tests
and the benchmarks hold the fast code to."""


def textbook_matmul(a, b):
    """c_ij = Σ_k a_ik b_kj by three nested loops over lists of rows (i, then j, then k)."""
    n, k, m = len(a), len(b), len(b[0])
    c = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            total = 0.0
            for t in range(k):
                total += a[i][t] * b[t][j]
            c[i][j] = total
    return c
