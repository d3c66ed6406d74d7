#!/usr/bin/python3
"""Generates include/modesweep/model/gauss_laguerre.hpp: Gauss-Laguerre rules for
int_0^inf exp(-t) f(t) dt with 12 and 20 nodes, computed in 60-digit mpmath arithmetic
(roots of L_n by mpmath.polyroots, w_i = t_i / ((n+1)^2 L_(n+1)(t_i)^2)) and stored as
the nodes and log(w_i) + t_i, so that int_0^inf g(t) dt ~ sum exp(log(g(t_i)) + log(w_i) + t_i).
Run: /usr/bin/python3 scripts/gen_gauss_laguerre.py > include/modesweep/model/gauss_laguerre.hpp
"""
import mpmath as mp

from quadrature_tables import print_constant, print_footer, print_header, print_table

mp.mp.dps = 60


def laguerre_coefficients(n):
    # L_n(x) = sum_k (-1)^k C(n, k) x^k / k!, highest degree first for polyroots.
    return [(-1) ** k * mp.binomial(n, k) / mp.factorial(k) for k in range(n, -1, -1)]


def rule(n):
    roots = sorted(mp.re(r) for r in mp.polyroots(laguerre_coefficients(n), maxsteps=400, extraprec=400))
    nodes, log_weights = [], []
    for t in roots:
        w = t / ((n + 1) ** 2 * mp.laguerre(n + 1, 0, t) ** 2)
        nodes.append(t)
        log_weights.append(mp.log(w) + t)
    # exactness check on a polynomial of degree 2n - 1: int_0^inf e^-t t^k dt = k!
    k = 2 * n - 1
    approx = sum(mp.exp(lw - t) * t ** k for t, lw in zip(nodes, log_weights))
    assert abs(approx / mp.factorial(k) - 1) < mp.mpf(10) ** -40, (n, approx)
    return nodes, log_weights


print_header("gen_gauss_laguerre.py",
             ["Gauss-Laguerre rules: nodes t_i and log(w_i) + t_i for int_0^inf g(t) dt."])
print("// clang-format off")
for n in (20, 32):
    nodes, log_weights = rule(n)
    print_constant(f"gauss_laguerre_{n}_size", n)
    print_table(f"gauss_laguerre_{n}_node", nodes)
    print_table(f"gauss_laguerre_{n}_log_weight", log_weights)
print("// clang-format on")
print_footer()
