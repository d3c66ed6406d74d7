// Batch entry point: evaluates a View of points with a Kokkos::parallel_for (MODEL.md 3).
#pragma once

#include <Kokkos_Core.hpp>

#include "modesweep/model/point.hpp"

namespace modesweep::model {

using PointView = Kokkos::View<ModelPoint*>;
using ResultView = Kokkos::View<LossResult*>;

// Evaluates every point with evaluate_point; results[i] belongs to points[i].
// Both views live in the default execution space's memory; sizes must match.
void evaluate_batch(const PointView& points, const ResultView& results);

}  // namespace modesweep::model
