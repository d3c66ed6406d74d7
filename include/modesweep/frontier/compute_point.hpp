// The optimal compute point of a run (MODEL.md 5): for a model of N parameters trained on D
// tokens, the step count tau* where the time loss eps_tau(tau*) has come down to the larger
// of eps_N(N) and eps_D(D) (training longer buys little), with C* = kappa N tau* and the
// loss dL* = dL(N, D, tau*) there. Along runs with eps_N(N) = eps_D(D) the theory claims
// dL* ~ C*^(-a_N a_tau / (a_N + a_tau)).
#pragma once

#include <vector>

#include "modesweep/model/point.hpp"

namespace modesweep::frontier {

struct ComputePoint {
  double N = 0, D = 0;
  double tau_star = 0;  // inf when eps_tau stays above the target up to tau = 1e24
  double C_star = 0;    // kappa N tau*
  double dL_star = 0, log_dL_star = 0;
  double log_eps_N = 0, log_eps_D = 0;
  bool reached = false;  // tau* inside [1, 1e24]
};

// `model` gives alpha, beta, gamma and the constants; N, D in [1, 1e24] (D may be inf).
ComputePoint optimal_compute_point(const model::ModelPoint& model, double N, double D,
                                   double kappa);

// The run with eps_D(D) = eps_N(N) for N, or nothing (D = 0) when no D in [1, 1e24] matches.
double matching_data(const model::ModelPoint& model, double N);

// Compute points along eps_N = eps_D for `points` N log-spaced over [N_min, N_max]; runs whose
// matching D or tau* leaves [1, 1e24] are skipped.
std::vector<ComputePoint> compute_point_family(const model::ModelPoint& model, double N_min,
                                               double N_max, int points, double kappa);

}  // namespace modesweep::frontier
