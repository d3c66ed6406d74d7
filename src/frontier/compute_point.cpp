#include "modesweep/frontier/compute_point.hpp"

#include <cmath>
#include <limits>

#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/math.hpp"

namespace modesweep::frontier {
namespace {

const double log_max = std::log(1e24);

double log_loss(model::ModelPoint m, double N, double D, double tau) {
  m.N = N;
  m.D = D;
  m.tau = tau;
  return model::log_reducible_loss(m);
}

// The x in [0, log 1e24] where the decreasing f(x) crosses `target`, by bisection to 1e-12;
// NaN when f stays above it.
template <class F>
double crossing(const F& f, double target) {
  double lo = 0.0, hi = log_max;
  if (f(hi) > target) return std::numeric_limits<double>::quiet_NaN();
  if (f(lo) <= target) return lo;
  while (hi - lo > 1e-12 * log_max) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > target ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

ComputePoint optimal_compute_point(const model::ModelPoint& m, double N, double D, double kappa) {
  ComputePoint p;
  p.N = N;
  p.D = D;
  p.log_eps_N = log_loss(m, N, math::infinity, math::infinity);
  p.log_eps_D = std::isinf(D) ? -math::infinity : log_loss(m, math::infinity, D, math::infinity);
  const double target = std::max(p.log_eps_N, p.log_eps_D);
  // eps_tau decreases in tau (more steps never raise a residual, MODEL.md 2).
  const double x = crossing(
      [&](double t) { return log_loss(m, math::infinity, math::infinity, std::exp(t)); }, target);
  p.reached = std::isfinite(x);
  p.tau_star = p.reached ? std::exp(x) : math::infinity;
  p.C_star = kappa * N * p.tau_star;
  if (p.reached) {
    p.log_dL_star = log_loss(m, N, D, p.tau_star);
    p.dL_star = std::exp(p.log_dL_star);
  }
  return p;
}

double matching_data(const model::ModelPoint& m, double N) {
  const double target = log_loss(m, N, math::infinity, math::infinity);
  const double x = crossing(
      [&](double d) { return log_loss(m, math::infinity, std::exp(d), math::infinity); }, target);
  return std::isfinite(x) ? std::exp(x) : 0.0;
}

std::vector<ComputePoint> compute_point_family(const model::ModelPoint& m, double N_min,
                                               double N_max, int points, double kappa) {
  std::vector<ComputePoint> out;
  for (int i = 0; i < points; ++i) {
    const double N = std::exp(std::log(N_min) +
                              (std::log(N_max) - std::log(N_min)) * i / std::max(1, points - 1));
    const double D = matching_data(m, N);
    if (!(D >= 1.0)) continue;
    const ComputePoint p = optimal_compute_point(m, N, D, kappa);
    if (p.reached) out.push_back(p);
  }
  return out;
}

}  // namespace modesweep::frontier
