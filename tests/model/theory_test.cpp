// The MODEL.md 5 predictions against closed forms (zeta(2) = pi^2/6, zeta(4) = pi^4/90,
// Gamma(1/2) = sqrt(pi)) and tabulated constants (zeta(3), Gamma(1/3), Gamma(3/4)).
#include "modesweep/model/theory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "test_constants.hpp"

namespace {

using namespace modesweep::model;

constexpr double pi = 3.141592653589793238462643383279502884;
constexpr double ln10 = 2.302585092994045684017991454684364208;
// Tabulated to 20 digits (mpmath).
constexpr double zeta3 = 1.2020569031595942854;
constexpr double gamma_one_third = 2.6789385347077476337;
constexpr double gamma_three_quarters = 1.2254167024651776451;

void expect_rel(double actual, double expected, double tol = 1e-13) {
  EXPECT_NEAR(actual, expected, tol * std::fabs(expected)) << "expected " << expected;
}

ModelPoint point(double alpha, double beta, double gamma) {
  ModelPoint p;
  p.alpha = alpha;
  p.beta = beta;
  p.gamma = gamma;
  return p;
}

TEST(Theory, ExponentsAndConstantsAtAlphaTwo) {
  const TheoryPrediction t = predict(2.0, 1.0, 1.0, 0.1);
  const double zeta2 = pi * pi / 6.0;
  expect_rel(t.zeta_alpha, zeta2);
  expect_rel(t.a_N, 1.0);
  expect_rel(t.a_D, 0.5);
  expect_rel(t.a_tau, 0.5);
  expect_rel(t.capacity_constant, 1.0 / zeta2);
  // c_alpha = (1/2) zeta(2)^(-1/2) Gamma(1/2)
  expect_rel(t.data_constant, 0.5 / std::sqrt(zeta2) * std::sqrt(pi));
  // (1/(alpha beta)) zeta^(-1/alpha) c^(-a_tau) Gamma(a_tau) = (1/2) zeta2^(-1/2) sqrt(10) sqrt(pi)
  expect_rel(t.time_constant, 0.5 / std::sqrt(zeta2) * std::sqrt(10.0) * std::sqrt(pi));
  expect_rel(t.log_capacity_constant, std::log(t.capacity_constant));
  expect_rel(t.log_data_constant, std::log(t.data_constant));
  expect_rel(t.log_time_constant, std::log(t.time_constant));
}

TEST(Theory, ConstantsAtAlphaFour) {
  const TheoryPrediction t = predict(4.0, 0.5, 2.0, 0.2);
  const double zeta4 = std::pow(pi, 4) / 90.0;
  expect_rel(t.zeta_alpha, zeta4);
  expect_rel(t.a_N, 6.0);
  expect_rel(t.a_D, 0.75);
  expect_rel(t.a_tau, 1.5);
  expect_rel(t.capacity_constant, 1.0 / (3.0 * zeta4));
  expect_rel(t.data_constant, 0.25 * std::pow(zeta4, -0.25) * gamma_three_quarters);
  // Gamma(3/2) = sqrt(pi)/2
  expect_rel(t.time_constant,
             0.5 * std::pow(zeta4, -0.25) * std::pow(0.2, -1.5) * std::sqrt(pi) / 2.0);
}

TEST(Theory, TimeConstantAtAlphaThreeBetaTwo) {
  const TheoryPrediction t = predict(3.0, 2.0, 0.5, 1.0);
  expect_rel(t.zeta_alpha, zeta3);
  expect_rel(t.a_tau, 1.0 / 3.0);
  expect_rel(t.time_constant, (1.0 / 6.0) * std::pow(zeta3, -1.0 / 3.0) * gamma_one_third);
}

TEST(Theory, FrontierExponents) {
  // alpha = 3, beta = 2, gamma = 1/2: a_N = 1, a_D = 2/3, a_tau = 1/3.
  const TheoryPrediction t = predict(3.0, 2.0, 0.5, 0.1);
  expect_rel(t.converged.n_exponent, 1.0 / (1.0 + 3.0 * 0.5));  // 0.4
  expect_rel(t.converged.resource_exponent, 1.5 / 2.5);
  expect_rel(t.converged.loss_decay_exponent, (2.0 / 3.0) / (5.0 / 3.0));  // 0.4
  expect_rel(t.fresh_data.n_exponent, 1.0 / (1.0 + 3.0 * 2.0 * 0.5));      // 0.25
  expect_rel(t.fresh_data.resource_exponent, 0.75);
  expect_rel(t.fresh_data.loss_decay_exponent, (1.0 / 3.0) / (4.0 / 3.0));  // 0.25
}

TEST(Theory, ConstantsBeyondDoubleRangeKeepTheirLogs) {
  // a_tau = 9 / (10 * 1e-3) = 900: c^(-900) Gamma(900) is far above 1e308.
  const TheoryPrediction t = predict(10.0, 1e-3, 1.0, 1e-3);
  expect_rel(t.a_tau, 900.0);
  EXPECT_EQ(t.time_constant, inf);
  const double expected = -std::log(10.0 * 1e-3) - std::log(t.zeta_alpha) / 10.0 +
                          900.0 * 3.0 * ln10 + std::lgamma(900.0);
  expect_rel(t.log_time_constant, expected, 1e-12);
}

TEST(Theory, RejectsOutOfDomain) {
  EXPECT_THROW(predict(1.0, 1.0, 1.0, 0.1), std::invalid_argument);
  EXPECT_THROW(predict(2.0, 0.0, 1.0, 0.1), std::invalid_argument);
  EXPECT_THROW(predict(2.0, 1.0, -1.0, 0.1), std::invalid_argument);
  EXPECT_THROW(predict(2.0, 1.0, 1.0, 1.5), std::invalid_argument);
  EXPECT_THROW(predict(std::nan(""), 1.0, 1.0, 0.1), std::invalid_argument);
}

TEST(Theory, CapacityPrediction) {
  ModelPoint p = point(2.0, 1.0, 1.0);
  p.N = 1e6;
  expect_rel(eps_N_asymptotic(p).value, 6.0 / (pi * pi) * 1e-6);
  expect_rel(eps_N_asymptotic(p).log_value, std::log(6.0 / (pi * pi) * 1e-6));
  // M = c_N N^gamma = 10 * (1e6)^0.5 = 1e4
  p.gamma = 0.5;
  p.capacity_scale = 10.0;
  expect_rel(eps_N_asymptotic(p).value, 6.0 / (pi * pi) * 1e-4);
  p.N = inf;
  EXPECT_EQ(eps_N_asymptotic(p).value, 0.0);
  EXPECT_EQ(eps_N_asymptotic(p).log_value, -inf);
}

TEST(Theory, CapacityPredictionBelowDoubleRange) {
  // M = 1e240, alpha = 10: M^(-9) = 1e-2160 underflows; the log does not.
  ModelPoint p = point(10.0, 1.0, 10.0);
  p.N = 1e24;
  const double zeta10 = std::pow(pi, 10) / 93555.0;
  const AsymptoticLoss eps = eps_N_asymptotic(p);
  EXPECT_EQ(eps.value, 0.0);
  expect_rel(eps.log_value, -std::log(9.0 * zeta10) - 9.0 * 240.0 * ln10);
}

TEST(Theory, DataPrediction) {
  ModelPoint p = point(2.0, 1.0, 1.0);
  p.D = 1e8;
  const double c_alpha = 0.5 / std::sqrt(pi * pi / 6.0) * std::sqrt(pi);
  expect_rel(eps_D_asymptotic(p).value, c_alpha * 1e-4);
  p.D = inf;
  EXPECT_EQ(eps_D_asymptotic(p).log_value, -inf);
}

TEST(Theory, TimePrediction) {
  ModelPoint p = point(2.0, 1.0, 1.0);
  p.learning_rate = 0.1;
  p.tau = 1e6;
  const double constant = 0.5 / std::sqrt(pi * pi / 6.0) * std::sqrt(10.0) * std::sqrt(pi);
  expect_rel(eps_tau_asymptotic(p).value, constant * 1e-3);
  p.tau = inf;
  EXPECT_EQ(eps_tau_asymptotic(p).value, 0.0);
}

TEST(Theory, JointPredictionIsTheLargest) {
  ModelPoint p = point(2.0, 1.0, 1.0);
  p.N = 1e6;    // ~6e-7
  p.D = 1e4;    // ~7e-3: the largest
  p.tau = 1e8;  // ~2e-4
  EXPECT_EQ(dL_asymptotic(p).log_value, eps_D_asymptotic(p).log_value);
  p.N = p.D = p.tau = inf;
  EXPECT_EQ(dL_asymptotic(p).value, 0.0);
  EXPECT_EQ(dL_asymptotic(p).log_value, -inf);
}

}  // namespace
