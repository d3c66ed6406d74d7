// The inputs and outputs of one evaluation of the Zipf mode-learning model (MODEL.md 1-3).
#pragma once

#include <Kokkos_Core.hpp>

namespace modesweep::model {

// Defaults of the model constants (MODEL.md section 2).
inline constexpr double default_learning_rate = 0.1;
inline constexpr double default_capacity_scale = 1.0;
inline constexpr double default_irreducible = 0.0;
inline constexpr double default_flops_per_param_token = 6.0;

// One point of the six sweep axes plus the model constants. N, D and tau may be +inf.
struct ModelPoint {
  double alpha = 2.0;                              // Zipf exponent, (1, 10]
  double beta = 1.0;                               // learning-rate exponent, (0, 10]
  double gamma = 1.0;                              // capacity exponent, (0, 10]
  double N = 1.0;                                  // parameters, [1, 1e24] or inf
  double D = 1.0;                                  // training tokens, [1, 1e24] or inf
  double tau = 1.0;                                // training steps, [1, 1e24] or inf
  double learning_rate = default_learning_rate;    // c = eta * lambda_0, (0, 1]
  double capacity_scale = default_capacity_scale;  // c_N, (0, 1e3]
  double irreducible = default_irreducible;        // E, finite and >= 0
};

// Which single-resource loss is largest (MODEL.md section 5, "Joint").
enum class Bottleneck : int { capacity = 0, data = 1, time = 2, none = 3 };

// dL and the three single-resource losses, each also as a natural log: dL spans far more
// than the double range (dL ~ M^(1-alpha) reaches 1e-2000 inside the domain), so log_* are
// the exact quantities and the linear values are exp(log_*) (0 where that underflows).
struct LossResult {
  double loss = 0.0;  // E + dL
  double dL = 0.0;
  double log_dL = 0.0;
  double eps_N = 0.0;    // dL(N, inf, inf)
  double eps_D = 0.0;    // dL(inf, D, inf)
  double eps_tau = 0.0;  // dL(inf, inf, tau)
  double log_eps_N = 0.0;
  double log_eps_D = 0.0;
  double log_eps_tau = 0.0;
  int bottleneck = static_cast<int>(Bottleneck::none);
};

}  // namespace modesweep::model
