// The Monte Carlo random stream of one replica (MODEL.md 4): Random123's Philox4x64-10,
// counter-based, keyed by (seed, grid point index) with the replica in the counter. Every
// replica's numbers are a pure function of (seed, point, replica), so results cannot depend
// on how points are spread over ranks, chunks, threads or GPUs. Device-safe: no state
// beyond four counter words and one 4-word output block.
#pragma once

#include <Random123/philox.h>

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "modesweep/model/math.hpp"

namespace modesweep::mc {

class PhiloxStream {
 public:
  KOKKOS_INLINE_FUNCTION PhiloxStream(std::uint64_t seed, std::uint64_t point,
                                      std::uint64_t replica) {
    key_.v[0] = seed;
    key_.v[1] = point;
    counter_.v[0] = replica;
    counter_.v[1] = 0;  // block number within the replica
    counter_.v[2] = 0;
    counter_.v[3] = 0;
  }

  // Uniform on the open interval (0, 1): 52 random bits, centred in their cell (exact in a
  // double: (2^52 - 1/2) 2^-52 = 1 - 2^-53 < 1), so neither 0 nor 1 occurs and log(u),
  // log(1 - u) stay finite.
  KOKKOS_INLINE_FUNCTION double uniform() {
    if (used_ == 4) {
      block_ = r123::Philox4x64()(counter_, key_);
      ++counter_.v[1];
      used_ = 0;
    }
    const std::uint64_t bits = block_.v[used_++] >> 12;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-52;
  }

  // Standard normal by Box-Muller (one of the pair is used: simpler, and the stream is cheap).
  KOKKOS_INLINE_FUNCTION double normal() {
    constexpr double two_pi = 6.283185307179586477;
    const double radius = math::sqrt(-2.0 * math::log(uniform()));
    return radius * math::cos(two_pi * uniform());
  }

 private:
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type block_;
  int used_ = 4;
};

}  // namespace modesweep::mc
