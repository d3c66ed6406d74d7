#include "modesweep/frontier/exact_frontier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/math.hpp"
#include "modesweep/model/validate.hpp"

namespace modesweep::frontier {
namespace {

constexpr double resource_max = 1e24;  // the evaluator's domain for N, D and tau (MODEL.md 3)
const double log_resource_max = std::log(resource_max);

struct Minimum {
  double x = 0.0;
  double value = math::infinity;
  bool at_bound = false;
  int evaluations = 0;
  // Keeps (x, v) when it is lower, or as low (to 1e-12, rounding) at a smaller x: where the
  // loss is flat in N (data-constrained with the tokens exhausted) the smallest N is the
  // optimum, not whichever the search met last.
  void offer(double x_new, double v) {
    ++evaluations;
    if (!(value < math::infinity)) {
      x = x_new, value = v;
      return;
    }
    const double margin = 1e-12 * std::abs(value);
    const bool lower = v < value - margin;
    const bool as_low_left = v <= value + margin && x_new < x;
    if (lower || as_low_left) x = x_new, value = v;
  }
};

// The scan of [lo, hi]: evenly spaced, at most `step` apart, at least 3 points, ends included.
std::vector<double> scan_points(double lo, double hi, double step) {
  const int intervals = std::max(2, static_cast<int>(std::ceil((hi - lo) / step)));
  const double h = (hi - lo) / intervals;
  std::vector<double> xs;
  for (int i = 0; i <= intervals; ++i) xs.push_back(lo + h * i);
  return xs;
}

// Minimises f over [lo, hi]: a scan every `step` finds the basin of the global minimum (the
// loss is a staircase in N, because M = floor(c_N N^gamma), on a smooth trend, so a local
// search alone can stop on a stair), then golden-section search inside the bracket of the
// best scanned point narrows it to `tolerance`. Returns the best point evaluated.
template <class F>
Minimum minimise_1d(const F& f, double lo, double hi, double step, double tolerance) {
  Minimum best;
  auto consider = [&](double x) {
    const double v = f(x);
    best.offer(x, v);
    return v;
  };
  if (!(hi - lo > tolerance)) {
    consider(0.5 * (lo + hi));
    best.at_bound = true;
    return best;
  }
  const std::vector<double> xs = scan_points(lo, hi, step);
  std::size_t best_index = 0;
  double best_scan = math::infinity;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double v = consider(xs[i]);
    if (v < best_scan) {
      best_scan = v;
      best_index = i;
    }
  }
  double a = xs[best_index > 0 ? best_index - 1 : 0];
  double b = xs[std::min(xs.size() - 1, best_index + 1)];
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  double x1 = b - ratio * (b - a), x2 = a + ratio * (b - a);
  double f1 = consider(x1), f2 = consider(x2);
  while (b - a > tolerance) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - ratio * (b - a);
      f1 = consider(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + ratio * (b - a);
      f2 = consider(x2);
    }
  }
  best.at_bound = best.x - lo <= tolerance || hi - best.x <= tolerance;
  return best;
}

// The capacity cutoff M at log N = x (MODEL.md 2).
double cutoff_at(const model::ModelPoint& m, double x) {
  return model::detail::capacity_cutoff(std::exp(x), m.gamma, m.capacity_scale);
}

// log N where the cutoff reaches M: the left edge of stair M, N = (M / c_N)^(1/gamma).
double stair_edge(const model::ModelPoint& m, double M) {
  return (std::log(M) - std::log(m.capacity_scale)) / m.gamma;
}

// Minimises the loss over log N in [lo, hi]. At a fixed cutoff M, a larger N only takes
// budget from the other resource, so along N the loss rises on each stair of M and drops at
// the next: the minimum is at a stair's left edge (or at lo). After the scan has found the
// basin, the stairs of its bracket are enumerated when there are at most `max_stairs`;
// otherwise they are finer than the tolerance and golden-section search narrows the bracket,
// whose best point is then moved to its stair's edge.
template <class F>
Minimum minimise_on_stairs(const F& f, const model::ModelPoint& m, double lo, double hi,
                           const MinimiserOptions& options, double max_stairs) {
  const auto consider = [&](Minimum& into, double x) {
    x = std::clamp(x, lo, hi);
    into.offer(x, f(x));
  };
  const auto edges = [&](Minimum& into, double M_from, double M_to) {
    for (double M = std::max(M_from, 1.0); M <= M_to; M += 1.0) consider(into, stair_edge(m, M));
  };
  const double M_lo = cutoff_at(m, lo), M_hi = cutoff_at(m, hi);
  if (M_hi - M_lo <= max_stairs) {
    // Few stairs in all: the exact optimum is the best of lo and every stair's left edge.
    Minimum best;
    consider(best, lo);
    edges(best, M_lo + 1.0, M_hi);
    best.at_bound = best.x - lo <= options.log_tolerance || hi - best.x <= options.log_tolerance;
    return best;
  }
  Minimum best = minimise_1d(f, lo, hi, options.scan_step, options.log_tolerance);
  if (!(hi - lo > options.log_tolerance)) return best;
  // Stairs can be wider than the scan step where M is small: every scanned point's stair and
  // the next one are tried at their left edges, then the stairs around the best are listed.
  for (double x : scan_points(lo, hi, options.scan_step)) {
    const double M = cutoff_at(m, x);
    if (M < 4.0 * max_stairs) edges(best, M, M + 1.0);  // wide stairs only
  }
  const double a = std::max(lo, best.x - 2.0 * options.scan_step);
  const double b = std::min(hi, best.x + 2.0 * options.scan_step);
  const double M_a = cutoff_at(m, a), M_b = cutoff_at(m, b);
  if (M_b - M_a <= max_stairs) {
    consider(best, a);
    edges(best, M_a + 1.0, M_b);
  } else {
    const double M = cutoff_at(m, best.x);
    edges(best, M, M + 1.0);
  }
  best.at_bound = best.x - lo <= options.log_tolerance || hi - best.x <= options.log_tolerance;
  return best;
}

// A resource from its log, inside [1, 1e24] (rounding at the ends of the range).
double resource(double log_value) { return std::clamp(std::exp(log_value), 1.0, resource_max); }

// log(C / kappa): the log of N D (or N tau) at budget C.
double log_product(const FrontierProblem& p, double C) {
  return std::log(C) - std::log(p.flops_per_param_token);
}

}  // namespace

std::optional<Budget> parse_budget(std::string_view name) {
  for (Budget b :
       {Budget::converged, Budget::fresh_data, Budget::single_epoch, Budget::data_constrained}) {
    if (name == budget_name(b)) return b;
  }
  return std::nullopt;
}

const char* budget_name(Budget budget) {
  switch (budget) {
    case Budget::converged:
      return "converged";
    case Budget::fresh_data:
      return "fresh-data";
    case Budget::single_epoch:
      return "single-epoch";
    case Budget::data_constrained:
      return "data-constrained";
  }
  return "?";
}

void check_problem(const FrontierProblem& problem) {
  model::ModelPoint point = problem.model;
  point.N = point.D = point.tau = 1.0;
  if (const auto issue = model::validate_point(point)) {
    throw FrontierError(*issue);  // e.g. "alpha = 0.5 is out of range: must be in (1, 10]"
  }
  if (!(problem.flops_per_param_token > 0.0 && problem.flops_per_param_token <= 1e6)) {
    throw FrontierError(fmt::format("--flops-per-param-token: {} must be in (0, 1e6]",
                                    problem.flops_per_param_token));
  }
  const bool constrained = problem.budget == Budget::data_constrained;
  if (constrained && !(problem.unique_tokens >= 1.0 && problem.unique_tokens <= resource_max)) {
    throw FrontierError(fmt::format(
        "--unique-tokens: required by the data-constrained budget, in [1, 1e24] (got {})",
        problem.unique_tokens));
  }
  if (!constrained && problem.unique_tokens != 0.0) {
    throw FrontierError("--unique-tokens: only the data-constrained budget takes it");
  }
}

void check_budget_range(const FrontierProblem& problem, double C_min, double C_max) {
  // N >= 1 and D (or tau) >= 1 need C >= kappa; both <= 1e24 need C <= kappa 1e48.
  const double lo = problem.flops_per_param_token;
  const double hi = problem.flops_per_param_token * resource_max * resource_max;
  if (!(C_min >= lo && C_min <= hi)) {
    throw FrontierError(
        fmt::format("--C-min: {} must be in [{}, {}] (kappa to kappa 1e48)", C_min, lo, hi));
  }
  if (!(C_max >= C_min && C_max <= hi)) {
    throw FrontierError(fmt::format("--C-max: {} must be in [--C-min = {}, {}]", C_max, C_min, hi));
  }
}

FrontierPoint minimise_at_budget(const FrontierProblem& problem, double C,
                                 const MinimiserOptions& options) {
  const double log_nd = log_product(problem, C);
  // N in [1, 1e24] and the other resource C / (kappa N) in [1, 1e24].
  const double lo = std::max(0.0, log_nd - log_resource_max);
  const double hi = std::min(log_resource_max, log_nd);
  model::ModelPoint point = problem.model;
  FrontierPoint out;
  out.C = C;
  int evaluations = 0;
  const auto loss = [&](double N, double D, double tau) {
    point.N = N;
    point.D = D;
    point.tau = tau;
    ++evaluations;
    return model::log_reducible_loss(point);
  };
  double best_D = math::infinity;
  bool full_inner = false, interior_wins = false;  // data-constrained: see below
  const auto objective = [&](double x) {
    const double N = resource(x), other = resource(log_nd - x);
    switch (problem.budget) {
      case Budget::converged:
        return loss(N, other, math::infinity);
      case Budget::fresh_data:
        return loss(N, math::infinity, other);
      case Budget::single_epoch:
        return loss(N, other, other);
      case Budget::data_constrained: {
        // tau = C / (kappa N); the second free variable is how many of the unique tokens to
        // train on (unique tokens beyond tau are never seen, so D <= min(unique, tau)).
        const double D_max = std::min(problem.unique_tokens, other);
        const double at_max = loss(N, D_max, other);
        best_D = D_max;
        if (!full_inner) return at_max;
        // Inner D clamped to D_max (exp(log D_max) may round above it); an interior D counts
        // only when it is lower by more than rounding.
        const auto inner_d = [&](double z) { return std::min(resource(z), D_max); };
        const Minimum inner =
            minimise_1d([&](double z) { return loss(N, inner_d(z), other); }, 0.0, std::log(D_max),
                        4.0 * options.scan_step, options.log_tolerance);
        if (inner.value < at_max - 1e-12 * std::abs(at_max)) {
          best_D = inner_d(inner.x);
          interior_wins = true;
          return inner.value;
        }
        return at_max;
      }
    }
    return math::infinity;
  };
  if (problem.budget == Budget::data_constrained) {
    // Training on every unique token available (D = min(unique, tau)) is expected to be best:
    // spreading the same tau steps over more distinct tokens makes each mode's count of
    // observations less variable, and r^n is convex in n. Measured, not assumed: the full
    // inner minimisation over D runs at every scanned N; only if it never beats the edge do
    // the many stair evaluations below use the edge alone.
    full_inner = true;
    for (double x : scan_points(lo, hi, options.scan_step)) objective(x);
    full_inner = interior_wins;
  }
  const Minimum m = minimise_on_stairs(objective, problem.model, lo, hi, options, 4096);
  out.N_opt = resource(m.x);
  const double other = resource(log_nd - m.x);
  switch (problem.budget) {
    case Budget::converged:
      out.D_opt = other;
      out.tau_opt = math::infinity;
      break;
    case Budget::fresh_data:
      out.D_opt = math::infinity;
      out.tau_opt = other;
      break;
    case Budget::single_epoch:
      out.D_opt = out.tau_opt = other;
      break;
    case Budget::data_constrained:
      full_inner = true;
      objective(m.x);  // the inner optimum of the best N, with the full minimisation over D
      out.D_opt = best_D;
      out.tau_opt = other;
      break;
  }
  // The reported loss is the reported point's (the search's value may come from the edge-only
  // shortcut of the data-constrained inner search).
  model::ModelPoint at = problem.model;
  at.N = out.N_opt, at.D = out.D_opt, at.tau = out.tau_opt;
  out.log_dL_opt = model::log_reducible_loss(at);
  ++evaluations;
  out.dL_opt = std::exp(out.log_dL_opt);
  out.at_bound = m.at_bound;
  out.evaluations = evaluations;
  return out;
}

double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  return sxx > 0.0 ? sxy / sxx : std::numeric_limits<double>::quiet_NaN();
}

FittedSlopes fit_slopes(const std::vector<FrontierPoint>& points) {
  FittedSlopes fit;
  if (points.size() < 2) return fit;
  std::vector<double> log_c, log_n, log_l;
  for (const auto& p : points) {
    log_c.push_back(std::log(p.C));
    log_n.push_back(std::log(p.N_opt));
    log_l.push_back(p.log_dL_opt);
  }
  fit.slope_N = least_squares_slope(log_c, log_n);
  fit.slope_L = least_squares_slope(log_c, log_l);
  return fit;
}

std::vector<FrontierPoint> exact_frontier(const FrontierProblem& problem, double C_min,
                                          double C_max, int points,
                                          const MinimiserOptions& options) {
  check_problem(problem);
  check_budget_range(problem, C_min, C_max);
  if (points < 1) throw FrontierError("--points: must be at least 1");
  if (points > 1 && !(C_max > C_min)) {
    throw FrontierError(
        fmt::format("--C-max: {} must be above --C-min = {} for {} points (or use --points 1)",
                    C_max, C_min, points));
  }
  const double log_lo = std::log(C_min), log_hi = std::log(C_max);
  const double log_range_lo = std::log(problem.flops_per_param_token);
  const double log_range_hi = log_range_lo + 2.0 * log_resource_max;
  std::vector<FrontierPoint> out;
  for (int i = 0; i < points; ++i) {
    const double log_C = points == 1 ? log_lo : log_lo + (log_hi - log_lo) * i / (points - 1);
    // The ends exactly as given (exp(log C) is off in the last digits).
    const double C = i == 0 ? C_min : (i == points - 1 ? C_max : std::exp(log_C));
    FrontierPoint p = minimise_at_budget(problem, C, options);
    // Local slopes: central differences at C e^(+-h), one-sided at the ends of the range.
    const double up = std::min(log_C + options.slope_step, log_range_hi);
    const double down = std::max(log_C - options.slope_step, log_range_lo);
    const FrontierPoint a = minimise_at_budget(problem, std::exp(down), options);
    const FrontierPoint b = minimise_at_budget(problem, std::exp(up), options);
    if (up > down) {
      p.slope_N = (std::log(b.N_opt) - std::log(a.N_opt)) / (up - down);
      p.slope_L = (b.log_dL_opt - a.log_dL_opt) / (up - down);
    }
    p.evaluations += a.evaluations + b.evaluations;
    out.push_back(p);
  }
  return out;
}

}  // namespace modesweep::frontier
