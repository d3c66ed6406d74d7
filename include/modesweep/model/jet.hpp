// Truncated Taylor series ("jets") for forward-mode automatic differentiation of any order.
//
// Jet<N> holds the Taylor coefficients c[j] = f^(j)(x0) / j!, j < N, of a function around a
// point. The exact evaluator writes the summand of MODEL.md section 3 once, as a template on
// N: Jet<1> is the plain value, Jet<2> adds the first derivative (used to find where the
// summand is smooth), and Jet<16> supplies the derivatives that the Euler-Maclaurin endpoint
// corrections need. Every operation is O(N^2), allocation-free and device-safe.
#pragma once

#include <Kokkos_Core.hpp>

#include "modesweep/model/math.hpp"

namespace modesweep::model {

template <int N>
struct Jet {
  static_assert(N >= 1, "a jet holds at least the value");
  double c[N];

  KOKKOS_INLINE_FUNCTION static Jet constant(double value) {
    Jet r;
    r.c[0] = value;
    for (int j = 1; j < N; ++j) r.c[j] = 0.0;
    return r;
  }
  KOKKOS_INLINE_FUNCTION double value() const { return c[0]; }
};

// log(x0 + t) as a series in t: log x0 + sum_j (-1)^(j+1) (t/x0)^j / j. x0 > 0.
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> jet_log_of_variable(double x0) {
  Jet<N> r;
  r.c[0] = math::log(x0);
  const double inv = 1.0 / x0;
  double power = 1.0;
  for (int j = 1; j < N; ++j) {
    power *= inv;
    r.c[j] = ((j % 2 == 1) ? power : -power) / j;
  }
  return r;
}

template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> operator+(const Jet<N>& a, const Jet<N>& b) {
  Jet<N> r;
  for (int j = 0; j < N; ++j) r.c[j] = a.c[j] + b.c[j];
  return r;
}

template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> operator-(const Jet<N>& a) {
  Jet<N> r;
  for (int j = 0; j < N; ++j) r.c[j] = -a.c[j];
  return r;
}

template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> operator*(double s, const Jet<N>& a) {
  Jet<N> r;
  for (int j = 0; j < N; ++j) r.c[j] = s * a.c[j];
  return r;
}

template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> add_constant(const Jet<N>& a, double s) {
  Jet<N> r = a;
  r.c[0] += s;
  return r;
}

template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> operator*(const Jet<N>& a, const Jet<N>& b) {
  Jet<N> r;
  for (int n = 0; n < N; ++n) {
    double sum = 0.0;
    for (int k = 0; k <= n; ++k) sum += a.c[k] * b.c[n - k];
    r.c[n] = sum;
  }
  return r;
}

// exp(a): g' = a' g gives g_n = (1/n) sum_{k=1}^n k a_k g_{n-k}.
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> exp(const Jet<N>& a) {
  Jet<N> r;
  r.c[0] = math::exp(a.c[0]);
  for (int n = 1; n < N; ++n) {
    double sum = 0.0;
    for (int k = 1; k <= n; ++k) sum += k * a.c[k] * r.c[n - k];
    r.c[n] = sum / n;
  }
  return r;
}

// expm1(a): the derivatives are those of exp; only the value needs expm1's accuracy.
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> expm1(const Jet<N>& a) {
  Jet<N> r = exp(a);
  r.c[0] = math::expm1(a.c[0]);
  return r;
}

// The Taylor series of w = log v from the derivatives of v (c[1..]), the value v_0 > 0 and
// w_0: w' v = v' gives w_n = (v_n - (1/n) sum_{k=1}^{n-1} k w_k v_{n-k}) / v_0.
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> log_series(const Jet<N>& v, double v0, double w0) {
  Jet<N> r;
  r.c[0] = w0;
  for (int n = 1; n < N; ++n) {
    double sum = 0.0;
    for (int k = 1; k < n; ++k) sum += k * r.c[k] * v.c[n - k];
    r.c[n] = (v.c[n] - sum / n) / v0;
  }
  return r;
}

// log1p(a): v = 1 + a has the derivatives of a.
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> log1p(const Jet<N>& a) {
  return log_series(a, 1.0 + a.c[0], math::log1p(a.c[0]));
}

// log(v) of a positive jet, v_0 taken as it is (log1p(v - 1) would round v_0 - 1).
template <int N>
KOKKOS_INLINE_FUNCTION Jet<N> log(const Jet<N>& v) {
  return log_series(v, v.c[0], math::log(v.c[0]));
}

}  // namespace modesweep::model
