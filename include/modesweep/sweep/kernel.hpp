// The sweep's Kokkos kernels: one chunk of grid points in, dL, eps_N, eps_D, eps_tau and the
// bottleneck out (MODEL.md 3, 5). A chunk is a contiguous index range of grid::Grid.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "modesweep/grid/grid.hpp"
#include "modesweep/sweep/chunk_memory.hpp"

namespace modesweep::sweep {

// How a chunk's exact values were obtained (factorial block path): capacity panels built and
// rejected (capacity_panels.hpp), points read from a panel, points that needed a sum of their
// own, small-capacity tables and the points read from them, points below the learning front
// that read their eps_N. Other points took a closed form. For benchmarks and tests; results
// never depend on it.
struct KernelStats {
  std::uint64_t panels_built = 0;
  std::uint64_t panels_rejected = 0;
  std::uint64_t interpolated_points = 0;
  std::uint64_t summed_points = 0;
  std::uint64_t small_tables = 0;          // blocks with capacities below the panels (M < 1000)
  std::uint64_t tabled_points = 0;         // points read from those tables
  std::uint64_t fully_learned_points = 0;  // dL = eps_N (capacity_fully_learned)
  std::array<std::uint64_t, 5> interpolated_by_level{};  // by panel level (0 = widest)
};

// Host-side results of one chunk, in grid index order. The exact columns are filled for mode
// exact|both, the mc_* columns (MODEL.md 4) for mode mc|both; the others stay empty.
struct ChunkResults {
  // The points of a design or of Monte Carlo values, every one (the writer stores a design's
  // coordinates from them); a factorial grid's exact values need only the chunk's first
  // min(count, group size), which is all evaluate_chunk leaves here then (grid::Grid::point
  // gives any point).
  std::vector<model::ModelPoint> points;
  // chunk-sized: on 2 MiB pages where the system has them (chunk_memory.hpp)
  ChunkVector<double> dL, eps_N, eps_D, eps_tau;
  ChunkVector<std::int8_t> bottleneck;
  ChunkVector<double> mc_mean, mc_stderr, mc_q05, mc_q50, mc_q95;
  KernelStats stats;  // reset by resize
  // Device buffers kept from chunk to chunk (kernel.cpp): a sweep that reuses its
  // ChunkResults does not allocate, and fault in, chunk-sized memory for every chunk. Holds
  // Kokkos views, so a ChunkResults must not outlive Kokkos::finalize.
  struct Workspace;
  std::shared_ptr<Workspace> workspace;
  // Sizes the result columns of the mode for n points (not `points`) and resets stats.
  void resize(std::uint64_t n, spec::Mode mode = spec::Mode::exact);
};

// Evaluates grid points [begin, begin + count) as the spec's mode asks. Monte Carlo keys
// point i's replicas by its grid index, so they too are independent of chunking. Factorial grids
// take the block path: for each (alpha, beta, D, tau) group, dL(M = inf), eps_D and eps_tau once,
// then every (gamma, N) of the group from them: dL(inf) where M is beyond what is learned
// (from the group's threshold on M, the smallest M where exact_loss.hpp's
// capacity_beyond_learning holds), eps_N where every mode up to M is learned (the largest M
// where capacity_fully_learned holds), else from the group's capacity panel
// (capacity_panels.hpp) or, where no panel applies or one fails its checks, an exact sum. Each
// value depends only on its point and its group, never on the chunk boundaries: results are
// bit-identical for any chunking and rank count. Kokkos must be initialized.
void evaluate_chunk(const grid::Grid& grid, std::uint64_t begin, std::uint64_t count,
                    ChunkResults& out);

}  // namespace modesweep::sweep
