// Monte Carlo over a View of points (MODEL.md 4): R replicas per point with the count-level
// sampler, summarised as mean, standard error and the 5/50/95% quantiles of dL.
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "modesweep/mc/count_sampler.hpp"
#include "modesweep/model/batch.hpp"

namespace modesweep::mc {

struct McSettings {
  std::uint64_t replicas = 0;  // >= 2
  std::uint64_t seed = 0;
  Sampling sampling = Sampling::sequential;
};

inline constexpr std::uint64_t min_replicas = 2;
inline constexpr std::uint64_t max_replicas = 10000000;

// Summary of a point's replicas of dL. standard_error = sample sd / sqrt(R); quantiles are
// linear interpolation between order statistics (NumPy's default, "type 7").
struct McStatistics {
  double mean = 0.0;
  double standard_error = 0.0;
  double q05 = 0.0;
  double q50 = 0.0;
  double q95 = 0.0;
};
using StatisticsView = Kokkos::View<McStatistics*>;

// Replicas of points(i) use the stream keyed (seed, first_index + i, replica): the result of
// a point depends only on it, its global index and the settings, never on the batch it is in.
// Memory: at most 2^22 replica values at a time, whatever the number of points.
void evaluate_mc_batch(const model::PointView& points, std::uint64_t first_index,
                       const McSettings& settings, const StatisticsView& out);

// Host convenience: the replicas of one point, unsorted, not scaled (tests and benchmarks).
void sample_replicas(const model::ModelPoint& p, std::uint64_t point_index,
                     const McSettings& settings, double* replicas, double head = head_modes);

// Host: why Monte Carlo cannot run this point with this sampling, or nothing.
const char* mc_domain_problem(const model::ModelPoint& p, Sampling sampling);

const char* sampling_name(Sampling sampling);

}  // namespace modesweep::mc
