#!/usr/bin/python3
"""Generate tests/reference/beta_one_epochs_points.csv with the independent mpmath reference.

40 points with beta = 1 and repeated epochs (tau > D, whole and partial epochs), from slow
to fast learning, N up to 1e24 (or inf) and D up to 1e20: there E[q_k] is a product of two
binomials in p_k, which the C++ evaluator sums by a series of its own; the main reference
set (make_reference_points.py) has one such point. gamma = capacity_scale = 1 and whole N
keep M = N unambiguous. About 25 s.

Usage:  /usr/bin/python3 tests/reference/make_beta_one_points.py [--out FILE]
"""
import argparse
import math
import os
import random
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mp_reference as R  # noqa: E402
import mpmath as mp  # noqa: E402


def points(seed=20261201, count=40):
    rng = random.Random(seed)
    for i in range(count):
        def log_uniform(lo, hi):
            return math.exp(math.log(lo) + rng.random() * (math.log(hi) - math.log(lo)))
        alpha = 1.05 + 6.0 * rng.random() * rng.random()
        c = 0.999 if i % 5 == 0 else log_uniform(1e-4, 0.9)
        N = float('inf') if i % 6 == 0 else float(math.floor(log_uniform(1e3, 1e24)))
        D = float(math.floor(log_uniform(1e3, 1e20)))
        epochs = log_uniform(1.5, 1e4)
        tau = D * math.floor(epochs) if i % 2 == 0 else float(math.floor(D * epochs))
        yield alpha, 1.0, 1.0, N, D, tau, c, 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "beta_one_epochs_points.csv"))
    args = parser.parse_args()
    mp.mp.dps = R.DPS
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("alpha,beta,gamma,N,D,tau,learning_rate,capacity_scale\n")
        for p in points():
            f.write(",".join("inf" if math.isinf(v) else repr(v) for v in p) + "\n")
        inputs = f.name
    try:
        R.run_csv(inputs, args.out)
    finally:
        os.remove(inputs)


if __name__ == "__main__":
    main()
