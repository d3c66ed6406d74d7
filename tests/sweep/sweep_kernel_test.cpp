// The sweep kernel's factorial block path against the single-point evaluator, and the capacity
// panels it reads dL from (capacity_panels.hpp). Own main: the kernel needs Kokkos.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "modesweep/grid/grid.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/capacity_panels.hpp"
#include "modesweep/sweep/kernel.hpp"

namespace {

namespace panels = modesweep::sweep::panels;
using modesweep::grid::Grid;
using modesweep::sweep::ChunkResults;

Grid grid_of(const std::string& text) {
  return Grid(modesweep::spec::parse_spec(text, "sweep_kernel_test.toml", std::uint64_t{1} << 40));
}

std::vector<double> panel_nodes(int level, std::int64_t panel) {
  std::vector<double> x;
  for (int j = 0; j < panels::panel_nodes; ++j) {
    x.push_back(std::log(panels::sample_capacity(level, panel, j)));
  }
  return x;
}

// At every level, nodes rise through the panel and every sample lies inside it; from the
// level-0 panel of min_panel_capacity up, samples are distinct (checks between nodes).
TEST(CapacityPanels, SamplesAreOrderedDistinctAndInsideTheirPanel) {
  for (int level = 0; level <= panels::max_panel_level; ++level) {
    const double w = panels::level_width(level);
    EXPECT_EQ(w, panels::panel_width / (1 << level));
    for (std::int64_t panel = panels::panel_of(panels::min_panel_capacity, level);
         panel <= panels::panel_of(1e300, level); ++panel) {
      const double lo = std::exp(panel * w), hi = std::exp((panel + 1) * w);
      std::vector<double> all;
      for (int j = 0; j < panels::panel_samples; ++j) {
        const double M = panels::sample_capacity(level, panel, j);
        ASSERT_GE(M, std::floor(lo * (1 - 1e-14)))
            << "level " << level << " panel " << panel << " sample " << j;
        ASSERT_LE(M, std::ceil(hi * (1 + 1e-14)))
            << "level " << level << " panel " << panel << " sample " << j;
        if (j > 0 && j < panels::panel_nodes && M > 1e4) {
          ASSERT_GT(M, panels::sample_capacity(level, panel, j - 1)) << "panel " << panel;
        }
        all.push_back(M);
      }
      if (level == 0 || lo > 1e5) {
        std::sort(all.begin(), all.end());
        ASSERT_EQ(std::adjacent_find(all.begin(), all.end()), all.end())
            << "level " << level << " panel " << panel;
      }
    }
  }
  // A capacity lies in its panel, and its panel at the next level is one of the two halves.
  for (double M : {1e3, 4.5e3, 1e7, 3.3e15, 1e24, 1e300}) {
    for (int level = 0; level < panels::max_panel_level; ++level) {
      const std::int64_t p = panels::panel_of(M, level);
      EXPECT_LE(p * panels::level_width(level), std::log(M));
      EXPECT_GT((p + 1) * panels::level_width(level), std::log(M));
      const std::int64_t child = panels::panel_of(M, level + 1);
      EXPECT_TRUE(child == 2 * p || child == 2 * p + 1) << M << " level " << level;
    }
  }
}

// The barycentric form reproduces a polynomial of the nodes' degree and an entire function to
// rounding, on the rounded nodes of the lowest panels (the most perturbed) and a high one.
TEST(CapacityPanels, InterpolantReproducesPolynomialsAndSmoothFunctions) {
  std::mt19937_64 rng(7);
  for (int level : {0, panels::max_panel_level}) {
    const double width = panels::level_width(level);
    for (std::int64_t panel : {panels::panel_of(2e4, level), panels::panel_of(1e17, level)}) {
      const std::vector<double> x = panel_nodes(level, panel);
      const int n = static_cast<int>(x.size());
      std::vector<double> w(n), poly(n), smooth(n);
      panels::barycentric_weights(x.data(), n, width, w.data());
      const double mid = (panel + 0.5) * width;
      auto p = [&](double t) {  // degree n - 1 in u = (t - mid) / half-width
        const double u = (t - mid) / (0.5 * width);
        double v = 0;
        for (int k = n - 1; k >= 0; --k) v = v * u + 1.0 / (k + 1);
        return v;
      };
      auto f = [&](double t) { return std::sin(t - mid) + std::exp(0.3 * (t - mid)); };
      for (int j = 0; j < n; ++j) {
        poly[j] = p(x[j]);
        smooth[j] = f(x[j]);
      }
      std::uniform_real_distribution<double> U(panel * width, (panel + 1) * width);
      for (int i = 0; i < 200; ++i) {
        const double t = U(rng);
        EXPECT_NEAR(panels::interpolate(x.data(), poly.data(), w.data(), n, t), p(t), 1e-12);
        EXPECT_NEAR(panels::interpolate(x.data(), smooth.data(), w.data(), n, t), f(t), 1e-13);
      }
      EXPECT_EQ(panels::interpolate(x.data(), poly.data(), w.data(), n, x[3]), poly[3]);
    }
  }
}

// The power series a panel is read from is the polynomial through the nodes: it reproduces
// a polynomial of the nodes' degree, and an entire function, as the barycentric form does.
// (Both decay fast in Chebyshev terms, as the functions of accepted panels do: the power form
// is conditioned for those only, capacity_panels.hpp.)
// At values of log dL's size (here -40 + 12 x + ..., up to 58 in magnitude) both forms carry
// the rounding of the node values (half an ulp of 58 is 3.6e-15) times the nodes' Lebesgue
// constant (~3) and a few roundings of their own, and agree with each other and the function
// to 2e-13.
TEST(CapacityPanels, PowerSeriesIsThePolynomialThroughTheNodes) {
  std::mt19937_64 rng(11);
  for (int level : {0, 2, panels::max_panel_level}) {
    const double width = panels::level_width(level);
    for (std::int64_t panel : {panels::panel_of(2e4, level), panels::panel_of(1e17, level)}) {
      const std::vector<double> x = panel_nodes(level, panel);
      const int n = static_cast<int>(x.size());
      const double mid = (panel + 0.5) * width;
      auto poly = [&](double t) {  // degree n - 1 in u, coefficients (-0.3)^k / (k + 1)
        const double u = (t - mid) / (0.5 * width);
        double v = 0;
        for (int k = n - 1; k >= 0; --k) v = v * u + std::pow(-0.3, k) / (k + 1);
        return v;
      };
      auto smooth = [&](double t) { return std::sin(t - mid) + std::exp(0.3 * (t - mid)); };
      auto large = [&](double t) { return -40.0 + 12.0 * (t - mid) + 0.5 * std::sin(t - mid); };
      std::vector<double> w(n), y(n), a(panels::panel_coefficients);
      panels::barycentric_weights(x.data(), n, width, w.data());
      std::uniform_real_distribution<double> U(panel * width, (panel + 1) * width);
      int f_index = 0;
      for (const auto& f :
           {std::function<double(double)>(poly), std::function<double(double)>(smooth),
            std::function<double(double)>(large)}) {
        for (int j = 0; j < n; ++j) y[j] = f(x[j]);
        panels::panel_power_series(x.data(), y.data(), w.data(), level, panel, a.data());
        double worst = 0.0;
        for (int i = 0; i < 300; ++i) {
          const double t = i == 0 ? panel * width : i == 1 ? (panel + 1) * width : U(rng);
          const double value =
              panels::panel_value(a.data(), panels::panel_coordinate(t, level, panel));
          worst = std::max(worst, std::fabs(value - f(t)));
          EXPECT_NEAR(value, panels::interpolate(x.data(), y.data(), w.data(), n, t),
                      f_index == 2 ? 2e-13 : 1e-14);
        }
        EXPECT_LT(worst, f_index == 2 ? 2e-13 : 1e-14)
            << "function " << f_index << " level " << level << " panel " << panel;
        ++f_index;
      }
    }
  }
}

// Samples (x, y) of a panel with y = f(x).
template <class F>
void panel_samples(int level, std::int64_t panel, F f, std::vector<double>& x,
                   std::vector<double>& y) {
  x.clear();
  y.clear();
  for (int j = 0; j < panels::panel_samples; ++j) {
    x.push_back(std::log(panels::sample_capacity(level, panel, j)));
    y.push_back(f(x.back()));
  }
}

// build_panel accepts a smooth function and refuses a check off by 1e-12, a NaN, and a panel
// whose check was rounded onto a node (that check could not fail).
TEST(CapacityPanels, BuildPanelAcceptsOnlyWhatItChecked) {
  std::vector<double> x, y, stored(panels::panel_coefficients);
  auto smooth = [](double t) { return -0.5 * t + 0.1 * std::sin(t); };
  const std::int64_t panel = panels::panel_of(1e9, 0);
  panel_samples(0, panel, smooth, x, y);
  EXPECT_TRUE(panels::build_panel(x.data(), y.data(), 0, panel, stored.data()));
  for (int j = panels::panel_nodes; j < panels::panel_samples; ++j) {
    std::vector<double> bad = y;
    bad[j] += 1e-12;
    EXPECT_FALSE(panels::build_panel(x.data(), bad.data(), 0, panel, stored.data()))
        << "check " << j;
  }
  std::vector<double> nan = y;
  nan[5] = std::nan("");
  EXPECT_FALSE(panels::build_panel(x.data(), nan.data(), 0, panel, stored.data()));
  // At the deepest level near min_panel_capacity an end check rounds onto a node's M.
  int collided = 0;
  const int level = panels::max_panel_level;
  for (std::int64_t p = panels::panel_of(panels::min_panel_capacity, level);
       p < panels::panel_of(1e5, level); ++p) {
    panel_samples(level, p, smooth, x, y);
    bool collision = false;
    for (int j = panels::panel_nodes; j < panels::panel_samples; ++j) {
      for (int k = 0; k < panels::panel_nodes; ++k) collision = collision || x[j] == x[k];
    }
    EXPECT_EQ(panels::build_panel(x.data(), y.data(), level, p, stored.data()), !collision)
        << "level " << level << " panel " << p;
    collided += collision ? 1 : 0;
  }
  EXPECT_GT(collided, 0);  // the case exists, and is refused
}

// A factorial grid over the whole range of regimes: alpha near 1 to 10, clamped and steep
// beta, fresh, repeated and unlimited data, capacities from 1 to beyond 1e20.
const char* kWideGrid = R"([sweep]
[axes]
alpha = [1.05, 1.5, 2.0, 3.0, 6.0, 10.0]
beta = [0.5, 1.0, 2.0]
gamma = [0.6, 1.0, 1.4]
N = {logspace = [1, 1e18, 37]}
D = [1e6, 1e12, inf]
tau = [3e7, 1e16, inf]
)";

// The same regimes with other model constants: slow learning and a fractional capacity scale.
const char* kConstantsGrid = R"([sweep]
[model]
learning_rate = 1e-3
capacity_scale = 0.37
[axes]
alpha = [1.2, 2.5, 5.0]
beta = [0.7, 1.3]
gamma = [0.8, 1.2]
N = {logspace = [1, 1e20, 41]}
D = [1e8, 3e6, inf]
tau = [1e10, 1e18, 1e7, inf]
)";

// Every capacity from 0 to 1000, where the small-M table hands over to the panels, with full
// epochs and a partial one (tau = 1e7 = 3 D + 1e6) and the clamped beta < 1; D = 1e4 puts the
// learning front among these capacities (at larger D they are mostly fully learned).
const char* kSmallCapacityGrid = R"([sweep]
[axes]
alpha = [1.1, 2.0, 7.0]
beta = [0.5, 1.0]
gamma = 1.0
N = {linspace = [1, 1001, 1001]}
D = [1e4, 3e6, inf]
tau = [1e7, inf]
)";

// Every value of the block path equals the single-point evaluator to 1e-12 relative (the
// accuracy the sweep's check_results.py demands); returns the chunk's stats.
modesweep::sweep::KernelStats expect_every_point_matches(const Grid& grid) {
  ChunkResults out;
  modesweep::sweep::evaluate_chunk(grid, 0, grid.size(), out);
  double worst = 0.0;
  for (std::uint64_t i = 0; i < grid.size(); ++i) {
    const auto p = grid.point(i);
    const auto want = modesweep::model::evaluate_point(p);
    const double rel = std::fabs(out.dL[i] - want.dL) / want.dL;
    worst = std::max(worst, rel);
    EXPECT_LE(rel, 1e-12) << "alpha " << p.alpha << " beta " << p.beta << " gamma " << p.gamma
                          << " N " << p.N << " D " << p.D << " tau " << p.tau;
    if (!(rel <= 1e-12)) break;
    EXPECT_EQ(out.eps_N[i], want.eps_N) << i;
    EXPECT_EQ(out.eps_D[i], want.eps_D) << i;
    EXPECT_EQ(out.eps_tau[i], want.eps_tau) << i;
    EXPECT_EQ(out.bottleneck[i], want.bottleneck) << i;
  }
  const auto& s = out.stats;
  std::printf(
      "%llu points: %llu from %llu panels (%llu rejected), %llu from %llu small-M tables, %llu "
      "fully learned, %llu summed; worst %.2e\n",
      static_cast<unsigned long long>(grid.size()),
      static_cast<unsigned long long>(s.interpolated_points),
      static_cast<unsigned long long>(s.panels_built),
      static_cast<unsigned long long>(s.panels_rejected),
      static_cast<unsigned long long>(s.tabled_points),
      static_cast<unsigned long long>(s.small_tables),
      static_cast<unsigned long long>(s.fully_learned_points),
      static_cast<unsigned long long>(s.summed_points), worst);
  for (int level = 0; level <= panels::max_panel_level; ++level) {
    std::printf("  level %d: %llu points\n", level,
                static_cast<unsigned long long>(s.interpolated_by_level[level]));
  }
  return s;
}

// Not vacuous: panels at several levels, small-M tables and eps_N where every mode up to M
// is learned carried the points that needed a sum (the few others failed every level's
// checks); the evaluator sums those last ones in full.
TEST(BlockPath, EveryPointMatchesTheSinglePointEvaluator) {
  const auto s = expect_every_point_matches(grid_of(kWideGrid));
  EXPECT_GT(s.interpolated_points, 3500u);
  EXPECT_GT(s.tabled_points, 500u);
  EXPECT_GT(s.fully_learned_points, 2000u);
  EXPECT_LT(s.summed_points, 100u);
  EXPECT_GT(s.panels_built, 500u);
  EXPECT_GT(s.panels_rejected, 0u);  // the grid reaches fronts that level 0 cannot follow
  for (int level = 0; level <= 2; ++level) {
    EXPECT_GT(s.interpolated_by_level[level], 0u) << "level " << level;
  }
}

TEST(BlockPath, EveryPointMatchesWithOtherModelConstants) {
  const auto s = expect_every_point_matches(grid_of(kConstantsGrid));
  EXPECT_GT(s.interpolated_points, 500u);
  EXPECT_GT(s.tabled_points, 200u);  // down to M = 0 (N = 1, capacity_scale 0.37)
  EXPECT_GT(s.fully_learned_points, 400u);
}

TEST(BlockPath, EveryCapacityUpToTheFirstPanelMatches) {
  const auto s = expect_every_point_matches(grid_of(kSmallCapacityGrid));
  EXPECT_GT(s.tabled_points, 10000u);
  EXPECT_GT(s.fully_learned_points, 5000u);
  EXPECT_GT(s.interpolated_points, 0u);  // M = 1000 and 1001 come from the first panel
}

// A factorial results file stores eps_N over (alpha, gamma, N), eps_D over (alpha, D) and
// eps_tau over (alpha, beta, tau) only (io/results_file.hpp): each must be the same bits at
// every point that shares those coordinates, as MODEL.md 3 and 5 make them functions of
// them alone (eps_D has E[q_k] = (1 - p_k)^D whatever beta).
void expect_single_resource_losses_on_their_axes(const Grid& grid) {
  ChunkResults out;
  modesweep::sweep::evaluate_chunk(grid, 0, grid.size(), out);
  const std::vector<std::uint64_t> shape = grid.shape();  // alpha, beta, D, tau, gamma, N
  ASSERT_EQ(shape.size(), 6u);
  // The flat index of the point with index `at`, where dimensions not in `kept` are 0.
  auto first_holder = [&](std::vector<std::uint64_t> at, std::initializer_list<int> kept) {
    for (std::size_t d = 0; d < at.size(); ++d) {
      if (std::find(kept.begin(), kept.end(), static_cast<int>(d)) == kept.end()) at[d] = 0;
    }
    std::uint64_t flat = 0;
    for (std::size_t d = 0; d < at.size(); ++d) flat = flat * shape[d] + at[d];
    return flat;
  };
  std::uint64_t beta_varied = 0;
  for (std::uint64_t i = 0; i < grid.size(); ++i) {
    std::vector<std::uint64_t> at(6);
    for (std::uint64_t rest = i, d = 6; d-- > 0; rest /= shape[d]) at[d] = rest % shape[d];
    const std::uint64_t n = first_holder(at, {0, 4, 5}), d = first_holder(at, {0, 2}),
                        t = first_holder(at, {0, 1, 3});
    ASSERT_EQ(out.eps_N[i], out.eps_N[n]) << "point " << i;
    ASSERT_EQ(out.eps_D[i], out.eps_D[d]) << "point " << i;
    ASSERT_EQ(out.eps_tau[i], out.eps_tau[t]) << "point " << i;
    if (at[1] > 0) ++beta_varied;
  }
  EXPECT_GT(beta_varied, 0u);  // the grid has several betas: eps_D is compared across them
}

TEST(BlockPath, SingleResourceLossesDependOnlyOnTheirAxes) {
  expect_single_resource_losses_on_their_axes(grid_of(kWideGrid));
  expect_single_resource_losses_on_their_axes(grid_of(kConstantsGrid));
  expect_single_resource_losses_on_their_axes(grid_of(kSmallCapacityGrid));
}

// Chunk boundaries cut groups and panels differently; the values are the same bits. One
// ChunkResults serves every chunk, so its buffers are reused at growing and shrinking sizes.
TEST(BlockPath, SameBitsForAnyChunking) {
  const Grid grid = grid_of(kWideGrid);
  ChunkResults whole;
  modesweep::sweep::evaluate_chunk(grid, 0, grid.size(), whole);
  ChunkResults part;
  for (std::uint64_t chunk : {std::uint64_t{1000}, std::uint64_t{1}, std::uint64_t{97}}) {
    for (std::uint64_t begin = 0; begin < grid.size(); begin += chunk) {
      if (chunk == 1 && begin % 37 != 0) continue;  // a sample of single points
      const std::uint64_t count = std::min(chunk, grid.size() - begin);
      modesweep::sweep::evaluate_chunk(grid, begin, count, part);
      for (std::uint64_t i = 0; i < count; ++i) {
        ASSERT_EQ(part.dL[i], whole.dL[begin + i]) << "chunk " << chunk << " point " << begin + i;
        ASSERT_EQ(part.eps_N[i], whole.eps_N[begin + i]) << "chunk " << chunk;
      }
    }
  }
}

// evaluate_chunk keeps its tables from call to call (kernel.cpp, Workspace) and writes only
// what it reads: a ChunkResults that has served other grids and larger chunks, so that its
// buffers hold stale values past every table's end, gives the bits of a fresh one.
TEST(BlockPath, ReusedBuffersGiveTheBitsOfFreshOnes) {
  ChunkResults reused;
  for (const char* other : {kSmallCapacityGrid, kConstantsGrid}) {
    const Grid warm = grid_of(other);
    modesweep::sweep::evaluate_chunk(warm, 0, warm.size(), reused);
  }
  const Grid grid = grid_of(kWideGrid);
  const std::uint64_t sizes[] = {5000, 333, 4096, 37, 12000};
  std::uint64_t begin = 0;
  for (std::size_t k = 0; begin < grid.size(); ++k) {
    const std::uint64_t count = std::min(sizes[k % std::size(sizes)], grid.size() - begin);
    ChunkResults fresh;
    modesweep::sweep::evaluate_chunk(grid, begin, count, fresh);
    modesweep::sweep::evaluate_chunk(grid, begin, count, reused);
    ASSERT_EQ(reused.dL, fresh.dL) << "chunk at " << begin;
    ASSERT_EQ(reused.eps_N, fresh.eps_N) << "chunk at " << begin;
    ASSERT_EQ(reused.eps_D, fresh.eps_D) << "chunk at " << begin;
    ASSERT_EQ(reused.eps_tau, fresh.eps_tau) << "chunk at " << begin;
    ASSERT_EQ(reused.bottleneck, fresh.bottleneck) << "chunk at " << begin;
    EXPECT_EQ(reused.stats.panels_built, fresh.stats.panels_built);
    begin += count;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv);
  return RUN_ALL_TESTS();
}
