#!/usr/bin/python3
"""Independent high-precision reference for the Zipf mode-learning model.

Implements MODEL.md section 3 with mpmath, independently of the C++ code:

    p_k   = k^-alpha / zeta(alpha)
    M     = floor(capacity_scale * N^gamma)          (N = inf -> M = inf)
    a_k   = min(1, c p_k^(beta-1)),  r_k = 1 - a_k,   c = learning_rate
    e     = floor(tau / D),  s = tau - e D
    E[q_k] = (1 - p_k (1 - r_k^(e+1)))^s (1 - p_k (1 - r_k^e))^(D-s)      (k <= M)
    dL    = sum_{k<=M} p_k E[q_k] + sum_{k>M} p_k
    limits: D = inf: E[q_k] = (1 - p_k a_k)^tau;  tau = inf, D < inf: (1 - p_k)^D;
            D = tau = inf: dL = zeta(alpha, M+1)/zeta(alpha)   (0 if M = inf)

All functions return the natural log of dL as an mpmath mpf (dL itself can be far
below the double range, e.g. 1e-2160).

Inputs are converted with float() first, i.e. the reference is the exact value of the
model for the IEEE double inputs a C++ caller would see (then evaluated at DPS digits).

Method (see README.md next to this file for the full argument):
  Write y_k = -log E[q_k] (y is a decreasing function of k) and work with the
  un-normalised S = zeta(alpha) * dL.
  * k < K (K = max(1000, 40 alpha max(1, beta))): summed term by term in mpmath.
  * K <= k <= M: the summand is smooth on the scale k/(alpha + nu y), nu <= alpha max(1,beta),
    so it is summed with the Euler-Maclaurin formula on segments whose ends are
      - the kink k_sat where min(1, c p^(beta-1)) switches branch (beta < 1): the sum
        is split there and each side uses its own analytic branch,
      - k1 = first k with y_k <= 1: below k1 the summand F_k = k^-alpha e^(-y_k) is
        summed; from k1 on, sum_{k>=k1} F_k + zeta(alpha,M+1) is written as
        zeta(alpha,k1) - sum_{k1<=k<=M} G_k with G_k = k^-alpha (1 - e^(-y_k)) (mpmath
        Hurwitz zeta), which needs no summation to M (M = inf is fine) and cancels at
        most a factor e.
    The Euler-Maclaurin integral is computed in t = log k with adaptive Gauss-Legendre
    (24/48 nodes, bisection until |I48 - I24| <= 1e-24 S), on a partition that has
    breakpoints where y crosses 1e6 ... 1e-10, where e a_k = 1 (epoch transition),
    and geometric steps in the decaying tail; the tail beyond is truncated with a
    rigorous bound. Endpoint corrections B_2j/(2j)! f^(2j-1) use mpmath.diffs
    (one-sided at the kink), with up to 12 terms, adaptively.
  * Short segments (< 4000 terms) are summed directly.
log_dL_direct sums every k <= M directly (for checking; M must be small).
"""

import argparse
import csv
import math
import sys

import mpmath as mp
from mpmath import mpf

DPS = 45            # working digits (>= 30 required)
TOL = mpf(10) ** -24  # target absolute error relative to S for quadrature/EM pieces
L_DIRECT = 4000     # segments shorter than this are summed term by term
Y_GRID = ['1e6', '1e5', '1e4', '3e3', '1e3', '300', '100', '30', '10', '3', '1',
          '0.3', '0.1', '0.03', '0.01', '1e-3', '1e-4', '1e-6', '1e-8', '1e-10']

_GL_CACHE = {}


def _gl_nodes(degree):
    """Gauss-Legendre nodes/weights on [-1, 1] (3*2^(degree-1) points) at current prec."""
    key = (degree, mp.mp.prec)
    if key not in _GL_CACHE:
        gl = mp.calculus.quadrature.GaussLegendre(mp.mp)
        _GL_CACHE[key] = gl.calc_nodes(degree, mp.mp.prec + 20)
    return _GL_CACHE[key]


def to_mpf(x):
    """Convert an input (str/float/int/mpf) to mpf via IEEE double; 'inf' -> mp.inf."""
    if isinstance(x, mp.mpf):
        x = float(x)  # inputs are doubles by contract
    if isinstance(x, str):
        s = x.strip().lower()
        if s in ('inf', '+inf', 'infinity', '+infinity'):
            return mp.inf
        x = float(s)
    x = float(x)
    if math.isinf(x):
        if x < 0:
            raise ValueError("negative infinity not allowed")
        return mp.inf
    if math.isnan(x):
        raise ValueError("nan input")
    return mpf(x)


def capacity_M(N, gamma, capacity_scale):
    """M = floor(capacity_scale * N^gamma) as an exact mpf integer (mp.inf for N = inf).

    Arguments are converted through IEEE doubles (to_mpf).  If the exact value of
    capacity_scale*N^gamma is an integer it is recognised as such despite mpmath's
    rounding of the power (the floor would otherwise be off by one), and so is a value
    within 1e-14 (relative) below an integer, the convention of the C++ evaluator."""
    N, gamma, capacity_scale = to_mpf(N), to_mpf(gamma), to_mpf(capacity_scale)
    if N == mp.inf:
        return mp.inf
    with mp.workdps(DPS + 20):
        x = capacity_scale * N ** gamma
        n = mp.nint(x)
        if x != 0 and abs(x - n) <= abs(x) * mpf(10) ** (-(DPS + 5)):
            return +n
        # Convention shared with the C++ evaluator: a value within 1e-14 (relative) below
        # an integer counts as that integer (decimal inputs rounded to binary, c_N = 0.7).
        return mp.floor(x * (1 + mpf('1e-14')))


class _Model:
    """One parameter point; all quantities at mp.dps = DPS (caller sets context)."""

    def __init__(self, alpha, beta, gamma, N, D, tau, c, cN, K=None, quad='gl',
                 ygrid=None):
        self.alpha = to_mpf(alpha)
        self.beta = to_mpf(beta)
        self.gamma = to_mpf(gamma)
        self.c = to_mpf(c)
        self.cN = to_mpf(cN)
        N, D, tau = to_mpf(N), to_mpf(D), to_mpf(tau)
        if not (self.alpha > 1):
            raise ValueError("alpha must be > 1")
        if not (0 < self.c <= 1):
            raise ValueError("learning_rate must be in (0, 1]")
        self.N, self.D, self.tau = N, D, tau
        self.quad = quad
        # y = 1 is always a breakpoint (it defines k1, the switch from F to G)
        self.ygrid = sorted(set([mpf(v) for v in (ygrid or Y_GRID)] + [mpf(1)]), reverse=True)
        a, b = self.alpha, self.beta
        self.zeta = mp.zeta(a)
        self.lzeta = mp.log(self.zeta)
        self.logc = mp.log(self.c)
        self.M = capacity_M(N, self.gamma, self.cN)
        if D == mp.inf and tau == mp.inf:
            self.mode = 'none'
        elif D == mp.inf:
            self.mode = 'time'
        elif tau == mp.inf:
            self.mode = 'data'
        else:
            self.mode = 'gen'
            self.e = mp.floor(tau / D)
            self.s = tau - self.e * D
            if self.s < 0:  # guard against rounding (cannot happen with exact mpf)
                self.e -= 1
                self.s += D
        # bounds on nu = -dlog y / dlog k (valid where p is small, i.e. k >= K)
        self.nu_min = a * min(mpf(1), b)
        self.nu_max = a * max(mpf(1), b)
        self.K = int(K) if K is not None else max(1000, int(mp.ceil(40 * self.nu_max)))
        # saturation: a_k = 1 for k >= k_sat (beta < 1), for all k (beta = 1, c = 1)
        self.t_sat = None      # log k_sat if a kink exists
        self.all_sat = False
        if self.mode in ('time', 'gen'):
            if b < 1:
                if self.c >= 1:
                    self.all_sat = True
                else:
                    lp_sat = self.logc / (1 - b)
                    self.t_sat = -(lp_sat + self.lzeta) / a
                    if self.t_sat <= 0:
                        self.all_sat = True
                        self.t_sat = None
            elif b == 1 and self.c >= 1:
                self.all_sat = True

    # ----- the summand ------------------------------------------------------------
    def is_sat(self, lp):
        """a_k == 1 at log p = lp (min branch)."""
        if self.all_sat:
            return True
        return self.logc + (self.beta - 1) * lp >= 0

    def y_lp(self, lp, branch='a'):
        """y = -log E[q] as a function of lp = log p; branch 'a' (min), 'u' (a = c p^(b-1)),
        's' (a = 1)."""
        p = mp.exp(lp)
        mode = self.mode
        if mode == 'data':
            return -self.D * mp.log1p(-p)
        if branch == 'a':
            branch = 's' if self.is_sat(lp) else 'u'
        if mode == 'time':
            pa = p if branch == 's' else mp.exp(self.logc + self.beta * lp)
            return -self.tau * mp.log1p(-pa)
        e, s, D = self.e, self.s, self.D
        if branch == 's':
            ue = mpf(1) if e >= 1 else mpf(0)
            ue1 = mpf(1)
        else:
            la = mp.log1p(-mp.exp(self.logc + (self.beta - 1) * lp))
            ue = -mp.expm1(e * la) if e >= 1 else mpf(0)
            ue1 = -mp.expm1((e + 1) * la)
        y = mpf(0)
        if ue != 0:
            y -= (D - s) * mp.log1p(-p * ue)
        if s != 0:
            y -= s * mp.log1p(-p * ue1)
        return y

    def lp_of_logk(self, lk):
        return -self.alpha * lk - self.lzeta

    def F_int(self, k):
        """k^-alpha E[q_k] for integer k (min branch)."""
        lk = mp.log(k)
        return mp.exp(-self.alpha * lk - self.y_lp(self.lp_of_logk(lk)))

    def G_int(self, k):
        """k^-alpha (1 - E[q_k]) for integer k (min branch)."""
        lk = mp.log(k)
        y = self.y_lp(self.lp_of_logk(lk))
        return -mp.exp(-self.alpha * lk) * mp.expm1(-y)

    def f_real(self, rep, branch):
        """Smooth function of real k for Euler-Maclaurin (fixed branch)."""
        a = self.alpha

        def F(k):
            lk = mp.log(k)
            return mp.exp(-a * lk - self.y_lp(-a * lk - self.lzeta, branch))

        def G(k):
            lk = mp.log(k)
            return -mp.exp(-a * lk) * mp.expm1(-self.y_lp(-a * lk - self.lzeta, branch))
        return F if rep == 'F' else G

    def h_t(self, rep, branch):
        """Integrand in t = log k: f(e^t) e^t."""
        a = self.alpha

        def hF(t):
            return mp.exp((1 - a) * t - self.y_lp(-a * t - self.lzeta, branch))

        def hG(t):
            return -mp.exp((1 - a) * t) * mp.expm1(-self.y_lp(-a * t - self.lzeta, branch))
        return hF if rep == 'F' else hG

    def ly_t(self, t):
        return mp.log(self.y_lp(-self.alpha * t - self.lzeta, 'a'))

    # ----- helpers -----------------------------------------------------------------
    def _cross(self, t_lo, t_hi, target):
        """t in [t_lo, t_hi] with log y(t) = target (log y decreasing).  t_hi may be
        None (unbounded: bracket found with the slope bound nu_min)."""
        with mp.workdps(25):
            f_lo = self.ly_t(t_lo) - target
            if f_lo <= 0:
                return None
            if t_hi is None:
                t_hi = t_lo + f_lo / self.nu_min + 1
            f_hi = self.ly_t(t_hi) - target
            if f_hi > 0:
                return None
            a, fa, b, fb = t_lo, f_lo, t_hi, f_hi
            side = 0
            for _ in range(200):
                m = (a * fb - b * fa) / (fb - fa)
                fm = self.ly_t(m) - target
                if fm > 0:
                    a, fa = m, fm
                    if side == 1:
                        fb /= 2
                    side = 1
                else:
                    b, fb = m, fm
                    if side == -1:
                        fa /= 2
                    side = -1
                if b - a < mpf(10) ** -10 * (1 + abs(b)) or abs(fm) < mpf(10) ** -12:
                    break
            return +m

    def _direct(self, a, b, rep):
        """sum_{k=a}^{b} of F or G (integers)."""
        fn = self.F_int if rep == 'F' else self.G_int
        return mp.fsum(fn(mpf(k)) for k in range(int(a), int(b) + 1))

    def _integrate(self, h, t0, t1, tol_abs_fn, stats):
        """Adaptive Gauss-Legendre (24/48) or tanh-sinh of h on [t0, t1]."""
        if self.quad == 'ts':
            v, err = mp.quad(h, [t0, t1], method='tanh-sinh', error=True)
            stats['evals'] += 1
            if err <= tol_abs_fn() or t1 - t0 < mpf(10) ** -8:
                return v, err
            tm = (t0 + t1) / 2
            v1, e1 = self._integrate(h, t0, tm, tol_abs_fn, stats)
            v2, e2 = self._integrate(h, tm, t1, tol_abs_fn, stats)
            return v1 + v2, e1 + e2
        n24, n48 = _gl_nodes(4), _gl_nodes(5)
        hw, mid = (t1 - t0) / 2, (t1 + t0) / 2
        i24 = hw * mp.fsum(w * h(mid + hw * x) for x, w in n24)
        i48 = hw * mp.fsum(w * h(mid + hw * x) for x, w in n48)
        stats['evals'] += 72
        err = abs(i48 - i24)
        if err <= tol_abs_fn() or t1 - t0 < mpf(10) ** -8:
            return i48, err
        tm = mid
        v1, e1 = self._integrate(h, t0, tm, tol_abs_fn, stats)
        v2, e2 = self._integrate(h, tm, t1, tol_abs_fn, stats)
        return v1 + v2, e1 + e2

    def _em_corr(self, rep, branch, a, b, direction_b, S_scale, info):
        """Euler-Maclaurin corrections  sum_{k=a}^{b} f(k) - int_a^b f  (b may be inf):
        (f(a) + f(b))/2 + sum_j B_2j/(2j)! (f^(2j-1)(b) - f^(2j-1)(a))."""
        f = self.f_real(rep, branch)
        tol = TOL * S_scale / 100
        fa = f(a)
        fb = f(b) if b != mp.inf else mpf(0)
        corr = (fa + fb) / 2

        def derivs(x, n, direction):
            # derivatives of f at x via g(u) = f(x (1 + u)): g^(j)(0) = x^j f^(j)(x)
            g = lambda u: f(x * (1 + u))
            ds = list(mp.diffs(g, 0, n, direction=direction))
            return [d / x ** j for j, d in enumerate(ds)]

        def need(x, fx):
            # all derivative terms are bounded by ~ |f| phi' with
            # phi' = |dlog f/dk| <= (alpha + nu_max y)/x  (+ 1 for the G form)
            if fx == 0:
                return False
            y = self.y_lp(-self.alpha * mp.log(x) - self.lzeta, branch)
            return abs(fx) * (2 + self.alpha + self.nu_max * y) / x > tol

        ends = []
        if need(a, fa):
            ends.append((a, 0, -1))
        if b != mp.inf and need(b, fb):
            ends.append((b, direction_b, +1))
        if not ends:
            return corr, mpf(0)
        for J in (6, 12):
            n = 2 * J - 1
            dd = [(derivs(x, n, dirn), sgn) for x, dirn, sgn in ends]
            terms = []
            for j in range(1, J + 1):
                B = mp.bernoulli(2 * j) / mp.factorial(2 * j)
                terms.append(B * mp.fsum(sgn * d[2 * j - 1] for d, sgn in dd))
            last = abs(terms[-1])
            if last <= tol or J == 12:
                if last > tol:
                    info['warnings'].append('EM corrections not converged at [%s, %s]: '
                                            'last term %s' % (mp.nstr(a, 5), mp.nstr(b, 5),
                                                              mp.nstr(last, 3)))
                info.setdefault('em_terms', []).append(J)
                return corr + mp.fsum(terms), last
        raise AssertionError

    # ----- main -------------------------------------------------------------------
    def S(self, info):
        """S = zeta(alpha) dL (un-normalised)."""
        a, M, K = self.alpha, self.M, self.K
        if self.mode == 'none':
            return mpf(0) if M == mp.inf else mp.zeta(a, M + 1)
        if M != mp.inf and M < K + L_DIRECT:
            info['path'] = 'direct'
            return self._direct(1, M, 'F') + mp.zeta(a, M + 1)
        info['path'] = 'em'
        S_direct = self._direct(1, K - 1, 'F')
        tK = mp.log(K)
        tM = mp.log(M) if M != mp.inf else None
        # ---- y crossings (breakpoints) ----
        cross = {}
        t_prev = tK
        for Y in self.ygrid:
            t = self._cross(t_prev, tM, mp.log(Y))
            if t is not None:
                cross[Y] = t
                t_prev = t
        # k1: first integer with y <= 1
        if self.ly_t(tK) <= 0:
            k1 = mpf(K)
        elif mpf(1) in cross:
            k1 = mp.ceil(mp.exp(cross[mpf(1)]))
        else:
            k1 = M + 1  # y > 1 up to M
        if M != mp.inf and k1 > M:
            k1 = M + 1
        info['k1'] = k1
        # kink
        ks = None
        if self.t_sat is not None and self.t_sat > tK:
            ks = mp.ceil(mp.exp(self.t_sat))   # first saturated integer k
            if M != mp.inf and ks > M:
                ks = None
        info['k_sat'] = ks
        # lower bound of S for truncation
        S_lower = S_direct
        if M != mp.inf:
            S_lower += mp.zeta(a, M + 1)
        Z_k1 = None
        if M == mp.inf or k1 <= M:
            Z_k1 = mp.zeta(a, k1)
            S_lower += Z_k1 / mp.e
        info['S_lower'] = S_lower
        # ---- breakpoints in t ----
        bps = set(cross.values())
        if self.mode == 'gen' and self.e >= 1 and self.beta != 1:
            # a = c p^(beta-1) = 1/e
            lp = (-mp.log(self.e) - self.logc) / (self.beta - 1)
            t_ea = -(lp + self.lzeta) / a
            w = 1 / (a * abs(self.beta - 1))
            for m in (-6, -3, -1.5, -0.5, 0, 0.5, 1.5, 3, 6):
                bps.add(t_ea + m * w)
        # geometric tail beyond the last crossing (y small: decay rate >= lam_min)
        lam_min = (a - 1) + self.nu_min
        t_last = max(cross.values()) if cross else tK
        hG_auto = self.h_t('G', 'a')
        t = t_last
        step = 1 / lam_min
        t_trunc = None
        while True:
            t = t + step
            step *= 2
            if tM is not None and t >= tM:
                break
            bps.add(t)
            # rigorous tail bound: int_t^inf h_G <= h_G(t)/lam_min * (1 + tiny)
            if self.ly_t(t) < mp.log(mpf('1e-10')):
                if hG_auto(t) * 2 / lam_min < TOL * S_lower / 1000:
                    t_trunc = t
                    break
        if self.t_sat is not None:
            bps.add(self.t_sat)
        info['t_trunc'] = t_trunc
        # ---- segments ----
        cuts = sorted(set([mpf(K)] + [c for c in (k1, ks) if c is not None and c > K
                                     and (M == mp.inf or c <= M)]))
        segs = []
        for i, ca in enumerate(cuts):
            cb = cuts[i + 1] - 1 if i + 1 < len(cuts) else M
            rep = 'F' if ca < k1 else 'G'
            if self.mode == 'data':
                branch = 'a'
            elif self.all_sat:
                branch = 's'
            elif ks is not None and ca >= ks:
                branch = 's'
            elif self.t_sat is not None and self.t_sat <= tK:
                branch = 's'
            else:
                branch = 'u'
            segs.append((ca, cb, rep, branch))
        info['segments'] = [(mp.nstr(s0, 8), mp.nstr(s1, 8), r, br) for s0, s1, r, br in segs]
        stats = {'evals': 0}
        parts = []   # (sign, value) pieces of S beyond the direct part
        # first pass: integrals
        pending = []
        for ca, cb, rep, branch in segs:
            sign = 1 if rep == 'F' else -1
            if cb != mp.inf and cb - ca + 1 <= L_DIRECT:
                parts.append(sign * self._direct(ca, cb, rep))
                continue
            t0 = mp.log(ca)
            t1 = mp.log(cb) if cb != mp.inf else None
            if t_trunc is not None and (t1 is None or t1 > t_trunc):
                t1c = t_trunc
            else:
                t1c = t1
            if t1c is None:
                raise RuntimeError('no truncation point for infinite segment')
            if t1c <= t0:
                pending.append((ca, cb, rep, branch, sign, mpf(0), mpf(0)))
                continue
            pts = [t0] + sorted(x for x in bps if t0 < x < t1c) + [t1c]
            h = self.h_t(rep, branch)
            pending.append((ca, cb, rep, branch, sign, h, pts))
        # global tolerance from a first cheap (24-node) estimate of every piece
        n24 = _gl_nodes(4)
        S0 = S_direct + mp.fsum(parts) + (Z_k1 if Z_k1 is not None else
                                          (mp.zeta(a, M + 1) if M != mp.inf else 0))
        for ca, cb, rep, branch, sign, h, pts in pending:
            if h == 0:
                continue
            for i in range(len(pts) - 1):
                hw, mid = (pts[i + 1] - pts[i]) / 2, (pts[i + 1] + pts[i]) / 2
                S0 += sign * hw * mp.fsum(w * h(mid + hw * x) for x, w in n24)
        S_est = max(S_lower, abs(S0) / 2)
        info['S_est0'] = S_est
        tol_fn = lambda: TOL * S_est
        vals = []
        for item in pending:
            ca, cb, rep, branch, sign, h, pts = item
            if h == 0:
                vals.append(mpf(0))
                continue
            tot = mpf(0)
            for i in range(len(pts) - 1):
                v, err = self._integrate(h, pts[i], pts[i + 1], tol_fn, stats)
                tot += v
            vals.append(tot)
        S_int = S_direct + mp.fsum(parts) + mp.fsum(it[4] * v for it, v in zip(pending, vals))
        if Z_k1 is not None:
            S_int += Z_k1
        elif M != mp.inf:
            S_int += mp.zeta(a, M + 1)
        S_scale = max(abs(S_int), S_lower)
        # Euler-Maclaurin corrections
        em = []
        em_err = mpf(0)
        for item in pending:
            ca, cb, rep, branch, sign, h, pts = item
            dirb = -1 if (branch == 'u' and ks is not None and cb == ks - 1) else 0
            cval, cerr = self._em_corr(rep, branch, ca, cb, dirb, S_scale, info)
            em.append(sign * cval)
            em_err += cerr
        info['em_last_term'] = em_err
        info['quad_evals'] = stats['evals']
        return S_int + mp.fsum(em)


def _new_info():
    return {'warnings': []}


def log_dL(alpha, beta, gamma, N, D, tau, learning_rate=0.1, capacity_scale=1.0,
           K=None, quad='gl', ygrid=None, info=None):
    """ln dL(N, D, tau) as an mpf (mp.ninf if dL = 0)."""
    if info is None:
        info = _new_info()
    info.setdefault('warnings', [])
    with mp.workdps(DPS):
        m = _Model(alpha, beta, gamma, N, D, tau, learning_rate, capacity_scale, K=K,
                   quad=quad, ygrid=ygrid)
        S = m.S(info)
        info['M'] = m.M
        if S == 0:
            return mp.ninf
        return mp.log(S) - m.lzeta   # keeps DPS digits (do not round with unary +)


def log_dL_direct(alpha, beta, gamma, N, D, tau, learning_rate=0.1, capacity_scale=1.0,
                  max_M=300000):
    """ln dL by summing every k <= M directly in mpmath (M finite, <= max_M)."""
    with mp.workdps(DPS):
        m = _Model(alpha, beta, gamma, N, D, tau, learning_rate, capacity_scale)
        if m.M == mp.inf or m.M > max_M:
            raise ValueError('direct sum needs finite M <= %d (M = %s)' % (max_M, m.M))
        if m.mode == 'none':
            S = mp.zeta(m.alpha, m.M + 1)
        else:
            S = m._direct(1, m.M, 'F') + mp.zeta(m.alpha, m.M + 1)
        return mp.log(S) - m.lzeta


def log_eps_N(alpha, gamma, N, capacity_scale=1.0):
    return log_dL(alpha, 1.0, gamma, N, 'inf', 'inf', 0.1, capacity_scale)


def log_eps_D(alpha, D):
    return log_dL(alpha, 1.0, 1.0, 'inf', D, 'inf', 0.1, 1.0)


def log_eps_tau(alpha, beta, tau, learning_rate=0.1):
    return log_dL(alpha, beta, 1.0, 'inf', 'inf', tau, learning_rate, 1.0)


def all_logs(alpha, beta, gamma, N, D, tau, learning_rate=0.1, capacity_scale=1.0):
    """(ln dL, ln eps_N, ln eps_D, ln eps_tau)."""
    return (log_dL(alpha, beta, gamma, N, D, tau, learning_rate, capacity_scale),
            log_eps_N(alpha, gamma, N, capacity_scale),
            log_eps_D(alpha, D),
            log_eps_tau(alpha, beta, tau, learning_rate))


def fmt(x, digits=20):
    """20 significant digits; '-inf' for dL = 0."""
    if x == mp.ninf:
        return '-inf'
    return mp.nstr(x, digits)


COLUMNS = ['alpha', 'beta', 'gamma', 'N', 'D', 'tau', 'learning_rate', 'capacity_scale']
OUT_COLUMNS = ['log_dL', 'log_eps_N', 'log_eps_D', 'log_eps_tau']


def run_csv(path_in, path_out, verbose=False):
    with open(path_in, newline='') as fh:
        rows = list(csv.DictReader(fh))
    with open(path_out, 'w', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(COLUMNS + OUT_COLUMNS)
        for i, row in enumerate(rows):
            args = [row[c] for c in COLUMNS]
            res = all_logs(*args)
            w.writerow(args + [fmt(v) for v in res])
            if verbose:
                print(i, args, fmt(res[0]), file=sys.stderr)


def main(argv=None):
    mp.mp.dps = DPS
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--alpha')
    ap.add_argument('--beta')
    ap.add_argument('--gamma')
    ap.add_argument('--N')
    ap.add_argument('--D')
    ap.add_argument('--tau')
    ap.add_argument('--learning-rate', default='0.1')
    ap.add_argument('--capacity-scale', default='1.0')
    ap.add_argument('--csv-in')
    ap.add_argument('--csv-out')
    ap.add_argument('--direct', action='store_true', help='also print the direct sum')
    ap.add_argument('--verbose', action='store_true')
    a = ap.parse_args(argv)
    if a.csv_in:
        if not a.csv_out:
            ap.error('--csv-in needs --csv-out')
        run_csv(a.csv_in, a.csv_out, a.verbose)
        return 0
    for name in ('alpha', 'beta', 'gamma', 'N', 'D', 'tau'):
        if getattr(a, name) is None:
            ap.error('--%s is required' % name)
    info = _new_info()
    ld = log_dL(a.alpha, a.beta, a.gamma, a.N, a.D, a.tau, a.learning_rate,
                a.capacity_scale, info=info)
    print('log_dL      %s' % fmt(ld))
    print('log_eps_N   %s' % fmt(log_eps_N(a.alpha, a.gamma, a.N, a.capacity_scale)))
    print('log_eps_D   %s' % fmt(log_eps_D(a.alpha, a.D)))
    print('log_eps_tau %s' % fmt(log_eps_tau(a.alpha, a.beta, a.tau, a.learning_rate)))
    if a.direct:
        print('log_dL_direct %s' % fmt(log_dL_direct(a.alpha, a.beta, a.gamma, a.N, a.D,
                                                     a.tau, a.learning_rate,
                                                     a.capacity_scale)))
    if a.verbose:
        for k, v in info.items():
            print('#', k, v, file=sys.stderr)
    for wmsg in info['warnings']:
        print('# WARNING', wmsg, file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
