// The index space of a sweep: maps a point index to a model point, for factorial grids and
// sampled designs (latin hypercube, Sobol). Pure function of the spec: any rank computes the
// same point for the same index, so results cannot depend on how indices are spread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "modesweep/model/point.hpp"
#include "modesweep/spec/sweep_spec.hpp"

namespace modesweep::grid {

// Dimension order of a factorial grid as stored: gamma and N innermost, because they only move
// the capacity cutoff M; a block of (gamma, N) for fixed (alpha, beta, D, tau) shares the
// summand of MODEL.md 3 and is evaluated together (sweep/kernel.hpp).
inline constexpr std::array<int, spec::axis_count> factorial_storage_order = {
    spec::alpha, spec::beta, spec::D, spec::tau, spec::gamma, spec::N};

// The ModelPoint member of each axis, in MODEL.md order (spec::Axis).
inline constexpr std::array<double model::ModelPoint::*, spec::axis_count> axis_fields = {
    &model::ModelPoint::alpha, &model::ModelPoint::beta, &model::ModelPoint::gamma,
    &model::ModelPoint::N,     &model::ModelPoint::D,    &model::ModelPoint::tau};

class Grid {
 public:
  explicit Grid(const spec::SweepSpec& spec);

  std::uint64_t size() const { return size_; }
  bool is_factorial() const { return spec_.design == spec::Design::factorial; }

  // Dataset shape and dimension names: factorial in factorial_storage_order; designs {count},
  // dimension "point".
  std::vector<std::uint64_t> shape() const;
  std::vector<std::string> dimension_names() const;

  // The values of one axis (MODEL.md order, spec::Axis); factorial only.
  const std::vector<double>& axis_values(int axis) const { return spec_.axes[axis].values; }

  // Points [begin, begin + count) into out[0 .. count). A sampled design's finite D and tau
  // are rounded to whole tokens when the spec runs Monte Carlo (mode mc|both).
  void fill_points(std::uint64_t begin, std::uint64_t count, model::ModelPoint* out) const;
  model::ModelPoint point(std::uint64_t index) const;

  // Factorial: points per (alpha, beta, D, tau) group, i.e. |gamma| * |N|.
  std::uint64_t group_size() const;

  const spec::SweepSpec& spec() const { return spec_; }

 private:
  // The range axes of a sampled design (latin hypercube, Sobol) for points [begin, begin+count).
  void fill_design_points(std::uint64_t begin, std::uint64_t count, model::ModelPoint* out,
                          const std::vector<int>& ranged) const;
  model::ModelPoint constants() const;
  spec::SweepSpec spec_;
  std::uint64_t size_;
};

// A keyed pseudo-random bijection of [0, n): a balanced Feistel network on the smallest even
// number of bits covering n, Philox round functions, cycle walking back into [0, n).
// Latin-hypercube strata without storing a permutation.
std::uint64_t permute_index(std::uint64_t i, std::uint64_t n, std::uint64_t seed,
                            std::uint32_t stream);

// A uniform double in [0, 1) (53 random bits) keyed by (seed, index, stream), Philox4x32-10.
double uniform01(std::uint64_t seed, std::uint64_t index, std::uint32_t stream);

}  // namespace modesweep::grid
