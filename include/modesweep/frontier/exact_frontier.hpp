// Exact compute-optimal frontiers (MODEL.md 6): for each budget C, the minimiser of the exact
// loss over the budget's free variables, found by continuous minimisation (not the best
// point of a grid), with the local slopes d log N_opt / d log C and d log dL_opt / d log C.
#pragma once

#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "modesweep/model/point.hpp"

namespace modesweep::frontier {

// MODEL.md 6, "Budget geometries".
enum class Budget {
  converged,        // tau = inf, C = kappa N D; free N
  fresh_data,       // D = inf, C = kappa N tau; free N
  single_epoch,     // tau = D, C = kappa N D; free N
  data_constrained  // D <= unique tokens, C = kappa N tau; free N and D (the epochs tau/D)
};

std::optional<Budget> parse_budget(std::string_view name);  // converged, fresh-data, ...
const char* budget_name(Budget budget);

// A problem outside the domain (C too small for N, D, tau >= 1, ...): what() names the option.
class FrontierError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct FrontierProblem {
  model::ModelPoint model;  // alpha, beta, gamma and the constants; N, D, tau are ignored
  Budget budget = Budget::converged;
  double flops_per_param_token = model::default_flops_per_param_token;  // kappa
  double unique_tokens = 0.0;  // data-constrained only: the unique tokens available
};

// The minimiser's stopping rule: the optimum is bracketed to within `log_tolerance` in the
// natural log of each free variable (a relative tolerance of about 1e-7 on N_opt), after a
// scan with `scan_step` e-folds between points that finds the basin of the global minimum.
struct MinimiserOptions {
  double log_tolerance = 1e-7;
  double scan_step = 0.25;
  // Local slopes: central differences at C e^(+-slope_step). N_opt moves in steps (the loss
  // is a staircase in N near a flat minimum), so short steps give noisy local slopes of N.
  double slope_step = 0.25;
};

struct FrontierPoint {
  double C = 0.0;
  double N_opt = 0.0;
  double D_opt = 0.0;    // inf for fresh-data; the unique tokens used for data-constrained
  double tau_opt = 0.0;  // inf for converged
  double dL_opt = 0.0;
  double log_dL_opt = 0.0;  // the exact quantity (dL can underflow a double)
  double slope_N = 0.0;     // d log N_opt / d log C
  double slope_L = 0.0;     // d log dL_opt / d log C
  bool at_bound = false;    // the optimum sits on the edge of the allowed N (or D) range
  int evaluations = 0;      // exact-loss evaluations spent
};

// Checks the problem (model domain, unique tokens for data-constrained). Throws FrontierError.
void check_problem(const FrontierProblem& problem);

// The allowed budgets: N, D and tau in [1, 1e24] must all be reachable. Throws FrontierError
// naming --C-min/--C-max.
void check_budget_range(const FrontierProblem& problem, double C_min, double C_max);

// The exact minimiser at one budget (slopes left 0).
FrontierPoint minimise_at_budget(const FrontierProblem& problem, double C,
                                 const MinimiserOptions& options = {});

// Least-squares slopes of log N_opt and log dL_opt against log C over a frontier's points
// (the fitted exponents; 0 with fewer than two points).
struct FittedSlopes {
  double slope_N = 0.0;
  double slope_L = 0.0;
};
FittedSlopes fit_slopes(const std::vector<FrontierPoint>& points);

// Least-squares slope of y against x (NaN when x does not vary).
double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);

// `points` budgets log-spaced over [C_min, C_max] (one point: C_min), each with local slopes.
std::vector<FrontierPoint> exact_frontier(const FrontierProblem& problem, double C_min,
                                          double C_max, int points,
                                          const MinimiserOptions& options = {});

}  // namespace modesweep::frontier
