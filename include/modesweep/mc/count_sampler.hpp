// The count-level Monte Carlo sampler of MODEL.md 4: one replica of dL at a cost that does not
// grow with N, D or tau. Device-safe (no allocation, exceptions or virtual calls).
//
// Design. Token positions are i.i.d., so the s positions seen e+1 times and the D-s seen e
// times are two independent multinomial samples ("chains"). Each chain is drawn as a chain of
// binomials from the top mode down: first the R tokens that fall beyond the head
// H = min(M, head_modes), then X_k ~ Bin(tokens left, p_k / P(j <= k)) for k = H, ..., 1.
// Going down keeps every binomial's n accurate to a relative 1e-16 even for D = 1e24 (going
// up would subtract almost-equal huge counts). Binomials cost O(1) in n (binomial.hpp).
//  - Head, k <= H: every count is sampled exactly; q_k = r_k^(n_k) (MODEL.md 4, steps 1-3).
//  - Tail, H < k <= M (only when M > H): given the R_c tail tokens of each chain, the tail
//    modes' counts are multinomial(R_c, p_k / P(k > H)). With at most exact_tail_tokens of
//    them, each token's mode is drawn exactly (zipf_tail_mode) and T = P(k > H) minus what
//    the observed modes learned. With more, T = sum p_k q_k is drawn as
//    a normal with the exact conditional mean E[T | R] (the section 3 sum restricted to k > H
//    with that conditional pick probability: ExactSum::log_value(M, H + 1)) and the
//    conditional variance
//        V = sum_k p_k^2 Var(q_k | R) - sum_c R_c (sum_k p_k E[q_k] x_ck / (1 - x_ck))^2,
//    x_ck = pi_k (1 - r_k^passes_c); the second term is the multinomial's negative covariance
//    to first order in pi (omitted terms are O(max_k lambda_k^2 / R) relative, lambda = R pi).
//    Both sums are integrals in log k of a smooth summand (midpoint rule, error O(1/H^2)).
//  - Why the approximation is allowed there: E[T | R] is exact, so the replica mean is
//    unbiased by construction: its bias is 0, whatever the standard error (the normal only
//    shapes the spread). The tail then holds more than 64 tokens spread over modes of which
//    none carries more than about (3 alpha - 1)/H of V, so it is close to normal. Tests
//    compare the replicas' standard deviation with the exact variance (a brute-force
//    long-double sum over all pairs of modes; 1.5% apart in one run of 3000 replicas, the
//    test allows 5 sigma = 6.5%) and the whole distribution with exhaustive sampling (H = M)
//    by a two-sample KS test.
//  - Modes beyond M are never learned: their mass P(k > M) is exact and constant.
// Replicas are returned in units of exp(scale), scale ~ log dL, because dL can be far below
// the smallest double (MODEL.md 3).
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "modesweep/mc/binomial.hpp"
#include "modesweep/mc/philox_stream.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/point.hpp"

namespace modesweep::mc {

// How training goes through the training set (MODEL.md 2 is `sequential`).
//  sequential:        in order, epoch after epoch (the model; its mean is section 3's dL)
//  with_replacement:  each step draws one of the D training tokens uniformly (no closed form)
enum class Sampling : int { sequential = 0, with_replacement = 1 };

// Modes sampled one by one in the sequential sampler (see file comment).
inline constexpr double head_modes = 1024.0;
// A tail that receives at most this many tokens (all chains) is sampled exactly, token by
// token, instead of by the normal (see file comment).
inline constexpr int exact_tail_tokens = 64;
// with-replacement samples every mode up to M (no tail formula exists): this bounds its cost.
inline constexpr double with_replacement_max_modes = 100000.0;

namespace detail {

enum class Kind : int {
  constant = 0,          // no randomness: M < 1, or D = tau = inf
  fresh_data = 1,        // D = inf: one chain of tau tokens, each seen once
  converged = 2,         // tau = inf: one chain of D tokens, each seen until learned
  epochs = 3,            // both finite: chains of s and D - s tokens, seen e+1 and e times
  with_replacement = 4,  // both finite, steps draw uniformly from the training set
};

}  // namespace detail

// Everything a replica of one point needs, computed once per point (make_replica_plan).
struct ReplicaPlan {
  detail::Kind kind = detail::Kind::constant;
  double alpha = 2.0;
  double log_zeta = 0.0;
  double log_c = 0.0;
  double beta_minus_1 = 0.0;
  double M = 0.0;
  double H = 0.0;             // head: modes 1..H sampled one by one
  double log_beyond = 0.0;    // log P(k > H)
  double scale = 0.0;         // replicas are in units of exp(scale)
  int chains = 0;             // multinomial samples (fresh_data, converged: 1; epochs: 1 or 2)
  double count[2] = {0, 0};   // tokens per chain
  double passes[2] = {0, 0};  // times each token of the chain is seen (inf: until learned)
  double epochs = 0.0;        // e (epochs kind)
  double D = 0.0, tau = 0.0;  // with_replacement
  bool random_tail = false;   // M > H: the tail is drawn as a conditional normal
};

KOKKOS_INLINE_FUNCTION ReplicaPlan make_replica_plan(const model::ModelPoint& p, Sampling sampling,
                                                     double head = head_modes) {
  using detail::Kind;
  ReplicaPlan plan;
  plan.alpha = p.alpha;
  plan.log_zeta = model::log_zeta(p.alpha);
  plan.log_c = math::log(p.learning_rate);
  plan.beta_minus_1 = p.beta - 1.0;
  plan.M = model::capacity_cutoff(p);
  plan.scale = model::detail::log_reducible_loss(p.alpha, p.beta, plan.log_zeta, plan.M, p.D, p.tau,
                                                 p.learning_rate);
  const bool D_inf = math::isinf(p.D), tau_inf = math::isinf(p.tau);
  if (plan.M < 1.0 || (D_inf && tau_inf) || math::isinf(plan.scale)) return plan;  // constant
  const bool replacement = sampling == Sampling::with_replacement && !D_inf && !tau_inf;
  if (replacement && plan.M > with_replacement_max_modes) {
    plan.scale = math::quiet_nan();  // outside the sampler's domain (mc_domain_problem): NaN
    return plan;
  }
  plan.H = replacement ? plan.M : math::fmin(plan.M, head);
  plan.random_tail = plan.M > plan.H;
  plan.log_beyond = model::log_hurwitz_zeta(p.alpha, plan.H + 1.0) - plan.log_zeta;
  if (replacement) {
    plan.kind = Kind::with_replacement;
    plan.D = p.D;
    plan.tau = p.tau;
  } else if (D_inf) {
    plan.kind = Kind::fresh_data;
    plan.chains = 1;
    plan.count[0] = p.tau;
    plan.passes[0] = 1.0;
  } else if (tau_inf) {
    plan.kind = Kind::converged;
    plan.chains = 1;
    plan.count[0] = p.D;
    plan.passes[0] = math::infinity;
  } else {
    // s = tau mod D and e = (tau - s) / D, exactly as the exact path (make_survival).
    const model::detail::Survival s =
        model::detail::make_survival(p.beta, p.D, p.tau, p.learning_rate);
    plan.kind = Kind::epochs;
    plan.epochs = s.epochs;
    plan.count[0] = s.partial;
    plan.passes[0] = s.epochs + 1.0;
    plan.chains = s.epochs > 0.0 ? 2 : 1;
    plan.count[1] = s.rest;
    plan.passes[1] = s.epochs;
  }
  return plan;
}

namespace detail {

// log r_k, r_k = 1 - min(1, c p^(beta-1)) (MODEL.md 2); -inf where clamped (r = 0).
KOKKOS_INLINE_FUNCTION double log_rate_keep(const ReplicaPlan& plan, double log_p) {
  const double log_a = plan.log_c + plan.beta_minus_1 * log_p;
  if (log_a >= 0.0) return -math::infinity;
  return math::log1p(-math::exp(log_a));
}

// log q = log(r^n) for n observations (n = inf: seen until learned).
KOKKOS_INLINE_FUNCTION double log_residual(double log_r, double observations) {
  if (observations == 0.0) return 0.0;
  if (math::isinf(log_r) || math::isinf(observations)) return -math::infinity;
  return observations * log_r;
}

// 1 - r^passes, from log r.
KOKKOS_INLINE_FUNCTION double learned_per_token(double log_r, double passes) {
  if (passes == 0.0) return 0.0;
  if (math::isinf(log_r) || math::isinf(passes)) return 1.0;
  return -math::expm1(passes * log_r);
}

// A mode k > H drawn with chance p_k / P(k > H), exactly: x with density ~ x^-alpha on
// [H + 1/2, inf) by inversion, k = the integer nearest x, accepted with chance
// k^-alpha / int_{k-1/2}^{k+1/2} x^-alpha dx, which is <= 1 because x^-alpha is convex. For
// k >= 2^26 that chance is 1 - alpha (alpha + 1) / (24 k^2), within 2^-53 of 1 for alpha up
// to about 2.4; for larger alpha such modes have p_k < 2^-60 of p_1 and the skipped
// rejection cannot move a double result. inf is a mode beyond every M, finite or not (x
// overflows only when alpha is near 1 and u tiny); the caller drops it.
KOKKOS_INLINE_FUNCTION double zipf_tail_mode(PhiloxStream& g, double alpha, double H) {
  const double am1 = alpha - 1.0;
  for (;;) {
    const double x = (H + 0.5) * math::exp(-math::log(g.uniform()) / am1);
    const double k = math::floor(x + 0.5);
    if (!(k < 67108864.0)) return k;
    // int = k^(1-alpha) / (alpha-1) [(1 - h)^(1-alpha) - (1 + h)^(1-alpha)], h = 1/(2k)
    const double h = 0.5 / k;
    const double a = -am1 * math::log1p(-h), b = -am1 * math::log1p(h);
    const double bracket = math::exp(b) * math::expm1(a - b);
    if (g.uniform() * bracket <= am1 / k) return k;
  }
}

// The section 3 sum over the tail modes k > H given the tail tokens R_c of each chain, as a
// log (includes the never-learned mass beyond M).
KOKKOS_INLINE_FUNCTION double log_tail_mean(const ReplicaPlan& plan, const double* tail_tokens) {
  using model::detail::Regime;
  model::detail::Survival s;
  s.log_c = plan.log_c;
  s.beta_minus_1 = plan.beta_minus_1;
  s.log_pick = -plan.log_beyond;
  if (plan.kind == Kind::fresh_data) {
    s.regime = Regime::time_only;
    s.tau = tail_tokens[0];
  } else if (plan.kind == Kind::converged) {
    s.regime = Regime::data_only;
    s.D = tail_tokens[0];
  } else {
    s.regime = Regime::general;
    s.epochs = plan.epochs;
    s.partial = tail_tokens[0];
    s.rest = plan.chains > 1 ? tail_tokens[1] : 0.0;
  }
  return model::detail::ExactSum(plan.alpha, plan.log_zeta, s).log_value(plan.M, plan.H + 1.0);
}

// The conditional variance V of the tail sum (file comment), in units of exp(2 scale).
KOKKOS_INLINE_FUNCTION double tail_variance(const ReplicaPlan& plan, const double* tail_tokens) {
  double most = 0.0;
  for (int c = 0; c < plan.chains; ++c) most = math::fmax(most, tail_tokens[c]);
  if (!(most > 0.0)) return 0.0;
  // log k from H + 1/2 (midpoint rule) to M + 1/2, or for M = inf to 40 e-folds past the
  // mode with lambda = R pi_k = 1, beyond which the summands fall like k^(-3 alpha).
  const double u_lo = math::log(plan.H + 0.5);
  const double u_one = (math::log(most) - plan.log_zeta - plan.log_beyond) / plan.alpha;
  double u_hi = math::fmax(u_lo, u_one) + 40.0;
  if (!math::isinf(plan.M)) u_hi = math::fmin(u_hi, math::log(plan.M + 0.5));
  if (!(u_hi > u_lo)) return 0.0;

  // Per-mode quantities at k = e^u: log p, pick probability pi, log E[q], log E[q^2].
  struct Mode {
    double log_p, pick, l1, l2, b[2];
  };
  auto mode_at = [&](double u) {
    Mode m;
    m.log_p = -plan.alpha * u - plan.log_zeta;
    m.pick = math::exp(m.log_p - plan.log_beyond);
    const double log_r = log_rate_keep(plan, m.log_p);
    m.l1 = 0.0;
    m.l2 = 0.0;
    for (int c = 0; c < plan.chains; ++c) {
      m.b[c] = learned_per_token(log_r, plan.passes[c]);
      const double b2 = learned_per_token(log_r, 2.0 * plan.passes[c]);
      m.l1 += tail_tokens[c] * math::log1p(-m.pick * m.b[c]);
      m.l2 += tail_tokens[c] * math::log1p(-m.pick * b2);
    }
    return m;
  };
  auto log_variance_term = [&](double u) {  // k p_k^2 Var(q_k), k = e^u the Jacobian
    const Mode m = mode_at(u);
    const double excess = m.l2 - 2.0 * m.l1;  // log(E[q^2] / E[q]^2) >= 0
    if (!(excess > 0.0)) return -math::infinity;
    // log(e^x - 1) without overflow: x = lambda in the converged regime, far beyond 709.
    const double log_expm1 =
        excess > 30.0 ? excess + math::log1p(-math::exp(-excess)) : math::log(math::expm1(excess));
    return u + 2.0 * m.log_p + 2.0 * m.l1 + log_expm1;
  };
  auto integral = [&](auto&& log_integrand) {  // log of the integral over [u_lo, u_hi]
    // A scale from a coarse scan; an underestimate only tightens the tolerance.
    double S = -math::infinity;
    for (int i = 0; i <= 32; ++i) {
      S = math::fmax(S, log_integrand(u_lo + (u_hi - u_lo) * i / 32.0));
    }
    if (S == -math::infinity) return -math::infinity;     // the summand vanishes everywhere
    if (!(S < math::infinity)) return math::quiet_nan();  // never silently drop a term
    const double value = model::detail::ExactSum::integrate(log_integrand, u_lo, u_hi, S, 1e-8);
    return value > 0.0 ? S + math::log(value) : -math::infinity;
  };

  double V = math::exp(integral(log_variance_term) - 2.0 * plan.scale);
  for (int c = 0; c < plan.chains; ++c) {
    if (!(tail_tokens[c] > 0.0)) continue;
    auto log_covariance_term = [&](double u) {
      const Mode m = mode_at(u);
      const double x = m.pick * m.b[c];
      if (!(x > 0.0)) return -math::infinity;
      return u + m.log_p + m.l1 + math::log(x) - math::log1p(-x);
    };
    const double C = math::exp(integral(log_covariance_term) - plan.scale);
    V -= tail_tokens[c] * C * C;
  }
  // First-order covariance can overshoot by O(lambda^2 / R) where V is tiny; NaN stays NaN.
  return V < 0.0 ? 0.0 : V;
}

}  // namespace detail

// One replica of dL (MODEL.md 4) in units of exp(plan.scale), from the stream g.
KOKKOS_INLINE_FUNCTION double sample_replica(const ReplicaPlan& plan, PhiloxStream& g) {
  using detail::Kind;
  if (plan.kind == Kind::constant) {
    if (math::isnan(plan.scale)) return plan.scale;  // outside the domain: NaN, never a number
    return math::isinf(plan.scale) ? 0.0 : 1.0;
  }
  const double S = plan.scale;
  const double P_beyond = math::exp(plan.log_beyond);
  double P_upto = -math::expm1(plan.log_beyond);  // P(k <= current k), updated going down
  double sum = 0.0;

  if (plan.kind == Kind::with_replacement) {
    // Training set X ~ multinomial(D, p); observations ~ multinomial(tau, X / D). Both are
    // drawn top-down together: given the training tokens and the observations left for modes
    // <= k, mode k takes X_k ~ Bin(left, p_k / P_upto) and n_k ~ Bin(obs left, X_k / left).
    double train_left = plan.D, obs_left = plan.tau;
    const double beyond = binomial(g, train_left, P_beyond);
    obs_left -= binomial(g, obs_left, beyond / train_left);
    train_left -= beyond;
    for (double k = plan.H; k >= 1.0; k -= 1.0) {
      const double log_p = -plan.alpha * math::log(k) - plan.log_zeta;
      const double p = math::exp(log_p);
      const double x = k == 1.0 ? train_left : binomial(g, train_left, p / P_upto);
      const double n = x >= train_left ? obs_left : binomial(g, obs_left, x / train_left);
      train_left -= x;
      obs_left -= n;
      P_upto -= p;
      sum += math::exp(log_p + detail::log_residual(detail::log_rate_keep(plan, log_p), n) - S);
    }
    return sum + math::exp(plan.log_beyond - S);
  }

  double left[2] = {0.0, 0.0}, tail_tokens[2] = {0.0, 0.0};
  for (int c = 0; c < plan.chains; ++c) {
    tail_tokens[c] = binomial(g, plan.count[c], P_beyond);
    left[c] = plan.count[c] - tail_tokens[c];
  }
  for (double k = plan.H; k >= 1.0; k -= 1.0) {
    const double log_p = -plan.alpha * math::log(k) - plan.log_zeta;
    const double p = math::exp(log_p);
    const double theta = k == 1.0 ? 1.0 : p / P_upto;
    double observations = 0.0;
    for (int c = 0; c < plan.chains; ++c) {
      const double x = k == 1.0 ? left[c] : binomial(g, left[c], theta);
      left[c] -= x;
      if (x > 0.0) observations += plan.passes[c] * x;
    }
    P_upto -= p;
    sum += math::exp(log_p +
                     detail::log_residual(detail::log_rate_keep(plan, log_p), observations) - S);
  }
  if (!plan.random_tail) return sum + math::exp(plan.log_beyond - S);
  if (tail_tokens[0] + tail_tokens[1] <= exact_tail_tokens) {
    // Few tail tokens: place each one (file comment). mode[i] was observed seen[i] times.
    double mode[exact_tail_tokens], seen[exact_tail_tokens];
    int distinct = 0;
    for (int c = 0; c < plan.chains; ++c) {
      for (double t = 0.0; t < tail_tokens[c]; t += 1.0) {
        const double k = detail::zipf_tail_mode(g, plan.alpha, plan.H);
        // Beyond M, or inf (p_k = 0, so log p_k would be -inf): never learned, adds nothing.
        if (math::isinf(k) || k > plan.M) continue;
        int i = 0;
        while (i < distinct && mode[i] != k) ++i;
        if (i == distinct) {
          mode[distinct] = k;
          seen[distinct++] = 0.0;
        }
        seen[i] += plan.passes[c];
      }
    }
    double tail = math::exp(plan.log_beyond - S);
    for (int i = 0; i < distinct; ++i) {
      const double log_p = -plan.alpha * math::log(mode[i]) - plan.log_zeta;
      const double log_q = detail::log_residual(detail::log_rate_keep(plan, log_p), seen[i]);
      tail += math::exp(log_p - S) * math::expm1(log_q);  // - p_k (1 - q_k)
    }
    return sum + tail;
  }
  const double mean = math::exp(detail::log_tail_mean(plan, tail_tokens) - S);
  const double sd = math::sqrt(detail::tail_variance(plan, tail_tokens));
  return sum + mean + sd * g.normal();
}

}  // namespace modesweep::mc
