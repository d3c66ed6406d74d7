// log of the Hurwitz zeta function zeta(s, a) = sum_{k>=0} (a + k)^(-s), for s > 1, a >= 1,
// device-safe. It gives zeta(alpha) (a = 1) and the capacity tail sum_{k>M} k^(-alpha) =
// zeta(alpha, M + 1) of MODEL.md section 3, for M up to 1e243, where the value itself
// underflows: hence the log.
#pragma once

#include <Kokkos_Core.hpp>

#include "modesweep/model/math.hpp"

namespace modesweep::model {

namespace detail {
// B_{2j} / (2j)!, j = 1..9.
KOKKOS_INLINE_FUNCTION double bernoulli_over_factorial(int j) {
  static constexpr double v[] = {1.0 / 12.0,
                                 -1.0 / 720.0,
                                 1.0 / 30240.0,
                                 -1.0 / 1209600.0,
                                 1.0 / 47900160.0,
                                 -691.0 / 1307674368000.0,
                                 1.0 / 74724249600.0,
                                 -3617.0 / 10670622842880000.0,
                                 43867.0 / 5109094217170944000.0};
  return v[j - 1];
}
}  // namespace detail

// Euler-Maclaurin at b = a + n >= 24 after n direct terms:
//   zeta(s, b) = b^(1-s)/(s-1) * [1 + (s-1)/(2b) + sum_j B_2j/(2j)! (s-1)(s)_(2j-1) b^(-2j)]
// With b >= 24 and s <= 10 the first omitted term (j = 10) is below 1e-19 of the sum.
// Factoring b^(1-s)/(s-1) out keeps s -> 1 (zeta ~ 1/(s-1)) exact in relative terms.
KOKKOS_INLINE_FUNCTION double log_hurwitz_zeta(double s, double a) {
  constexpr double b_min = 24.0;
  const double n_direct = a < b_min ? math::ceil(b_min - a) : 0.0;
  const double b = a + n_direct;
  const double sm1 = s - 1.0;
  const double inv_b2 = 1.0 / (b * b);
  double correction = sm1 / (2.0 * b);
  double rising = s;  // (s)_(2j-1)
  double b_power = inv_b2;
  for (int j = 1; j <= 9; ++j) {
    correction += detail::bernoulli_over_factorial(j) * sm1 * rising * b_power;
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    b_power *= inv_b2;
  }
  const double log_tail = -sm1 * math::log(b) - math::log(sm1) + math::log1p(correction);
  if (n_direct == 0.0) return log_tail;
  // Direct terms scaled by the first one, a^(-s), the largest.
  const double log_first = -s * math::log(a);
  double sum = math::exp(log_tail - log_first);
  for (int k = static_cast<int>(n_direct) - 1; k >= 0; --k) {
    sum += math::exp(-s * math::log(a + k) - log_first);
  }
  return log_first + math::log(sum);
}

}  // namespace modesweep::model
