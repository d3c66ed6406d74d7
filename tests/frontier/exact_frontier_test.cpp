// Exact frontiers against the theory deep in its asymptotic regime (MODEL.md 5), against a
// brute-force scan of the exact loss, and against identities of the model.
#include "modesweep/frontier/exact_frontier.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/theory.hpp"
#include "test_constants.hpp"

namespace {

namespace fr = modesweep::frontier;
namespace model = modesweep::model;

fr::FrontierProblem problem(double alpha, double beta, double gamma, fr::Budget budget) {
  fr::FrontierProblem p;
  p.model.alpha = alpha;
  p.model.beta = beta;
  p.model.gamma = gamma;
  p.budget = budget;
  return p;
}

// The acceptance case: converged, alpha = 1.5, gamma = 1, C in [1e8, 1e12]: N_opt
// slope 0.4 and dL slope -0.2 within 0.005 (least squares over the range).
TEST(ExactFrontier, ConvergedMatchesTheoryDeepInTheAsymptoticRegime) {
  const auto p = problem(1.5, 1.0, 1.0, fr::Budget::converged);
  const auto points = fr::exact_frontier(p, 1e8, 1e12, 9);
  const auto fit = fr::fit_slopes(points);
  const auto theory = model::predict(p.model).converged;
  EXPECT_NEAR(theory.n_exponent, 0.4, 1e-15);
  EXPECT_NEAR(fit.slope_N, theory.n_exponent, 0.005);
  EXPECT_NEAR(fit.slope_L, -theory.loss_decay_exponent, 0.005);
  for (const auto& pt : points) {
    EXPECT_NEAR(pt.slope_L, -0.2, 0.005) << "C = " << pt.C;     // dL_opt is smooth in C
    EXPECT_NEAR(pt.C, 6.0 * pt.N_opt * pt.D_opt, 1e-9 * pt.C);  // on the budget
    EXPECT_EQ(pt.tau_opt, inf);
    EXPECT_FALSE(pt.at_bound);
  }
}

TEST(ExactFrontier, FreshDataMatchesTheory) {
  for (double beta : {1.0, 2.0, 3.0}) {
    const auto p = problem(2.0, beta, 0.5, fr::Budget::fresh_data);
    const auto points = fr::exact_frontier(p, 1e14, 1e22, 5);
    const auto fit = fr::fit_slopes(points);
    const auto theory = model::predict(p.model).fresh_data;
    EXPECT_NEAR(fit.slope_N, theory.n_exponent, 0.01) << "beta " << beta;
    EXPECT_NEAR(fit.slope_L, -theory.loss_decay_exponent, 0.01) << "beta " << beta;
    for (const auto& pt : points) EXPECT_EQ(pt.D_opt, inf);
  }
}

// beta < 1: rare modes have c p^(beta-1) >= 1, so their rate min(p, c p^beta) is p, as with
// beta = 1 and c = 1 (MODEL.md 2). The tail, which sets the asymptotics, then follows the
// beta = 1 law, not the theory's beta-law: the breakdown MODEL.md 5 asks to measure.
TEST(ExactFrontier, FreshDataBelowBetaOneFollowsTheClampedLaw) {
  for (double beta : {0.5, 0.7}) {
    const auto p = problem(2.0, beta, 0.5, fr::Budget::fresh_data);
    const auto fit = fr::fit_slopes(fr::exact_frontier(p, 1e14, 1e22, 5));
    const auto claimed = model::predict(p.model).fresh_data;
    const auto clamped = model::predict(2.0, 1.0, 0.5, 0.1).fresh_data;
    EXPECT_NEAR(fit.slope_N, clamped.n_exponent, 0.01) << "beta " << beta;
    EXPECT_NEAR(fit.slope_L, -clamped.loss_decay_exponent, 0.01) << "beta " << beta;
    EXPECT_GT(std::abs(fit.slope_L + claimed.loss_decay_exponent), 0.03) << "beta " << beta;
  }
}

// The exact log-loss of a budget's point at log N = x (free D for data-constrained: its best
// over a fine grid), for the brute-force reference.
double brute_loss(const fr::FrontierProblem& p, double C, double x, double* best_D = nullptr) {
  model::ModelPoint m = p.model;
  m.N = std::exp(x);
  const double other = C / (p.flops_per_param_token * m.N);
  switch (p.budget) {
    case fr::Budget::converged:
      m.D = other, m.tau = inf;
      break;
    case fr::Budget::fresh_data:
      m.D = inf, m.tau = other;
      break;
    case fr::Budget::single_epoch:
      m.D = m.tau = other;
      break;
    case fr::Budget::data_constrained: {
      m.tau = other;
      double best = inf;
      const double z_hi = std::log(std::min(p.unique_tokens, other));
      for (int j = 0; j <= 200; ++j) {
        m.D = std::exp(z_hi * j / 200);
        const double v = model::log_reducible_loss(m);
        if (v < best) {
          best = v;
          if (best_D != nullptr) *best_D = m.D;
        }
      }
      return best;
    }
  }
  return model::log_reducible_loss(m);
}

// The minimiser is at least as good as a dense scan of the whole allowed range, and where the
// minimum is sharp it lands where the scan does.
TEST(ExactFrontier, MinimiserBeatsABruteForceScan) {
  struct Case {
    fr::Budget budget;
    double alpha, beta, gamma, C, unique;
  };
  const Case cases[] = {{fr::Budget::converged, 1.5, 1.0, 1.0, 1e10, 0},
                        {fr::Budget::converged, 3.0, 0.5, 2.0, 1e15, 0},
                        {fr::Budget::fresh_data, 2.0, 2.0, 0.5, 1e12, 0},
                        {fr::Budget::single_epoch, 1.2, 1.5, 1.0, 1e9, 0},
                        {fr::Budget::data_constrained, 1.5, 1.0, 1.0, 1e12, 1e6},
                        {fr::Budget::data_constrained, 2.0, 0.8, 1.0, 1e9, 1e8}};
  for (const Case& c : cases) {
    auto p = problem(c.alpha, c.beta, c.gamma, c.budget);
    p.unique_tokens = c.unique;
    const fr::FrontierPoint best = fr::minimise_at_budget(p, c.C);
    const double hi = std::log(c.C / p.flops_per_param_token);
    const int n = c.budget == fr::Budget::data_constrained ? 400 : 20000;
    double scan_min = inf;
    for (int i = 0; i <= n; ++i) scan_min = std::min(scan_min, brute_loss(p, c.C, hi * i / n));
    EXPECT_LE(best.log_dL_opt, scan_min + 1e-12 * std::abs(scan_min))
        << fr::budget_name(c.budget) << " C " << c.C;
    // and the minimiser's own point evaluates to what it reports
    EXPECT_NEAR(brute_loss(p, c.C, std::log(best.N_opt)), best.log_dL_opt,
                1e-9 * std::abs(best.log_dL_opt));
  }
}

// Small C and small gamma: stairs of M span more than the scan step. The exact optimum is the
// best left edge N_M = (M / c_N)^(1/gamma) of any stair (the loss rises along each): every
// edge is evaluated here by brute force.
TEST(ExactFrontier, WideStairsAgainstEveryStairEdge) {
  for (double gamma : {0.3, 0.4, 0.7}) {
    for (fr::Budget budget : {fr::Budget::converged, fr::Budget::fresh_data}) {
      for (double C : {1e3, 1e4, 1e6}) {
        auto p = problem(3.0, 1.0, gamma, budget);
        const fr::FrontierPoint best = fr::minimise_at_budget(p, C);
        const double x_hi = std::log(C / p.flops_per_param_token);
        double edge_min = brute_loss(p, C, 0.0);  // N = 1
        for (double M = 1.0;; M += 1.0) {
          const double x = std::log(M) / gamma;  // c_N = 1
          if (x > x_hi) break;
          edge_min = std::min(edge_min, brute_loss(p, C, x));
        }
        EXPECT_LE(best.log_dL_opt, edge_min + 1e-12 * std::abs(edge_min))
            << "gamma " << gamma << " " << fr::budget_name(budget) << " C " << C;
      }
    }
  }
}

// With tau = D no token is repeated, and (1 - p (1 - r))^D = (1 - min(p, c p^beta))^tau
// (MODEL.md 3): the single-epoch frontier is the fresh-data frontier.
TEST(ExactFrontier, SingleEpochEqualsFreshData) {
  for (double beta : {0.5, 1.0, 3.0}) {
    const auto a =
        fr::exact_frontier(problem(1.8, beta, 0.8, fr::Budget::single_epoch), 1e9, 1e15, 4);
    const auto b =
        fr::exact_frontier(problem(1.8, beta, 0.8, fr::Budget::fresh_data), 1e9, 1e15, 4);
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_NEAR(a[i].log_dL_opt, b[i].log_dL_opt, 1e-10 * std::abs(b[i].log_dL_opt));
      EXPECT_NEAR(std::log(a[i].N_opt), std::log(b[i].N_opt), 1e-3);
      EXPECT_EQ(a[i].D_opt, a[i].tau_opt);
    }
  }
}

// Unique tokens beyond every tau make the data-constrained budget single-epoch; few unique
// tokens make the loss saturate at the data term: repeated epochs learn nothing new.
TEST(ExactFrontier, DataConstrainedLimits) {
  auto plenty = problem(1.5, 1.0, 1.0, fr::Budget::data_constrained);
  plenty.unique_tokens = 1e24;
  const auto a = fr::exact_frontier(plenty, 1e9, 1e13, 3);
  const auto b = fr::exact_frontier(problem(1.5, 1.0, 1.0, fr::Budget::single_epoch), 1e9, 1e13, 3);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i].log_dL_opt, b[i].log_dL_opt, 1e-9 * std::abs(b[i].log_dL_opt));
    EXPECT_NEAR(a[i].D_opt, a[i].tau_opt, 1e-6 * a[i].tau_opt);  // every token unique
  }
  auto scarce = problem(1.5, 1.0, 1.0, fr::Budget::data_constrained);
  scarce.unique_tokens = 1e5;
  const auto s = fr::exact_frontier(scarce, 1e14, 1e16, 2);
  model::ModelPoint m = scarce.model;
  m.N = inf;
  m.D = 1e5;
  m.tau = inf;
  const double floor = model::log_reducible_loss(m);  // converged on 1e5 unique tokens
  for (const auto& pt : s) {
    EXPECT_GE(pt.log_dL_opt, floor - 1e-12);
    EXPECT_NEAR(pt.log_dL_opt, floor, 0.01);
    EXPECT_NEAR(pt.D_opt, 1e5, 1e-3);
  }
}

TEST(ExactFrontier, RefusalsNameTheOption) {
  auto expect = [](const fr::FrontierProblem& p, double lo, double hi, const std::string& what) {
    try {
      fr::exact_frontier(p, lo, hi, 3);
      ADD_FAILURE() << "accepted; expected " << what;
    } catch (const fr::FrontierError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  const auto p = problem(1.5, 1.0, 1.0, fr::Budget::converged);
  expect(p, 1.0, 1e10, "--C-min");
  expect(p, 1e10, 1e9, "--C-max");
  expect(p, 1e10, 1e60, "--C-max");
  expect(problem(0.9, 1.0, 1.0, fr::Budget::converged), 1e8, 1e9, "alpha");
  expect(problem(1.5, 1.0, 1.0, fr::Budget::data_constrained), 1e8, 1e9, "--unique-tokens");
  auto extra = p;
  extra.unique_tokens = 1e6;
  expect(extra, 1e8, 1e9, "--unique-tokens");
  EXPECT_EQ(fr::parse_budget("fresh-data"), fr::Budget::fresh_data);
  EXPECT_FALSE(fr::parse_budget("chinchilla").has_value());
}

}  // namespace
