// The consistency checker inverts MODEL.md 5's exponent relations: round trips through the
// theory module, and refusals.
#include "modesweep/frontier/consistency.hpp"

#include <gtest/gtest.h>

#include <random>

#include "modesweep/model/theory.hpp"

namespace {

namespace fr = modesweep::frontier;

TEST(Consistency, RoundTripsThroughTheTheory) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> alpha(1.01, 10.0), other(0.05, 10.0);
  for (int i = 0; i < 500; ++i) {
    const double a = alpha(rng), b = other(rng), g = other(rng);
    const auto t = modesweep::model::predict(a, b, g, 0.1);
    const auto r =
        fr::check_consistency(t.a_N, t.a_D, t.a_tau, t.converged.loss_decay_exponent, 1e-9);
    ASSERT_TRUE(r.in_domain) << a << " " << b << " " << g;
    EXPECT_NEAR(r.alpha, a, 1e-9 * a);
    EXPECT_NEAR(r.beta, b, 1e-9 * b);
    EXPECT_NEAR(r.gamma, g, 1e-9 * g);
    EXPECT_NEAR(r.converged_exponent, t.converged.loss_decay_exponent, 1e-12);
    EXPECT_NEAR(r.converged_n_exponent, t.converged.n_exponent, 1e-12);
    EXPECT_NEAR(r.fresh_data_exponent, t.fresh_data.loss_decay_exponent, 1e-12);
    EXPECT_NEAR(r.fresh_data_n_exponent, t.fresh_data.n_exponent, 1e-12);
    EXPECT_TRUE(r.consistent);
    // a frontier exponent 5% off both implied ones is inconsistent (unless they are close)
    const double off = 1.05 * t.converged.loss_decay_exponent;
    const auto bad = fr::check_consistency(t.a_N, t.a_D, t.a_tau, off, 0.01);
    const bool near_fresh =
        std::abs(off - t.fresh_data.loss_decay_exponent) <= 0.01 * t.fresh_data.loss_decay_exponent;
    EXPECT_EQ(bad.consistent, near_fresh);
  }
}

// With the budget named, a_opt must match that frontier's exponent, not the other one.
TEST(Consistency, NamedBudgetComparesWithItsOwnExponent) {
  const auto t = modesweep::model::predict(1.5, 1.5, 1.0, 0.1);  // the two exponents differ
  const double converged = t.converged.loss_decay_exponent;
  const double fresh = t.fresh_data.loss_decay_exponent;
  ASSERT_GT(std::abs(converged / fresh - 1.0), 0.05);
  EXPECT_TRUE(
      fr::check_consistency(t.a_N, t.a_D, t.a_tau, converged, 0.01, fr::OptBudget::converged)
          .consistent);
  EXPECT_FALSE(
      fr::check_consistency(t.a_N, t.a_D, t.a_tau, converged, 0.01, fr::OptBudget::fresh_data)
          .consistent);
  EXPECT_TRUE(
      fr::check_consistency(t.a_N, t.a_D, t.a_tau, fresh, 0.01, fr::OptBudget::either).consistent);
}

TEST(Consistency, OutOfDomainAndRefusals) {
  const auto r = fr::check_consistency(0.5, 0.95, 0.3, std::nullopt, 0.01);  // alpha = 20
  EXPECT_FALSE(r.in_domain);
  EXPECT_FALSE(r.consistent);
  EXPECT_NE(r.out_of_domain.find("alpha"), std::string::npos);
  EXPECT_FALSE(fr::check_consistency(50.0, 0.5, 0.3, std::nullopt, 0.01).in_domain);  // gamma 50
  EXPECT_FALSE(fr::check_consistency(0.5, 0.5, 0.01, std::nullopt, 0.01).in_domain);  // beta 50
  EXPECT_THROW(fr::check_consistency(0.5, 1.0, 0.3, std::nullopt, 0.01), fr::ConsistencyError);
  EXPECT_THROW(fr::check_consistency(-0.5, 0.5, 0.3, std::nullopt, 0.01), fr::ConsistencyError);
  EXPECT_THROW(fr::check_consistency(0.5, 0.5, 0.3, 0.0, 0.01), fr::ConsistencyError);
  EXPECT_THROW(fr::check_consistency(0.5, 0.5, 0.3, 0.2, 0.0), fr::ConsistencyError);
}

}  // namespace
