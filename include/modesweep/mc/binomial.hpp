// Exact binomial variates at a cost that does not grow with n (MODEL.md 4: the count-level
// sampler draws mode counts among D tokens, D up to 1e24). Device-safe.
//  - mean n min(p, 1-p) < 10: inversion, walking the pmf up from 0 (O(mean) steps);
//  - otherwise: BTRD, Hormann's transformed rejection with decomposition ("The generation of
//    binomial random variates", J. Stat. Comput. Simul. 46, 1993), about 1.1 uniforms per
//    variate whatever n is. Beyond 2^53 it runs on doubles that are not exact integers: the
//    (n+1) log(nm/nk) term of its final test is written with log1p (the plain ratio would
//    lose every digit at n = 1e24); the other log terms keep an absolute error ~ m 1e-16,
//    and that test is reached with chance ~ 1/sqrt(npq), so the distribution stays exact to
//    about 1e-10 there, far below any Monte Carlo standard error.
// n must be a non-negative integer-valued double (every double >= 2^53 is one).
#pragma once

#include <Kokkos_Core.hpp>

#include "modesweep/mc/philox_stream.hpp"
#include "modesweep/model/math.hpp"

namespace modesweep::mc {

namespace detail {

// Stirling series remainder fc(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2].
// k <= 9 tabulated (mpmath; tests check it against lgamma), beyond five terms of the series
// in 1/(k+1) (next term < 1e-14 there).
KOKKOS_INLINE_FUNCTION double stirling_remainder(double k) {
  static constexpr double table[10] = {
      0.081061466795327258,  0.041340695955409294, 0.027677925684998339, 0.020790672103765093,
      0.016644691189821192,  0.013876128823070748, 0.01189670994589177,  0.010411265261972096,
      0.0092554621827127329, 0.0083305634333628713};
  if (k <= 9.0) return table[static_cast<int>(k)];
  const double inv = 1.0 / (k + 1.0);
  const double inv2 = inv * inv;
  return (1.0 / 12.0 -
          (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - inv2 / 1188.0) * inv2) * inv2) * inv2) *
         inv;
}

// Inversion for small means (p <= 1/2, n p < 10): P(0) = (1-p)^n, P(x)/P(x-1) = (n+1-x)/x p/q.
// A walk past x = 200 (probability < 1e-100 at mean 10) restarts.
KOKKOS_INLINE_FUNCTION double binomial_inversion(PhiloxStream& g, double n, double p) {
  const double s = p / (1.0 - p);
  const double a = (n + 1.0) * s;
  const double p0 = math::exp(n * math::log1p(-p));
  for (;;) {
    double u = g.uniform();
    double pmf = p0;
    double x = 0.0;
    while (x <= 200.0) {
      if (u <= pmf) return x;
      u -= pmf;
      x += 1.0;
      if (x > n) break;
      pmf *= a / x - s;
    }
  }
}

// BTRD for p <= 1/2 and n p >= 10 (Hormann 1993, steps 0-3.4).
KOKKOS_INLINE_FUNCTION double binomial_btrd(PhiloxStream& g, double n, double p) {
  const double q = 1.0 - p;
  const double m = math::floor((n + 1.0) * p);  // the mode
  const double r = p / q;
  const double nr = (n + 1.0) * r;
  const double npq = n * p * q;
  const double spq = math::sqrt(npq);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double vr = 0.92 - 4.2 / b;
  const double urvr = 0.86 * vr;
  for (;;) {
    double v = g.uniform();
    double u;
    if (v <= urvr) {  // the triangle-free centre: accept at once
      u = v / vr - 0.43;
      return math::floor((2.0 * a / (0.5 - math::fabs(u)) + b) * u + c);
    }
    if (v >= vr) {
      u = g.uniform() - 0.5;
    } else {
      u = v / vr - 0.93;
      u = (u < 0.0 ? -0.5 : 0.5) - u;
      v = g.uniform() * vr;
    }
    const double us = 0.5 - math::fabs(u);
    const double k = math::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > n) continue;
    v = v * alpha / (a / (us * us) + b);
    const double km = math::fabs(k - m);
    if (km <= 15.0) {
      // f(k)/f(m) by the pmf ratio recursion; an int counter, since m + 1 == m beyond 2^53.
      const int steps = static_cast<int>(km);
      double f = 1.0;
      const double lo = k < m ? k : m;
      for (int j = 1; j <= steps; ++j) {
        const double i = lo + j;
        if (m < k)
          f *= nr / i - r;
        else
          v *= nr / i - r;
      }
      if (v <= f) return k;
      continue;
    }
    // Squeeze on log v with the normal approximation's bounds.
    v = math::log(v);
    const double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
    const double t = -km * km / (2.0 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    // Exact test log f(k)/f(m) via Stirling. (n+1) log(nm/nk) is taken as
    // (n+1) log1p((k-m)/nk): the plain ratio of two numbers near n loses all digits at n=1e24.
    const double nm = n - m + 1.0;
    const double nk = n - k + 1.0;
    const double h = (m + 0.5) * math::log((m + 1.0) / (r * nm)) + stirling_remainder(m) +
                     stirling_remainder(n - m);
    const double bound = h + (n + 1.0) * math::log1p((k - m) / nk) +
                         (k + 0.5) * math::log(nk * r / (k + 1.0)) - stirling_remainder(k) -
                         stirling_remainder(n - k);
    if (v <= bound) return k;
  }
}

}  // namespace detail

// A Binomial(n, p) variate. p outside (0, 1) and n = 0 are handled exactly.
KOKKOS_INLINE_FUNCTION double binomial(PhiloxStream& g, double n, double p) {
  if (!(n > 0.0) || !(p > 0.0)) return 0.0;
  if (p >= 1.0) return n;
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p;
  const double x =
      n * pp < 10.0 ? detail::binomial_inversion(g, n, pp) : detail::binomial_btrd(g, n, pp);
  return flip ? n - x : x;
}

}  // namespace modesweep::mc
