// The optimal compute point tau*(N, D) (MODEL.md 5) against its definition and the theory.
#include "modesweep/frontier/compute_point.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "modesweep/frontier/exact_frontier.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/theory.hpp"
#include "test_constants.hpp"

namespace {

namespace fr = modesweep::frontier;
namespace model = modesweep::model;

double log_eps(model::ModelPoint m, double N, double D, double tau) {
  m.N = N, m.D = D, m.tau = tau;
  return model::log_reducible_loss(m);
}

model::ModelPoint point(double alpha, double beta, double gamma) {
  model::ModelPoint m;
  m.alpha = alpha, m.beta = beta, m.gamma = gamma;
  return m;
}

// By definition eps_tau(tau*) = max(eps_N, eps_D): checked with independent evaluations, and
// a step count 1% shorter leaves eps_tau above the target.
TEST(ComputePoint, SolvesItsDefinition) {
  for (const auto& [N, D] : {std::pair{1e6, 1e9}, std::pair{1e9, 1e8}, std::pair{1e4, inf}}) {
    const auto m = point(2.0, 1.5, 0.8);
    const auto p = fr::optimal_compute_point(m, N, D, 6.0);
    ASSERT_TRUE(p.reached);
    const double target =
        std::max(log_eps(m, N, inf, inf), std::isinf(D) ? -inf : log_eps(m, inf, D, inf));
    EXPECT_NEAR(log_eps(m, inf, inf, p.tau_star), target, 1e-8 * std::abs(target));
    EXPECT_GT(log_eps(m, inf, inf, 0.99 * p.tau_star), target);
    EXPECT_NEAR(p.C_star, 6.0 * N * p.tau_star, 1e-9 * p.C_star);
    EXPECT_NEAR(p.log_dL_star, log_eps(m, N, D, p.tau_star), 1e-12);
  }
}

TEST(ComputePoint, MatchingDataEqualsTheLosses) {
  const auto m = point(1.5, 1.0, 1.0);
  for (double N : {1e4, 1e8}) {
    const double D = fr::matching_data(m, N);
    ASSERT_GE(D, 1.0);
    EXPECT_NEAR(log_eps(m, inf, D, inf), log_eps(m, N, inf, inf), 1e-8);
  }
}

// Deep in the scaling regime, dL* ~ C*^(-a_N a_tau / (a_N + a_tau)) along eps_N = eps_D.
TEST(ComputePoint, FamilyFollowsTheClaimedExponent) {
  // N ranges where the matching D and tau* stay below 1e24.
  for (const auto& [alpha, beta, gamma, n_lo, n_hi] :
       {std::tuple{1.5, 1.0, 1.0, 1e6, 1e12}, std::tuple{2.0, 2.0, 0.5, 1e4, 1e10},
        std::tuple{3.0, 1.0, 1.0, 1e3, 1e7}}) {
    const auto m = point(alpha, beta, gamma);
    const auto family = fr::compute_point_family(m, n_lo, n_hi, 7, 6.0);
    ASSERT_GE(family.size(), 5u);
    std::vector<double> x, y;
    for (const auto& p : family) x.push_back(std::log(p.C_star)), y.push_back(p.log_dL_star);
    const auto t = model::predict(m);
    EXPECT_NEAR(-fr::least_squares_slope(x, y), t.a_N * t.a_tau / (t.a_N + t.a_tau), 0.01)
        << alpha << " " << beta << " " << gamma;
  }
}

}  // namespace
