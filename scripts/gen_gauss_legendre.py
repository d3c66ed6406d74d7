#!/usr/bin/python3
"""Generates include/modesweep/model/gauss_legendre.hpp: Gauss-Legendre nodes and weights
on [-1, 1], computed by Newton's method on P_n in 50-digit mpmath arithmetic and rounded
to double. Run: /usr/bin/python3 scripts/gen_gauss_legendre.py > include/modesweep/model/gauss_legendre.hpp
"""
import sys
import mpmath as mp

from quadrature_tables import print_constant, print_footer, print_header, print_table

mp.mp.dps = 50
N = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def legendre_and_derivative(n, x):
    p0, p1 = mp.mpf(1), x
    for k in range(2, n + 1):
        p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
    dp = n * (x * p1 - p0) / (x * x - 1)
    return p1, dp


nodes, weights = [], []
for i in range(1, N // 2 + 1):
    x = mp.cos(mp.pi * (i - mp.mpf(1) / 4) / (N + mp.mpf(1) / 2))
    for _ in range(100):
        p, dp = legendre_and_derivative(N, x)
        dx = p / dp
        x -= dx
        if abs(dx) < mp.mpf(10) ** -45:
            break
    p, dp = legendre_and_derivative(N, x)
    nodes.append(x)
    weights.append(2 / ((1 - x * x) * dp * dp))

assert abs(sum(weights) * 2 - 2) < mp.mpf(10) ** -40
print_header("gen_gauss_legendre.py",
             [f"{N}-point Gauss-Legendre rule on [-1, 1]; positive nodes only (the rule is symmetric)."])
print_constant("gauss_legendre_half", N // 2)
print("// clang-format off")
print_table("gauss_legendre_node", nodes, per_line=8)
print_table("gauss_legendre_weight", weights, per_line=8)
print("// clang-format on")
print_footer()
