// The exact expected reducible loss dL(N, D, tau) of MODEL.md section 3, device-safe.
//
// Design (why it is exact and why its cost does not grow with N, D, tau):
//   zeta(alpha) dL = sum_{k<=M} f(k) + zeta(alpha, M+1),   f(k) = k^(-alpha) E[q_k].
// f extends to real k as a smooth function: log E[q_k] = l(k) is a combination of log1p/expm1
// of powers of k, with one kink where r_k starts to be clamped at 0 (beta < 1), at which the
// sum is split. Three parts:
//  1. Head, k < K: summed term by term, from the top down; terms 80 e-folds below the
//     largest are dropped, so the head costs O(transition width), not O(K).
//  2. Body, K <= k <= M: Euler-Maclaurin with 8 Bernoulli corrections at each end,
//        sum_{k=a}^b f(k) = int_a^b f + (f(a)+f(b))/2 + sum_j B_2j/(2j)! [f^(2j-1)]_a^b + R,
//     the derivatives exact by Taylor-mode AD (jet.hpp). K >= K0 = 16 + alpha bounds the
//     power-law part of R by (alpha)_17 / (2 pi K)^16; em_start() then moves K up until the
//     exponential part, ~ 2 f(k) k (lambda(k) / 2 pi)^16 with the local rate
//     lambda = (alpha + k l'(k)) / k, is below e^-32 of dL wherever lambda > 1.
//     The integral is taken in u = log k. Where E[q] < 1/2 the integrand is
//     exp((1-alpha)u + l), by adaptive 10-point Gauss-Legendre from where E[q] becomes
//     negligible. Where E[q] >= 1/2 it is split as k^(-alpha) - k^(-alpha)(1 - E[q]): the
//     first part analytically, the second (decaying like exp(-kappa u)) by Gauss-Laguerre,
//     20 against 32 nodes, with tanh-sinh as the fallback. The subtraction loses at most
//     one bit (E[q] >= 1/2), and alpha -> 1 costs nothing. Where E[q] = (1 - x)^T with x a
//     power of k (one kind of pass: tau = inf, D = inf, tau <= D, or a clamped rate), the
//     second part is a fast binomial series instead, and the landmarks below are
//     closed-form (binomial_form).
//  3. Tail, k > M: log Hurwitz zeta (hurwitz_zeta.hpp).
// Everything is carried as logs relative to a common scale S ~ log dL, so dL down to
// 1e-2000 (M = 1e240, alpha = 10) keeps full relative precision.
// E[q_k] is monotone in k: with w_n(p) = p (1 - (1 - a(p))^n) and a = min(1, c p^(beta-1)),
// dw_n/dp >= 0 for every beta > 0 (for beta < 1 it is 1 - b^n - n(1-beta)(1-b)b^(n-1) >= 0,
// b = 1 - a), so l(k) increases with k; the root finders below rely on it.
#pragma once

#include <Kokkos_Core.hpp>

#include "modesweep/model/gauss_laguerre.hpp"
#include "modesweep/model/gauss_legendre.hpp"
#include "modesweep/model/hurwitz_zeta.hpp"
#include "modesweep/model/jet.hpp"
#include "modesweep/model/math.hpp"
#include "modesweep/model/point.hpp"
#include "modesweep/model/tanh_sinh.hpp"

namespace modesweep::model {

namespace detail {

inline constexpr int em_corrections = 8;                 // Bernoulli terms B_2 .. B_16
inline constexpr int em_jet_order = 2 * em_corrections;  // derivatives up to f^(15)
inline constexpr double rate_max = 1.0;                  // lambda_max above
inline constexpr double head_drop_efolds = 80.0;
inline constexpr double quadrature_rtol = 1e-10;
inline constexpr double tanh_sinh_tol = 1e-12;
inline constexpr double laguerre_tol = 1e-11;
inline constexpr double two_pi = 6.283185307179586;

// B_2j / (2j), j = 1..8: the Euler-Maclaurin weights once f^(2j-1) = (2j-1)! F_(2j-1) f.
KOKKOS_INLINE_FUNCTION double bernoulli_over_index(int j) {
  static constexpr double v[] = {1.0 / 12.0,  -1.0 / 120.0,     1.0 / 252.0, -1.0 / 240.0,
                                 1.0 / 132.0, -691.0 / 32760.0, 1.0 / 12.0,  -3617.0 / 8160.0};
  return v[j - 1];
}

enum class Regime : int {
  general = 0,    // D, tau finite
  data_only = 1,  // tau = inf: E[q] = (1 - p)^D, the missing mass
  time_only = 2,  // D = inf: E[q] = (1 - min(p, c p^beta))^tau
};

// Jets of r^e with whole e up to this are taken by products (Survival::log_survival).
inline constexpr double max_power_epochs = 64.0;

// x^n for a whole n >= 1, by binary powering.
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> integer_power(const Jet<N>& x, double n) {
  Jet<N> result = Jet<N>::constant(1.0), base = x;
  for (auto m = static_cast<unsigned>(n); m > 0; m >>= 1) {
    if (m & 1u) result = result * base;
    if (m > 1) base = base * base;
  }
  return result;
}

// The summand's survival log l = log E[q_k] as a function of log p_k (MODEL.md 2-3).
struct Survival {
  Regime regime = Regime::general;
  double log_c = 0.0;
  double beta_minus_1 = 0.0;
  double D = 0.0;
  double tau = 0.0;
  double epochs = 0.0;   // e = floor(tau / D)
  double partial = 0.0;  // s = tau - e D: positions seen e + 1 times
  double rest = 0.0;     // D - s: positions seen e times
  // log of (chance a token is mode k) / p_k. 0 for the model itself; the Monte Carlo tail
  // (mc/count_sampler.hpp) conditions on R tokens among modes k > K, each mode k with
  // chance p_k / P(k > K), and sets it to -log P(k > K). The learning rate keeps using p_k.
  double log_pick = 0.0;

  // r_k is clamped at 0 (one observation learns the mode) where c p^(beta-1) >= 1. The
  // 1e-15 slack keeps a = 1 - O(eps) out of log1p(-a).
  KOKKOS_INLINE_FUNCTION bool clamped(double log_p) const {
    return log_c + beta_minus_1 * log_p >= -1e-15;
  }

  // log a = log c + (beta - 1) log p on the unclamped branch, kept below -1e-15 so that a
  // different rounding of log p near the kink cannot push a past 1.
  template <int N>
  KOKKOS_INLINE_FUNCTION Jet<N> log_rate(const Jet<N>& log_p) const {
    Jet<N> log_a = add_constant(beta_minus_1 * log_p, log_c);
    log_a.c[0] = math::fmin(log_a.c[0], -1e-15);
    return log_a;
  }

  // An upper bound of log(1 - E[q_k]) = log(-expm1(l)) that costs no libm call per mode:
  // 1 - E[q] <= min(1, -l), and -l <= T x / (1 - x) where x <= e^-1 is the chance that one
  // of the T positions (T = D, or tau for D = inf) teaches the mode (-log1p(-x) <= x / (1 - x)
  // <= 1.582 x), with x <= p min(1, n a) after n <= e + 1 passes (1 - r^n <= min(1, n a)).
  struct LearnedBound {
    double log_positions;  // log T
    double log_passes;     // log n: 0 but in the general regime; a rate a >= 1/n caps x at p
    double log_pick, log_c, beta_minus_1;
    KOKKOS_INLINE_FUNCTION double log_at(double log_p, bool is_clamped) const {
      const double log_x = log_p + log_pick;
      if (log_x > -1.0) return 0.0;
      constexpr double log_series = 0.46;  // log(1 / (1 - e^-1)) rounded up
      const double log_a = is_clamped ? 0.0 : log_c + beta_minus_1 * log_p;
      return math::fmin(0.0,
                        log_positions + log_x + math::fmin(0.0, log_passes + log_a) + log_series);
    }
  };
  KOKKOS_INLINE_FUNCTION LearnedBound learned_bound() const {
    LearnedBound b{0.0, 0.0, log_pick, log_c, beta_minus_1};
    if (regime == Regime::data_only) {
      b.log_positions = math::log(D);
      b.log_passes = math::infinity;  // every pass teaches: x = p
    } else if (regime == Regime::time_only) {
      b.log_positions = math::log(tau);
    } else {
      b.log_positions = math::log(partial + rest);  // D (the Monte Carlo tail sets no D)
      b.log_passes = math::log(epochs + 1.0);
    }
    return b;
  }

  // 1 - r^(e+1) and 1 - r^e for a rate a < 1 and e >= 1 epochs: W_n / p of log_survival.
  // With r = 1 - a and X = r^e - 1 = expm1(e log r) <= 0 they are a - r X and -X, sums of
  // non-negative terms, so the first needs no second expm1.
  template <int N>
  KOKKOS_INLINE_FUNCTION void pass_chances(const Jet<N>& a, Jet<N>& more, Jet<N>& fewer) const {
    const Jet<N> r = add_constant(-a, 1.0);
    Jet<N> r_e_minus_1;
    if (N > 2 && epochs <= max_power_epochs) {
      // Near the clamping kink r is small, and the Taylor coefficients of exp(e log r) come
      // from terms of size (r'/r)^n that cancel (r^e is a polynomial in r); the
      // Euler-Maclaurin ends need up to the 15th. Products of r keep them exact; the value
      // keeps expm1's accuracy.
      r_e_minus_1 = add_constant(integer_power(r, epochs), -1.0);
      r_e_minus_1.c[0] = math::expm1(epochs * math::log1p(-a.c[0]));
    } else {
      r_e_minus_1 = expm1(epochs * log1p(-a));
    }
    fewer = -r_e_minus_1;
    more = a + -(r * r_e_minus_1);
  }

  template <int N>
  KOKKOS_INLINE_FUNCTION Jet<N> log_survival(const Jet<N>& log_p, bool is_clamped) const {
    const Jet<N> log_pick_p = add_constant(log_p, log_pick);
    const Jet<N> p = exp(log_pick_p);
    if (regime == Regime::data_only) return D * log1p(-p);
    if (regime == Regime::time_only) {
      if (is_clamped) return tau * log1p(-p);
      return tau * log1p(-exp(log_rate(log_p) + log_pick_p));
    }
    // general: W_n = p (1 - r^n) is the chance that one position teaches mode k over n passes.
    Jet<N> w_more, w_fewer;  // n = e + 1 and n = e
    if (is_clamped) {
      w_more = p;
      w_fewer = epochs > 0.0 ? p : Jet<N>::constant(0.0);
    } else {
      const Jet<N> a = exp(log_rate(log_p));
      if (epochs > 0.0) {
        Jet<N> more, fewer;
        pass_chances(a, more, fewer);
        w_fewer = p * fewer;
        w_more = p * more;
      } else {
        w_more = p * a;
        w_fewer = Jet<N>::constant(0.0);
      }
    }
    Jet<N> result = Jet<N>::constant(0.0);
    if (partial > 0.0) result = result + partial * log1p(-w_more);
    if (rest > 0.0 && epochs > 0.0) result = result + rest * log1p(-w_fewer);
    return result;
  }

  // log E[q] of the mode whose log p is log_p, on the branch that applies there.
  KOKKOS_INLINE_FUNCTION double log_survival_at(double log_p) const {
    return log_survival(Jet<1>::constant(log_p), clamped(log_p)).value();
  }
};

// Running sum of positive and negative terms given by their logs, in units of exp(scale).
struct ScaledSum {
  double scale;
  double value = 0.0;
  KOKKOS_INLINE_FUNCTION explicit ScaledSum(double s) : scale(s) {}
  KOKKOS_INLINE_FUNCTION void add_log(double log_term) { value += math::exp(log_term - scale); }
};

class ExactSum {
 public:
  KOKKOS_INLINE_FUNCTION ExactSum(double alpha, double log_zeta, const Survival& survival)
      : alpha_(alpha), log_zeta_(log_zeta), s_(survival) {}

  // log of sum_{k=first}^{M} p_k E[q_k] + sum_{k>M} p_k for integers 1 <= first <= M
  // (M = inf allowed). first > 1 is the Monte Carlo tail (see Survival::log_pick).
  KOKKOS_INLINE_FUNCTION double log_value(double M, double first = 1.0) const {
    const bool finite_M = !math::isinf(M);
    const double u_max = finite_M ? math::log(M) : math::infinity;
    const double u_first = math::log(first);

    // Landmark: u_half, where E[q] = 1/2 (u = log k; l is continuous and increasing).
    const double l_first = survival_at(u_first);
    const double l_last = finite_M ? survival_at(u_max) : 0.0;
    double u_half;
    if (l_first >= -math::ln2)
      u_half = u_first;
    else if (finite_M && l_last < -math::ln2)
      u_half = u_max;
    else
      u_half = solve_survival(math::ln2, u_first, u_max);

    // Scale S ~ log dL from lower bounds of dL: the first term, the tail, and half the
    // mass beyond u_half (or the last term when E[q] < 1/2 up to M).
    const double log_tail =
        finite_M ? log_hurwitz_zeta(alpha_, M + 1.0) - log_zeta_ : -math::infinity;
    double scale = math::fmax(log_p_of(u_first) + l_first, log_tail);
    if (u_half < u_max)
      scale = math::fmax(scale, log_power_mass(u_half, u_max) - math::ln2);
    else
      scale = math::fmax(scale, log_p_of(u_max) + l_last);
    if (math::isinf(scale)) return scale;  // only when every part is exactly zero

    const double K = em_start(math::fmax(16.0 + math::ceil(alpha_), first), M, u_max, scale);

    // Head, summed from the top down (see file comment) in its own scale.
    double head_scale = -math::infinity, head_value = 0.0, previous = math::infinity;
    for (double k = math::fmin(K - 1.0, M); k >= first; k -= 1.0) {
      const double u = math::log(k);
      const double t = log_p_of(u) + survival_at(u);
      if (t > head_scale) {
        head_value = head_value * math::exp(head_scale - t) + 1.0;
        head_scale = t;
      } else {
        head_value += math::exp(t - head_scale);
      }
      if (t < head_scale - head_drop_efolds && t < previous) break;
      previous = t;
    }
    const double log_head = head_value > 0.0 ? head_scale + math::log(head_value) : -math::infinity;
    scale = math::fmax(scale, log_head);

    // Body: Euler-Maclaurin pieces, split at the clamping kink.
    Piece pieces[2];
    const int n_pieces = K <= M ? split_body(K, M, pieces) : 0;
    double u_lo = u_half;  // the g-form integral starts here: below, E[q] is negligible
    if (n_pieces > 0 && u_half > math::log(K)) {
      const double y_lo = negligible_survival(u_half);
      const double uK = math::log(K);
      u_lo = survival_at(uK) < -y_lo ? solve_survival(y_lo, uK, u_half) : uK;
    }

    // Sum in units of exp(scale); redo with a corrected scale if the guess was far off.
    for (int attempt = 0; attempt < 3; ++attempt) {
      ScaledSum total(scale);
      total.add_log(log_head);
      total.add_log(log_tail);
      for (int i = 0; i < n_pieces; ++i) add_piece(pieces[i], u_lo, u_half, total);
      if (total.value > 1e-200 && total.value < 1e200) return scale + math::log(total.value);
      if (!(total.value > 0.0)) return scale + math::log(math::fmax(total.value, 0.0));
      scale += math::log(total.value);
    }
    return scale;
  }

  // log of sum_{k>=a} p_k (1 - E[q_k]) for an integer a >= 2 beyond the learning front
  // (E[q_a] >= 1/2), the mass that dL(inf) gains back when M shrinks from inf to a - 1:
  //   dL(a - 1) = dL(inf) + sum_{k>=a} p_k (1 - E[q_k])   (MODEL.md 3).
  // Euler-Maclaurin from a as in log_value, for g = p (1 - E[q]) in place of f: the integral
  // by the same Gauss-Laguerre rules (tanh-sinh as fallback), the end corrections from a jet
  // of log g. Returns NaN where that does not apply: a before the front, or g still too
  // steep at an end for 8 corrections, 2 g(x) x (lambda / 2 pi)^16 > e^-36 g(x); the caller
  // then sums dL(a - 1) in full. D and tau must not both be inf.
  KOKKOS_INLINE_FUNCTION double log_learned_beyond(double a) const {
    // From a >= 16 + s, s = alpha + nu the decay exponent of g, the power-law part of the
    // remainder, (s)_17 / (2 pi a)^16, is negligible (as K0 = 16 + alpha in log_value).
    if (a < 16.0 + math::ceil(alpha_ + tail_exponent())) return math::quiet_nan();
    if (!(survival_at(math::log(a)) >= -math::ln2)) return math::quiet_nan();
    Piece pieces[2];
    const int n_pieces = split_body(a, math::infinity, pieces);
    for (int i = 0; i < n_pieces; ++i) {
      if (!learned_endpoint_converges(pieces[i].a, pieces[i].clamped)) return math::quiet_nan();
      if (!math::isinf(pieces[i].b) &&
          !learned_endpoint_converges(pieces[i].b, pieces[i].clamped)) {
        return math::quiet_nan();
      }
    }
    // Scale: the integral of g from a is about g(a) a / kappa <= g(a) a.
    const double ua = math::log(a);
    const double scale = log_p_of(ua) + log_learned_share_at(ua, pieces[0].clamped) + ua;
    ScaledSum total(scale);
    const double kappa = alpha_ - 1.0 + tail_exponent();
    for (int i = 0; i < n_pieces; ++i) {
      const Piece& piece = pieces[i];
      const double u0 = math::log(piece.a);
      const bool finite_b = !math::isinf(piece.b);
      const double u1 = finite_b ? math::log(piece.b) : math::infinity;
      total.value += learned_integral(u0, u1, piece.clamped, kappa, scale);
      add_learned_endpoint(piece.a, piece.clamped, -1.0, total);
      if (finite_b) add_learned_endpoint(piece.b, piece.clamped, +1.0, total);
    }
    return total.value > 0.0 ? scale + math::log(total.value) : math::quiet_nan();
  }

 private:
  struct Piece {
    double a = 1.0, b = 1.0;  // integer range, b may be inf
    bool clamped = false;
  };

  double alpha_;
  double log_zeta_;
  Survival s_;

  KOKKOS_INLINE_FUNCTION double log_p_of(double u) const { return -alpha_ * u - log_zeta_; }

  // l(u) on the branch that applies at u.
  KOKKOS_INLINE_FUNCTION double survival_at(double u) const {
    return s_.log_survival_at(log_p_of(u));
  }
  KOKKOS_INLINE_FUNCTION double survival_branch(double u, bool clamped) const {
    return s_.log_survival(Jet<1>::constant(log_p_of(u)), clamped).value();
  }
  // l and dl/dk at k = x (a Jet<2> in k).
  KOKKOS_INLINE_FUNCTION Jet<2> survival_slope(double x) const {
    const Jet<2> log_p = log_p_jet<2>(x);
    return s_.log_survival(log_p, s_.clamped(log_p.value()));
  }
  // log p_k as a jet in k at x.
  template <int N>
  KOKKOS_INLINE_FUNCTION Jet<N> log_p_jet(double x) const {
    return add_constant((-alpha_) * jet_log_of_variable<N>(x), -log_zeta_);
  }

  // Decay exponent nu of 1 - E[q_k] ~ k^(-nu) as k -> inf: p a ~ p^beta for beta > 1
  // (a = c p^(beta-1) -> 0), p otherwise (a constant or clamped at 1); the missing mass ~ p.
  KOKKOS_INLINE_FUNCTION double tail_exponent() const {
    const bool rate_matters = s_.regime != Regime::data_only && s_.beta_minus_1 > 0.0;
    return alpha_ * (rate_matters ? 1.0 + s_.beta_minus_1 : 1.0);
  }

  // Where E[q] is negligible: below y = -l = Y the g-form integrand is under e^-40 of its
  // value at u_half even after the (k_half/k)^(alpha-1) growth towards small k, with the
  // local exponent nu = -dl/du / l at u_half: Y - ((alpha-1)/nu) log(Y / log 2) >= 40.
  KOKKOS_INLINE_FUNCTION double negligible_survival(double u_half) const {
    const double x = math::exp(u_half);
    const Jet<2> l = survival_slope(x);
    const double nu = math::fmax(x * l.c[1] / math::fmax(-l.c[0], 1e-300), 1e-3);
    const double q = (alpha_ - 1.0) / nu;
    double y = 40.0;
    for (int i = 0; i < 3; ++i) y = 40.0 + q * math::log(y / math::ln2);
    return math::fmin(y, 700.0);
  }

  // First k >= K0 from which Euler-Maclaurin with em_corrections terms is accurate: the
  // remainder near k is ~ 2 f(k) k (lambda(k) / 2 pi)^16, lambda = (alpha + k l'(k)) / k the
  // local rate, and must stay below e^-32 of dL (~exp(S)) wherever lambda > rate_max. It
  // peaks where -l ~ 16, so the scan steps u by half an e-fold of l; where -l > 400 it is
  // negligible and skipped. Returns M + 1 when no such k <= M exists.
  KOKKOS_INLINE_FUNCTION double em_start(double K0, double M, double u_max, double S) const {
    if (M < K0) return M + 1.0;
    constexpr double y_skip = 400.0;
    double u = math::log(K0);
    if (survival_at(u) < -y_skip) u = solve_survival(y_skip, u, u_max);
    double K = K0;
    for (int it = 0; it < 200 && u <= u_max; ++it) {
      const double x = math::exp(u);
      const Jet<2> l = survival_slope(x);
      const double rate = (alpha_ + x * l.c[1]) / x;
      const double nu = x * l.c[1] / math::fmax(-l.c[0], 1e-300);
      const double step = 0.5 / math::fmax(nu, 1.0);
      const double log_remainder =
          log_p_of(u) + l.c[0] + u + 2.0 * em_corrections * math::log(rate / two_pi) + math::ln2;
      if (log_remainder > S - 32.0) K = math::fmax(K, math::ceil(math::exp(u + step)));
      if (rate <= rate_max) break;
      u += step;
    }
    return K > M ? M + 1.0 : K;
  }

  // Splits [K, M] where the clamping of r_k switches on (beta < 1 only, see Survival).
  KOKKOS_INLINE_FUNCTION int split_body(double K, double M, Piece* pieces) const {
    auto clamped_at = [&](double k) { return s_.clamped(log_p_of(math::log(k))); };
    const bool clamped_K = clamped_at(K);
    const bool clamped_M = math::isinf(M) ? (s_.beta_minus_1 < 0.0 || clamped_K) : clamped_at(M);
    if (clamped_K == clamped_M) {
      pieces[0].a = K;
      pieces[0].b = M;
      pieces[0].clamped = clamped_K;
      return 1;
    }
    // clamped iff log p <= (log c + 1e-15) / (1 - beta): solve for k, then fix rounding.
    const double log_p_kink = (s_.log_c + 1e-15) / (-s_.beta_minus_1);
    double last_free = math::floor(math::exp((-log_p_kink - log_zeta_) / alpha_));
    last_free = math::fmax(K, math::fmin(last_free, M - 1.0));
    for (int i = 0; i < 4 && clamped_at(last_free) && last_free > K; ++i) last_free -= 1.0;
    for (int i = 0; i < 4 && !clamped_at(last_free + 1.0) && last_free + 1.0 < M; ++i) {
      last_free += 1.0;
    }
    pieces[0].a = K;
    pieces[0].b = last_free;
    pieces[0].clamped = false;
    pieces[1].a = last_free + 1.0;
    pieces[1].b = M;
    pieces[1].clamped = true;
    return 2;
  }

  // Root u of l(u) = -target (l increasing in u) in [u0, u1], u1 may be inf; assumes
  // l(u0) < -target. Bracketed secant (Illinois) on log(-l), which is nearly linear in u.
  // Where the law is binomial on a branch (binomial_form), l = T0 log1p(-x) + T1 log1p(-w x)
  // with x = exp(log_rho - mu u): for one factor the root is closed-form, for two Newton's
  // method in x finds it (l is concave in x, so from the closed-form guess of the combined
  // factor the iterates approach the root from above after the first step). A branch's root
  // is the root if it lies on that branch: l is continuous and increasing across the kink.
  KOKKOS_INLINE_FUNCTION double solve_survival(double target, double u0, double u1) const {
    for (int branch = 0; branch < 2; ++branch) {
      const bool clamped = branch == 1;
      const Binomial b = binomial_form(clamped);
      if (!b.applies) continue;
      double x = -math::expm1(-target / (b.T0 + b.T1 * b.w));
      for (int it = 0; b.T1 != 0.0 && it < 30; ++it) {
        const double g = b.T0 * math::log1p(-x) + b.T1 * math::log1p(-b.w * x) + target;
        const double slope = b.T0 / (1.0 - x) + b.T1 * b.w / (1.0 - b.w * x);  // -dg/dx
        const double next = x + g / slope;
        if (!(next > 0.0 && next < 1.0)) {
          x = math::quiet_nan();  // left the domain: Illinois below
          break;
        }
        const bool done = math::fabs(next - x) <= 1e-15 * x;
        x = next;
        if (done) break;
      }
      const double u = (b.log_rho - math::log(x)) / b.mu;
      if (u >= u0 && u <= u1 && s_.clamped(log_p_of(u)) == clamped) return u;
    }
    const double log_target = math::log(target);
    auto F = [&](double u) { return math::log(math::fmax(-survival_at(u), 1e-300)) - log_target; };
    double a = u0, fa = F(u0);
    double b, fb;
    if (math::isinf(u1)) {
      double step = 1.0;
      b = a + step;
      fb = F(b);
      while (fb > 0.0 && step < 1e6) {
        a = b;
        fa = fb;
        step *= 2.0;
        b = a + step;
        fb = F(b);
      }
    } else {
      b = u1;
      fb = F(b);
    }
    int side = 0;
    for (int it = 0; it < 60 && b - a > 1e-6 * (1.0 + math::fabs(a)); ++it) {
      double c = (fa - fb) > 0.0 ? b - fb * (b - a) / (fb - fa) : 0.5 * (a + b);
      if (!(c > a && c < b)) c = 0.5 * (a + b);
      const double fc = F(c);
      if (fc == 0.0) return c;
      if (fc > 0.0) {
        a = c;
        fa = fc;
        if (side == -1) fb *= 0.5;
        side = -1;
      } else {
        b = c;
        fb = fc;
        if (side == 1) fa *= 0.5;
        side = 1;
      }
    }
    return 0.5 * (a + b);
  }

  // log int_{u0}^{u1} exp((1-alpha)u - log zeta) du, u1 may be inf.
  KOKKOS_INLINE_FUNCTION double log_power_mass(double u0, double u1) const {
    const double am1 = alpha_ - 1.0;
    const double span = math::isinf(u1) ? 1.0 : -math::expm1(-am1 * (u1 - u0));
    return -am1 * u0 - log_zeta_ + math::log(span) - math::log(am1);
  }

  // Adds the Euler-Maclaurin sum of one piece to total.
  KOKKOS_INLINE_FUNCTION void add_piece(const Piece& piece, double u_lo, double u_half,
                                        ScaledSum& total) const {
    const double ua = math::log(piece.a);
    const bool finite_b = !math::isinf(piece.b);
    const double ub = finite_b ? math::log(piece.b) : math::infinity;
    const double S = total.scale;
    const bool clamped = piece.clamped;
    const double one_minus_alpha = 1.0 - alpha_;

    // Integral where E[q] < 1/2: exp((1-alpha)u - log zeta + l) in u.
    const double g_lo = math::fmax(ua, u_lo), g_hi = math::fmin(ub, u_half);
    if (g_hi > g_lo) {
      auto g_form = [&](double u) {
        return one_minus_alpha * u - log_zeta_ + survival_branch(u, clamped);
      };
      total.value += integrate(g_form, g_lo, g_hi, S, quadrature_rtol);
    }
    // Where E[q] >= 1/2: the power mass minus the learned part, which decays like
    // exp(-kappa u), kappa = alpha - 1 + nu_tail. Times exp(kappa u) the learned part is a
    // sum of decaying exponentials (1 - e^-y = y - y^2/2 + ..., y ~ k^-nu), which
    // Gauss-Laguerre in kappa (u - h0) integrates to double precision with 32 nodes; the
    // 20-node rule checks it. Where they disagree (mixed regimes), tanh-sinh in
    // s = exp(-kappa (u - h0)) on (0, 1] takes over: its integrand tends to a constant with
    // fractional powers of s, which tanh-sinh integrates without loss.
    const double h0 = math::fmax(ua, u_half);
    if (ub > h0) {
      total.add_log(log_power_mass(h0, ub));
      total.value -= learned_integral(h0, ub, clamped, alpha_ - 1.0 + tail_exponent(), S);
    }
    // Endpoint terms and Bernoulli corrections: + f(a)/2 - C(a) + f(b)/2 + C(b).
    add_endpoint(piece.a, clamped, -1.0, total);
    if (finite_b) add_endpoint(piece.b, clamped, +1.0, total);
  }

  // E[q_k] = (1 - x)^T0 (1 - w x)^T1 with x = exp(log_rho - mu u) a power of k = e^u, where
  // the survival law has that form on a branch (MODEL.md 3). One factor (T1 = 0) where one
  // kind of pass teaches: tau = inf, D = inf, no repeated position, a single epoch, or a
  // clamped rate (every pass teaches x = p). Two for beta = 1 with repeated epochs: the rate
  // a = c is constant, and the s positions seen e + 1 times and the D - s seen e times teach
  // x = p with chances w0 = 1 - r^(e+1) and w = 1 - r^e, r = 1 - c, folded into x and w.
  struct Binomial {
    bool applies = false;
    double T0 = 0.0, T1 = 0.0, w = 0.0;
    double log_rho = 0.0, mu = 0.0;
  };
  KOKKOS_INLINE_FUNCTION Binomial binomial_form(bool clamped) const {
    Binomial b;
    bool rate_power = false;  // x = c p^beta (one pass at rate a = c p^(beta-1)), not x = p
    double log_w0 = 0.0;      // log of the first factor's chance per unit of p (2 factors)
    if (s_.regime == Regime::data_only) {
      b.T0 = s_.D;
    } else if (s_.regime == Regime::time_only) {
      b.T0 = s_.tau;
      rate_power = !clamped;
    } else if (clamped) {
      b.T0 = s_.epochs > 0.0 ? s_.partial + s_.rest : s_.partial;
    } else if (s_.epochs == 0.0 || (s_.epochs == 1.0 && s_.partial == 0.0)) {
      b.T0 = s_.epochs == 0.0 ? s_.partial : s_.rest;
      rate_power = true;
    } else if (s_.beta_minus_1 == 0.0) {
      // the chances per unit of p, as Survival::log_survival takes them (epochs >= 1)
      Jet<1> more, fewer;
      s_.pass_chances(exp(s_.log_rate(Jet<1>::constant(0.0))), more, fewer);
      b.T0 = s_.partial;
      b.T1 = s_.rest;
      b.w = fewer.value() / more.value();
      log_w0 = math::log(more.value());
    } else {
      return b;  // several passes at a rate a ~ p^(beta-1): W_n = p (1 - (1 - a)^n), no power
    }
    const double power = rate_power ? 1.0 + s_.beta_minus_1 : 1.0;
    b.applies = b.T0 > 0.0 || b.T1 > 0.0;
    b.log_rho = s_.log_pick + log_w0 + (rate_power ? s_.log_c : 0.0) - power * log_zeta_;
    b.mu = power * alpha_;
    return b;
  }

  // int_{u0}^{u1} exp((1-alpha)u - log zeta) (1 - E[q]) du / exp(S), u1 may be inf, for the
  // binomial form above, by the binomial series. With E[q] = sum_n e_n x^n (the product of
  // the factors' series, sum_n C(T, n) (-w x)^n) and x = exp(log_rho - mu u), the integral
  // is exp((1-alpha)u0 - log zeta) / mu times
  //   sum_{n>=1} -e_n x0^n / (n + sigma) (1 - (x1/x0)^(n + sigma)),
  // sigma = (alpha - 1) / mu, x0 and x1 the x at u0 and u1. Where E[q] >= 1/2, the exposure
  // y = (T0 + T1 w) x0 <= log 2 (-l >= y); with x0 <= 1/2 each factor's terms then at least
  // halve, whether n < T or n > T, so the sum converges geometrically. The terms'
  // magnitudes add up to the same series for prod (1 + w x0)^T - 1, at most about e^y <= 2
  // times the sum 1 - prod (1 - w x0)^T itself (1.42 at T = 2, x0 = 0.35): cancellation
  // costs at most one bit. It costs two exp and O(terms^2) flops where Gauss-Laguerre costs
  // about 50 evaluations of the survival. Returns false where x0 > 1/2 or y > 1.
  KOKKOS_INLINE_FUNCTION bool binomial_learned_integral(const Binomial& b, double u0, double u1,
                                                        double S, double& result) const {
    const double log_x0 = b.log_rho - b.mu * u0;
    if (!(log_x0 <= -math::ln2)) return false;
    const double x0 = math::exp(log_x0);
    if (!((b.T0 + b.T1 * b.w) * x0 <= 1.0)) return false;
    const double sigma = (alpha_ - 1.0) / b.mu;
    // left = 1 - (x1/x0)^(n + sigma), by left_(n+1) = left_n + (1 - left_n)(1 - x1/x0): the
    // sum of two non-negative terms, so no cancellation where x1 is close to x0.
    double left = 1.0, step = 0.0;
    if (!math::isinf(u1)) {
      const double log_ratio = -b.mu * (u1 - u0);
      left = -math::expm1((1.0 + sigma) * log_ratio);
      step = -math::expm1(log_ratio);
    }
    // f0[n], f1[n]: the factors' coefficients C(T, n) (-w)^n x0^(n-1) for n >= 1, so that
    // e_n x0^n / x0 = f0[n] + f1[n] + x0 sum_{k=1}^{n-1} f0[k] f1[n-k]; the factor x0 is kept
    // out (taken in log space below: it can be subnormal where the result is not).
    constexpr int max_terms = 100;
    double f0[max_terms + 1], f1[max_terms + 1];
    f0[1] = -b.T0;
    f1[1] = -b.T1 * b.w;
    double sum = 0.0;
    bool converged = false;
    for (int n = 1; n <= max_terms; ++n) {
      if (n > 1) {
        f0[n] = f0[n - 1] * (-(b.T0 - (n - 1)) * x0 / n);
        f1[n] = f1[n - 1] * (-(b.T1 - (n - 1)) * b.w * x0 / n);
      }
      double coefficient = f0[n] + f1[n], bound = math::fabs(f0[n]) + math::fabs(f1[n]);
      if (b.T1 != 0.0) {
        double cross = 0.0, cross_bound = 0.0;
        for (int k = 1; k < n; ++k) {
          cross += f0[k] * f1[n - k];
          cross_bound += math::fabs(f0[k] * f1[n - k]);
        }
        coefficient += x0 * cross;
        bound += x0 * cross_bound;
      }
      sum -= coefficient * left / (n + sigma);
      // what is left of the sum is below about twice the bound of this term
      if (bound <= 1e-19 * (n + sigma) * math::fabs(sum)) {
        converged = true;
        break;
      }
      left += (1.0 - left) * step;
    }
    if (!converged) return false;
    result = sum * math::exp(log_x0 + (1.0 - alpha_) * u0 - log_zeta_ - S) / b.mu;
    return true;
  }

  // int_{u0}^{u1} exp((1-alpha)u - log zeta) (1 - E[q]) du / exp(S) where E[q] >= 1/2
  // (u1 may be inf): the binomial series where the survival law is a single binomial;
  // otherwise Gauss-Laguerre, or tanh-sinh where the two rules disagree (add_piece).
  // Gauss-Laguerre integrates to inf and subtracts the part beyond u1, so its integrand must
  // stay smooth beyond u1. An unclamped piece with beta < 1 has the clamping kink somewhere
  // beyond its end (Survival::log_rate caps a below 1): there tanh-sinh on [u0, u1] alone is
  // used. Measured: Gauss-Laguerre across that kink erred by up to 2e-12 (learning rates down
  // to 1e-4, against the long-double direct sum), tanh-sinh by 4e-15.
  KOKKOS_INLINE_FUNCTION double learned_integral(double u0, double u1, bool clamped, double kappa,
                                                 double S) const {
    const double one_minus_alpha = 1.0 - alpha_;
    auto learned_form = [&](double u) {
      const double l = survival_branch(u, clamped);
      return one_minus_alpha * u - log_zeta_ + math::log(-math::expm1(l));
    };
    auto learned_scaled = [&](double u, double shift) {
      const double l = survival_branch(u, clamped);
      return math::exp(one_minus_alpha * u - log_zeta_ + shift) * -math::expm1(l);
    };
    double learned;
    const Binomial binomial = binomial_form(clamped);
    if (binomial.applies && binomial_learned_integral(binomial, u0, u1, S, learned)) {
      return learned;
    }
    const bool kink_beyond =
        !clamped && s_.beta_minus_1 < 0.0 && !math::isinf(u1) && s_.regime != Regime::data_only;
    const Survival::LearnedBound bound = s_.learned_bound();
    auto learned_log_bound = [&](double u) {
      const double log_p = log_p_of(u);
      return log_p + u + bound.log_at(log_p, clamped);  // log p + u = (1-alpha)u - log zeta
    };
    if (kink_beyond ||
        !integrate_exponential_tail(learned_scaled, learned_log_bound, u0, u1, kappa, S, learned)) {
      const double s_min = math::isinf(u1) ? 0.0 : math::exp(-kappa * (u1 - u0));
      const double log_kappa = math::log(kappa);
      auto in_s = [&](double s) {
        const double log_s = math::log(s);
        return learned_form(u0 - log_s / kappa) - log_kappa - log_s;
      };
      learned = integrate_tanh_sinh(in_s, s_min, 1.0, S, tanh_sinh_tol);
    }
    return learned;
  }

  // log(1 - E[q]) on the branch that applies at u.
  KOKKOS_INLINE_FUNCTION double log_learned_share_at(double u, bool clamped) const {
    return math::log(-math::expm1(survival_branch(u, clamped)));
  }

  // log g = log p + log(1 - E[q]) as a jet in k at x.
  template <int N>
  KOKKOS_INLINE_FUNCTION Jet<N> log_learned_jet(double x, bool clamped) const {
    const Jet<N> log_p = log_p_jet<N>(x);
    return log_p + log(-expm1(s_.log_survival(log_p, clamped)));
  }

  // Whether 8 Euler-Maclaurin corrections suffice for g at x (log_learned_beyond).
  KOKKOS_INLINE_FUNCTION bool learned_endpoint_converges(double x, bool clamped) const {
    const double rate = math::fabs(log_learned_jet<2>(x, clamped).c[1]);
    return math::ln2 + math::log(x) + 2.0 * em_corrections * math::log(rate / two_pi) <= -36.0;
  }

  // g(x)/2 + side * sum_j B_2j/(2j)! g^(2j-1)(x), as add_endpoint does for f.
  KOKKOS_INLINE_FUNCTION void add_learned_endpoint(double x, bool clamped, double side,
                                                   ScaledSum& total) const {
    const double u = math::log(x);
    if (log_p_of(u) + log_learned_share_at(u, clamped) < total.scale - 80.0) return;
    if (x >= short_end_start &&
        add_end_terms(log_learned_jet<short_end_order>(x, clamped), side, total, true)) {
      return;
    }
    add_end_terms(log_learned_jet<em_jet_order>(x, clamped), side, total, false);
  }

  // f(x)/2 + side * sum_j B_2j/(2j)! f^(2j-1)(x), derivatives from a jet of log f.
  KOKKOS_INLINE_FUNCTION void add_endpoint(double x, bool clamped, double side,
                                           ScaledSum& total) const {
    // An end term far below dL (em_start keeps f (lambda/2pi)^16 below it, so the
    // corrections are within a factor lambda^15 of f) is skipped without its jet.
    const double u = math::log(x);
    if (log_p_of(u) + survival_branch(u, clamped) < total.scale - 80.0) return;
    if (x >= short_end_start) {
      const Jet<short_end_order> log_p = log_p_jet<short_end_order>(x);
      if (add_end_terms(log_p + s_.log_survival(log_p, clamped), side, total, true)) return;
    }
    const Jet<em_jet_order> log_p = log_p_jet<em_jet_order>(x);
    add_end_terms(log_p + s_.log_survival(log_p, clamped), side, total, false);
  }

  // Far from the head (x >= 100) the corrections mostly fall off fast: measured on the
  // benchmark points, every end there needed at most 3 of the 8 to reach 1e-18 of dL, and
  // most ends below 100 needed 5 to 8. So such an end first takes a jet of order 8 (a quarter
  // of the cost of 16) and keeps it when its 4th correction is below e^-46 of dL and smaller
  // than the 3rd. That is a test, not a bound (as em_start's estimate is): for the functions
  // summed here the Taylor coefficients fall like (1/x)^n or A^n / n! and B_2j / (2j) grows
  // slower, so the later corrections are smaller still; it could only be fooled by an end
  // where the 7th derivative happens to cross zero, within ~1e-10 of the crossing.
  static constexpr double short_end_start = 100.0;
  static constexpr int short_end_order = em_jet_order / 2;

  // h(x)/2 + side * sum_j B_2j/(2j)! h^(2j-1)(x) from the jet of log h at x (f or g), with
  // Order / 2 corrections. With negligible_tail, adds nothing and returns false unless the
  // last correction is negligible and smaller than the one before (above).
  template <int Order>
  KOKKOS_INLINE_FUNCTION static bool add_end_terms(Jet<Order> log_h, double side, ScaledSum& total,
                                                   bool negligible_tail) {
    const double log_hx = log_h.c[0];
    log_h.c[0] = 0.0;
    const Jet<Order> relative = exp(log_h);  // Taylor coefficients of h / h(x)
    double correction = 0.5, last = 0.0, before_last = 0.0;
    for (int j = 1; j <= Order / 2; ++j) {
      before_last = last;
      last = bernoulli_over_index(j) * relative.c[2 * j - 1];
      correction += side * last;
    }
    const double unit = math::exp(log_hx - total.scale);
    if (negligible_tail &&
        !(math::fabs(last) * unit <= 1e-20 && math::fabs(last) <= math::fabs(before_last))) {
      return false;
    }
    total.value += correction * unit;
    return true;
  }

 public:
  // Adaptive 10-point Gauss-Legendre of exp(log_integrand(x) - S) over [x0, x1]: a panel is
  // accepted when its two halves agree with it to tol * (share of the range); the halves'
  // sum is kept, whose error is far below that difference for smooth integrands.
  template <class LogIntegrand>
  KOKKOS_INLINE_FUNCTION static double integrate(const LogIntegrand& log_integrand, double x0,
                                                 double x1, double S, double tol) {
    if (!(x1 > x0)) return 0.0;
    auto panel = [&](double lo, double hi) {
      const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
      double sum = 0.0;
      for (int i = 0; i < gauss_legendre_half; ++i) {
        const double dx = half * gauss_legendre_node(i);
        sum += gauss_legendre_weight(i) *
               (math::exp(log_integrand(mid - dx) - S) + math::exp(log_integrand(mid + dx) - S));
      }
      return sum * half;
    };
    constexpr int max_stack = 48;
    constexpr int max_panels = 400;
    double lo_stack[max_stack], hi_stack[max_stack], q_stack[max_stack];
    lo_stack[0] = x0;
    hi_stack[0] = x1;
    q_stack[0] = panel(x0, x1);
    int top = 1, panels = 1;
    double result = 0.0;
    const double width = x1 - x0;
    while (top > 0) {
      --top;
      const double lo = lo_stack[top], hi = hi_stack[top], q = q_stack[top];
      const double mid = 0.5 * (lo + hi);
      const double q_left = panel(lo, mid), q_right = panel(mid, hi);
      panels += 2;
      if (math::fabs(q_left + q_right - q) <= tol * (hi - lo) / width || top + 2 > max_stack ||
          panels >= max_panels) {
        result += q_left + q_right;
      } else {
        lo_stack[top] = mid;
        hi_stack[top] = hi;
        q_stack[top] = q_right;
        lo_stack[top + 1] = lo;
        hi_stack[top + 1] = mid;
        q_stack[top + 1] = q_left;
        top += 2;
      }
    }
    return result;
  }

 private:
  // int_{u0}^{u1} g(u) du / exp(S) for an integrand decaying like exp(-kappa u), given as
  // scaled(u, shift) = g(u) exp(shift) (the caller folds the shift into its one exp):
  // Gauss-Laguerre in t = kappa (u - u0), the part beyond a finite u1 subtracted the same
  // way. Returns false when the 20- and 32-node rules disagree by more than laguerre_tol
  // (then the integrand is not a sum of decaying exponentials). log_bound(u) >= log g(u) is
  // cheap: a node whose weighted bound is below e^-45 (of exp(S), the unit of the result) is
  // skipped, since it cannot change the sum; most nodes beyond t = 40 are (weights < 1e-17).
  template <class ScaledIntegrand, class LogBound>
  KOKKOS_INLINE_FUNCTION static bool integrate_exponential_tail(const ScaledIntegrand& scaled,
                                                                const LogBound& log_bound,
                                                                double u0, double u1, double kappa,
                                                                double S, double& result) {
    const double shift = -S - math::log(kappa);
    constexpr double log_negligible = -45.0;
    auto rules = [&](double from, double& coarse, double& fine) {
      coarse = 0.0;
      fine = 0.0;
      for (int i = 0; i < gauss_laguerre_20_size; ++i) {
        const double u = from + gauss_laguerre_20_node(i) / kappa;
        const double log_weight = shift + gauss_laguerre_20_log_weight(i);
        if (log_weight + log_bound(u) >= log_negligible) coarse += scaled(u, log_weight);
      }
      for (int i = 0; i < gauss_laguerre_32_size; ++i) {
        const double u = from + gauss_laguerre_32_node(i) / kappa;
        const double log_weight = shift + gauss_laguerre_32_log_weight(i);
        if (log_weight + log_bound(u) >= log_negligible) fine += scaled(u, log_weight);
      }
    };
    double coarse, fine;
    rules(u0, coarse, fine);
    if (!(math::fabs(fine - coarse) <= laguerre_tol)) return false;
    result = fine;
    // The part beyond u1 is at most about g(u1) / kappa (the integrand decays at least like
    // exp(-kappa u) there); skip it when that is negligible.
    if (!math::isinf(u1) && scaled(u1, shift) > laguerre_tol * 4.5e-5) {  // e^-10 margin
      rules(u1, coarse, fine);
      if (!(math::fabs(fine - coarse) <= laguerre_tol)) return false;
      result -= fine;
    }
    return true;
  }

  // Tanh-sinh quadrature of exp(log_integrand(x) - S) over [x0, x1]: x = mid + half *
  // tanh(pi/2 sinh t), trapezoid in t with step h halved per level (nodes are reused, from
  // the table in tanh_sinh.hpp) until two levels agree to tol; the error then is of the
  // order of that difference squared. Algebraic endpoint singularities do not slow it down.
  template <class LogIntegrand>
  KOKKOS_INLINE_FUNCTION static double integrate_tanh_sinh(const LogIntegrand& log_integrand,
                                                           double x0, double x1, double S,
                                                           double tol) {
    if (!(x1 > x0)) return 0.0;
    const double width = x1 - x0;
    auto pair = [&](int j) {  // nodes at +t and -t
      const double near = width * tanh_sinh_near(j);
      const double w = width * tanh_sinh_weight(j);
      double sum = 0.0;
      if (x1 - near < x1) sum += math::exp(log_integrand(x1 - near) - S);
      if (x0 + near > x0) sum += math::exp(log_integrand(x0 + near) - S);
      return w * sum;
    };
    int stride = tanh_sinh_steps_per_unit / 2;  // h = 1/2
    double sum = width * tanh_sinh_weight(0) * math::exp(log_integrand(0.5 * (x0 + x1)) - S);
    for (int j = stride; j <= tanh_sinh_last; j += stride) sum += pair(j);
    double estimate = sum * stride / tanh_sinh_steps_per_unit;
    while (stride > 1) {
      stride /= 2;
      for (int j = stride; j <= tanh_sinh_last; j += 2 * stride) sum += pair(j);
      const double refined = sum * stride / tanh_sinh_steps_per_unit;
      const double change = math::fabs(refined - estimate);
      estimate = refined;
      if (change <= tol) break;
    }
    return estimate;
  }
};

// Capacity cutoff M = floor(c_N N^gamma) (MODEL.md 2); inf for N = inf. Inputs are decimal
// numbers rounded to binary and pow may differ by ulps between host and device, so a value
// within 1e-14 (relative) below an integer counts as that integer: c_N = 0.7, N = 10 gives
// M = 7 as the user means, not 6 from the double 0.6999...96 * 10. The mpmath reference
// uses the same convention.
inline constexpr double capacity_integer_slack = 1e-14;
KOKKOS_INLINE_FUNCTION double capacity_cutoff(double N, double gamma, double capacity_scale) {
  if (math::isinf(N)) return math::infinity;
  return math::floor(capacity_scale * math::pow(N, gamma) * (1.0 + capacity_integer_slack));
}

// The survival law of a (beta, D, tau) setting: regime, epochs e and partial epoch s
// (MODEL.md 2-3). D and tau must not both be inf.
KOKKOS_INLINE_FUNCTION Survival make_survival(double beta, double D, double tau,
                                              double learning_rate) {
  Survival s;
  s.log_c = math::log(learning_rate);
  s.beta_minus_1 = beta - 1.0;
  s.D = D;
  s.tau = tau;
  if (math::isinf(D)) {
    s.regime = Regime::time_only;
  } else if (math::isinf(tau)) {
    s.regime = Regime::data_only;
  } else {
    // s = tau mod D exactly; e = (tau - s) / D is then an exact integer quotient.
    s.regime = Regime::general;
    s.partial = math::fmod(tau, D);
    s.epochs = math::floor((tau - s.partial) / D + 0.5);
    s.rest = D - s.partial;
  }
  return s;
}

// log dL for a given M, D, tau; log_zeta = log zeta(alpha).
KOKKOS_INLINE_FUNCTION double log_reducible_loss(double alpha, double beta, double log_zeta,
                                                 double M, double D, double tau,
                                                 double learning_rate) {
  if (M < 1.0) return 0.0;  // no mode representable: dL = 1
  if (math::isinf(D) && math::isinf(tau)) {
    // every representable mode learned: dL = zeta(alpha, M+1)/zeta(alpha)
    return math::isinf(M) ? -math::infinity : log_hurwitz_zeta(alpha, M + 1.0) - log_zeta;
  }
  const Survival s = make_survival(beta, D, tau, learning_rate);
  // dL <= 1; rounding can leave log dL a few ulps above 0 where almost nothing is learned.
  return math::fmin(ExactSum(alpha, log_zeta, s).log_value(M), 0.0);
}

// log(1 - E[q_k]) for the mode whose log p_k is log_p: the share of its mass that is learned.
KOKKOS_INLINE_FUNCTION double log_learned_share(const Survival& s, double log_p) {
  return math::log(-math::expm1(s.log_survival_at(log_p)));
}

// For finite M >= 1 when log dL(M = inf) and log eps_N = log zeta(alpha, M+1)/zeta are
// already known (a block of capacities sharing alpha, beta, D, tau): whether dL(M) is dL(inf)
// in double precision. Since
//   dL(M) = dL(inf) + sum_{k>M} p_k (1 - E[q_k])
// and 1 - E[q_k] decreases in k (file comment), the second sum is at most
// (1 - E[q_{M+1}]) eps_N; below e^-40 of dL(inf) it cannot change dL in double precision.
KOKKOS_INLINE_FUNCTION bool capacity_beyond_learning(double alpha, double beta, double log_zeta,
                                                     double M, double D, double tau,
                                                     double learning_rate, double log_dL_unbounded,
                                                     double log_eps_N) {
  if (M < 1.0 || (math::isinf(D) && math::isinf(tau))) return false;
  const Survival s = make_survival(beta, D, tau, learning_rate);
  const double log_p = -alpha * math::log(M + 1.0) - log_zeta;
  return log_learned_share(s, log_p) + log_eps_N < log_dL_unbounded - 40.0;
}

// For finite M >= 1 when log eps_N = log zeta(alpha, M+1)/zeta(alpha) is known (or a lower
// bound of it: the test is then stricter): whether dL(M) is eps_N(M) to within 2^-60
// relative, every representable mode learned past what double precision sees. Since
//   dL(M) = eps_N(M) + sum_{k<=M} p_k E[q_k]
// and E[q_k] increases in k (file comment) while sum_k p_k = 1, the second sum is at most
// E[q_M]; the test asks E[q_M] < e^-42 eps_N(M) (e^-42 < 2^-60). As M grows, E[q_M] grows and
// eps_N(M) falls: the test holds on [1, M*] once it holds at M*.
KOKKOS_INLINE_FUNCTION bool capacity_fully_learned(double alpha, double beta, double log_zeta,
                                                   double M, double D, double tau,
                                                   double learning_rate, double log_eps_N) {
  if (!(M >= 1.0) || math::isinf(M) || (math::isinf(D) && math::isinf(tau))) return false;
  const Survival s = make_survival(beta, D, tau, learning_rate);
  const double log_p = -alpha * math::log(M) - log_zeta;
  return s.log_survival_at(log_p) < log_eps_N - 42.0;
}

// What dL(M = inf) equals (MODEL.md 3): with tau <= D no position is seen twice and E[q_k] is
// that of D = inf (e = 0, s = tau; or e = 1, s = 0), so dL(inf) = eps_tau; with tau = inf
// it is the missing mass, eps_D; otherwise a sum of its own.
enum class Unbounded : int { own_sum, eps_tau, eps_D };
KOKKOS_INLINE_FUNCTION Unbounded unbounded_loss_is(double D, double tau) {
  if (math::isinf(D) || (!math::isinf(tau) && tau <= D)) return Unbounded::eps_tau;
  return math::isinf(tau) ? Unbounded::eps_D : Unbounded::own_sum;
}

// log(e^a + e^b), exact when either is -inf.
KOKKOS_INLINE_FUNCTION double log_add(double a, double b) {
  const double hi = math::fmax(a, b), lo = math::fmin(a, b);
  return math::isinf(lo) ? hi : hi + math::log1p(math::exp(lo - hi));
}

// log of p_k (1 - E[q_k]) for a mode k >= 1: what dL(M) loses when M grows from k - 1 to k,
// dL(k - 1) = dL(k) + p_k (1 - E[q_k]) (MODEL.md 3). D and tau must not both be inf.
KOKKOS_INLINE_FUNCTION double log_capacity_step(double alpha, double log_zeta, const Survival& s,
                                                double k) {
  const double log_p = -alpha * math::log(k) - log_zeta;
  return log_p + log_learned_share(s, log_p);
}

// log dL(M) for M >= 1 when log dL(M = inf) is already known (a sweep block's group terms, or
// eps_tau / eps_D in evaluate_point): beyond the learning front
//   dL(M) = dL(inf) + sum_{k>M} p_k (1 - E[q_k])
// costs about a third of a full sum (ExactSum::log_learned_beyond); elsewhere the full sum.
// D and tau must not both be inf.
KOKKOS_INLINE_FUNCTION double log_reducible_loss_from_unbounded(double alpha, double beta,
                                                                double log_zeta, double M, double D,
                                                                double tau, double learning_rate,
                                                                double log_unbounded) {
  if (math::isinf(M)) return math::fmin(log_unbounded, 0.0);
  const double log_beyond = ExactSum(alpha, log_zeta, make_survival(beta, D, tau, learning_rate))
                                .log_learned_beyond(M + 1.0);
  if (math::isnan(log_beyond)) {
    return log_reducible_loss(alpha, beta, log_zeta, M, D, tau, learning_rate);
  }
  return math::fmin(log_add(log_unbounded, log_beyond), 0.0);
}

// A single-resource loss as its log and its value (exp of the log).
struct LogAndValue {
  double log;
  double value;
};
KOKKOS_INLINE_FUNCTION LogAndValue log_and_value(double log) { return {log, math::exp(log)}; }

// Assembles a LossResult from log dL and the three single-resource losses (MODEL.md 5,
// "Joint": the bottleneck is the largest single-resource loss). A sweep block passes values
// it computed once per group or capacity (the same exp of the same logs).
KOKKOS_INLINE_FUNCTION LossResult make_result(double log_dL, LogAndValue eps_N, LogAndValue eps_D,
                                              LogAndValue eps_tau, double irreducible) {
  LossResult r;
  r.log_dL = log_dL;
  r.log_eps_N = eps_N.log;
  r.log_eps_D = eps_D.log;
  r.log_eps_tau = eps_tau.log;
  r.dL = math::exp(log_dL);
  r.eps_N = eps_N.value;
  r.eps_D = eps_D.value;
  r.eps_tau = eps_tau.value;
  r.loss = irreducible + r.dL;
  double best = -math::infinity;
  r.bottleneck = static_cast<int>(Bottleneck::none);
  const double logs[3] = {eps_N.log, eps_D.log, eps_tau.log};
  for (int i = 0; i < 3; ++i) {
    if (logs[i] > best) {
      best = logs[i];
      r.bottleneck = i;
    }
  }
  return r;
}
KOKKOS_INLINE_FUNCTION LossResult make_result(double log_dL, double log_eps_N, double log_eps_D,
                                              double log_eps_tau, double irreducible) {
  return make_result(log_dL, log_and_value(log_eps_N), log_and_value(log_eps_D),
                     log_and_value(log_eps_tau), irreducible);
}

}  // namespace detail

// log zeta(alpha) for alpha > 1.
KOKKOS_INLINE_FUNCTION double log_zeta(double alpha) { return log_hurwitz_zeta(alpha, 1.0); }

KOKKOS_INLINE_FUNCTION double capacity_cutoff(const ModelPoint& p) {
  return detail::capacity_cutoff(p.N, p.gamma, p.capacity_scale);
}

// Natural log of dL(N, D, tau) (MODEL.md 3); -inf only when dL = 0 exactly (N = D = tau = inf).
KOKKOS_INLINE_FUNCTION double log_reducible_loss(const ModelPoint& p) {
  return detail::log_reducible_loss(p.alpha, p.beta, log_zeta(p.alpha), capacity_cutoff(p), p.D,
                                    p.tau, p.learning_rate);
}

// dL with eps_N = dL(N, inf, inf), eps_D = dL(inf, D, inf), eps_tau = dL(inf, inf, tau) and
// the bottleneck, the largest of the three (MODEL.md 5, "Joint").
KOKKOS_INLINE_FUNCTION LossResult evaluate_point(const ModelPoint& p) {
  const double lz = log_zeta(p.alpha);
  const double M = capacity_cutoff(p);
  const double inf = math::infinity;
  using detail::log_reducible_loss;
  const double log_eps_N = log_reducible_loss(p.alpha, p.beta, lz, M, inf, inf, p.learning_rate);
  // eps_D = dL(inf, D, inf) has E[q_k] = (1 - p_k)^D, whatever beta (MODEL.md 3): taken at
  // beta = 1, so that it is a function of (alpha, D) bit for bit (a factorial results file
  // stores it over those axes only, io/results_file.hpp; the sweep kernel does the same).
  const double log_eps_D = log_reducible_loss(p.alpha, 1.0, lz, inf, p.D, inf, p.learning_rate);
  const double log_eps_tau =
      log_reducible_loss(p.alpha, p.beta, lz, inf, inf, p.tau, p.learning_rate);
  // Where dL(M = inf) is eps_tau or eps_D (unbounded_loss_is), dL(M) starts from it.
  const detail::Unbounded unbounded = detail::unbounded_loss_is(p.D, p.tau);
  const double log_dL =
      unbounded == detail::Unbounded::own_sum || M < 1.0
          ? log_reducible_loss(p.alpha, p.beta, lz, M, p.D, p.tau, p.learning_rate)
          : detail::log_reducible_loss_from_unbounded(
                p.alpha, p.beta, lz, M, p.D, p.tau, p.learning_rate,
                unbounded == detail::Unbounded::eps_tau ? log_eps_tau : log_eps_D);
  return detail::make_result(log_dL, log_eps_N, log_eps_D, log_eps_tau, p.irreducible);
}

}  // namespace modesweep::model
