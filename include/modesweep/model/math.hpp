// Device-safe math wrappers: the same names on Kokkos 3.4 (Kokkos::Experimental) and
// Kokkos 4.x (Kokkos::), so model code compiles for the host and for CUDA unchanged.
#pragma once

#include <Kokkos_Core.hpp>
#include <cmath>

namespace modesweep::math {

#if KOKKOS_VERSION >= 40000
#define MODESWEEP_KOKKOS_MATH Kokkos
#else
#define MODESWEEP_KOKKOS_MATH Kokkos::Experimental
#endif

KOKKOS_INLINE_FUNCTION double exp(double x) { return MODESWEEP_KOKKOS_MATH::exp(x); }
KOKKOS_INLINE_FUNCTION double expm1(double x) { return MODESWEEP_KOKKOS_MATH::expm1(x); }
KOKKOS_INLINE_FUNCTION double log(double x) { return MODESWEEP_KOKKOS_MATH::log(x); }
KOKKOS_INLINE_FUNCTION double log1p(double x) { return MODESWEEP_KOKKOS_MATH::log1p(x); }
KOKKOS_INLINE_FUNCTION double sinh(double x) { return MODESWEEP_KOKKOS_MATH::sinh(x); }
KOKKOS_INLINE_FUNCTION double cosh(double x) { return MODESWEEP_KOKKOS_MATH::cosh(x); }
KOKKOS_INLINE_FUNCTION double pow(double x, double y) { return MODESWEEP_KOKKOS_MATH::pow(x, y); }
KOKKOS_INLINE_FUNCTION double sqrt(double x) { return MODESWEEP_KOKKOS_MATH::sqrt(x); }
KOKKOS_INLINE_FUNCTION double cos(double x) { return MODESWEEP_KOKKOS_MATH::cos(x); }
KOKKOS_INLINE_FUNCTION double floor(double x) { return MODESWEEP_KOKKOS_MATH::floor(x); }
KOKKOS_INLINE_FUNCTION double ceil(double x) { return MODESWEEP_KOKKOS_MATH::ceil(x); }
KOKKOS_INLINE_FUNCTION double fmod(double x, double y) { return MODESWEEP_KOKKOS_MATH::fmod(x, y); }
KOKKOS_INLINE_FUNCTION double fabs(double x) { return MODESWEEP_KOKKOS_MATH::fabs(x); }
KOKKOS_INLINE_FUNCTION bool isinf(double x) { return MODESWEEP_KOKKOS_MATH::isinf(x); }
KOKKOS_INLINE_FUNCTION bool isnan(double x) { return MODESWEEP_KOKKOS_MATH::isnan(x); }
KOKKOS_INLINE_FUNCTION double fmax(double a, double b) { return a > b ? a : b; }
KOKKOS_INLINE_FUNCTION double fmin(double a, double b) { return a < b ? a : b; }

#undef MODESWEEP_KOKKOS_MATH

inline constexpr double infinity = HUGE_VAL;
KOKKOS_INLINE_FUNCTION double quiet_nan() { return infinity - infinity; }
inline constexpr double ln2 = 0.69314718055994530942;

}  // namespace modesweep::math
