// Capacity panels: log dL of a factorial group as a function of the capacity cutoff M,
// interpolated in x = ln M (MODEL.md 3; issue 3, factorial fast path).
//
// Within an (alpha, beta, D, tau) group only M moves, through gamma and N, and
//   dL(M) = dL(inf) + sum_{k>M} p_k (1 - E[q_k])
// is the restriction to integers of a smooth function of M, since the summand is smooth in
// k. Its log is close to linear in x on both sides of the learning front and bends smoothly
// across it. So x is cut into fixed panels of width panel_width; on each panel that holds
// points, log dL is computed exactly at panel_nodes Chebyshev points (rounded to whole M)
// and at panel_checks other points, and the polynomial through the nodes (barycentric form,
// weights of the actual rounded nodes) is kept only if it reproduces every check point to
// panel_tolerance. A rejected panel's points go to its halves (the next level), down to
// max_panel_level; what no level accepts is computed exactly, point by point. The front
// narrows as alpha beta grows (its analytic strip in x is about pi / (2 alpha beta) wide),
// which is what the halvings are for.
//
// Why fixed panels: a point's value then depends only on its group and its own M (the first
// accepted panel containing it), never on which other points share its chunk, so results stay
// bit-identical for any chunking and rank count, and each level is a flat parallel loop.
// Whether a panel is accepted is a check, not a bound: tests/sweep/sweep_kernel_test.cpp
// compares every point of three grids spanning the regimes with the single-point evaluator
// (worst 5.2e-14 with panel_tolerance = 3e-14; 1e-13 let errors of 1.8e-13 through).
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

// Weights w[0..panel_nodes) of a panel from its samples (x = ln M, y = log dL; nodes first,
// then checks), and whether it may be used: nodes distinct, every value finite, and every
// check strictly between nodes (one rounded onto a node would pass whatever the error) and
// reproduced to panel_tolerance.
KOKKOS_INLINE_FUNCTION bool build_panel(const double* x, const double* y, int level, double* w) {
  bool ok = true;
  for (int j = 1; j < panel_nodes; ++j) {
    if (!(x[j] > x[j - 1])) ok = false;  // rounded together
  }
  barycentric_weights(x, panel_nodes, level_width(level), w);
  for (int j = 0; j < panel_samples; ++j) {
    if (math::isinf(y[j]) || math::isnan(y[j])) ok = false;
  }
  for (int j = panel_nodes; ok && j < panel_samples; ++j) {
    for (int k = 0; k < panel_nodes; ++k) {
      if (x[j] == x[k]) ok = false;
    }
    const double fit = interpolate(x, y, w, panel_nodes, x[j]);
    if (!(math::fabs(fit - y[j]) <= panel_tolerance)) ok = false;
  }
  return ok;
}

}  // namespace modesweep::sweep::panels
