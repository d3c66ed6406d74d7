// The paper's asymptotic predictions (MODEL.md 5): single-resource exponents, their leading
// constants and the compute-optimal frontier exponents. Host code only; these are the claims
// the exact evaluator is measured against, not part of the evaluation itself.
#pragma once

#include "modesweep/model/point.hpp"

namespace modesweep::model {

// Exponents of one compute-optimal frontier with budget C (MODEL.md 5):
// N_opt ~ C^n_exponent, X_opt ~ C^resource_exponent (X = D in case A, tau in case B),
// dL_opt ~ C^(-loss_decay_exponent). n_exponent + resource_exponent = 1.
struct FrontierExponents {
  double n_exponent = 0.0;
  double resource_exponent = 0.0;
  double loss_decay_exponent = 0.0;
};

// Everything MODEL.md 5 predicts from (alpha, beta, gamma, c). The constants can overflow
// double (c^(-a_tau) with small c and beta, Gamma(a_tau) with a_tau large), so each is also
// stored as its natural log; the linear value is then inf.
struct TheoryPrediction {
  double alpha = 0.0;
  double beta = 0.0;
  double gamma = 0.0;
  double learning_rate = 0.0;

  double zeta_alpha = 0.0;  // zeta(alpha), the Zipf normalisation (MODEL.md 1)

  // dL ~ X^(-a_X)
  double a_N = 0.0;    // gamma (alpha - 1)
  double a_D = 0.0;    // (alpha - 1) / alpha
  double a_tau = 0.0;  // (alpha - 1) / (alpha beta)

  // capacity: dL(N) ~ capacity_constant * M^(1-alpha), capacity_constant = 1/((alpha-1) zeta)
  double capacity_constant = 0.0;
  double log_capacity_constant = 0.0;
  // data: dL(D) ~ data_constant * D^(-a_D); data_constant is c_alpha of MODEL.md 5
  double data_constant = 0.0;
  double log_data_constant = 0.0;
  // time: dL(tau) ~ time_constant * tau^(-a_tau),
  // time_constant = (1/(alpha beta)) zeta^(-1/alpha) c^(-a_tau) Gamma(a_tau)
  double time_constant = 0.0;
  double log_time_constant = 0.0;

  FrontierExponents converged;   // case A: tau = inf, C = kappa N D
  FrontierExponents fresh_data;  // case B: D = inf, C = kappa N tau
};

// A predicted loss with its natural log; value is exp(log_value), 0 where that underflows
// (M^(1-alpha) reaches 1e-2000 inside the domain). Resource = inf gives 0 and log -inf.
struct AsymptoticLoss {
  double value = 0.0;
  double log_value = 0.0;
};

// Requires alpha in (1, 10], beta, gamma > 0, learning_rate in (0, 1] (validate_point's
// domain); throws std::invalid_argument outside it.
TheoryPrediction predict(double alpha, double beta, double gamma, double learning_rate);
TheoryPrediction predict(const ModelPoint& point);

// The leading-order single-resource losses at the point's N, D and tau (MODEL.md 5).
// eps_N uses the continuous capacity M = capacity_scale * N^gamma, as the asymptotic law
// does (the exact model uses floor(M)).
AsymptoticLoss eps_N_asymptotic(const ModelPoint& point);
AsymptoticLoss eps_D_asymptotic(const ModelPoint& point);
AsymptoticLoss eps_tau_asymptotic(const ModelPoint& point);
// The joint prediction: dL is of the order of max(eps_N, eps_D, eps_tau) (MODEL.md 5).
AsymptoticLoss dL_asymptotic(const ModelPoint& point);

}  // namespace modesweep::model
