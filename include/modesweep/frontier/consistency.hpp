// The theory's consistency relations (MODEL.md 5): empirical single-resource exponents
// (a_N, a_D, a_tau) must come from some (alpha, beta, gamma) in the domain, via
//   a_D = (alpha - 1) / alpha,  a_tau = a_D / beta,  a_N = gamma (alpha - 1),
// and a measured frontier exponent must equal a_N a_D / (a_N + a_D) (C ~ N D, converged) or
// a_N a_tau / (a_N + a_tau) (C ~ N tau, fresh data).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace modesweep::frontier {

class ConsistencyError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct ConsistencyReport {
  // The unique solution of the three relations.
  double alpha = 0.0;
  double beta = 0.0;
  double gamma = 0.0;
  bool in_domain = false;     // alpha in (1, 10], beta and gamma in (0, 10]
  std::string out_of_domain;  // why not, when not
  // Implied frontier exponents: dL_opt ~ C^(-exponent), N_opt ~ C^(n_exponent).
  double converged_exponent = 0.0;
  double converged_n_exponent = 0.0;
  double fresh_data_exponent = 0.0;
  double fresh_data_n_exponent = 0.0;
  // With a measured frontier exponent a_opt: relative deviations from each implied one.
  std::optional<double> a_opt;
  double converged_deviation = 0.0;
  double fresh_data_deviation = 0.0;
  bool consistent = false;  // in the domain, and a_opt (if given) within tolerance of the
                            // budget's exponent (of either, when no budget is named)
};

// Which frontier a measured a_opt belongs to: C ~ N D (converged), C ~ N tau (fresh data),
// or not said (a_opt may match either).
enum class OptBudget { either, converged, fresh_data };

// a_N, a_D, a_tau > 0 (a_D < 1); a_opt > 0 when given; tolerance: the relative deviation
// accepted for a_opt. Throws ConsistencyError naming the option (--a-N, ...) otherwise.
ConsistencyReport check_consistency(double a_N, double a_D, double a_tau,
                                    std::optional<double> a_opt, double tolerance,
                                    OptBudget budget = OptBudget::either);

}  // namespace modesweep::frontier
