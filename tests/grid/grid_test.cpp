// The index space of a sweep: factorial decoding against an independent enumeration, chunk
// independence of every design, the keyed permutation, latin-hypercube strata and the
// per-coordinate net property of the shifted Sobol sequence.
#include "modesweep/grid/grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "modesweep/spec/sweep_spec.hpp"
#include "test_constants.hpp"

namespace {

using modesweep::grid::Grid;
using modesweep::grid::permute_index;
using modesweep::grid::uniform01;
using modesweep::model::ModelPoint;
using modesweep::spec::AxisSpec;
using modesweep::spec::parse_spec;
using modesweep::spec::SweepSpec;

SweepSpec spec_of(const std::string& text) {
  return parse_spec(text, "grid_test.toml", std::uint64_t{1} << 40);
}

// Field-by-field bitwise-equal comparison (no NaN can occur in a grid point).
::testing::AssertionResult same_point(const ModelPoint& a, const ModelPoint& b) {
  const double ModelPoint::*fields[] = {&ModelPoint::alpha,
                                        &ModelPoint::beta,
                                        &ModelPoint::gamma,
                                        &ModelPoint::N,
                                        &ModelPoint::D,
                                        &ModelPoint::tau,
                                        &ModelPoint::learning_rate,
                                        &ModelPoint::capacity_scale,
                                        &ModelPoint::irreducible};
  const char* names[] = {"alpha", "beta",          "gamma",          "N",          "D",
                         "tau",   "learning_rate", "capacity_scale", "irreducible"};
  for (int f = 0; f < 9; ++f) {
    if (!(a.*fields[f] == b.*fields[f])) {
      return ::testing::AssertionFailure()
             << names[f] << " differs: " << a.*fields[f] << " vs " << b.*fields[f];
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<ModelPoint> all_points(const Grid& grid) {
  std::vector<ModelPoint> points(grid.size());
  for (std::uint64_t i = 0; i < grid.size(); ++i) points[i] = grid.point(i);
  return points;
}

// fill_points(begin, count) against point(i), for ranges starting everywhere.
void expect_chunk_independent(const Grid& grid) {
  const std::uint64_t n = grid.size();
  const std::vector<ModelPoint> points = all_points(grid);
  std::vector<ModelPoint> out(n + 1);
  // One call for the whole range.
  grid.fill_points(0, n, out.data());
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_TRUE(same_point(out[i], points[i])) << "i " << i;
  std::mt19937_64 rng(42);
  for (std::uint64_t begin = 0; begin <= n; ++begin) {
    const std::uint64_t rest = n - begin;
    std::uniform_int_distribution<std::uint64_t> pick(0, rest);
    for (const std::uint64_t count : {std::uint64_t{0}, std::min<std::uint64_t>(1, rest),
                                      std::min<std::uint64_t>(13, rest), rest, pick(rng)}) {
      grid.fill_points(begin, count, out.data());
      for (std::uint64_t k = 0; k < count; ++k) {
        ASSERT_TRUE(same_point(out[k], points[begin + k]))
            << "begin " << begin << " count " << count << " k " << k;
      }
    }
  }
  // Chunks of several sizes tile the index space into the same points.
  for (const std::uint64_t chunk :
       {std::uint64_t{1}, std::uint64_t{3}, std::uint64_t{64}, std::uint64_t{100}, n}) {
    if (chunk == 0) continue;
    std::vector<ModelPoint> tiled(n);
    for (std::uint64_t b = 0; b < n; b += chunk) {
      grid.fill_points(b, std::min(chunk, n - b), tiled.data() + b);
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      ASSERT_TRUE(same_point(tiled[i], points[i])) << "chunk " << chunk << " i " << i;
    }
  }
}

void expect_constants(const std::vector<ModelPoint>& points, double c, double c_n, double e) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    ASSERT_EQ(points[i].learning_rate, c) << i;
    ASSERT_EQ(points[i].capacity_scale, c_n) << i;
    ASSERT_EQ(points[i].irreducible, e) << i;
  }
}

double axis_value(const ModelPoint& p, int axis) {
  switch (axis) {
    case modesweep::spec::alpha:
      return p.alpha;
    case modesweep::spec::beta:
      return p.beta;
    case modesweep::spec::gamma:
      return p.gamma;
    case modesweep::spec::N:
      return p.N;
    case modesweep::spec::D:
      return p.D;
    default:
      return p.tau;
  }
}

// The unit coordinate of a range axis's value (the inverse of the linear or log mapping).
double unit_coordinate(const AxisSpec& axis, double x) {
  if (axis.log_scale) {
    return (std::log(x) - std::log(axis.low)) / (std::log(axis.high) - std::log(axis.low));
  }
  return (x - axis.low) / (axis.high - axis.low);
}

// ---------------------------------------------------------------------------------------------
// Factorial grids.

const char* const kFactorial =
    "[sweep]\n[model]\nlearning_rate = 0.3\ncapacity_scale = 2.5\nirreducible = 0.125\n"
    "[axes]\nalpha = [1.5, 2.5]\nbeta = [0.5, 1.0, 2.0]\ngamma = [0.5, 1.5]\n"
    "N = [10, 100, 1000, inf]\nD = [1e3, 1e6, inf]\ntau = [5, inf]\n";

TEST(FactorialGrid, ShapeNamesAndSizes) {
  const Grid grid(spec_of(kFactorial));
  EXPECT_TRUE(grid.is_factorial());
  EXPECT_EQ(grid.size(), 2u * 3u * 2u * 4u * 3u * 2u);
  EXPECT_EQ(grid.shape(), (std::vector<std::uint64_t>{2, 3, 3, 2, 2, 4}));
  EXPECT_EQ(grid.dimension_names(),
            (std::vector<std::string>{"alpha", "beta", "D", "tau", "gamma", "N"}));
  EXPECT_EQ(grid.group_size(), 8u);
  EXPECT_EQ(grid.axis_values(modesweep::spec::N), (std::vector<double>{10, 100, 1000, inf}));
  EXPECT_EQ(grid.axis_values(modesweep::spec::tau), (std::vector<double>{5, inf}));
}

TEST(FactorialGrid, DecodesInStorageOrderWithNFastest) {
  const SweepSpec spec = spec_of(kFactorial);
  const Grid grid(spec);
  const auto& v = spec.axes;
  std::uint64_t index = 0;
  for (double alpha : v[modesweep::spec::alpha].values) {
    for (double beta : v[modesweep::spec::beta].values) {
      for (double d : v[modesweep::spec::D].values) {
        for (double tau : v[modesweep::spec::tau].values) {
          for (double gamma : v[modesweep::spec::gamma].values) {
            for (double n : v[modesweep::spec::N].values) {
              ModelPoint expected;
              expected.alpha = alpha;
              expected.beta = beta;
              expected.gamma = gamma;
              expected.N = n;
              expected.D = d;
              expected.tau = tau;
              expected.learning_rate = 0.3;
              expected.capacity_scale = 2.5;
              expected.irreducible = 0.125;
              ASSERT_TRUE(same_point(grid.point(index), expected)) << "index " << index;
              ++index;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(index, grid.size());
}

TEST(FactorialGrid, GroupsShareAlphaBetaDTau) {
  const Grid grid(spec_of(kFactorial));
  const std::vector<ModelPoint> points = all_points(grid);
  for (std::uint64_t g = 0; g < grid.size() / grid.group_size(); ++g) {
    const ModelPoint& first = points[g * grid.group_size()];
    std::set<std::pair<double, double>> gamma_n;
    for (std::uint64_t k = 0; k < grid.group_size(); ++k) {
      const ModelPoint& p = points[g * grid.group_size() + k];
      EXPECT_EQ(p.alpha, first.alpha);
      EXPECT_EQ(p.beta, first.beta);
      EXPECT_EQ(p.D, first.D);
      EXPECT_EQ(p.tau, first.tau);
      gamma_n.insert({p.gamma, p.N});
    }
    EXPECT_EQ(gamma_n.size(), grid.group_size());
  }
}

TEST(FactorialGrid, ChunkIndependent) {
  expect_chunk_independent(Grid(spec_of(kFactorial)));
  expect_chunk_independent(Grid(spec_of(
      "[sweep]\n[axes]\nalpha = 2\nbeta = 1\ngamma = 1\nN = 10\nD = {logspace = [1, 1e6, 7]}\n"
      "tau = 1\n")));
}

TEST(FactorialGrid, DefaultConstantsAndSinglePoint) {
  const Grid grid(
      spec_of("[sweep]\n[axes]\nalpha = 2\nbeta = 1\ngamma = 1\nN = 10\nD = 20\ntau = inf\n"));
  EXPECT_EQ(grid.size(), 1u);
  EXPECT_EQ(grid.shape(), (std::vector<std::uint64_t>{1, 1, 1, 1, 1, 1}));
  const ModelPoint p = grid.point(0);
  EXPECT_EQ(p.alpha, 2.0);
  EXPECT_EQ(p.N, 10.0);
  EXPECT_EQ(p.D, 20.0);
  EXPECT_EQ(p.tau, inf);
  EXPECT_EQ(p.learning_rate, modesweep::model::default_learning_rate);
  EXPECT_EQ(p.capacity_scale, modesweep::model::default_capacity_scale);
  EXPECT_EQ(p.irreducible, modesweep::model::default_irreducible);
}

TEST(Grid, OutOfRangeThrows) {
  for (const char* text :
       {kFactorial,
        "[sweep]\ndesign = \"sobol\"\n[design]\ncount = 10\n[axes]\nalpha = {range = [1.1, 2]}\n"
        "beta = 1\ngamma = 1\nN = 1\nD = 1\ntau = 1\n",
        "[sweep]\ndesign = \"latin-hypercube\"\n[design]\ncount = 10\n[axes]\n"
        "alpha = {range = [1.1, 2]}\nbeta = 1\ngamma = 1\nN = 1\nD = 1\ntau = 1\n"}) {
    const Grid grid(spec_of(text));
    const std::uint64_t n = grid.size();
    std::vector<ModelPoint> out(n + 2);
    EXPECT_NO_THROW(grid.fill_points(n, 0, out.data()));
    EXPECT_NO_THROW(grid.fill_points(0, n, out.data()));
    EXPECT_THROW(grid.fill_points(n, 1, out.data()), std::out_of_range);
    EXPECT_THROW(grid.fill_points(n + 1, 0, out.data()), std::out_of_range);
    EXPECT_THROW(grid.fill_points(0, n + 1, out.data()), std::out_of_range);
    EXPECT_THROW(grid.fill_points(1, std::numeric_limits<std::uint64_t>::max(), out.data()),
                 std::out_of_range);
    EXPECT_THROW(grid.point(n), std::out_of_range);
  }
}

// ---------------------------------------------------------------------------------------------
// permute_index and uniform01.

TEST(PermuteIndex, BijectionOfZeroToN) {
  for (const std::uint64_t n : {1u, 2u, 3u, 5u, 16u, 17u, 1000u, 4097u}) {
    for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{20261123},
                                     std::uint64_t{0xfedcba9876543210}}) {
      for (const std::uint32_t stream : {0u, 16u, 80u, 4000000000u}) {
        std::vector<bool> hit(n, false);
        for (std::uint64_t i = 0; i < n; ++i) {
          const std::uint64_t j = permute_index(i, n, seed, stream);
          ASSERT_LT(j, n) << "n " << n << " i " << i;
          ASSERT_FALSE(hit[j]) << "n " << n << " seed " << seed << " stream " << stream << ": " << j
                               << " twice";
          hit[j] = true;
          ASSERT_EQ(permute_index(i, n, seed, stream), j);  // deterministic
        }
      }
    }
  }
}

std::vector<std::uint64_t> permutation(std::uint64_t n, std::uint64_t seed, std::uint32_t stream) {
  std::vector<std::uint64_t> p(n);
  for (std::uint64_t i = 0; i < n; ++i) p[i] = permute_index(i, n, seed, stream);
  return p;
}

TEST(PermuteIndex, DependsOnSeedAndStream) {
  for (const std::uint64_t n : {16u, 17u, 1000u, 4097u}) {
    const auto base = permutation(n, 1, 0);
    EXPECT_NE(base, permutation(n, 2, 0)) << n;
    EXPECT_NE(base, permutation(n, std::uint64_t{1} << 32 | 1, 0)) << n;  // high seed bits count
    EXPECT_NE(base, permutation(n, 1, 16)) << n;
    std::vector<std::uint64_t> identity(n);
    for (std::uint64_t i = 0; i < n; ++i) identity[i] = i;
    EXPECT_NE(base, identity) << n;
  }
  // Not close to the identity either: few fixed points of a 4097-permutation.
  const auto p = permutation(4097, 99, 3);
  int fixed = 0;
  for (std::uint64_t i = 0; i < p.size(); ++i) fixed += p[i] == i ? 1 : 0;
  EXPECT_LT(fixed, 20);
}

TEST(PermuteIndex, LargeDomains) {
  for (const std::uint64_t n : {std::uint64_t{1} << 32, (std::uint64_t{1} << 40) + 3,
                                std::numeric_limits<std::uint64_t>::max()}) {
    std::set<std::uint64_t> seen;
    for (std::uint64_t i = 0; i < 200; ++i) {
      const std::uint64_t j = permute_index(n - 1 - i, n, 5, 7);
      EXPECT_LT(j, n);
      seen.insert(j);
    }
    EXPECT_EQ(seen.size(), 200u);
  }
}

TEST(Uniform01, RangeDeterminismAndMoments) {
  double sum = 0.0, sum2 = 0.0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double u = uniform01(11, static_cast<std::uint64_t>(i), 3);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_EQ(u, uniform01(11, static_cast<std::uint64_t>(i), 3));
    sum += u;
    sum2 += u * u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12.0, 0.002);
  EXPECT_NE(uniform01(11, 0, 3), uniform01(12, 0, 3));
  EXPECT_NE(uniform01(11, 0, 3), uniform01(11, 0, 4));
  EXPECT_NE(uniform01(11, 0, 3), uniform01(11, 1, 3));
  EXPECT_NE(uniform01(0, 0, 0), uniform01(std::uint64_t{1} << 32, 0, 0));
  EXPECT_NE(uniform01(0, 0, 0), uniform01(0, std::uint64_t{1} << 32, 0));
}

// ---------------------------------------------------------------------------------------------
// Sampled designs.

std::string design_text(const char* design, std::uint64_t count, std::uint64_t seed) {
  return std::string("[sweep]\ndesign = \"") + design +
         "\"\n[design]\ncount = " + std::to_string(count) + "\nseed = " + std::to_string(seed) +
         "\n[model]\nlearning_rate = 0.5\ncapacity_scale = 3.0\nirreducible = 1.5\n[axes]\n"
         "alpha = {range = [1.1, 4.0]}\nbeta = {range = [0.5, 2.0], scale = \"linear\"}\n"
         "gamma = 0.75\nN = {range = [1e6, 1e12], scale = \"log\"}\n"
         "D = {range = [1, 1e24], scale = \"log\"}\ntau = inf\n";
}

const int kRanged[] = {modesweep::spec::alpha, modesweep::spec::beta, modesweep::spec::N,
                       modesweep::spec::D};

void expect_fixed_axes_and_ranges(const SweepSpec& spec, const std::vector<ModelPoint>& points) {
  expect_constants(points, 0.5, 3.0, 1.5);
  for (std::size_t i = 0; i < points.size(); ++i) {
    ASSERT_EQ(points[i].gamma, 0.75) << i;
    ASSERT_EQ(points[i].tau, inf) << i;
    for (int a : kRanged) {
      const double x = axis_value(points[i], a);
      ASSERT_GE(x, spec.axes[a].low) << "axis " << a << " point " << i;
      ASSERT_LE(x, spec.axes[a].high) << "axis " << a << " point " << i;
    }
  }
}

TEST(LatinHypercube, EveryStratumOfEveryRangeAxisHitOnce) {
  for (const std::uint64_t n : {1u, 2u, 7u, 1000u, 4097u}) {
    for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{20261123}}) {
      const SweepSpec spec = spec_of(design_text("latin-hypercube", n, seed));
      const Grid grid(spec);
      ASSERT_EQ(grid.size(), n);
      EXPECT_FALSE(grid.is_factorial());
      EXPECT_EQ(grid.shape(), (std::vector<std::uint64_t>{n}));
      EXPECT_EQ(grid.dimension_names(), (std::vector<std::string>{"point"}));
      std::vector<ModelPoint> points(n);
      grid.fill_points(0, n, points.data());
      expect_fixed_axes_and_ranges(spec, points);
      for (int a : kRanged) {
        std::vector<int> hits(n, 0);
        for (std::uint64_t i = 0; i < n; ++i) {
          const double u = unit_coordinate(spec.axes[a], axis_value(points[i], a));
          ASSERT_GE(u, 0.0);
          ASSERT_LE(u, 1.0);
          const auto stratum = std::min<std::uint64_t>(
              static_cast<std::uint64_t>(u * static_cast<double>(n)), n - 1);
          ++hits[stratum];
        }
        for (std::uint64_t s = 0; s < n; ++s) {
          ASSERT_EQ(hits[s], 1) << "n " << n << " seed " << seed << " axis " << a << " stratum "
                                << s;
        }
      }
    }
  }
}

TEST(LatinHypercube, AxesUseDifferentPermutations) {
  const std::uint64_t n = 1000;
  const SweepSpec spec = spec_of(design_text("latin-hypercube", n, 5));
  const std::vector<ModelPoint> points = all_points(Grid(spec));
  // The strata of alpha and beta are not the same permutation, and not in index order.
  int same = 0, ordered = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto sa = static_cast<std::uint64_t>(
        unit_coordinate(spec.axes[modesweep::spec::alpha], points[i].alpha) * n);
    const auto sb = static_cast<std::uint64_t>(
        unit_coordinate(spec.axes[modesweep::spec::beta], points[i].beta) * n);
    same += sa == sb ? 1 : 0;
    ordered += sa == i ? 1 : 0;
  }
  EXPECT_LT(same, 20);
  EXPECT_LT(ordered, 20);
}

TEST(LatinHypercube, ChunkIndependent) {
  expect_chunk_independent(Grid(spec_of(design_text("latin-hypercube", 300, 9))));
}

TEST(LatinHypercube, SeedsGiveDifferentDesigns) {
  const auto a = all_points(Grid(spec_of(design_text("latin-hypercube", 100, 1))));
  const auto b = all_points(Grid(spec_of(design_text("latin-hypercube", 100, 2))));
  const auto c = all_points(Grid(spec_of(design_text("latin-hypercube", 100, 1))));
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    differ += a[i].alpha != b[i].alpha ? 1 : 0;
    EXPECT_TRUE(same_point(a[i], c[i])) << i;
  }
  EXPECT_GT(differ, 90);
}

TEST(Sobol, ValuesInRangesAndConstants) {
  const SweepSpec spec = spec_of(design_text("sobol", 1000, 7));
  const Grid grid(spec);
  EXPECT_EQ(grid.size(), 1000u);
  EXPECT_EQ(grid.shape(), (std::vector<std::uint64_t>{1000}));
  EXPECT_EQ(grid.group_size(), 1u);
  expect_fixed_axes_and_ranges(spec, all_points(grid));
}

// Each coordinate of the first 2^k points of a Sobol sequence (from its first point, 0) is a
// (0, k, 1)-net in base 2: one point in each of the 2^k equal bins. A digital shift (XOR)
// permutes the bins, so the scrambled design keeps the property.
TEST(Sobol, FirstPowerOfTwoPointsStratifyEachCoordinate) {
  const int max_k = 12;
  for (const std::uint64_t seed : {std::uint64_t{7}, std::uint64_t{12345}, std::uint64_t{0}}) {
    const SweepSpec spec = spec_of(design_text("sobol", std::uint64_t{1} << max_k, seed));
    const std::vector<ModelPoint> points = all_points(Grid(spec));
    for (int a : kRanged) {
      for (int k = 0; k <= max_k; ++k) {
        const std::uint64_t m = std::uint64_t{1} << k;
        std::vector<int> hits(m, 0);
        for (std::uint64_t i = 0; i < m; ++i) {
          const double u = unit_coordinate(spec.axes[a], axis_value(points[i], a));
          ++hits[std::min<std::uint64_t>(static_cast<std::uint64_t>(u * static_cast<double>(m)),
                                         m - 1)];
        }
        for (std::uint64_t b = 0; b < m; ++b) {
          ASSERT_EQ(hits[b], 1) << "seed " << seed << " axis " << a << " first 2^" << k
                                << " points, bin " << b;
        }
      }
    }
  }
}

// The first two Sobol coordinates form a (0, m, 2)-net: for k1 + k2 = m, each of the
// 2^k1 x 2^k2 elementary boxes holds exactly one of the first 2^m points.
TEST(Sobol, FirstTwoCoordinatesFormANet) {
  const int max_m = 10;
  const SweepSpec spec = spec_of(design_text("sobol", std::uint64_t{1} << max_m, 31));
  const std::vector<ModelPoint> points = all_points(Grid(spec));
  for (int m = 0; m <= max_m; ++m) {
    for (int k1 = 0; k1 <= m; ++k1) {
      const int k2 = m - k1;
      const std::uint64_t b1 = std::uint64_t{1} << k1, b2 = std::uint64_t{1} << k2;
      std::vector<int> hits(b1 * b2, 0);
      for (std::uint64_t i = 0; i < (std::uint64_t{1} << m); ++i) {
        const double u1 = unit_coordinate(spec.axes[modesweep::spec::alpha], points[i].alpha) * b1;
        const double u2 = unit_coordinate(spec.axes[modesweep::spec::beta], points[i].beta) * b2;
        ++hits[std::min<std::uint64_t>(static_cast<std::uint64_t>(u1), b1 - 1) * b2 +
               std::min<std::uint64_t>(static_cast<std::uint64_t>(u2), b2 - 1)];
      }
      for (std::size_t b = 0; b < hits.size(); ++b) {
        ASSERT_EQ(hits[b], 1) << "m " << m << " k1 " << k1 << " box " << b;
      }
    }
  }
}

TEST(Sobol, ChunkIndependent) {
  expect_chunk_independent(Grid(spec_of(design_text("sobol", 300, 9))));
  expect_chunk_independent(Grid(spec_of(design_text("sobol", 256, 0))));
}

TEST(Sobol, SeedsGiveDifferentDesigns) {
  const auto a = all_points(Grid(spec_of(design_text("sobol", 64, 1))));
  const auto b = all_points(Grid(spec_of(design_text("sobol", 64, 2))));
  const auto c = all_points(Grid(spec_of(design_text("sobol", 64, 1))));
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    differ += a[i].alpha != b[i].alpha || a[i].N != b[i].N ? 1 : 0;
    EXPECT_TRUE(same_point(a[i], c[i])) << i;
  }
  EXPECT_EQ(differ, 64);
}

TEST(Design, OnlyFixedAxes) {
  for (const char* design : {"sobol", "latin-hypercube"}) {
    const Grid grid(spec_of(std::string("[sweep]\ndesign = \"") + design +
                            "\"\n[design]\ncount = 5\n[axes]\nalpha = 2\nbeta = 1\ngamma = 0.5\n"
                            "N = 100\nD = inf\ntau = 1e9\n"));
    const std::vector<ModelPoint> points = all_points(grid);
    ASSERT_EQ(points.size(), 5u);
    for (const ModelPoint& p : points) {
      EXPECT_EQ(p.alpha, 2.0);
      EXPECT_EQ(p.beta, 1.0);
      EXPECT_EQ(p.gamma, 0.5);
      EXPECT_EQ(p.N, 100.0);
      EXPECT_EQ(p.D, inf);
      EXPECT_EQ(p.tau, 1e9);
      EXPECT_EQ(p.learning_rate, modesweep::model::default_learning_rate);
    }
  }
}

}  // namespace

// Monte Carlo draws whole tokens: in mode mc|both a sampled design's D (and tau) are rounded
// to the nearest integer; every other coordinate is the exact-mode design's.
TEST(DesignGrid, MonteCarloModesRoundTokensToWholeNumbers) {
  for (const char* design : {"latin-hypercube", "sobol"}) {
    std::string text = design_text(design, 200, 7);
    const Grid exact(spec_of(text));
    text.replace(text.find("[sweep]\n"), 8, "[sweep]\nmode = \"both\"\nreplicas = 4\n");
    const Grid mc(spec_of(text));
    std::vector<ModelPoint> a(200), b(200);
    exact.fill_points(0, 200, a.data());
    mc.fill_points(0, 200, b.data());
    int fractional = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].D != std::floor(a[i].D)) ++fractional;
      EXPECT_EQ(b[i].D, std::max(1.0, std::nearbyint(a[i].D))) << design << " " << i;
      EXPECT_EQ(b[i].alpha, a[i].alpha);
      EXPECT_EQ(b[i].N, a[i].N);
      EXPECT_EQ(b[i].tau, a[i].tau);
    }
    EXPECT_GT(fractional, 100) << design;  // the exact-mode design is not integral by itself
  }
}

// The same holds when every axis of a design is fixed: a fractional D is still rounded.
TEST(DesignGrid, MonteCarloRoundsTokensOfAnAllFixedDesign) {
  const std::string text =
      "[sweep]\ndesign = \"latin-hypercube\"\nmode = \"mc\"\nreplicas = 4\n[design]\n"
      "count = 3\nseed = 1\n[axes]\nalpha = 2.0\nbeta = 1.0\ngamma = 1.0\nN = 1e6\n"
      "D = 12.4\ntau = 30.6\n";
  const Grid grid(spec_of(text));
  std::vector<ModelPoint> points(3);
  grid.fill_points(0, 3, points.data());
  for (const ModelPoint& p : points) {
    EXPECT_EQ(p.D, 12.0);
    EXPECT_EQ(p.tau, 31.0);
    EXPECT_EQ(p.alpha, 2.0);
  }
}
