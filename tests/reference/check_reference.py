#!/usr/bin/python3
"""Self-checks of the mpmath reference (mp_reference.py).  Not needed to use it.

  --direct N     N random points with finite M in [1e4, 2e5]: fast path (Euler-Maclaurin)
                 vs. log_dL_direct (every k <= M summed in mpmath)
  --alt CSV      every point of a reference CSV recomputed with a different method:
                 other K (3K+7), tanh-sinh instead of Gauss-Legendre, other y grid
  --laws         asymptotic laws of MODEL.md section 5 deep in the asymptotic regime
  --longdouble N N random points with M ~ 1e6..2e7, vs. an independent numpy
                 long-double (80-bit) direct sum over k <= M
All report the max relative difference in dL, |expm1(delta ln dL)|.
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

mp.mp.dps = R.DPS
INF = float('inf')
ALT_YGRID = ['3e6', '3e4', '5e3', '2e3', '500', '200', '50', '20', '5', '2', '0.5',
             '0.2', '0.05', '0.02', '5e-3', '3e-4', '3e-5', '3e-7', '1e-9', '3e-11']


def reldiff(a, b):
    if a == b:
        return mp.mpf(0)
    return abs(mp.expm1(a - b))


def logu(rng, lo, hi):
    return 10 ** rng.uniform(math.log10(lo), math.log10(hi))


def small_point(rng, Mlo, Mhi):
    """Random point with finite M in [Mlo, Mhi] whose transitions lie below ~M."""
    alpha = 1 + logu(rng, 1e-3, 9) if rng.random() < 0.8 else 1 + logu(rng, 1e-7, 1e-3)
    beta = logu(rng, 0.01, 10)
    c = logu(rng, 1e-4, 1)
    gamma = 1.0
    M = int(logu(rng, Mlo, Mhi))
    N = M + 0.5          # M = floor(N) unambiguous
    z = float(mp.zeta(alpha))
    kD = logu(rng, 1, 3 * Mhi)    # data transition: D p_kD ~ 1
    D = z * kD ** alpha
    kt = logu(rng, 1, 3 * Mhi)    # time transition:  tau c p^beta ~ 1 (unsaturated)
    tau = (z * kt ** alpha) ** min(beta, 1.0) / c
    if rng.random() < 0.3:
        # put the kink of min(1, c p^(beta-1)) inside [Mlo/4, M] and the time
        # transition near it
        beta = rng.uniform(0.05, 0.95)
        ks = logu(rng, Mlo / 4, M)
        p_sat = ks ** -alpha / z
        c = p_sat ** (1 - beta)
        tau = logu(rng, 0.1, 10) / p_sat
    u = rng.random()
    if u < 0.15:
        D = INF
    elif u < 0.3:
        tau = INF
    elif u < 0.45:
        tau = D * rng.randint(1, 50) + (rng.random() * D if rng.random() < 0.5 else 0)
    D = min(D, 1e24) if D != INF else D
    tau = min(max(tau, 1.0), 1e24) if tau != INF else tau
    D = max(D, 1.0) if D != INF else D
    return [alpha, beta, gamma, N, D, tau, c, 1.0]


def check_direct(n, seed=1):
    rng = random.Random(seed)
    worst = mp.mpf(0)
    t_fast = t_dir = 0
    for i in range(n):
        p = small_point(rng, 1.0e4, 2.0e5)
        info = {}
        t0 = time.perf_counter()
        a = R.log_dL(*p, info=info)
        t1 = time.perf_counter()
        b = R.log_dL_direct(*p)
        t2 = time.perf_counter()
        t_fast += t1 - t0
        t_dir += t2 - t1
        d = reldiff(a, b)
        worst = max(worst, d)
        print('direct %2d  rel %-9s fast %.2fs direct %.1fs  %s  path=%s segs=%s %s' % (
            i, mp.nstr(d, 3), t1 - t0, t2 - t1, ['%.6g' % x for x in p], info.get('path'),
            info.get('segments'), info.get('warnings') or ''), flush=True)
    print('DIRECT: %d points, max rel diff in dL = %s (fast %.1fs, direct %.1fs)' % (
        n, mp.nstr(worst, 3), t_fast, t_dir))
    return worst


def _methods(args, **kw):
    return {
        'log_dL': R.log_dL(*args, **kw),
        'log_eps_N': R.log_eps_N(args[0], args[2], args[3], args[7]),
        'log_eps_D': R.log_dL(args[0], 1.0, 1.0, 'inf', args[4], 'inf', **kw),
        'log_eps_tau': R.log_dL(args[0], args[1], 1.0, 'inf', 'inf', args[5], args[6], **kw),
    }


def _rd(x, y):
    if x == mp.ninf or y == mp.ninf:
        return mp.mpf(0) if x == y else mp.inf
    return reldiff(x, y)


def check_alt(path):
    """Recompute every CSV point with the default method (full precision) and with an
    alternative one (K -> 3K + 7, tanh-sinh instead of Gauss-Legendre, shifted y grid).
    Reports max rel. difference alt vs default, and checks the CSV holds the default
    values to its 20-digit resolution."""
    with open(path, newline='') as fh:
        rows = list(csv.DictReader(fh))
    worst = {k: (mp.mpf(0), None) for k in R.OUT_COLUMNS}
    worst_csv = mp.mpf(0)   # |csv - default| in units of the 20-digit resolution
    t0 = time.perf_counter()
    for i, row in enumerate(rows):
        args = [row[c] for c in R.COLUMNS]
        Kalt = 3 * R._Model(*args).K + 7
        ref = _methods(args)
        alt = _methods(args, K=Kalt, quad='ts', ygrid=ALT_YGRID)
        line = []
        for k in R.OUT_COLUMNS:
            d = _rd(ref[k], alt[k])
            if d > worst[k][0]:
                worst[k] = (d, i)
            line.append('%s=%s' % (k, mp.nstr(d, 2)))
            cv = mp.ninf if row[k] == '-inf' else mp.mpf(row[k])
            if cv == mp.ninf or ref[k] == mp.ninf:
                u = 0 if cv == ref[k] else mp.inf
            else:
                res = mp.mpf(10) ** (mp.floor(mp.log10(abs(ref[k]))) - 19) if ref[k] != 0 \
                    else mp.mpf(10) ** -40
                u = abs(cv - ref[k]) / res
            worst_csv = max(worst_csv, u)
        print('alt %3d %s' % (i, ' '.join(line)), flush=True)
    print('ALT (%s, %d points, %.0fs): max rel diff in dL, default vs alternative method: %s'
          % (os.path.basename(path), len(rows), time.perf_counter() - t0,
             ', '.join('%s %s (row %s)' % (k, mp.nstr(v, 3), j) for k, (v, j) in worst.items())))
    print('ALT: CSV vs recomputed default: max %s units of the last (20th) digit' %
          mp.nstr(worst_csv, 3))
    return max(v for v, j in worst.values())


def check_laws():
    """Exact losses vs. the continuum laws of MODEL.md s.5 including their leading 1/D
    (1/tau) correction, which comes from (1-x)^D = exp(-D x - D x^2/2 - ...):
      data: dL = c_alpha D^-a_D (1 - a_D (a_D + 1)/(2D) + O(D^-2))
      time: dL = law_tau     (1 - a_t (a_t + 1)/(2 tau) + O(tau^-2))   (no saturation)
    The sum-vs-integral (discreteness) correction is smaller than any power of D (Mellin
    transform Gamma(s) zeta(alpha - alpha s) has a single pole), so where the transition
    mode k* is large the residual must be at the level of the reference's own error."""
    worst = mp.mpf(0)
    print('LAWS: exact / (law with 1/D correction) - 1;  * = deep asymptotic (k* >= 1e4)')
    for alpha in ('1.0000001', '1.001', '1.01', '1.2', '1.5', '2', '3', '10'):
        a = mp.mpf(float(alpha))     # the reference sees the double
        z = mp.zeta(a)
        aD = (a - 1) / a
        for D in ('1e12', '1e18', '1e24'):
            ld = R.log_eps_D(alpha, D)
            Dm = mp.mpf(float(D))
            law = (1 / a) * z ** (-1 / a) * mp.gamma(1 - 1 / a) * Dm ** (-aD)
            law *= 1 - aD * (aD + 1) / (2 * Dm)
            r = mp.exp(ld) / law - 1
            kstar = (Dm / z) ** (1 / a)
            deep = kstar >= 1e4
            print('  data  alpha=%-9s D=%-5s  k*=%-8s ratio-1 = %s %s' % (
                alpha, D, mp.nstr(kstar, 2), mp.nstr(r, 3), '*' if deep else ''))
            if deep:
                worst = max(worst, abs(r))
        for beta in ('1', '2', '10'):
            b = mp.mpf(beta)
            at = (a - 1) / (a * b)
            for c in ('0.1', '1'):
                cm = mp.mpf(float(c))
                for tau in ('1e12', '1e24'):
                    ld = R.log_eps_tau(alpha, beta, tau, c)
                    tm = mp.mpf(float(tau))
                    law = (1 / (a * b)) * z ** (-1 / a) * cm ** (-at) * mp.gamma(at) * tm ** (-at)
                    law *= 1 - at * (at + 1) / (2 * tm)
                    r = mp.exp(ld) / law - 1
                    kstar = ((tm * cm) ** (1 / b) / z) ** (1 / a)
                    deep = kstar >= 1e4
                    print('  time  alpha=%-9s beta=%-3s c=%-4s tau=%-5s k*=%-8s ratio-1 = %s %s'
                          % (alpha, beta, c, tau, mp.nstr(kstar, 2), mp.nstr(r, 3),
                             '*' if deep else ''))
                    if deep:
                        worst = max(worst, abs(r))
        for N, g in (('1e24', '10'), ('1e12', '1')):
            ld = R.log_eps_N(alpha, g, N)
            Mm = R.capacity_M(N, g, 1.0)
            # zeta(a, M+1) = M^(1-a)/(a-1) (1 - (a-1)/(2M) + O(M^-2))
            law = Mm ** (1 - a) / ((a - 1) * z) * (1 - (a - 1) / (2 * Mm))
            r = mp.exp(ld) / law - 1
            print('  capacity alpha=%-9s M=%s ratio-1 = %s *' % (alpha, mp.nstr(Mm, 3),
                                                               mp.nstr(r, 3)))
            worst = max(worst, abs(r))
    print('LAWS: max |ratio - 1| over the deep-asymptotic cases: %s' % mp.nstr(worst, 3))
    return worst


def longdouble_logdL(alpha, beta, gamma, N, D, tau, c, cN, chunk=2_000_000):
    """Independent direct sum in numpy long double (x87 80-bit), k = 1..M."""
    import numpy as np
    from scipy.special import zeta as szeta
    L = np.longdouble
    M = int(math.floor(cN * N ** gamma))
    # normalisation in mpmath (scipy zeta is only double)
    z = L(mp.nstr(mp.zeta(mp.mpf(alpha)), 25))
    al, be, cc = L(alpha), L(beta), L(c)
    Dl, tl = L(D), L(tau)
    if D != INF and tau != INF:
        e = math.floor(tau / D)
        s = L(tau) - L(e) * Dl
    total = L(0)
    for k0 in range(1, M + 1, chunk):
        k = np.arange(k0, min(M, k0 + chunk - 1) + 1, dtype=np.longdouble)
        p = k ** (-al) / z
        a = np.minimum(L(1), cc * p ** (be - 1))
        if D == INF:
            y = -tl * np.log1p(-p * a)
        elif tau == INF:
            y = -Dl * np.log1p(-p)
        else:
            with np.errstate(divide='ignore'):
                la = np.log1p(-a)
            ue = -np.expm1(L(e) * la) if e >= 1 else np.zeros_like(p)
            ue1 = -np.expm1(L(e + 1) * la)
            ue = np.where(a >= 1, L(1) if e >= 1 else L(0), ue)
            ue1 = np.where(a >= 1, L(1), ue1)
            y = -(Dl - s) * np.log1p(-p * ue) - s * np.log1p(-p * ue1)
        total += np.sum(p * np.exp(-y))
    tail = mp.zeta(mp.mpf(alpha), M + 1) / mp.zeta(mp.mpf(alpha))
    return mp.log(mp.mpf(repr(total)) + tail)


def check_longdouble(n, seed=2):
    rng = random.Random(seed)
    worst = mp.mpf(0)
    for i in range(n):
        p = small_point(rng, 1e6, 2e7)
        a = R.log_dL(*p)
        t0 = time.perf_counter()
        b = longdouble_logdL(*p)
        d = reldiff(a, b)
        worst = max(worst, d)
        print('longdouble %2d rel %-9s (%.1fs) %s' % (i, mp.nstr(d, 3), time.perf_counter() - t0,
                                                     ['%.6g' % x for x in p]), flush=True)
    print('LONGDOUBLE: %d points, max rel diff in dL = %s' % (n, mp.nstr(worst, 3)))
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--direct', type=int, default=0)
    ap.add_argument('--alt')
    ap.add_argument('--laws', action='store_true')
    ap.add_argument('--longdouble', type=int, default=0)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    if a.laws:
        check_laws()
    if a.direct:
        check_direct(a.direct, a.seed)
    if a.longdouble:
        check_longdouble(a.longdouble, a.seed + 1)
    if a.alt:
        check_alt(a.alt)


if __name__ == '__main__':
    main()
