// MODEL.md 5, evaluated in log space: the constants and the predicted losses leave the
// double range inside the domain, so logs are the primary quantities here.
#include "modesweep/model/theory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/special_functions/zeta.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace modesweep::model {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

void require(bool inside, const char* name, double value, const char* range) {
  if (!inside) {
    throw std::invalid_argument(
        fmt::format("{} = {} is out of range: must be in {}", name, value, range));
  }
}

// exp(log_value), keeping the log: the linear value underflows to 0 far inside the domain.
AsymptoticLoss from_log(double log_value) { return {std::exp(log_value), log_value}; }

// An unlimited resource removes its bottleneck entirely (MODEL.md 3, limits).
AsymptoticLoss vanished() { return {0.0, -infinity}; }

// Case A (C ~ N D) and case B (C ~ N X) share one form: with a_X the second resource's
// exponent, N_opt ~ C^(a_X/(a_N+a_X)), X_opt ~ C^(a_N/(a_N+a_X)),
// dL_opt ~ C^(-a_N a_X/(a_N+a_X)) (MODEL.md 5).
FrontierExponents frontier(double a_N, double a_X) {
  const double sum = a_N + a_X;
  return {a_X / sum, a_N / sum, a_N * a_X / sum};
}

}  // namespace

TheoryPrediction predict(double alpha, double beta, double gamma, double learning_rate) {
  // Written so that NaN fails every check.
  require(alpha > 1.0 && alpha <= 10.0, "alpha", alpha, "(1, 10]");
  require(beta > 0.0 && beta <= 10.0, "beta", beta, "(0, 10]");
  require(gamma > 0.0 && gamma <= 10.0, "gamma", gamma, "(0, 10]");
  require(learning_rate > 0.0 && learning_rate <= 1.0, "learning_rate", learning_rate, "(0, 1]");

  TheoryPrediction t;
  t.alpha = alpha;
  t.beta = beta;
  t.gamma = gamma;
  t.learning_rate = learning_rate;

  t.zeta_alpha = boost::math::zeta(alpha);
  const double log_zeta = std::log(t.zeta_alpha);

  t.a_N = gamma * (alpha - 1.0);
  t.a_D = (alpha - 1.0) / alpha;
  t.a_tau = (alpha - 1.0) / (alpha * beta);

  // Tail sum_{k>M} k^(-alpha) / zeta ~ M^(1-alpha) / ((alpha-1) zeta).
  t.log_capacity_constant = -std::log(alpha - 1.0) - log_zeta;
  // Missing mass of D samples from Zipf: c_alpha = (1/alpha) zeta^(-1/alpha) Gamma(1-1/alpha).
  t.log_data_constant = -std::log(alpha) - log_zeta / alpha + std::lgamma(1.0 - 1.0 / alpha);
  // Continuum of sum_k p_k exp(-c tau p_k^beta):
  // (1/(alpha beta)) zeta^(-1/alpha) c^(-a_tau) Gamma(a_tau). lgamma: a_tau grows like 1/beta.
  t.log_time_constant = -std::log(alpha * beta) - log_zeta / alpha -
                        t.a_tau * std::log(learning_rate) + std::lgamma(t.a_tau);
  t.capacity_constant = std::exp(t.log_capacity_constant);
  t.data_constant = std::exp(t.log_data_constant);
  t.time_constant = std::exp(t.log_time_constant);

  t.converged = frontier(t.a_N, t.a_D);
  t.fresh_data = frontier(t.a_N, t.a_tau);
  return t;
}

TheoryPrediction predict(const ModelPoint& point) {
  return predict(point.alpha, point.beta, point.gamma, point.learning_rate);
}

AsymptoticLoss eps_N_asymptotic(const ModelPoint& point) {
  if (point.N == infinity) return vanished();
  const TheoryPrediction t = predict(point);
  // M = c_N N^gamma reaches 1e243: take its log directly.
  const double log_M = std::log(point.capacity_scale) + point.gamma * std::log(point.N);
  return from_log(t.log_capacity_constant + (1.0 - point.alpha) * log_M);
}

AsymptoticLoss eps_D_asymptotic(const ModelPoint& point) {
  if (point.D == infinity) return vanished();
  const TheoryPrediction t = predict(point);
  return from_log(t.log_data_constant - t.a_D * std::log(point.D));
}

AsymptoticLoss eps_tau_asymptotic(const ModelPoint& point) {
  if (point.tau == infinity) return vanished();
  const TheoryPrediction t = predict(point);
  return from_log(t.log_time_constant - t.a_tau * std::log(point.tau));
}

AsymptoticLoss dL_asymptotic(const ModelPoint& point) {
  const double log_max =
      std::max({eps_N_asymptotic(point).log_value, eps_D_asymptotic(point).log_value,
                eps_tau_asymptotic(point).log_value});
  if (log_max == -infinity) return vanished();
  return from_log(log_max);
}

}  // namespace modesweep::model
