#include "modesweep/sweep/kernel.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "modesweep/mc/batch.hpp"
#include "modesweep/model/batch.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "modesweep/sweep/capacity_panels.hpp"

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
    const double log_eps_D =
        log_reducible_loss(p.alpha, p.beta, lz, inf, p.D, inf, p.learning_rate);
    const double log_eps_tau =
        log_reducible_loss(p.alpha, p.beta, lz, inf, inf, p.tau, p.learning_rate);
    using Unbounded = model::detail::Unbounded;
    const Unbounded unbounded = model::detail::unbounded_loss_is(p.D, p.tau);
    const double log_dL_unbounded =
        unbounded == Unbounded::eps_tau ? log_eps_tau
        : unbounded == Unbounded::eps_D
            ? log_eps_D
            : log_reducible_loss(p.alpha, p.beta, lz, inf, p.D, p.tau, p.learning_rate);
    groups(g) = GroupTerms{lz, log_dL_unbounded, log_eps_D, log_eps_tau};
  }
};

// Keys of what a block point still needs: a capacity panel, an exact sum of its own, or
// nothing. A panel key packs (group, level, panel index); indices stay below index_stride
// (panel_of(DBL_MAX, max_panel_level) = 3785).
constexpr std::int64_t index_stride = 4096;
static_assert(panels::max_panel_level + 1 ==
                  static_cast<int>(std::tuple_size<decltype(KernelStats::interpolated_by_level)>()),
              "one stats entry per panel level");
constexpr std::int64_t level_count = panels::max_panel_level + 1;
constexpr std::int64_t key_done = -1;
constexpr std::int64_t key_exact = -2;
constexpr std::int64_t key_small = -3;  // M < min_panel_capacity: the block's small-M table
using KeyView = Kokkos::View<std::int64_t*>;
using PanelTable = Kokkos::View<double**, Kokkos::LayoutRight>;

KOKKOS_INLINE_FUNCTION std::int64_t panel_key(std::uint64_t local, int level, double M) {
  return (static_cast<std::int64_t>(local) * level_count + level) * index_stride +
         panels::panel_of(M, level);
}
KOKKOS_INLINE_FUNCTION int key_group(std::int64_t key) {
  return static_cast<int>(key / index_stride / level_count);
}
KOKKOS_INLINE_FUNCTION int key_level(std::int64_t key) {
  return static_cast<int>(key / index_stride % level_count);
}

// Stage 1: eps_N of every point, and dL where no sum is needed (M = inf; M beyond what is
// learned, exact_loss.hpp capacity_beyond_learning; D = tau = inf, a Hurwitz zeta); the
// others get the key of their level-0 capacity panel, or key_small below min_panel_capacity.
struct PlanBlockPoints {
  model::PointView points;
  GroupView groups;
  Kokkos::View<double*> capacity, log_eps_N, log_dL;  // capacity: M, kept for later stages
  KeyView keys;
  std::uint64_t first;
  std::uint64_t group_size;
  std::uint64_t first_group;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const ModelPoint& p = points(i);
    const std::uint64_t local = (first + i) / group_size - first_group;
    const GroupTerms& g = groups(static_cast<int>(local));
    const double inf = math::infinity;
    const double M = model::capacity_cutoff(p);
    capacity(i) = M;
    using model::detail::log_reducible_loss;
    log_eps_N(i) = log_reducible_loss(p.alpha, p.beta, g.log_zeta, M, inf, inf, p.learning_rate);
    keys(i) = key_done;
    if (math::isinf(M) || model::detail::capacity_beyond_learning(
                              p.alpha, p.beta, g.log_zeta, M, p.D, p.tau, p.learning_rate,
                              g.log_dL_unbounded, log_eps_N(i))) {
      log_dL(i) = g.log_dL_unbounded;
    } else if ((math::isinf(p.D) && math::isinf(p.tau)) || M < 1.0) {
      // a Hurwitz zeta, or dL = 1 when no mode is representable
      log_dL(i) = log_reducible_loss(p.alpha, p.beta, g.log_zeta, M, p.D, p.tau, p.learning_rate);
    } else if (M < panels::min_panel_capacity) {
      keys(i) = key_small;
    } else {
      keys(i) = panel_key(local, 0, M);
    }
  }
};

// Stage 2: the exact log dL at every sample of every needed panel, one sample per index.
struct EvaluatePanelSamples {
  model::PointView representatives;
  GroupView groups;
  KeyView panel_keys;
  PanelTable samples, sample_x;
  KOKKOS_INLINE_FUNCTION void operator()(const int t) const {
    const int slot = t / panels::panel_samples, j = t % panels::panel_samples;
    const std::int64_t key = panel_keys(slot);
    const int local = key_group(key);
    const ModelPoint& p = representatives(local);
    const double M = panels::sample_capacity(key_level(key), key % index_stride, j);
    sample_x(slot, j) = math::log(M);  // computed once: stages 3 and 4 read the same x
    samples(slot, j) = model::detail::log_reducible_loss_from_unbounded(
        p.alpha, p.beta, groups(local).log_zeta, M, p.D, p.tau, p.learning_rate,
        groups(local).log_dL_unbounded);
  }
};

// Stage 3: weights of each panel, and whether it passed its checks (capacity_panels.hpp).
struct BuildPanels {
  KeyView panel_keys;
  PanelTable samples, sample_x, weights;
  Kokkos::View<int*> valid;
  KOKKOS_INLINE_FUNCTION void operator()(const int slot) const {
    valid(slot) = panels::build_panel(&sample_x(slot, 0), &samples(slot, 0),
                                      key_level(panel_keys(slot)), &weights(slot, 0))
                      ? 1
                      : 0;
  }
};

// Stage 4, once per level: points of an accepted panel read dL from it (and are counted);
// the others move to their panel one level down, or to an exact sum after the last level.
struct ReadPanels {
  Kokkos::View<double*> capacity;
  GroupView groups;
  Kokkos::View<double*> log_dL;
  KeyView keys, panel_keys;
  PanelTable samples, sample_x, weights;
  Kokkos::View<int*> valid;
  KOKKOS_INLINE_FUNCTION void operator()(const int i, std::uint64_t& interpolated) const {
    const std::int64_t key = keys(i);
    if (key < 0) return;
    int lo = 0, hi = static_cast<int>(panel_keys.extent(0)) - 1;  // sorted, holds key
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (panel_keys(mid) < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    const double M = capacity(i);
    const int level = key_level(key);
    const double fit = valid(lo)
                           ? panels::interpolate(&sample_x(lo, 0), &samples(lo, 0), &weights(lo, 0),
                                                 panels::panel_nodes, math::log(M))
                           : math::quiet_nan();
    if (!math::isnan(fit) && !math::isinf(fit)) {
      // dL(inf) <= dL(M) <= 1: the clamps keep an interpolant's last-digit error from
      // crossing either bound.
      log_dL(i) = math::fmax(groups(key_group(key)).log_dL_unbounded, math::fmin(0.0, fit));
      keys(i) = key_done;
      ++interpolated;
    } else if (level < panels::max_panel_level) {
      keys(i) = panel_key(static_cast<std::uint64_t>(key_group(key)), level + 1, M);
    } else {
      keys(i) = key_exact;
    }
  }
};

// Small capacities, one row per block that has them: log dL(M) for M = 1 .. 999 from
// dL(M) = dL(1000) + sum_{k=M+1}^{1000} p_k (1 - E[q_k]) (exact_loss.hpp, log_capacity_step),
// all terms positive, summed from k = 1000 down (compensated) in units of dL(1000) >=
// eps_N(1000) > 1e-28 (alpha <= 10), so that no term overflows. One exact sum and 1000
// summands per block instead of an exact sum per point. The order of the additions is fixed:
// the row depends only on its block.
constexpr int small_table_size = static_cast<int>(panels::min_panel_capacity);
struct SmallCapacityTable {
  model::PointView representatives;
  GroupView groups;
  Kokkos::View<int*> table_groups;
  PanelTable table;
  KOKKOS_INLINE_FUNCTION void operator()(const int row) const {
    const int local = table_groups(row);
    const ModelPoint& p = representatives(local);
    const double lz = groups(local).log_zeta;
    const double top = small_table_size;
    const double log_top =
        model::detail::log_reducible_loss(p.alpha, p.beta, lz, top, p.D, p.tau, p.learning_rate);
    const auto survival = model::detail::make_survival(p.beta, p.D, p.tau, p.learning_rate);
    // sum_{k=M+1}^{1000} p_k (1 - E[q_k]) / dL(1000), Kahan-compensated
    double above = 0.0, lost = 0.0;
    const int last = small_table_size;  // a local: nvcc will not bind a constexpr in device code
    table(row, last) = log_top;
    for (int M = last - 1; M >= 1; --M) {
      const double term =
          math::exp(model::detail::log_capacity_step(p.alpha, lz, survival, M + 1.0) - log_top) -
          lost;
      const double sum = above + term;
      lost = (sum - above) - term;
      above = sum;
      table(row, M) = math::fmin(0.0, log_top + math::log1p(above));
    }
    table(row, 0) = 0.0;  // M = 0: nothing representable, dL = 1 (not read: stage 1)
  }
};

// Stage 5: exact sums where no panel was accepted, and the results.
struct FinishBlockPoints {
  model::PointView points;
  GroupView groups;
  Kokkos::View<double*> capacity, log_eps_N, log_dL;
  KeyView keys;
  Kokkos::View<int*> table_row;  // of each local group, -1 without a small-M table
  PanelTable table;
  model::ResultView results;
  std::uint64_t first;
  std::uint64_t group_size;
  std::uint64_t first_group;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const ModelPoint& p = points(i);
    const int local = static_cast<int>((first + i) / group_size - first_group);
    const GroupTerms& g = groups(local);
    if (keys(i) == key_small) {
      log_dL(i) = table(table_row(local), static_cast<int>(capacity(i)));
    } else if (keys(i) == key_exact) {
      log_dL(i) = model::detail::log_reducible_loss(p.alpha, p.beta, g.log_zeta, capacity(i), p.D,
                                                    p.tau, p.learning_rate);
    }
    results(i) = model::detail::make_result(log_dL(i), log_eps_N(i), g.log_eps_D, g.log_eps_tau,
                                            p.irreducible);
  }
};

// The first n elements of a buffer that grows (never shrinks) to the largest chunk seen.
// Every element is written before it is read: no zero-fill pass.
template <class V>
V first_elements(V& buffer, const char* label, std::size_t n) {
  if (buffer.extent(0) < n) {
    buffer = V(Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string(label)), n);
  }
  return Kokkos::subview(buffer, std::make_pair(std::size_t{0}, n));
}

}  // namespace

struct ChunkResults::Workspace {
  model::PointView points;
  model::ResultView results;
  Kokkos::View<double*> capacity, log_eps_N, log_dL;
  KeyView keys;
};

namespace {

// The stages of a factorial chunk's points (comments above).
void evaluate_block_points(const model::PointView& points, const model::PointView& representatives,
                           const GroupView& groups, std::uint64_t first, std::uint64_t group_size,
                           std::uint64_t first_group, const model::ResultView& results,
                           ChunkResults::Workspace& workspace, KernelStats& stats) {
  const int n = static_cast<int>(points.extent(0));
  const auto log_eps_N = first_elements(workspace.log_eps_N, "modesweep::block_log_eps_N", n);
  const auto log_dL = first_elements(workspace.log_dL, "modesweep::block_log_dL", n);
  const auto capacity = first_elements(workspace.capacity, "modesweep::block_capacity", n);
  const auto keys = first_elements(workspace.keys, "modesweep::block_keys", n);
  Kokkos::parallel_for("modesweep::plan_block_points", Kokkos::RangePolicy<>(0, n),
                       PlanBlockPoints{points, groups, capacity, log_eps_N, log_dL, keys, first,
                                       group_size, first_group});
  auto keys_host = Kokkos::create_mirror_view(keys);
  std::vector<std::int64_t> needed;
  for (int level = 0; level <= panels::max_panel_level; ++level) {
    Kokkos::deep_copy(keys_host, keys);
    // Neighbouring points mostly share a panel: skipping repeats here keeps the list (and
    // its sort) at about the number of panels instead of the number of points.
    needed.clear();
    for (int i = 0; i < n; ++i) {
      const std::int64_t key = keys_host(i);
      if (key >= 0 && (needed.empty() || needed.back() != key)) needed.push_back(key);
    }
    if (needed.empty()) break;
    std::sort(needed.begin(), needed.end());
    needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
    const int P = static_cast<int>(needed.size());
    KeyView panel_keys("modesweep::panel_keys", P);
    auto panel_keys_host = Kokkos::create_mirror_view(panel_keys);
    for (int s = 0; s < P; ++s) panel_keys_host(s) = needed[s];
    Kokkos::deep_copy(panel_keys, panel_keys_host);
    PanelTable samples("modesweep::panel_samples", P, panels::panel_samples);
    PanelTable sample_x("modesweep::panel_sample_x", P, panels::panel_samples);
    PanelTable weights("modesweep::panel_weights", P, panels::panel_nodes);
    Kokkos::View<int*> valid("modesweep::panel_valid", P);
    Kokkos::parallel_for(
        "modesweep::evaluate_panel_samples", Kokkos::RangePolicy<>(0, P * panels::panel_samples),
        EvaluatePanelSamples{representatives, groups, panel_keys, samples, sample_x});
    Kokkos::parallel_for("modesweep::build_panels", Kokkos::RangePolicy<>(0, P),
                         BuildPanels{panel_keys, samples, sample_x, weights, valid});
    std::uint64_t interpolated = 0;
    Kokkos::parallel_reduce(
        "modesweep::read_panels", Kokkos::RangePolicy<>(0, n),
        ReadPanels{capacity, groups, log_dL, keys, panel_keys, samples, sample_x, weights, valid},
        interpolated);
    stats.interpolated_points += interpolated;
    stats.interpolated_by_level[static_cast<std::size_t>(level)] += interpolated;
    auto valid_host = Kokkos::create_mirror_view(valid);
    Kokkos::deep_copy(valid_host, valid);
    stats.panels_built += static_cast<std::uint64_t>(P);
    for (int s = 0; s < P; ++s) stats.panels_rejected += valid_host(s) ? 0 : 1;
  }
  Kokkos::deep_copy(keys_host, keys);
  const int n_groups = static_cast<int>(groups.extent(0));
  Kokkos::View<int*> table_row("modesweep::small_table_row", n_groups);
  auto table_row_host = Kokkos::create_mirror(table_row);
  Kokkos::deep_copy(table_row_host, -1);
  int rows = 0;
  for (int i = 0; i < n; ++i) {
    if (keys_host(i) == key_exact) ++stats.summed_points;
    if (keys_host(i) != key_small) continue;
    ++stats.tabled_points;
    const int local = static_cast<int>((first + i) / group_size - first_group);
    if (table_row_host(local) < 0) table_row_host(local) = rows++;
  }
  Kokkos::deep_copy(table_row, table_row_host);
  Kokkos::View<int*> table_groups("modesweep::small_table_groups", rows);
  auto table_groups_host = Kokkos::create_mirror_view(table_groups);
  for (int local = 0; local < n_groups; ++local) {
    if (table_row_host(local) >= 0) table_groups_host(table_row_host(local)) = local;
  }
  Kokkos::deep_copy(table_groups, table_groups_host);
  PanelTable table("modesweep::small_table", rows, small_table_size + 1);
  Kokkos::parallel_for("modesweep::small_capacity_table", Kokkos::RangePolicy<>(0, rows),
                       SmallCapacityTable{representatives, groups, table_groups, table});
  stats.small_tables += static_cast<std::uint64_t>(rows);
  Kokkos::parallel_for(
      "modesweep::finish_block_points", Kokkos::RangePolicy<>(0, n),
      FinishBlockPoints{points, groups, capacity, log_eps_N, log_dL, keys, table_row, table,
                        results, first, group_size, first_group});
  Kokkos::fence();
}

}  // namespace

void ChunkResults::resize(std::uint64_t n, spec::Mode mode) {
  points.resize(n);
  const std::uint64_t exact = spec::has_exact_mode(mode) ? n : 0;
  const std::uint64_t mc = spec::has_mc_mode(mode) ? n : 0;
  for (auto* column : {&dL, &eps_N, &eps_D, &eps_tau}) column->resize(exact);
  bottleneck.resize(exact);
  for (auto* column : {&mc_mean, &mc_stderr, &mc_q05, &mc_q50, &mc_q95}) column->resize(mc);
  stats = KernelStats{};
}

void evaluate_chunk(const grid::Grid& grid, std::uint64_t begin, std::uint64_t count,
                    ChunkResults& out) {
  const spec::SweepSpec& spec = grid.spec();
  out.resize(count, spec.mode);
  if (count == 0) return;
  const int n = static_cast<int>(count);
  if (!out.workspace) out.workspace = std::make_shared<ChunkResults::Workspace>();
  ChunkResults::Workspace& workspace = *out.workspace;
  const auto points = first_elements(workspace.points, "modesweep::chunk_points", count);
  const auto results = first_elements(workspace.results, "modesweep::chunk_results", count);
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
    evaluate_block_points(points, representatives, groups, begin, G, g0, results, workspace,
                          out.stats);
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
