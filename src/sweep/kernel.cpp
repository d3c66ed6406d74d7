#include "modesweep/sweep/kernel.hpp"

#include <Kokkos_Core.hpp>

#include "modesweep/mc/batch.hpp"
#include "modesweep/model/batch.hpp"
#include "modesweep/model/exact_loss.hpp"

namespace modesweep::sweep {
namespace {

using model::ModelPoint;

// What a (alpha, beta, D, tau) group shares: log zeta, log dL(M = inf), log eps_D, log eps_tau.
struct GroupTerms {
  double log_zeta;
  double log_dL_unbounded;
  double log_eps_D;
  double log_eps_tau;
};
using GroupView = Kokkos::View<GroupTerms*>;

// One representative point per group (its gamma and N are irrelevant here).
struct EvaluateGroups {
  model::PointView representatives;
  GroupView groups;
  KOKKOS_INLINE_FUNCTION void operator()(const int g) const {
    const ModelPoint& p = representatives(g);
    const double inf = math::infinity;
    const double lz = model::log_zeta(p.alpha);
    using model::detail::log_reducible_loss;
    groups(g) =
        GroupTerms{lz, log_reducible_loss(p.alpha, p.beta, lz, inf, p.D, p.tau, p.learning_rate),
                   log_reducible_loss(p.alpha, p.beta, lz, inf, p.D, inf, p.learning_rate),
                   log_reducible_loss(p.alpha, p.beta, lz, inf, inf, p.tau, p.learning_rate)};
  }
};

// Every point of the chunk from its group's terms; group of point i is (first + i) / G - g0.
struct EvaluateBlockPoints {
  model::PointView points;
  GroupView groups;
  model::ResultView results;
  std::uint64_t first;
  std::uint64_t group_size;
  std::uint64_t first_group;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const ModelPoint& p = points(i);
    const GroupTerms& g = groups(static_cast<int>((first + i) / group_size - first_group));
    const double inf = math::infinity;
    const double M = model::capacity_cutoff(p);
    using model::detail::log_reducible_loss;
    const double log_eps_N =
        log_reducible_loss(p.alpha, p.beta, g.log_zeta, M, inf, inf, p.learning_rate);
    const double log_dL = math::isinf(M) ? g.log_dL_unbounded
                                         : model::detail::log_reducible_loss_beyond(
                                               p.alpha, p.beta, g.log_zeta, M, p.D, p.tau,
                                               p.learning_rate, g.log_dL_unbounded, log_eps_N);
    results(i) =
        model::detail::make_result(log_dL, log_eps_N, g.log_eps_D, g.log_eps_tau, p.irreducible);
  }
};

}  // namespace

void ChunkResults::resize(std::uint64_t n, spec::Mode mode) {
  points.resize(n);
  const std::uint64_t exact = spec::has_exact_mode(mode) ? n : 0;
  const std::uint64_t mc = spec::has_mc_mode(mode) ? n : 0;
  for (auto* column : {&dL, &eps_N, &eps_D, &eps_tau}) column->resize(exact);
  bottleneck.resize(exact);
  for (auto* column : {&mc_mean, &mc_stderr, &mc_q05, &mc_q50, &mc_q95}) column->resize(mc);
}

void evaluate_chunk(const grid::Grid& grid, std::uint64_t begin, std::uint64_t count,
                    ChunkResults& out) {
  const spec::SweepSpec& spec = grid.spec();
  out.resize(count, spec.mode);
  if (count == 0) return;
  const int n = static_cast<int>(count);
  model::PointView points("modesweep::chunk_points", count);
  model::ResultView results("modesweep::chunk_results", count);
  grid.fill_points(begin, count, out.points.data());
  Kokkos::deep_copy(
      points,
      Kokkos::View<const ModelPoint*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
          out.points.data(), count));

  if (spec::has_mc(spec)) {
    const mc::McSettings settings{spec.replicas, spec.mc_seed,
                                  spec.sampling == spec::McSampling::sequential
                                      ? mc::Sampling::sequential
                                      : mc::Sampling::with_replacement};
    mc::StatisticsView statistics("modesweep::chunk_mc", count);
    mc::evaluate_mc_batch(points, begin, settings, statistics);
    auto host = Kokkos::create_mirror_view(statistics);
    Kokkos::deep_copy(host, statistics);
    for (int i = 0; i < n; ++i) {
      out.mc_mean[i] = host(i).mean;
      out.mc_stderr[i] = host(i).standard_error;
      out.mc_q05[i] = host(i).q05;
      out.mc_q50[i] = host(i).q50;
      out.mc_q95[i] = host(i).q95;
    }
  }
  if (!spec::has_exact(spec)) return;

  if (grid.is_factorial()) {
    const std::uint64_t G = grid.group_size();
    const std::uint64_t g0 = begin / G, g1 = (begin + count - 1) / G;
    const int n_groups = static_cast<int>(g1 - g0 + 1);
    model::PointView representatives("modesweep::group_points", n_groups);
    auto representatives_host = Kokkos::create_mirror_view(representatives);
    for (int g = 0; g < n_groups; ++g) {
      representatives_host(g) = grid.point((g0 + static_cast<std::uint64_t>(g)) * G);
    }
    Kokkos::deep_copy(representatives, representatives_host);
    GroupView groups("modesweep::group_terms", n_groups);
    Kokkos::parallel_for("modesweep::evaluate_groups", Kokkos::RangePolicy<>(0, n_groups),
                         EvaluateGroups{representatives, groups});
    Kokkos::parallel_for("modesweep::evaluate_block_points", Kokkos::RangePolicy<>(0, n),
                         EvaluateBlockPoints{points, groups, results, begin, G, g0});
    Kokkos::fence();
  } else {
    model::evaluate_batch(points, results);
  }

  auto results_host = Kokkos::create_mirror_view(results);
  Kokkos::deep_copy(results_host, results);
  for (int i = 0; i < n; ++i) {
    out.dL[i] = results_host(i).dL;
    out.eps_N[i] = results_host(i).eps_N;
    out.eps_D[i] = results_host(i).eps_D;
    out.eps_tau[i] = results_host(i).eps_tau;
    out.bottleneck[i] = static_cast<std::int8_t>(results_host(i).bottleneck);
  }
}

}  // namespace modesweep::sweep
