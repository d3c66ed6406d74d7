// Grid-envelope frontiers (issue 5, item 2): from a finished factorial results file, the
// isoFLOP bins of the stored points of a budget geometry (MODEL.md 6), the best point of each
// bin, and the exponents fitted to those best points, beside the exact frontier's over the
// same range and for coarser grids (every 2nd, 4th, ... N value): how coarse a grid can be
// before its fitted exponent drifts.
#pragma once

#include <string>
#include <vector>

#include "modesweep/frontier/exact_frontier.hpp"

namespace modesweep::frontier {

struct EnvelopePoint {
  double alpha = 0, beta = 0, gamma = 0;
  double unique_tokens = 0;                     // data-constrained: the D of the group; else 0
  double C_bin = 0;                             // the bin's lower edge
  double C = 0, N = 0, D = 0, tau = 0, dL = 0;  // the best stored point of the bin
  // Neither N nor the budget's other resource is at an end of its axis: the bin's minimum is
  // inside the grid, not cut off by it. Only these enter the fits.
  bool bracketed = false;
};

struct EnvelopeFit {
  double alpha = 0, beta = 0, gamma = 0, unique_tokens = 0;
  int n_stride = 1;  // every n_stride-th N value of the grid
  int bins = 0;
  double C_min = 0, C_max = 0;
  double slope_N = 0, slope_L = 0;              // fitted to the envelope
  double exact_slope_N = 0, exact_slope_L = 0;  // of the exact frontier over [C_min, C_max]
};

struct GridEnvelope {
  Budget budget = Budget::converged;
  int bins_per_decade = 2;
  std::vector<EnvelopePoint> points;  // stride 1
  std::vector<EnvelopeFit> fits;      // per group and stride
};

// Reads `path` one (alpha, beta) slab at a time. Throws FrontierError (bad options) or
// io::ResultsFileError (not a complete factorial results file).
GridEnvelope grid_envelope(const std::string& path, Budget budget, int bins_per_decade);

// Writes the envelope into the file's group frontier/<budget> (replacing it).
void write_envelope(const std::string& path, const GridEnvelope& envelope);

}  // namespace modesweep::frontier
