// The sweep's Kokkos kernels: one chunk of grid points in, dL, eps_N, eps_D, eps_tau and the
// bottleneck out (MODEL.md 3, 5). A chunk is a contiguous index range of grid::Grid.
#pragma once

#include <cstdint>
#include <vector>

#include "modesweep/grid/grid.hpp"

namespace modesweep::sweep {

// Host-side results of one chunk, in grid index order, with the points they belong to (the
// writer stores a design's coordinates from them). The exact columns are filled for mode
// exact|both, the mc_* columns (MODEL.md 4) for mode mc|both; the others stay empty.
struct ChunkResults {
  std::vector<model::ModelPoint> points;
  std::vector<double> dL, eps_N, eps_D, eps_tau;
  std::vector<std::int8_t> bottleneck;
  std::vector<double> mc_mean, mc_stderr, mc_q05, mc_q50, mc_q95;
  void resize(std::uint64_t n, spec::Mode mode = spec::Mode::exact);
};

// Evaluates grid points [begin, begin + count) as the spec's mode asks. Monte Carlo keys
// point i's replicas by its grid index, so they too are independent of chunking. Factorial grids
// take the block path: for each (alpha, beta, D, tau) group, dL(M = inf), eps_D and eps_tau once,
// then every (gamma, N) of the group from them (exact_loss.hpp, log_reducible_loss_beyond). Each
// value depends only on its point and its group, never on the chunk boundaries: results are
// bit-identical for any chunking and rank count. Kokkos must be initialized.
void evaluate_chunk(const grid::Grid& grid, std::uint64_t begin, std::uint64_t count,
                    ChunkResults& out);

}  // namespace modesweep::sweep
