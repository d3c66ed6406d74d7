// Capacity panels: log dL of a factorial group as a function of the capacity cutoff M,
// interpolated in x = ln M (MODEL.md 3; issue 3, factorial fast path).
//
// Within an (alpha, beta, D, tau) group only M moves, through gamma and N, and
//   dL(M) = dL(inf) + sum_{k>M} p_k (1 - E[q_k])
// is the restriction to integers of a smooth function of M, since the summand is smooth in
// k. Its log is close to linear in x on both sides of the learning front and bends smoothly
// across it. So x is cut into fixed panels of width panel_width; on each panel that holds
// points, log dL is computed exactly at panel_nodes Chebyshev points (rounded to whole M)
// and at panel_checks other points, and the polynomial through the nodes (of the actual
// rounded nodes), as a power series in the panel's coordinate, is kept only if it reproduces
// every sample to panel_tolerance. A rejected panel's points go to its halves (the next level),
// down to max_panel_level; what no level accepts is computed exactly, point by point. The front
// narrows as alpha beta grows (its analytic strip in x is about pi / (2 alpha beta) wide),
// which is what the halvings are for; where it starts, panels start at the level it needs
// (front_level below) rather than fail their way down to it.
//
// Why fixed panels: a point's value then depends only on its group and its own M (the first
// accepted panel containing it), never on which other points share its chunk, so results stay
// bit-identical for any chunking and rank count, and each round of panels (of whatever levels
// the points need) is a flat parallel loop.
// Whether a panel is accepted is a check, not a bound: tests/sweep/sweep_kernel_test.cpp
// compares every point of three grids spanning the regimes with the single-point evaluator
// (worst 2.3e-14 with panel_tolerance = 3e-14; 1e-13 let errors of 1.8e-13 through).
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "modesweep/model/math.hpp"

namespace modesweep::sweep::panels {

inline constexpr double panel_width = 3.0;  // level 0, in x = ln M
inline constexpr int max_panel_level = 4;   // halvings of a failed panel: width 3/16
inline constexpr int panel_nodes = 24;      // Chebyshev points per panel
inline constexpr int panel_checks = 8;      // exact values a panel must reproduce
inline constexpr int panel_samples = panel_nodes + panel_checks;
inline constexpr double panel_tolerance = 3e-14;   // |error| in log dL, i.e. relative
inline constexpr double min_panel_capacity = 1e3;  // below: a per-block table (kernel.cpp);
                                                   // level-4 nodes there would be ~1 apart

KOKKOS_INLINE_FUNCTION double level_width(int level) {
  return panel_width / static_cast<double>(1 << level);
}

// Where the learning front starts, wide panels are as good as certain to fail their checks:
// above a group's fully_learned capacity (kernel.cpp), at x_fl = its log, the modes' residual
// E[q_M] climbs from e^-42 of eps_N towards 1/2 as a double exponential in x, whose rate is
// s = alpha max(beta, 1) (exp(-T p^beta) or exp(-D p), p ~ e^(-alpha x)). Measured on
// bench/sweep_1e7.toml (alpha 1.5 and 2, beta 1), level-0 panels overlapping
// [x_fl + 0.5, x_fl + 2.5] failed 1,595 times in 1,627, their 32 samples full sums, and
// level-1 panels near x_fl + 0.8 failed for alpha 2 (s w = 3) but never for alpha 1.5
// (s w = 2.25). So a point whose panel overlaps that zone, [x_fl + front_zone_begin / s,
// x_fl + front_zone_end / s], starts at the first level where its panel keeps clear of the
// zone, or else at the first level whose width is at most front_width_rate / s (front_level),
// instead of level 0: there, rejections fell from 2,146 to 126 and panels from 11,223 to
// 9,487. It is only where the checks start: they still decide. And it depends on the group
// and the point's own M alone, so values stay independent of chunking.
inline constexpr double front_zone_begin = 0.75;
inline constexpr double front_zone_end = 3.75;
inline constexpr double front_width_rate = 2.5;

// The deepest level a point near a group's front starts at, for the group's rate s.
KOKKOS_INLINE_FUNCTION int front_level(double rate) {
  int level = 0;
  while (level < max_panel_level && level_width(level) * rate > front_width_rate) ++level;
  return level;
}

// The panel at a level of x = ln M, M >= min_panel_capacity.
KOKKOS_INLINE_FUNCTION std::int64_t panel_at(double x, int level) {
  return static_cast<std::int64_t>(math::floor(x / level_width(level)));
}
// The panel of a capacity M >= min_panel_capacity at a level.
KOKKOS_INLINE_FUNCTION std::int64_t panel_of(double M, int level) {
  return panel_at(math::log(M), level);
}

// Sample j of a panel: j < panel_nodes are the Chebyshev points of the second kind on
// [panel * w, (panel + 1) * w] in x (w = level_width); the checks lie between nodes, at
// Chebyshev angles 0.5, ..., panel_nodes - 1.5 node spacings in, both end intervals included
// (where an interpolant errs most). Each is rounded to the nearest whole capacity.
KOKKOS_INLINE_FUNCTION double sample_capacity(int level, std::int64_t panel, int j) {
  const double pi = 3.14159265358979323846;
  const double last = panel_nodes - 1;
  const double angle =
      j < panel_nodes ? j : 0.5 + (j - panel_nodes) * (last - 1.0) / (panel_checks - 1);
  const double t = 0.5 - 0.5 * math::cos(pi * angle / last);  // position in [0, 1]
  return math::floor(math::exp((static_cast<double>(panel) + t) * level_width(level)) + 0.5);
}

// Barycentric weights of the nodes x[0..n) of a panel of width w, scaled by w to stay in
// range.
KOKKOS_INLINE_FUNCTION void barycentric_weights(const double* x, int n, double width, double* w) {
  for (int j = 0; j < n; ++j) {
    double product = 1.0;
    for (int k = 0; k < n; ++k) {
      if (k != j) product *= (x[j] - x[k]) * (2.0 / width);
    }
    w[j] = 1.0 / product;
  }
}

// The interpolating polynomial through (x[j], y[j]) at xq (second barycentric form).
KOKKOS_INLINE_FUNCTION double interpolate(const double* x, const double* y, const double* w, int n,
                                          double xq) {
  double numerator = 0.0, denominator = 0.0;
  for (int j = 0; j < n; ++j) {
    const double d = xq - x[j];
    if (d == 0.0) return y[j];
    const double t = w[j] / d;
    numerator += t * y[j];
    denominator += t;
  }
  return numerator / denominator;
}

// How a panel is read: as the power series in u in [-1, 1], the panel's own coordinate, of the
// polynomial through its nodes, by Horner's rule in u^4 on four interleaved chains. It is the
// same polynomial as the barycentric form's, at a multiply-add per coefficient where that form
// costs a division per node, and a dependency chain a quarter as long as one Horner chain.
// Power series on [-1, 1] are well conditioned here: a panel is accepted only if its Chebyshev
// coefficients fall to ~1e-14 within panel_nodes terms, i.e. by a factor rho >= ~4 a term,
// and the power coefficients of T_m add up to ~(1 + sqrt 2)^m in magnitude, so the rounding
// of the power form stays within a few units of the largest value's last place. The checks
// test this form, as read.
inline constexpr int panel_coefficients = panel_nodes;  // degree panel_nodes - 1
static_assert(panel_coefficients % 4 == 0, "four Horner chains");

// u of x on a panel: [panel w, (panel + 1) w] -> [-1, 1] (w = level_width(level)).
KOKKOS_INLINE_FUNCTION double panel_coordinate(double x, int level, std::int64_t panel) {
  const double w = level_width(level);
  return (x - (static_cast<double>(panel) + 0.5) * w) * (2.0 / w);
}

// sum_k a[k] u^k over the panel_coefficients coefficients a.
KOKKOS_INLINE_FUNCTION double panel_value(const double* a, double u) {
  const double u2 = u * u, u4 = u2 * u2;
  double p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0;
  for (int k = panel_coefficients - 4; k >= 0; k -= 4) {
    p0 = p0 * u4 + a[k];
    p1 = p1 * u4 + a[k + 1];
    p2 = p2 * u4 + a[k + 2];
    p3 = p3 * u4 + a[k + 3];
  }
  return (p0 + u * p1) + u2 * (p2 + u * p3);
}

// The power coefficients a[0 .. panel_coefficients) in u of the polynomial through a panel's
// nodes (x[j], y[j]), whose barycentric weights are w. The polynomial is evaluated at the
// exact Chebyshev points u_k = cos(pi k / n), n = panel_nodes - 1 (barycentric form); the
// chord through its values at u = +-1 is taken out, so that the discrete cosine transform
// works on what the chord leaves (log dL itself reaches ~60 in magnitude, and its rounding
// would swamp the small coefficients); the Chebyshev series is turned into powers with the
// exact integer coefficients of T_m (T_{m+1} = 2u T_m - T_{m-1}), and the chord added last.
KOKKOS_INLINE_FUNCTION void panel_power_series(const double* x, const double* y, const double* w,
                                               int level, std::int64_t panel, double* a) {
  constexpr int n = panel_nodes - 1;
  const double pi = 3.14159265358979323846;
  double cosines[n + 1];  // cos(pi r / n); cos(pi m k / n) is one of them up to symmetry
  for (int r = 0; r <= n; ++r) cosines[r] = math::cos(pi * r / n);
  const double half = 0.5 * level_width(level);
  const double mid = (static_cast<double>(panel) + 0.5) * level_width(level);
  double v[n + 1];
  for (int k = 0; k <= n; ++k) v[k] = interpolate(x, y, w, panel_nodes, mid + half * cosines[k]);
  const double chord_mean = 0.5 * (v[0] + v[n]), chord_slope = 0.5 * (v[0] - v[n]);  // u_0 = 1
  for (int k = 0; k <= n; ++k) v[k] -= chord_mean + chord_slope * cosines[k];
  double c[n + 1];  // Chebyshev coefficients of the rest
  for (int m = 0; m <= n; ++m) {
    double sum = 0.5 * (v[0] + (m % 2 == 0 ? v[n] : -v[n]));
    for (int k = 1; k < n; ++k) {
      const int r = (m * k) % (2 * n);
      sum += v[k] * cosines[r <= n ? r : 2 * n - r];
    }
    c[m] = sum * (2.0 / n);
  }
  c[0] *= 0.5;
  c[n] *= 0.5;
  double previous[n + 1] = {}, current[n + 1] = {}, next[n + 1];  // T_{m-1}, T_m
  previous[0] = 1.0;
  current[1] = 1.0;
  for (int k = 0; k <= n; ++k) a[k] = 0.0;
  a[0] = c[0];
  a[1] = c[1];
  for (int m = 1; m < n; ++m) {
    for (int k = 0; k <= n; ++k) {
      next[k] = (k > 0 ? 2.0 * current[k - 1] : 0.0) - previous[k];
      a[k] += c[m + 1] * next[k];
    }
    for (int k = 0; k <= n; ++k) {
      previous[k] = current[k];
      current[k] = next[k];
    }
  }
  a[0] += chord_mean;
  a[1] += chord_slope;
}

// A panel from its samples (x = ln M, y = log dL; nodes first, then checks): its power
// coefficients in a[0 .. panel_coefficients), and whether it may be used: its nodes are
// distinct, every value is finite, every check lies strictly between nodes (one rounded onto a
// node would pass whatever the error), and the power series reproduces every sample, nodes
// and checks, to panel_tolerance.
KOKKOS_INLINE_FUNCTION bool build_panel(const double* x, const double* y, int level,
                                        std::int64_t panel, double* a) {
  for (int j = 1; j < panel_nodes; ++j) {
    if (!(x[j] > x[j - 1])) return false;  // rounded together
  }
  for (int j = 0; j < panel_samples; ++j) {
    if (math::isinf(y[j]) || math::isnan(y[j])) return false;
  }
  for (int j = panel_nodes; j < panel_samples; ++j) {
    for (int k = 0; k < panel_nodes; ++k) {
      if (x[j] == x[k]) return false;
    }
  }
  double w[panel_nodes];
  barycentric_weights(x, panel_nodes, level_width(level), w);
  panel_power_series(x, y, w, level, panel, a);
  for (int j = 0; j < panel_samples; ++j) {
    const double fit = panel_value(a, panel_coordinate(x[j], level, panel));
    if (!(math::fabs(fit - y[j]) <= panel_tolerance)) return false;
  }
  return true;
}

}  // namespace modesweep::sweep::panels
