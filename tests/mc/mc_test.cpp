// Monte Carlo (MODEL.md 4) against independent references:
//  - binomial variates against exact pmfs (chi-square), and the Poisson limit at n = 1e24;
//  - the conditional tail sum against a long-double direct sum;
//  - replica means against the exact dL of section 3 over 500 random points (z-scores);
//  - the count-level sampler against the token-level simulator (two-sample KS);
//  - the normal tail against exhaustive sampling of every mode (KS and spread);
//  - determinism: the same bits whatever the batch split; another seed, other replicas.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

#include "modesweep/mc/batch.hpp"
#include "modesweep/mc/binomial.hpp"
#include "modesweep/mc/count_sampler.hpp"
#include "modesweep/mc/token_simulator.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "test_constants.hpp"

namespace {

using modesweep::mc::PhiloxStream;
using modesweep::mc::Sampling;
using modesweep::model::ModelPoint;

// Chi-square critical value at upper tail 1e-6 (Wilson-Hilferty).
double chi_square_critical(int dof) {
  const double z = 4.753, k = dof;
  const double t = 1.0 - 2.0 / (9.0 * k) + z * std::sqrt(2.0 / (9.0 * k));
  return k * t * t * t;
}

// Chi-square statistic of draws against a pmf over 0..n_max (cells with expected < 5 are
// pooled into their neighbours); returns {statistic, degrees of freedom}.
std::pair<double, int> chi_square(const std::vector<double>& draws,
                                  const std::vector<long double>& pmf, double offset) {
  std::vector<double> observed(pmf.size(), 0.0);
  for (double x : draws) {
    const long i = std::lround(x - offset);
    if (i < 0 || i >= static_cast<long>(pmf.size())) {
      ADD_FAILURE() << "draw " << x << " outside the tabulated support";
      continue;
    }
    observed[i] += 1.0;
  }
  const double n = draws.size();
  double statistic = 0.0, cell_obs = 0.0, cell_exp = 0.0, last_obs = 0.0, last_exp = 0.0;
  int cells = 0;
  for (std::size_t i = 0; i < pmf.size(); ++i) {
    cell_obs += observed[i];
    cell_exp += static_cast<double>(pmf[i]) * n;
    if (cell_exp >= 5.0) {
      statistic += (cell_obs - cell_exp) * (cell_obs - cell_exp) / cell_exp;
      ++cells;
      last_obs = cell_obs;
      last_exp = cell_exp;
      cell_obs = cell_exp = 0.0;
    }
  }
  if ((cell_exp > 0.0 || cell_obs > 0.0) && cells > 0) {
    // A trailing cell with expected < 5 joins the last full cell: undo that cell, add both.
    statistic -= (last_obs - last_exp) * (last_obs - last_exp) / last_exp;
    cell_obs += last_obs;
    cell_exp += last_exp;
    statistic += (cell_obs - cell_exp) * (cell_obs - cell_exp) / cell_exp;
  }
  return {statistic, cells - 1};
}

std::vector<long double> binomial_pmf(long double n, long double p, long lo, long hi) {
  std::vector<long double> pmf;
  for (long k = lo; k <= hi; ++k) {
    pmf.push_back(std::exp(std::lgamma(n + 1) - std::lgamma(k + 1.0L) - std::lgamma(n - k + 1) +
                           k * std::log(p) + (n - k) * std::log1p(-p)));
  }
  return pmf;
}

TEST(Binomial, StirlingTableMatchesLgamma) {
  for (int k = 0; k <= 30; ++k) {
    const long double exact =
        std::lgamma(k + 1.0L) - ((k + 0.5L) * std::log(k + 1.0L) - (k + 1.0L) +
                                 0.5L * std::log(2.0L * 3.14159265358979323846264L));
    EXPECT_NEAR(modesweep::mc::detail::stirling_remainder(k), static_cast<double>(exact), 2e-14)
        << "k = " << k;
  }
}

TEST(Binomial, MatchesExactPmfInBothRegimes) {
  struct Case {
    double n, p;
  };
  // inversion (mean < 10), BTRD (mean >= 10), p > 1/2 by symmetry, edges of each regime
  const Case cases[] = {{20, 0.3},     {1000, 0.005}, {19, 0.5},    {100, 0.1},
                        {100, 0.4},    {1e6, 0.3},    {1e9, 1e-7},  {50, 0.9},
                        {5000, 0.999}, {1, 0.5},      {40, 0.2499}, {1e4, 0.5}};
  int index = 0;
  for (const Case& c : cases) {
    PhiloxStream g(7, 1000 + index, 0);
    ++index;
    std::vector<double> draws(200000);
    for (double& x : draws) x = modesweep::mc::binomial(g, c.n, c.p);
    const double mean = c.n * c.p, sd = std::sqrt(c.n * c.p * (1 - c.p));
    const long lo = std::max(0L, static_cast<long>(mean - 12 * sd - 5));
    const long hi = std::min(static_cast<long>(c.n), static_cast<long>(mean + 12 * sd + 5));
    const auto [statistic, dof] = chi_square(draws, binomial_pmf(c.n, c.p, lo, hi), lo);
    EXPECT_LT(statistic, chi_square_critical(dof))
        << "n = " << c.n << ", p = " << c.p << ", dof " << dof;
  }
}

TEST(Binomial, HugeNMatchesItsPoissonAndNormalLimits) {
  // n = 1e24, mean 50: Bin(n, p) is Poisson(50) to O(p) = 5e-23.
  PhiloxStream g(3, 1, 0);
  std::vector<double> draws(200000);
  for (double& x : draws) x = modesweep::mc::binomial(g, 1e24, 5e-23);
  std::vector<long double> pmf;
  for (long k = 0; k <= 150; ++k)
    pmf.push_back(std::exp(k * std::log(50.0L) - 50.0L - std::lgamma(k + 1.0L)));
  const auto [statistic, dof] = chi_square(draws, pmf, 0);
  EXPECT_LT(statistic, chi_square_critical(dof));
  // n = 1e24, p = 0.3: standardised draws have mean 0 and variance 1.
  const double n = 1e24, p = 0.3, sd = std::sqrt(n * p * (1 - p));
  double sum = 0, squares = 0;
  const int count = 100000;
  for (int i = 0; i < count; ++i) {
    const double z = (modesweep::mc::binomial(g, n, p) - n * p) / sd;
    sum += z;
    squares += z * z;
  }
  EXPECT_LT(std::fabs(sum / count), 5.0 / std::sqrt(count));
  EXPECT_NEAR(squares / count, 1.0, 5.0 * std::sqrt(2.0 / count));
}

// sum_{k>=a} k^(-s) in long double: direct to a + 2e4, then the integral and the first
// Euler-Maclaurin terms (remainder ~ s^4 / (720 b^4) < 1e-17 there).
long double power_tail(long double s, long double a) {
  long double sum = 0.0L;
  const long double b = a + 20000.0L;
  for (long double k = b - 1.0L; k >= a; k -= 1.0L) sum += std::pow(k, -s);
  return sum + std::pow(b, 1.0L - s) / (s - 1.0L) + 0.5L * std::pow(b, -s) +
         s * std::pow(b, -s - 1.0L) / 12.0L;
}

// sum_{k=first}^{M} p_k E[q_k | R] + sum_{k>M} p_k with pick probabilities p_k / P(k >= first),
// directly in long double (M finite and small).
long double direct_tail(double alpha, double beta, double c, double M, double first, double R_s,
                        double R_z, double e) {
  const long double zeta = power_tail(alpha, 1.0L);
  const long double beyond_first = power_tail(alpha, first) / zeta;
  long double sum = 0;
  for (long double k = M; k >= first; k -= 1) {
    const long double p = std::pow(k, -(long double)alpha) / zeta;
    const long double a = std::min(1.0L, c * std::pow(p, (long double)beta - 1.0L));
    const long double r = 1.0L - a, pi = p / beyond_first;
    const long double more = 1.0L - std::pow(r, e + 1.0L),
                      fewer = e > 0 ? 1.0L - std::pow(r, e) : 0;
    sum += p * std::pow(1.0L - pi * more, R_s) * std::pow(1.0L - pi * fewer, R_z);
  }
  return sum + power_tail(alpha, M + 1.0L) / zeta;
}

TEST(TailMean, ConditionalSumMatchesDirectSum) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int checked = 0;
  for (int i = 0; i < 60; ++i) {
    const double alpha = 1.2 + 3.0 * U(rng), beta = std::pow(10.0, -0.7 + 1.4 * U(rng));
    const double c = std::pow(10.0, -2.0 + 2.0 * U(rng));
    const double first = 1 + std::floor(std::pow(10.0, 1.0 + 2.0 * U(rng)));
    const double M = first + std::floor(std::pow(10.0, 2.0 + 3.0 * U(rng)));
    const double R_s = std::floor(std::pow(10.0, 5.0 * U(rng)));
    const double R_z = std::floor(std::pow(10.0, 5.0 * U(rng)));
    double e = std::floor(4.0 * U(rng));
    // regimes: 0 epochs (general), 1 converged (each token seen until learned: r^inf = 0),
    // 2 fresh data (one pass, one chain)
    const int regime = i % 3;
    modesweep::mc::ReplicaPlan plan;
    plan.kind = regime == 0   ? modesweep::mc::detail::Kind::epochs
                : regime == 1 ? modesweep::mc::detail::Kind::converged
                              : modesweep::mc::detail::Kind::fresh_data;
    plan.alpha = alpha;
    plan.log_zeta = modesweep::model::log_zeta(alpha);
    plan.log_c = std::log(c);
    plan.beta_minus_1 = beta - 1.0;
    plan.M = M;
    plan.H = first - 1.0;
    plan.log_beyond = modesweep::model::log_hurwitz_zeta(alpha, first) - plan.log_zeta;
    plan.epochs = e;
    plan.chains = regime == 0 && e > 0 ? 2 : 1;
    const double tokens[2] = {R_s, R_z};
    const double got = std::exp(modesweep::mc::detail::log_tail_mean(plan, tokens));
    // converged: E[q] = (1 - pi)^R: every seen mode is learned (c = inf makes a = 1 there);
    // fresh data: (1 - pi a)^R, one chain with e = 0.
    const long double want = regime == 0
                                 ? direct_tail(alpha, beta, c, M, first, R_s, e > 0 ? R_z : 0, e)
                             : regime == 1 ? direct_tail(alpha, beta, inf, M, first, R_s, 0, 0)
                                           : direct_tail(alpha, beta, c, M, first, R_s, 0, 0);
    EXPECT_NEAR(got / static_cast<double>(want), 1.0, 1e-10)  // the exact evaluator's bound
        << "alpha " << alpha << " beta " << beta << " c " << c << " first " << first << " M " << M
        << " R " << R_s << "," << R_z << " e " << e;
    ++checked;
  }
  EXPECT_EQ(checked, 60);
}

// Replicas of one point in units of exp(plan.scale) (exact dL = 1 in these units).
std::vector<double> scaled_replicas(const ModelPoint& p, Sampling sampling, std::uint64_t seed,
                                    std::uint64_t index, int R,
                                    double head = modesweep::mc::head_modes) {
  const auto plan = modesweep::mc::make_replica_plan(p, sampling, head);
  std::vector<double> out(R);
  for (int r = 0; r < R; ++r) {
    PhiloxStream g(seed, index, r);
    out[r] = modesweep::mc::sample_replica(plan, g);
  }
  return out;
}

double log_uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::pow(10.0, std::log10(lo) + (std::log10(hi) - std::log10(lo)) *
                                             std::uniform_real_distribution<double>(0, 1)(rng));
}

ModelPoint small_point(double alpha, double beta, double N, double D, double tau, double c) {
  ModelPoint p;
  p.alpha = alpha;
  p.beta = beta;
  p.gamma = 1.0;
  p.N = N;
  p.D = D;
  p.tau = tau;
  p.learning_rate = c;
  return p;
}

// A random point of the domain; D and tau finite are at least min_tokens.
ModelPoint random_point(std::mt19937_64& rng, double min_tokens = 1.0) {
  std::uniform_real_distribution<double> U(0.0, 1.0);
  ModelPoint p;
  const double a = U(rng);
  p.alpha = 1.0 + 9.0 * a * a + 1e-3;
  p.beta = log_uniform(rng, 0.1, 10.0);
  p.gamma = log_uniform(rng, 0.1, 10.0);
  auto resource = [&](double inf_share, double lo) {
    return U(rng) < inf_share ? inf : std::floor(log_uniform(rng, lo, 1e24));
  };
  p.N = resource(0.1, 1.0);
  p.D = resource(0.15, min_tokens);
  p.tau = resource(0.15, min_tokens);
  p.learning_rate = log_uniform(rng, 1e-3, 1.0);
  p.capacity_scale = log_uniform(rng, 1e-2, 1e3);
  return p;
}

// z = (mean - exact) / stderr over 500 random points of the whole domain. Points whose replicas all
// agree carry no standard error: there the exact value must be within 8/R of the common value (if
// other outcomes had total chance 8/R, R equal replicas would have probability e^-8). D and tau
// finite start at 16 tokens here: below, one token decides dL, and outcomes of chance < 1/R that R
// replicas do not resolve make the z-score meaningless; TinyTrainingSets covers them with many more
// replicas.
TEST(CountSampler, ReplicaMeansAgreeWithExactLossAcrossTheDomain) {
  std::mt19937_64 rng(20261123);
  const int R = 400;
  int points = 0, degenerate = 0, beyond3 = 0;
  double z_sum = 0.0;
  std::vector<double> zs;
  while (points < 500) {
    const ModelPoint p = random_point(rng, 16.0);
    const Sampling sampling = Sampling::sequential;
    const auto v = scaled_replicas(p, sampling, 99, points, R);
    ++points;
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / R;
    double squares = 0;
    for (double x : v) squares += (x - mean) * (x - mean);
    const double se = std::sqrt(squares / (R - 1) / R);
    ASSERT_TRUE(std::isfinite(mean)) << "point " << points;
    const auto plan = modesweep::mc::make_replica_plan(p, sampling);
    if (se == 0.0) {
      ++degenerate;
      // scaled units: |exact - v| <= 8/R in dL units, i.e. 8/R / dL here
      EXPECT_LE(std::fabs(mean - 1.0) * std::exp(plan.scale), 8.0 / R + 1e-12)
          << "alpha " << p.alpha << " N " << p.N << " D " << p.D << " tau " << p.tau;
      continue;
    }
    // The exact value and the replica sums carry rounding of ~1e-15 relative; the floor keeps
    // that from counting as a deviation where the replicas' spread is smaller still.
    const double z = (mean - 1.0) / std::sqrt(se * se + 1e-24);
    zs.push_back(z);
    z_sum += z;
    if (std::fabs(z) > 3.0) {
      ++beyond3;
      std::printf(
          "|z| > 3: z %.2f alpha %.4g beta %.3g gamma %.3g N %.3g D %.3g tau %.3g c %.3g cN %.3g\n",
          z, p.alpha, p.beta, p.gamma, p.N, p.D, p.tau, p.learning_rate, p.capacity_scale);
    }
  }
  const int n = static_cast<int>(zs.size());
  double z_squares = 0;
  for (double z : zs) z_squares += (z - z_sum / n) * (z - z_sum / n);
  std::printf("%d points with spread, %d degenerate; mean z %.3f, sd z %.3f, |z| > 3: %d\n", n,
              degenerate, z_sum / n, std::sqrt(z_squares / (n - 1)), beyond3);
  EXPECT_GE(n, 400);
  EXPECT_EQ(n + degenerate, 500);
  EXPECT_LT(std::fabs(z_sum / n), 4.0 / std::sqrt(n));  // 4 sigma for the mean of n z-scores
  // P(|t_399| > 3) = 0.29%: expected 1.2 of 400; 7 or more has probability ~6e-4.
  EXPECT_LE(beyond3, 6);
}

// One to eight tokens (D or tau), where single rare tokens decide dL: 20000 replicas.
TEST(CountSampler, TinyTrainingSets) {
  struct Case {
    double alpha, beta, D, tau;
  };
  const Case cases[] = {{9.5, 0.5, 1, inf}, {9.5, 1.7, 1e15, 1}, {3.0, 1.0, 2, 5},
                        {1.5, 2.0, inf, 3}, {1.05, 0.8, 8, inf}, {6.0, 1.0, 5, 8}};
  int index = 0;
  for (const Case& c : cases) {
    ModelPoint p = small_point(c.alpha, c.beta, 1e12, c.D, c.tau, 0.05);
    const int R = 20000;
    const auto v = scaled_replicas(p, Sampling::sequential, 17, index++, R);
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / R;
    double squares = 0;
    for (double x : v) squares += (x - mean) * (x - mean);
    const double se = std::sqrt(squares / (R - 1) / R);
    EXPECT_LT(std::fabs(mean - 1.0), 4.0 * se + 1e-12) << "case " << index;
  }
}

// Alpha near 1 with no capacity cutoff: a tail mode drawn by inversion overflows to inf
// (at alpha = 1.001 for about half the uniforms). Such a mode has p_k = 0 and must add
// nothing; with beta = 1 it once made 0 * -inf = NaN replicas. Few tail tokens (placed one
// by one) and fresh data or epochs; every replica finite, the mean within 4 se of exact.
TEST(CountSampler, AlphaNearOneWithoutCutoffStaysFinite) {
  struct Case {
    double alpha, D, tau;
  };
  const Case cases[] = {{1.001, inf, 30}, {1.01, inf, 30}, {1.001, 40, 100}, {1.01, 40, 100}};
  int index = 0;
  for (const Case& c : cases) {
    const ModelPoint p = small_point(c.alpha, 1.0, inf, c.D, c.tau, 0.3);
    const int R = 4000;
    const auto v = scaled_replicas(p, Sampling::sequential, 23, index++, R);
    double mean = 0;
    for (double x : v) {
      ASSERT_TRUE(std::isfinite(x)) << "alpha " << c.alpha << " D " << c.D << " tau " << c.tau;
      mean += x / R;
    }
    double squares = 0;
    for (double x : v) squares += (x - mean) * (x - mean);
    const double se = std::sqrt(squares / (R - 1) / R);
    EXPECT_LT(std::fabs(mean - 1.0), 4.0 * se + 1e-12)
        << "alpha " << c.alpha << " D " << c.D << " tau " << c.tau;
  }
}

// Two-sample Kolmogorov-Smirnov p-value (asymptotic, with Stephens' small-sample correction).
// Values are compared after rounding to 1e-12 absolute: the samplers compute the same atom of
// a discrete distribution by different float operations (r^n by repeated products or by exp),
// and ulp-distinct copies of one atom would count as a gap in the ECDF.
double ks_p_value(std::vector<double> a, std::vector<double> b) {
  for (auto* v : {&a, &b})
    for (double& x : *v) x = std::round(x * 1e12) / 1e12;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double n = a.size(), m = b.size();
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::fabs(i / n - j / m));
  }
  const double ne = n * m / (n + m);
  const double lambda = (std::sqrt(ne) + 0.12 + 0.11 / std::sqrt(ne)) * d;
  double q = 0;
  for (int k = 1; k <= 100; ++k)
    q += 2.0 * (k % 2 ? 1.0 : -1.0) * std::exp(-2.0 * k * k * lambda * lambda);
  return std::clamp(q, 0.0, 1.0);
}

TEST(CountSampler, MatchesTokenLevelSimulation) {
  struct Case {
    ModelPoint p;
    Sampling sampling;
  };
  const Case cases[] = {
      {small_point(1.5, 1.0, 200, 300, 1000, 0.3), Sampling::sequential},  // 3 epochs + s
      {small_point(2.0, 0.6, 500, 1000, 700, 0.2), Sampling::sequential},  // tau < D, clamped
      {small_point(1.3, 2.0, 300, inf, 2000, 0.9), Sampling::sequential},  // fresh data
      {small_point(1.8, 1.0, 1000, 400, inf, 0.1), Sampling::sequential},  // converged
      {small_point(1.5, 1.0, 200, 300, 1000, 0.3), Sampling::with_replacement},
      {small_point(2.5, 0.5, 100, 50, 400, 0.5), Sampling::with_replacement},
      {small_point(1.2, 1.5, 2000, 2000, 5000, 0.5), Sampling::sequential},  // tail: M > head
  };
  int index = 0;
  for (const Case& c : cases) {
    const int R = 2000;
    std::vector<double> token(R), count(R);
    modesweep::mc::McSettings settings{static_cast<std::uint64_t>(R), 5, c.sampling};
    modesweep::mc::sample_replicas(c.p, index, settings, count.data());
    for (int r = 0; r < R; ++r)
      token[r] = modesweep::mc::simulate_tokens(c.p, c.sampling, 6, index, r);
    const double p_value = ks_p_value(token, count);
    const double mean_t = std::accumulate(token.begin(), token.end(), 0.0) / R;
    const double mean_c = std::accumulate(count.begin(), count.end(), 0.0) / R;
    std::printf("case %d: KS p %.3g, means token %.6g count %.6g\n", index, p_value, mean_t,
                mean_c);
    EXPECT_GT(p_value, 1e-4) << "case " << index;
    ++index;
  }
}

// Tail modes drawn one by one (few tail tokens) follow p_k / P(k > H) exactly.
TEST(CountSampler, ZipfTailModesFollowTheirWeights) {
  for (double alpha : {1.05, 2.0, 6.0}) {
    for (double H : {3.0, 1024.0}) {
      PhiloxStream g(4, static_cast<std::uint64_t>(alpha * 100 + H), 0);
      const int cells = 60, draws = 200000;
      std::vector<double> drawn(draws);
      for (double& k : drawn) k = modesweep::mc::detail::zipf_tail_mode(g, alpha, H);
      // cells H+1 .. H+cells, then everything beyond, against exact long-double weights
      const long double tail = power_tail(alpha, H + 1);
      std::vector<long double> pmf;
      long double inside = 0;
      for (int i = 1; i <= cells; ++i) {
        pmf.push_back(std::pow((long double)(H + i), -(long double)alpha) / tail);
        inside += pmf.back();
      }
      pmf.push_back(1 - inside);
      for (double& k : drawn) k = std::min(k - H - 1, static_cast<double>(cells));
      const auto [statistic, dof] = chi_square(drawn, pmf, 0);
      EXPECT_LT(statistic, chi_square_critical(dof)) << "alpha " << alpha << " H " << H;
    }
  }
}

// A tail with a handful of tokens is placed token by token: against the token-level simulator.
TEST(CountSampler, FewTailTokensMatchTokenLevelSimulation) {
  const ModelPoint p = small_point(1.2, 1.0, 1e5, 60, 150, 0.5);  // ~13 tokens beyond mode 1024
  const int R = 1500;
  std::vector<double> token(R), count(R);
  modesweep::mc::sample_replicas(p, 3, {static_cast<std::uint64_t>(R), 5, Sampling::sequential},
                                 count.data());
  for (int r = 0; r < R; ++r)
    token[r] = modesweep::mc::simulate_tokens(p, Sampling::sequential, 6, 3, r);
  const double p_value = ks_p_value(token, count);
  std::printf("few tail tokens: KS p %.3g\n", p_value);
  EXPECT_GT(p_value, 1e-4);
}

// The normal tail (modes beyond the head) against sampling every mode one by one.
TEST(CountSampler, NormalTailMatchesExhaustiveSampling) {
  const ModelPoint cases[] = {
      small_point(1.3, 1.0, 6000, 1e6, 3e6, 0.2),   // epochs, tail modes partly learned
      small_point(2.0, 1.0, 6000, 3e7, inf, 0.1),   // converged: missing mass near k ~ 5000
      small_point(1.1, 0.7, 6000, inf, 2e5, 0.05),  // fresh data, clamped rare modes
  };
  int index = 0;
  for (const ModelPoint& p : cases) {
    const auto approx = scaled_replicas(p, Sampling::sequential, 8, index, 4000);
    const auto exhaustive = scaled_replicas(p, Sampling::sequential, 9, index, 1500, inf);
    auto sd = [](const std::vector<double>& v) {
      const double m = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
      double s = 0;
      for (double x : v) s += (x - m) * (x - m);
      return std::sqrt(s / (v.size() - 1));
    };
    const double p_value = ks_p_value(approx, exhaustive);
    const double ratio = sd(approx) / sd(exhaustive);
    std::printf("tail case %d: KS p %.3g, sd ratio %.4f\n", index, p_value, ratio);
    EXPECT_GT(p_value, 1e-4) << "case " << index;
    // sd of the ratio of two sample sds from 4000 and 1500 replicas: ~2.1%
    EXPECT_NEAR(ratio, 1.0, 0.085) << "case " << index;
    ++index;
  }
}

// The exact variance of dL over training sets, sum_j sum_k p_j p_k Cov(q_j, q_k), in long
// double by brute force over all pairs of modes (M small). Each chain c holds count_c tokens
// seen passes_c times: E[q_j q_k] = prod_c (1 - x_cj - x_ck)^count_c with x = p (1 - r^passes),
// so Cov = E_j E_k expm1(sum_c count_c log1p(-x_cj x_ck / ((1 - x_cj)(1 - x_ck)))), written so
// that no two nearly equal numbers are subtracted.
long double exact_variance(const ModelPoint& p) {
  const auto plan = modesweep::mc::make_replica_plan(p, Sampling::sequential);
  const int M = static_cast<int>(plan.M);
  const long double zeta = power_tail(p.alpha, 1.0L);
  std::vector<long double> pk(M), l1(M), x[2];
  for (int c = 0; c < plan.chains; ++c) x[c].resize(M);
  long double variance = 0;
  for (int k = 0; k < M; ++k) {
    pk[k] = std::pow((long double)(k + 1), -(long double)p.alpha) / zeta;
    const long double a =
        std::min(1.0L, p.learning_rate * std::pow(pk[k], (long double)p.beta - 1));
    long double l2 = 0;
    l1[k] = 0;
    for (int c = 0; c < plan.chains; ++c) {
      const long double passes = plan.passes[c];
      const long double keep = a >= 1 || std::isinf(passes) ? 0.0L : std::pow(1.0L - a, passes);
      const long double keep2 = keep * keep;
      x[c][k] = pk[k] * (1 - keep);
      l1[k] += plan.count[c] * std::log1p(-x[c][k]);
      l2 += plan.count[c] * std::log1p(-pk[k] * (1 - keep2));
    }
    const long double excess = l2 - 2 * l1[k];  // log(E[q^2] / E[q]^2) >= 0
    if (excess > 0) {
      const long double log_expm1 =
          excess > 30 ? excess + std::log1p(-std::exp(-excess)) : std::log(std::expm1(excess));
      variance += pk[k] * pk[k] * std::exp(2 * l1[k] + log_expm1);
    }
  }
  for (int j = 0; j < M; ++j) {
    for (int k = j + 1; k < M; ++k) {
      long double exponent = 0;
      for (int c = 0; c < plan.chains; ++c) {
        const long double xj = x[c][j], xk = x[c][k];
        exponent += plan.count[c] * std::log1p(-xj * xk / ((1 - xj) * (1 - xk)));
      }
      variance += 2 * pk[j] * pk[k] * std::exp(l1[j] + l1[k]) * std::expm1(exponent);
    }
  }
  return variance;
}

// The spread of the replicas against the exact variance: with a normal tail (head 1024) and
// with every mode sampled. Cases have M of a few thousand, so that the tail carries most of
// the variance, and the first one lambda_(H+1) = D p_1025 ~ 3e3 (the log(expm1) overflow that
// once dropped the tail's variance).
TEST(CountSampler, ReplicaSpreadMatchesExactVariance) {
  const ModelPoint cases[] = {
      small_point(6.0, 1.0, 4000, 4e21, inf, 0.1),   // converged, huge counts in the head
      small_point(1.5, 1.0, 4000, 7e5, inf, 0.1),    // converged, flat Zipf
      small_point(3.0, 0.8, 3000, 2e10, 5e10, 0.2),  // 2 epochs + s, clamped rare modes
      small_point(2.5, 1.5, 3000, inf, 1e14, 0.5),   // fresh data
  };
  int index = 0;
  for (const ModelPoint& p : cases) {
    const double want = std::sqrt(static_cast<double>(exact_variance(p)));
    const int R = 3000;
    for (double head : {modesweep::mc::head_modes, inf}) {
      const auto v =
          scaled_replicas(p, Sampling::sequential, 21, index, head == inf ? 800 : R, head);
      const double n = v.size();
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
      double squares = 0;
      for (double y : v) squares += (y - mean) * (y - mean);
      const auto plan = modesweep::mc::make_replica_plan(p, Sampling::sequential);
      const double sd = std::sqrt(squares / (n - 1)) * std::exp(plan.scale);
      std::printf("spread case %d head %g: sd %.6g exact %.6g ratio %.4f\n", index, head, sd, want,
                  sd / want);
      // sd of a sample sd from n near-normal values: 1/sqrt(2(n-1)); 5 of them
      EXPECT_NEAR(sd / want, 1.0, 5.0 / std::sqrt(2.0 * (n - 1)))
          << "case " << index << " head " << head;
    }
    ++index;
  }
}

// With D = inf every step is a fresh token, with tau = inf every training token is seen until
// learned: with-replacement is then the model itself, and the sampler takes the same path
// (same replicas, bit for bit); with both finite it differs.
TEST(CountSampler, WithReplacementIsTheModelWhenDOrTauIsInfinite) {
  const ModelPoint cases[] = {small_point(1.7, 0.9, 1e9, inf, 1e8, 0.2),
                              small_point(1.7, 0.9, 1e9, 1e8, inf, 0.2),
                              small_point(1.7, 0.9, 3e4, 1e5, 3e5, 0.2)};
  for (int i = 0; i < 3; ++i) {
    const auto seq = scaled_replicas(cases[i], Sampling::sequential, 2, i, 50);
    const auto rep = scaled_replicas(cases[i], Sampling::with_replacement, 2, i, 50);
    EXPECT_EQ(seq == rep, i < 2) << "case " << i;
  }
}

TEST(CountSampler, ConstantPointsAreExact) {
  ModelPoint p = small_point(2.0, 1.0, 0.5, 100, 100, 0.1);  // M = 0: dL = 1
  std::vector<double> v(4);
  modesweep::mc::sample_replicas(p, 0, {4, 1, Sampling::sequential}, v.data());
  for (double x : v) EXPECT_EQ(x, 1.0);
  p = small_point(2.0, 1.0, 1000, inf, inf, 0.1);  // everything representable learned
  modesweep::mc::sample_replicas(p, 0, {4, 1, Sampling::sequential}, v.data());
  const double tail = std::exp(modesweep::model::log_reducible_loss(p));
  for (double x : v) EXPECT_NEAR(x / tail, 1.0, 1e-14);
}

// With replacement and a small training set, E[q_k] = sum_x Bin(x; D, p_k) (1 - x a_k / D)^tau
// (given X_k = x, each step observes mode k with chance x / D, independently). Enumerated in
// long double, it is an independent reference for the with-replacement sampler's mean.
TEST(CountSampler, WithReplacementMeanMatchesEnumeration) {
  struct Case {
    double alpha, beta, N, D, tau, c;
  };
  const Case cases[] = {
      {2.5, 0.5, 100, 50, 400, 0.5}, {1.5, 1.0, 300, 40, 90, 0.3}, {1.2, 2.0, 1000, 60, 1e5, 0.9}};
  int index = 0;
  for (const Case& c : cases) {
    const ModelPoint p = small_point(c.alpha, c.beta, c.N, c.D, c.tau, c.c);
    const long double zeta = power_tail(c.alpha, 1.0L);
    long double want = power_tail(c.alpha, c.N + 1.0L) / zeta;
    for (long double k = c.N; k >= 1; k -= 1) {
      const long double pk = std::pow(k, -(long double)c.alpha) / zeta;
      const long double a = std::min(1.0L, c.c * std::pow(pk, (long double)c.beta - 1.0L));
      long double e = 0;
      for (int x = 0; x <= c.D; ++x) {
        const long double log_bin = std::lgamma(c.D + 1.0L) - std::lgamma(x + 1.0L) -
                                    std::lgamma(c.D - x + 1.0L) + x * std::log(pk) +
                                    (c.D - x) * std::log1p(-pk);
        e += std::exp(log_bin) * std::pow(1.0L - x * a / c.D, (long double)c.tau);
      }
      want += pk * e;
    }
    const int R = 20000;
    std::vector<double> v(R);
    modesweep::mc::sample_replicas(p, index, {R, 3, Sampling::with_replacement}, v.data());
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / R;
    double squares = 0;
    for (double x : v) squares += (x - mean) * (x - mean);
    const double se = std::sqrt(squares / (R - 1) / R);
    std::printf("with-replacement case %d: mean %.8g enumeration %.8Lg z %.2f\n", index, mean, want,
                (mean - static_cast<double>(want)) / se);
    EXPECT_LT(std::fabs(mean - static_cast<double>(want)), 4.0 * se) << "case " << index;
    ++index;
  }
}

// With replacement, a mode's observations vary more than in sequential epochs and r^n is
// convex in n, so the loss is higher on average (Jensen): measured, not assumed equal.
TEST(CountSampler, WithReplacementLosesMoreThanSequentialEpochs) {
  const ModelPoint p = small_point(1.5, 1.0, 2000, 1e4, 3e4, 0.3);
  const auto seq = scaled_replicas(p, Sampling::sequential, 1, 0, 400);
  const auto rep = scaled_replicas(p, Sampling::with_replacement, 1, 0, 400);
  const double ms = std::accumulate(seq.begin(), seq.end(), 0.0) / 400;
  const double mr = std::accumulate(rep.begin(), rep.end(), 0.0) / 400;
  EXPECT_GT(mr, ms * 1.01);
}

TEST(McBatch, SameBitsForAnySplitAndDifferentBitsForAnotherSeed) {
  std::mt19937_64 rng(5);
  const int n = 37;
  modesweep::model::PointView points("points", n);
  auto host = Kokkos::create_mirror_view(points);
  for (int i = 0; i < n; ++i) {
    ModelPoint p = random_point(rng);
    if (p.N > 1e6) p.N = 1e6;  // keep it quick
    host(i) = p;
  }
  Kokkos::deep_copy(points, host);
  const modesweep::mc::McSettings settings{16, 42, Sampling::sequential};
  modesweep::mc::StatisticsView whole("whole", n);
  modesweep::mc::evaluate_mc_batch(points, 1000, settings, whole);
  auto whole_host = Kokkos::create_mirror_view(whole);
  Kokkos::deep_copy(whole_host, whole);
  // The same points in two pieces, each told its global index.
  for (int split : {1, 17, 36}) {
    auto first = Kokkos::subview(points, std::make_pair(0, split));
    auto second = Kokkos::subview(points, std::make_pair(split, n));
    modesweep::model::PointView a("a", split), b("b", n - split);
    Kokkos::deep_copy(a, first);
    Kokkos::deep_copy(b, second);
    modesweep::mc::StatisticsView sa("sa", split), sb("sb", n - split);
    modesweep::mc::evaluate_mc_batch(a, 1000, settings, sa);
    modesweep::mc::evaluate_mc_batch(b, 1000 + split, settings, sb);
    auto ha = Kokkos::create_mirror_view(sa);
    auto hb = Kokkos::create_mirror_view(sb);
    Kokkos::deep_copy(ha, sa);
    Kokkos::deep_copy(hb, sb);
    for (int i = 0; i < n; ++i) {
      const auto& s = i < split ? ha(i) : hb(i - split);
      EXPECT_EQ(std::memcmp(&s, &whole_host(i), sizeof s), 0) << "split " << split << " i " << i;
    }
  }
  modesweep::mc::StatisticsView other("other", n);
  modesweep::mc::evaluate_mc_batch(points, 1000, {16, 43, Sampling::sequential}, other);
  auto other_host = Kokkos::create_mirror_view(other);
  Kokkos::deep_copy(other_host, other);
  int differ = 0, random = 0;
  for (int i = 0; i < n; ++i) {
    if (whole_host(i).standard_error > 0) ++random;
    if (whole_host(i).standard_error > 0 && other_host(i).mean != whole_host(i).mean) ++differ;
  }
  EXPECT_GT(random, 10);
  EXPECT_EQ(differ, random);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv);
  return RUN_ALL_TESTS();
}
