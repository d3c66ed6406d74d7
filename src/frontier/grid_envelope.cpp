#include "modesweep/frontier/grid_envelope.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "modesweep/grid/grid.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/kernel.hpp"

namespace modesweep::frontier {
namespace {

constexpr int max_stride_levels = 4;  // strides 1, 2, 4, 8

using GroupKey = std::tuple<double, double, double, double>;  // alpha, beta, gamma, unique

// C of a stored point under the budget geometry, or 0 when the point is not on it.
double budget_of(const model::ModelPoint& p, Budget budget, double kappa) {
  const bool n = std::isfinite(p.N), d = std::isfinite(p.D), t = std::isfinite(p.tau);
  switch (budget) {
    case Budget::converged:
      return n && d && !t ? kappa * p.N * p.D : 0.0;
    case Budget::fresh_data:
      return n && !d && t ? kappa * p.N * p.tau : 0.0;
    case Budget::single_epoch:
      return n && d && p.tau == p.D ? kappa * p.N * p.D : 0.0;
    case Budget::data_constrained:
      return n && d && t ? kappa * p.N * p.tau : 0.0;
  }
  return 0.0;
}

}  // namespace

GridEnvelope grid_envelope(const std::string& path, Budget budget, int bins_per_decade) {
  if (bins_per_decade < 1 || bins_per_decade > 100) {
    throw FrontierError("--bins-per-decade: must be in [1, 100]");
  }
  const io::ResultsSummary summary = io::read_summary(path);
  if (summary.attribute("design") != "factorial") {
    throw io::ResultsFileError(
        fmt::format("{}: grid envelopes need a factorial results file (design is {})", path,
                    summary.attribute("design")));
  }
  if (summary.attribute("status") != io::status_complete ||
      summary.chunks_done != summary.chunks_total) {
    throw io::ResultsFileError(
        fmt::format("{}: is not complete (status {}): finish it with modesweep run SPEC --resume",
                    path, summary.attribute("status")));
  }
  const spec::SweepSpec spec =
      spec::parse_spec(summary.attribute("spec"), path, std::numeric_limits<std::uint64_t>::max());
  if (!spec::has_exact(spec)) {
    throw io::ResultsFileError(fmt::format(
        "{}: has Monte Carlo results only (mode = \"mc\"); the grid envelope needs the exact dL: "
        "run the spec with mode = \"both\" or \"exact\"",
        path));
  }
  const grid::Grid grid(spec);
  const double kappa = spec.flops_per_param_token;
  // Index of each N value on its axis, for the coarser grids.
  const std::vector<double>& n_values = grid.axis_values(3);  // alpha, beta, gamma, N, D, tau
  std::map<double, int> n_index;
  for (std::size_t i = 0; i < n_values.size(); ++i) n_index[n_values[i]] = static_cast<int>(i);
  // The finite ends of an axis (of every stride-th value): a best point there may be cut off
  // by the grid.
  const auto finite_ends = [&](int axis, std::size_t stride) {
    const std::vector<double>& values = grid.axis_values(axis);
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (std::size_t i = 0; i < values.size(); i += stride) {
      if (std::isfinite(values[i])) lo = std::min(lo, values[i]), hi = std::max(hi, values[i]);
    }
    return std::pair{lo, hi};
  };
  const auto d_ends = finite_ends(4, 1), t_ends = finite_ends(5, 1);
  std::vector<std::pair<double, double>> n_ends;  // of each coarser grid
  for (int level = 0; level < max_stride_levels; ++level) {
    n_ends.push_back(finite_ends(3, std::size_t{1} << level));
  }
  const auto inside = [](double v, std::pair<double, double> ends) {
    return v > ends.first && v < ends.second;
  };

  // best[stride][group][bin] = the stored point with the least dL.
  std::vector<std::map<GroupKey, std::map<long, EnvelopePoint>>> best(max_stride_levels);
  const std::uint64_t slabs = grid.axis_values(0).size() * grid.axis_values(1).size();
  const std::uint64_t slab = grid.size() / slabs;  // one (alpha, beta): contiguous in storage
  sweep::ChunkResults results;
  for (std::uint64_t s = 0; s < slabs; ++s) {
    io::read_results(path, grid, s * slab, slab, results);
    for (std::size_t i = 0; i < results.points.size(); ++i) {
      const model::ModelPoint& p = results.points[i];
      const double C = budget_of(p, budget, kappa);
      if (!(C > 0.0)) continue;
      const long bin = static_cast<long>(std::floor(std::log10(C) * bins_per_decade + 1e-9));
      const GroupKey key{p.alpha, p.beta, p.gamma, budget == Budget::data_constrained ? p.D : 0.0};
      const int ni = n_index[p.N];
      for (int level = 0; level < max_stride_levels; ++level) {
        if (ni % (1 << level) != 0) continue;
        EnvelopePoint& e = best[level][key][bin];
        if (e.C == 0.0 || results.dL[i] < e.dL) {
          const bool other_inside = budget == Budget::converged ? inside(p.D, d_ends)
                                    : budget == Budget::single_epoch
                                        ? inside(p.D, d_ends) && inside(p.tau, t_ends)
                                        : inside(p.tau, t_ends);
          e = {p.alpha,
               p.beta,
               p.gamma,
               std::get<3>(key),
               std::pow(10.0, static_cast<double>(bin) / bins_per_decade),
               C,
               p.N,
               p.D,
               p.tau,
               results.dL[i],
               inside(p.N, n_ends[level]) && other_inside};
        }
      }
    }
  }

  GridEnvelope out;
  out.budget = budget;
  out.bins_per_decade = bins_per_decade;
  for (const auto& [key, bins] : best[0]) {
    for (const auto& [bin, e] : bins) out.points.push_back(e);
  }
  for (int level = 0; level < max_stride_levels; ++level) {
    for (const auto& [key, bins] : best[level]) {
      if (bins.size() < 3) continue;
      std::vector<double> log_c, log_n, log_l;
      for (const auto& [bin, e] : bins) {
        if (!(e.dL > 0.0) || !e.bracketed) continue;
        log_c.push_back(std::log(e.C));
        log_n.push_back(std::log(e.N));
        log_l.push_back(std::log(e.dL));
      }
      if (log_c.size() < 3) continue;
      EnvelopeFit f;
      std::tie(f.alpha, f.beta, f.gamma, f.unique_tokens) = key;
      f.n_stride = 1 << level;
      f.bins = static_cast<int>(log_c.size());
      f.C_min = std::exp(*std::min_element(log_c.begin(), log_c.end()));
      f.C_max = std::exp(*std::max_element(log_c.begin(), log_c.end()));
      f.slope_N = least_squares_slope(log_c, log_n);
      f.slope_L = least_squares_slope(log_c, log_l);
      FrontierProblem problem;
      problem.model.alpha = f.alpha;
      problem.model.beta = f.beta;
      problem.model.gamma = f.gamma;
      problem.model.learning_rate = spec.learning_rate;
      problem.model.capacity_scale = spec.capacity_scale;
      problem.budget = budget;
      problem.flops_per_param_token = kappa;
      problem.unique_tokens = f.unique_tokens;
      const FittedSlopes exact = fit_slopes(exact_frontier(problem, f.C_min, f.C_max, 7));
      f.exact_slope_N = exact.slope_N;
      f.exact_slope_L = exact.slope_L;
      out.fits.push_back(f);
    }
  }
  return out;
}

void write_envelope(const std::string& path, const GridEnvelope& e) {
  const auto column = [](const auto& rows, auto field) {
    std::vector<double> v;
    for (const auto& r : rows) v.push_back(static_cast<double>(r.*field));
    return v;
  };
  std::vector<std::pair<std::string, std::vector<double>>> cols = {
      {"alpha", column(e.points, &EnvelopePoint::alpha)},
      {"beta", column(e.points, &EnvelopePoint::beta)},
      {"gamma", column(e.points, &EnvelopePoint::gamma)},
      {"unique_tokens", column(e.points, &EnvelopePoint::unique_tokens)},
      {"C_bin", column(e.points, &EnvelopePoint::C_bin)},
      {"C", column(e.points, &EnvelopePoint::C)},
      {"N", column(e.points, &EnvelopePoint::N)},
      {"D", column(e.points, &EnvelopePoint::D)},
      {"tau", column(e.points, &EnvelopePoint::tau)},
      {"dL", column(e.points, &EnvelopePoint::dL)},
      {"bracketed", column(e.points, &EnvelopePoint::bracketed)},
      {"fit_alpha", column(e.fits, &EnvelopeFit::alpha)},
      {"fit_beta", column(e.fits, &EnvelopeFit::beta)},
      {"fit_gamma", column(e.fits, &EnvelopeFit::gamma)},
      {"fit_unique_tokens", column(e.fits, &EnvelopeFit::unique_tokens)},
      {"fit_n_stride", column(e.fits, &EnvelopeFit::n_stride)},
      {"fit_bins", column(e.fits, &EnvelopeFit::bins)},
      {"fit_slope_N", column(e.fits, &EnvelopeFit::slope_N)},
      {"fit_slope_L", column(e.fits, &EnvelopeFit::slope_L)},
      {"exact_slope_N", column(e.fits, &EnvelopeFit::exact_slope_N)},
      {"exact_slope_L", column(e.fits, &EnvelopeFit::exact_slope_L)}};
  io::write_table_group(
      path, std::string("frontier/") + budget_name(e.budget), cols,
      {{"budget", budget_name(e.budget)},
       {"bins_per_decade", std::to_string(e.bins_per_decade)},
       {"description",
        "grid envelope: per (alpha, beta, gamma[, unique_tokens]) group, the stored point of "
        "least dL in each isoFLOP bin [C_bin, C_bin 10^(1/bins_per_decade)); bracketed: 1 when "
        "neither N nor the other resource is at an end of its axis; fit_*: least-squares "
        "exponents of N and dL of the bracketed points against C, on the grid and on every "
        "fit_n_stride-th N value, beside the exact frontier's (exact_*)"}});
}

}  // namespace modesweep::frontier
