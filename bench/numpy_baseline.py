#!/usr/bin/python3
"""NumPy baseline: the direct truncated sum a researcher would write.

dL = sum_{k=1}^{K} p_k E[q_k]   with K = 1e6 modes (float64, vectorised over k),
p_k = k^-alpha / scipy.special.zeta(alpha), E[q_k] from MODEL.md section 3 evaluated in
log space (log1p / expm1), q_k = 1 for M < k <= K.  Modes k > K are ignored (that is
the truncation; it is a benchmark baseline, not a reference).

Reads a CSV with columns alpha,beta,gamma,N,D,tau,learning_rate,capacity_scale (extra
columns are ignored; 'inf' allowed), times the evaluation only (time.perf_counter around
the loop over points), writes the inputs plus dL and ln dL per point, and prints total
seconds and ns per point.

Usage: /usr/bin/python3 bench/numpy_baseline.py --csv-in POINTS.csv --csv-out OUT.csv
                                               [--modes 1000000] [--repeat 1]
"""

import argparse
import csv
import math
import time

import numpy as np
from scipy.special import zeta

COLUMNS = ['alpha', 'beta', 'gamma', 'N', 'D', 'tau', 'learning_rate', 'capacity_scale']


def dL_truncated(k, alpha, beta, gamma, N, D, tau, c, cN):
    """Direct sum over the modes in the array k (float64)."""
    p = k ** (-alpha) / zeta(alpha)
    M = math.floor(cN * N ** gamma) if math.isfinite(N) else math.inf
    learnable = k <= M
    if math.isinf(D) and math.isinf(tau):
        q = np.zeros_like(p)                                   # everything learned
    elif math.isinf(D):                                        # fresh data: time law
        a = np.minimum(1.0, c * p ** (beta - 1.0))
        q = np.exp(tau * np.log1p(-p * a))
    elif math.isinf(tau):                                      # converged: missing mass
        q = np.exp(D * np.log1p(-p))
    else:                                                      # e epochs + s tokens
        e = float(math.floor(tau / D))           # may exceed int64
        s = tau - e * D
        a = np.minimum(1.0, c * p ** (beta - 1.0))
        with np.errstate(divide='ignore'):
            la = np.log1p(-a)                                  # log r, -inf if a = 1
        u_e = -np.expm1(e * la) if e > 0 else np.zeros_like(p)  # 1 - r^e
        u_e1 = -np.expm1((e + 1) * la)                         # 1 - r^(e+1)
        q = np.exp(s * np.log1p(-p * u_e1) + (D - s) * np.log1p(-p * u_e))
    return float(np.sum(np.where(learnable, p * q, p)))


def read_points(path):
    with open(path, newline='') as fh:
        return [[float(row[c]) for c in COLUMNS] for row in csv.DictReader(fh)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--csv-in', required=True)
    ap.add_argument('--csv-out', required=True)
    ap.add_argument('--modes', type=float, default=1e6, help='number of modes summed (1e6)')
    ap.add_argument('--repeat', type=int, default=1, help='time the whole list this many times')
    a = ap.parse_args()
    pts = read_points(a.csv_in)
    k = np.arange(1, int(a.modes) + 1, dtype=np.float64)
    best = math.inf
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        out = [dL_truncated(k, *p) for p in pts]
        best = min(best, time.perf_counter() - t0)
    with open(a.csv_out, 'w', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(COLUMNS + ['dL', 'log_dL'])
        for p, d in zip(pts, out):
            w.writerow([repr(x) if math.isfinite(x) else 'inf' for x in p] +
                       [repr(d), repr(math.log(d)) if d > 0 else '-inf'])
    n = len(pts)
    print('numpy baseline: %d points x %d modes: %.3f s total, %.0f ns per point%s' % (
        n, int(a.modes), best, best / n * 1e9 if n else 0,
        ' (best of %d)' % a.repeat if a.repeat > 1 else ''))


if __name__ == '__main__':
    main()
