#!/usr/bin/python3
"""Generate tests/reference/large_scale_points.csv with the independent mpmath reference.

About 300 points, fixed seed, covering the whole domain of MODEL.md section 3:
  alpha in (1, 10], beta in (0, 10], gamma in (0, 10], learning_rate in (0, 1],
  capacity_scale in (0, 1e3], N, D, tau in [1, 1e24] or inf,
with explicit edges and realistic LLM-like points.  Input values are written with
repr(float) (exact round trip to the double the C++ side reads); outputs are ln dL,
ln eps_N, ln eps_D, ln eps_tau with 20 significant digits ('-inf' when dL = 0).

Points where floor(capacity_scale * N^gamma) is numerically ambiguous (x < 1e12 and
the exact value is within 1e-13 (1 + x) of an integer but not equal to it, i.e. a
double-precision pow could round across the integer) are nudged by changing N, so the
reference and a double-precision implementation agree on M.  (For M > 1e12 an
off-by-one M changes dL by < (alpha-1)/M < 1e-11 relative.)

Usage:  /usr/bin/python3 tests/reference/make_reference_points.py [--out FILE] [--only-inputs]
"""

import argparse
import csv
import math
import os
import random
import sys
import time

import mpmath as mp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mp_reference as R  # noqa: E402

SEED = 20240611
INF = float('inf')


def logu(rng, lo, hi):
    return 10 ** rng.uniform(math.log10(lo), math.log10(hi))


def sig(x, digits=6):
    """Round to a few significant digits so the CSV stays readable."""
    if x in (INF,) or x == 0:
        return x
    return float('%.*g' % (digits, x))


def rand_alpha(rng):
    u = rng.random()
    if u < 0.15:
        return 1 + sig(logu(rng, 1e-7, 1e-2), 4)
    if u < 0.75:
        return 1 + sig(logu(rng, 1e-2, 2), 5)
    return sig(rng.uniform(3, 10))


def rand_scale(rng, p_inf=0.1, lo=1.0, hi=1e24):
    if rng.random() < p_inf:
        return INF
    return sig(logu(rng, lo, hi))


def random_point(rng):
    """Random point of the whole domain; capacity M >= 1 (M = 0 is an explicit edge)."""
    while True:
        p = _random_point(rng)
        if p['N'] == INF or p['capacity_scale'] * p['N'] ** p['gamma'] >= 1:
            return p


def _random_point(rng):
    return dict(alpha=rand_alpha(rng),
                beta=sig(logu(rng, 0.01, 10)),
                gamma=sig(logu(rng, 0.02, 10)),
                N=rand_scale(rng),
                D=rand_scale(rng),
                tau=rand_scale(rng),
                learning_rate=sig(logu(rng, 1e-4, 1)),
                capacity_scale=sig(logu(rng, 1e-3, 1e3)))


def llm_point(rng):
    D = sig(logu(rng, 1e9, 1e13))
    u = rng.random()
    if u < 0.4:
        tau = D                                     # single epoch
    elif u < 0.7:
        tau = float(rng.randint(2, 16)) * D         # whole epochs
    elif u < 0.85:
        tau = sig(D * rng.uniform(1.05, 20))        # partial epochs
    else:
        tau = sig(D * logu(rng, 1e-3, 0.9))         # tau < D
    return dict(alpha=sig(rng.uniform(1.1, 2.0)),
                beta=sig(logu(rng, 0.3, 3)),
                gamma=sig(rng.uniform(0.4, 1.6)),
                N=sig(logu(rng, 1e6, 1e12)),
                D=D, tau=tau,
                learning_rate=sig(logu(rng, 1e-3, 1)),
                capacity_scale=sig(logu(rng, 0.1, 10)))


def edge_points(rng):
    pts = []

    def add(**over):
        p = random_point(rng)
        p.update(over)
        pts.append(p)

    for a in (1.001, 1.0000001, 10.0):
        for _ in range(4):
            add(alpha=a)
        add(alpha=a, N=INF, D=1e24, tau=INF)
        add(alpha=a, N=1e24, gamma=10.0, D=1e24, tau=1e24)
    for b in (10.0, 0.01):
        for _ in range(4):
            add(beta=b)
        add(beta=b, N=INF, D=INF, tau=1e24)
        add(beta=b, N=INF, D=1e12, tau=1e24)
    for _ in range(3):
        add(gamma=10.0)
    add(gamma=10.0, alpha=10.0, N=1e24, capacity_scale=1e3, D=1e24, tau=1e24)
    for _ in range(3):
        add(learning_rate=1.0)
    add(learning_rate=1.0, beta=0.5, D=INF)
    add(learning_rate=1.0, beta=1.0, D=1e8, tau=3e9)
    for cs in (1e3, 1e-3):
        for _ in range(3):
            add(capacity_scale=cs)
    add(capacity_scale=1e-3, N=1.0)                 # M = 0: dL = 1
    add(capacity_scale=1e3, N=1.0)                  # M = 1000
    for name in ('N', 'D', 'tau'):
        for v in (1.0, 1e24, INF):
            for _ in range(2):
                add(**{name: v})
    # data repetition
    for _ in range(3):
        p = random_point(rng)
        D = sig(logu(rng, 10, 1e20))
        p.update(D=D, tau=sig(D * logu(rng, 1e-4, 0.99)))   # tau < D
        pts.append(p)
    for _ in range(3):
        p = random_point(rng)
        D = sig(logu(rng, 10, 1e20))
        p.update(D=D, tau=D)                                 # tau = D
        pts.append(p)
    for m in (2.0, 7.0, 1000.0):
        p = random_point(rng)
        D = sig(logu(rng, 10, 1e15))
        p.update(D=D, tau=m * D)                             # tau multiple of D
        pts.append(p)
    for _ in range(3):
        add(D=1.0, tau=1e24)                                 # 1e24 epochs of one token
    add(D=1.0, tau=1e24, beta=0.01, alpha=1.001)
    add(D=1.0, tau=1e24, beta=10.0, alpha=10.0)
    # kink of min(1, c p^(beta-1)) right in the transition region: p_sat ~ 1/tau
    for b in (0.3, 0.7, 0.95):
        tau = sig(logu(rng, 1e6, 1e24))
        c = sig((1.0 / tau) ** (1 - b))
        add(beta=b, learning_rate=c, tau=tau, D=INF, N=INF)
        add(beta=b, learning_rate=c, tau=tau, D=sig(tau / 3.7), N=INF)
    return pts


def nudge_M(p):
    """Avoid points where floor(cN N^gamma) is within rounding of an integer."""
    if p['N'] == INF:
        return p
    for _ in range(20):
        with mp.workdps(80):
            x = mp.mpf(p['capacity_scale']) * mp.mpf(p['N']) ** mp.mpf(p['gamma'])
            n = mp.nint(x)
            d = abs(x - n)
            ambiguous = x < 1e12 and d != 0 and d < 1e-13 * (1 + x)
        if not ambiguous:
            return p
        p['N'] = sig(p['N'] * 1.0001) if p['N'] > 1 else 1.5
    raise RuntimeError('could not nudge %r' % p)


def all_points():
    rng = random.Random(SEED)
    pts = edge_points(rng)
    pts += [llm_point(rng) for _ in range(60)]
    while len(pts) < 300:
        pts.append(random_point(rng))
    return [nudge_M(p) for p in pts]


def fmt_in(x):
    return 'inf' if x == INF else repr(float(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, 'large_scale_points.csv'))
    ap.add_argument('--only-inputs', action='store_true',
                    help='write the input columns only (no reference values)')
    ap.add_argument('--limit', type=int, default=None)
    a = ap.parse_args()
    mp.mp.dps = R.DPS
    pts = all_points()[:a.limit]
    t_all = time.perf_counter()
    slow = []
    with open(a.out, 'w', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(R.COLUMNS + ([] if a.only_inputs else R.OUT_COLUMNS))
        for i, p in enumerate(pts):
            args = [fmt_in(p[c]) for c in R.COLUMNS]
            if a.only_inputs:
                w.writerow(args)
                continue
            t0 = time.perf_counter()
            info = {}
            ld = R.log_dL(*args, info=info)
            res = (ld, R.log_eps_N(args[0], args[2], args[3], args[7]),
                   R.log_eps_D(args[0], args[4]),
                   R.log_eps_tau(args[0], args[1], args[5], args[6]))
            dt = time.perf_counter() - t0
            slow.append((dt, i))
            if info.get('warnings'):
                print('point %d WARN %s' % (i, info['warnings']), file=sys.stderr)
            w.writerow(args + [R.fmt(v) for v in res])
            fh.flush()
            print('%3d %6.2fs %s -> %s' % (i, dt, ','.join(args), R.fmt(ld)), file=sys.stderr)
    tot = time.perf_counter() - t_all
    slow.sort(reverse=True)
    print('wrote %d points to %s in %.1f s (slowest: %s)' % (
        len(pts), a.out, tot, ', '.join('#%d %.1fs' % (i, t) for t, i in slow[:5])))


if __name__ == '__main__':
    main()
