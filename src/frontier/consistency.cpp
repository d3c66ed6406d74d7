#include "modesweep/frontier/consistency.hpp"

#include <fmt/format.h>

#include <cmath>

namespace modesweep::frontier {

ConsistencyReport check_consistency(double a_N, double a_D, double a_tau,
                                    std::optional<double> a_opt, double tolerance,
                                    OptBudget budget) {
  const auto positive = [](const char* option, double v) {
    if (!(v > 0.0) || !std::isfinite(v)) {
      throw ConsistencyError(fmt::format("{}: {} must be a finite number > 0", option, v));
    }
  };
  positive("--a-N", a_N);
  positive("--a-D", a_D);
  positive("--a-tau", a_tau);
  if (!(a_D < 1.0)) {
    throw ConsistencyError(fmt::format(
        "--a-D: {} must be in (0, 1): a_D = (alpha - 1) / alpha < 1 for every alpha", a_D));
  }
  if (a_opt) positive("--a-opt", *a_opt);
  if (!(tolerance > 0.0) || !std::isfinite(tolerance)) {
    throw ConsistencyError(fmt::format("--tolerance: {} must be a finite number > 0", tolerance));
  }
  ConsistencyReport r;
  // Invert MODEL.md 5: a_D = 1 - 1/alpha, a_tau = a_D / beta, a_N = gamma (alpha - 1).
  r.alpha = 1.0 / (1.0 - a_D);
  r.beta = a_D / a_tau;
  r.gamma = a_N / (r.alpha - 1.0);
  if (!(r.alpha > 1.0 && r.alpha <= 10.0)) {
    r.out_of_domain =
        fmt::format("alpha = {:.6g} is outside (1, 10] (a_D must be <= 0.9)", r.alpha);
  } else if (!(r.beta > 0.0 && r.beta <= 10.0)) {
    r.out_of_domain = fmt::format("beta = {:.6g} is outside (0, 10]", r.beta);
  } else if (!(r.gamma > 0.0 && r.gamma <= 10.0)) {
    r.out_of_domain = fmt::format("gamma = {:.6g} is outside (0, 10]", r.gamma);
  }
  r.in_domain = r.out_of_domain.empty();
  r.converged_exponent = a_N * a_D / (a_N + a_D);
  r.converged_n_exponent = a_D / (a_N + a_D);  // = 1 / (1 + alpha gamma)
  r.fresh_data_exponent = a_N * a_tau / (a_N + a_tau);
  r.fresh_data_n_exponent = a_tau / (a_N + a_tau);  // = 1 / (1 + alpha beta gamma)
  r.consistent = r.in_domain;
  if (a_opt) {
    r.a_opt = a_opt;
    r.converged_deviation = (*a_opt - r.converged_exponent) / r.converged_exponent;
    r.fresh_data_deviation = (*a_opt - r.fresh_data_exponent) / r.fresh_data_exponent;
    const bool converged = std::abs(r.converged_deviation) <= tolerance;
    const bool fresh = std::abs(r.fresh_data_deviation) <= tolerance;
    r.consistent = r.in_domain && (budget == OptBudget::converged    ? converged
                                   : budget == OptBudget::fresh_data ? fresh
                                                                     : converged || fresh);
  }
  return r;
}

}  // namespace modesweep::frontier
