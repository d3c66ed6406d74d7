#include "modesweep/grid/grid.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <stdexcept>

namespace modesweep::grid {
namespace {

using spec::Axis;
using spec::axis_count;

// Philox4x32-10 of counter (index, stream, word) under key seed: 128 random bits.
r123::Philox4x32::ctr_type philox(std::uint64_t seed, std::uint64_t index, std::uint32_t stream,
                                  std::uint32_t word) {
  r123::Philox4x32 rng;
  const r123::Philox4x32::ctr_type counter = {
      {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), stream, word}};
  const r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  return rng(counter, key);
}

std::uint64_t bits64(const r123::Philox4x32::ctr_type& r) {
  return (static_cast<std::uint64_t>(r[0]) << 32) | r[1];
}

// Maps u in [0, 1) into a design axis's range, linearly or in log.
double map_unit(const spec::AxisSpec& axis, double u) {
  double x;
  if (axis.log_scale) {
    const double la = std::log(axis.low), lb = std::log(axis.high);
    x = std::exp(la + u * (lb - la));
  } else {
    x = axis.low + u * (axis.high - axis.low);
  }
  return std::clamp(x, axis.low, axis.high);
}

void set_axis(model::ModelPoint& p, int axis, double value) { p.*axis_fields[axis] = value; }

// Stream ids: the Feistel rounds of axis a use stream 16 * a (the round is the counter's last
// word), the in-stratum offsets 1000 + a,
// the Sobol digital shifts 2000 + a.
constexpr std::uint32_t feistel_rounds = 6;

}  // namespace

std::uint64_t permute_index(std::uint64_t i, std::uint64_t n, std::uint64_t seed,
                            std::uint32_t stream) {
  if (n <= 1) return 0;
  int bits = 1;
  while (bits < 64 && (std::uint64_t{1} << bits) < n) ++bits;
  const int half = (bits + 1) / 2;
  const std::uint64_t mask = (std::uint64_t{1} << half) - 1;
  std::uint64_t x = i;
  do {
    std::uint64_t left = x >> half, right = x & mask;
    for (std::uint32_t round = 0; round < feistel_rounds; ++round) {
      const std::uint64_t f = bits64(philox(seed, right, stream, round)) & mask;
      const std::uint64_t next = left ^ f;
      left = right;
      right = next;
    }
    x = (left << half) | right;
  } while (x >= n);  // cycle walking: the domain 2^(2 half) < 4 n, so few steps on average
  return x;
}

double uniform01(std::uint64_t seed, std::uint64_t index, std::uint32_t stream) {
  return static_cast<double>(bits64(philox(seed, index, stream, 0)) >> 11) * 0x1.0p-53;
}

namespace {
// Monte Carlo draws whole tokens: a sampled design's D and tau are rounded for it (README,
// "Monte Carlo"); exact and Monte Carlo columns then describe the same point.
void round_to_whole_tokens(model::ModelPoint& p) {
  if (std::isfinite(p.D)) p.D = std::max(1.0, std::nearbyint(p.D));
  if (std::isfinite(p.tau)) p.tau = std::max(1.0, std::nearbyint(p.tau));
}
}  // namespace

Grid::Grid(const spec::SweepSpec& spec) : spec_(spec), size_(spec::point_count(spec)) {}

std::vector<std::uint64_t> Grid::shape() const {
  if (!is_factorial()) return {size_};
  std::vector<std::uint64_t> dims;
  for (int axis : factorial_storage_order) dims.push_back(spec_.axes[axis].values.size());
  return dims;
}

std::vector<std::string> Grid::dimension_names() const {
  if (!is_factorial()) return {"point"};
  std::vector<std::string> names;
  for (int axis : factorial_storage_order) names.emplace_back(spec::axis_names[axis]);
  return names;
}

std::uint64_t Grid::group_size() const {
  if (!is_factorial()) return 1;
  return spec_.axes[spec::gamma].values.size() * spec_.axes[spec::N].values.size();
}

model::ModelPoint Grid::constants() const {
  model::ModelPoint p;
  p.learning_rate = spec_.learning_rate;
  p.capacity_scale = spec_.capacity_scale;
  p.irreducible = spec_.irreducible;
  return p;
}

void Grid::fill_points(std::uint64_t begin, std::uint64_t count, model::ModelPoint* out) const {
  if (begin > size_ || count > size_ - begin) throw std::out_of_range("Grid::fill_points");
  const model::ModelPoint base = constants();
  if (is_factorial()) {
    // The multi-index of `begin` once, then an odometer (the last axis fastest): a division
    // per axis and point cost more than the rest of the point.
    const std::vector<std::uint64_t> dims = shape();
    std::uint64_t digit[axis_count];
    model::ModelPoint p = base;
    std::uint64_t rest = begin;
    for (int d = axis_count - 1; d >= 0; --d) {
      digit[d] = rest % dims[d];
      rest /= dims[d];
      const int axis = factorial_storage_order[d];
      set_axis(p, axis, spec_.axes[axis].values[digit[d]]);
    }
    for (std::uint64_t k = 0; k < count; ++k) {
      out[k] = p;
      for (int d = axis_count - 1; d >= 0; --d) {  // the next point: carry from the last axis
        const int axis = factorial_storage_order[d];
        digit[d] = digit[d] + 1 == dims[d] ? 0 : digit[d] + 1;
        set_axis(p, axis, spec_.axes[axis].values[digit[d]]);
        if (digit[d] != 0) break;
      }
    }
    return;
  }
  // Designs: fixed axes first, then each range axis from its unit coordinate.
  std::vector<int> ranged;
  for (int a = 0; a < axis_count; ++a) {
    if (spec_.axes[a].is_range) ranged.push_back(a);
  }
  for (std::uint64_t k = 0; k < count; ++k) {
    out[k] = base;
    for (int a = 0; a < axis_count; ++a) {
      if (!spec_.axes[a].is_range) set_axis(out[k], a, spec_.axes[a].values.front());
    }
  }
  if (!ranged.empty()) fill_design_points(begin, count, out, ranged);
  if (spec::has_mc(spec_)) {
    for (std::uint64_t k = 0; k < count; ++k) round_to_whole_tokens(out[k]);
  }
}

void Grid::fill_design_points(std::uint64_t begin, std::uint64_t count, model::ModelPoint* out,
                              const std::vector<int>& ranged) const {
  if (spec_.design == spec::Design::latin_hypercube) {
    for (std::uint64_t k = 0; k < count; ++k) {
      const std::uint64_t i = begin + k;
      for (int a : ranged) {
        const auto stream = static_cast<std::uint32_t>(a);
        const double stratum =
            static_cast<double>(permute_index(i, size_, spec_.seed, 16 * stream));
        const double u =
            (stratum + uniform01(spec_.seed, i, 1000 + stream)) / static_cast<double>(size_);
        set_axis(out[k], a, map_unit(spec_.axes[a], std::min(u, 1.0 - 0x1.0p-53)));
      }
    }
    return;
  }
  // Sobol with a random digital shift per axis (XOR of the 64-bit coordinates). Index i is
  // Sobol point i, from the origin: boost's generator skips the origin (after seed(s) it yields
  // point s + 1), and points 1 .. 2^k are no net (the first two both lie in [1/2, 1)).
  boost::random::sobol sobol(ranged.size());
  if (begin > 0) sobol.seed(begin - 1);
  std::vector<std::uint64_t> shift(ranged.size());
  for (std::size_t j = 0; j < ranged.size(); ++j) {
    shift[j] = bits64(philox(spec_.seed, 0, 2000 + static_cast<std::uint32_t>(ranged[j]), 0));
  }
  for (std::uint64_t k = 0; k < count; ++k) {
    const bool origin = begin + k == 0;
    for (std::size_t j = 0; j < ranged.size(); ++j) {
      const std::uint64_t v = (origin ? 0 : static_cast<std::uint64_t>(sobol())) ^ shift[j];
      set_axis(out[k], ranged[j],
               map_unit(spec_.axes[ranged[j]], static_cast<double>(v >> 11) * 0x1.0p-53));
    }
  }
}

model::ModelPoint Grid::point(std::uint64_t index) const {
  model::ModelPoint p;
  fill_points(index, 1, &p);
  return p;
}

}  // namespace modesweep::grid
