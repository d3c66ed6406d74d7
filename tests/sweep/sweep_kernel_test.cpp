// The sweep kernel's factorial block path against the single-point evaluator, and the capacity
// panels it reads dL from (capacity_panels.hpp). Own main: the kernel needs Kokkos.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
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

// Every value of the block path equals the single-point evaluator to 1e-12 relative (the
// accuracy the sweep's check_results.py demands), and the panels actually carried most points.
TEST(BlockPath, EveryPointMatchesTheSinglePointEvaluator) {
  const Grid grid = grid_of(kWideGrid);
  ChunkResults out;
  modesweep::sweep::evaluate_chunk(grid, 0, grid.size(), out);
  double worst = 0.0;
  for (std::uint64_t i = 0; i < grid.size(); ++i) {
    const auto& p = out.points[i];
    const auto want = modesweep::model::evaluate_point(p);
    const double rel = std::fabs(out.dL[i] - want.dL) / want.dL;
    worst = std::max(worst, rel);
    ASSERT_LE(rel, 1e-12) << "alpha " << p.alpha << " beta " << p.beta << " gamma " << p.gamma
                          << " N " << p.N << " D " << p.D << " tau " << p.tau;
    ASSERT_EQ(out.eps_N[i], want.eps_N) << i;
    ASSERT_EQ(out.eps_D[i], want.eps_D) << i;
    ASSERT_EQ(out.eps_tau[i], want.eps_tau) << i;
    ASSERT_EQ(out.bottleneck[i], want.bottleneck) << i;
  }
  const auto& s = out.stats;
  std::printf("%llu points: %llu from %llu panels (%llu rejected), %llu summed; worst %.2e\n",
              static_cast<unsigned long long>(grid.size()),
              static_cast<unsigned long long>(s.interpolated_points),
              static_cast<unsigned long long>(s.panels_built),
              static_cast<unsigned long long>(s.panels_rejected),
              static_cast<unsigned long long>(s.summed_points), worst);
  // Not vacuous: panels at every level carried most points that needed a sum (the rest have
  // M < min_panel_capacity, or no level's panel passed its checks).
  EXPECT_GT(s.interpolated_points, s.summed_points);
  EXPECT_GT(s.panels_built, 500u);
  EXPECT_GT(s.panels_rejected, 0u);  // the grid reaches fronts that level 0 cannot follow
}

// Chunk boundaries cut groups and panels differently; the values are the same bits.
TEST(BlockPath, SameBitsForAnyChunking) {
  const Grid grid = grid_of(kWideGrid);
  ChunkResults whole;
  modesweep::sweep::evaluate_chunk(grid, 0, grid.size(), whole);
  for (std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{97}, std::uint64_t{1000}}) {
    for (std::uint64_t begin = 0; begin < grid.size(); begin += chunk) {
      if (chunk == 1 && begin % 37 != 0) continue;  // a sample of single points
      ChunkResults part;
      const std::uint64_t count = std::min(chunk, grid.size() - begin);
      modesweep::sweep::evaluate_chunk(grid, begin, count, part);
      for (std::uint64_t i = 0; i < count; ++i) {
        ASSERT_EQ(part.dL[i], whole.dL[begin + i]) << "chunk " << chunk << " point " << begin + i;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv);
  return RUN_ALL_TESTS();
}
