#include "modesweep/model/batch.hpp"

#include <stdexcept>

#include "modesweep/model/exact_loss.hpp"

namespace modesweep::model {

namespace {
// The kernel: one exact evaluation per point, nothing shared between iterations.
struct EvaluatePoints {
  PointView points;
  ResultView results;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    results(i) = evaluate_point(points(i));
  }
};
}  // namespace

void evaluate_batch(const PointView& points, const ResultView& results) {
  if (points.extent(0) != results.extent(0)) {
    throw std::invalid_argument("evaluate_batch: points and results differ in size");
  }
  Kokkos::parallel_for("modesweep::evaluate_batch",
                       Kokkos::RangePolicy<>(0, static_cast<int>(points.extent(0))),
                       EvaluatePoints{points, results});
  Kokkos::fence();
}

}  // namespace modesweep::model
