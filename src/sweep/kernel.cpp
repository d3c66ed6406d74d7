#include "modesweep/sweep/kernel.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "modesweep/mc/batch.hpp"
#include "modesweep/model/batch.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "modesweep/sweep/capacity_panels.hpp"

namespace modesweep::sweep {
namespace {

using model::ModelPoint;

// What a (alpha, beta, D, tau) group shares: log zeta, log dL(M = inf), log eps_D, log eps_tau,
// the capacity from which dL(M) = dL(inf) (beyond_learning_capacity), the one up to which
// dL(M) = eps_N(M) (fully_learned_capacity), and its front zone (capacity_panels.hpp) as the
// panels it spans at the deepest level (first > last when there is none) with the deepest level
// its points start at.
struct GroupTerms {
  double log_zeta;
  double log_dL_unbounded;
  model::detail::LogAndValue eps_D;
  model::detail::LogAndValue eps_tau;
  double beyond_learning;
  double fully_learned;
  std::int64_t front_first, front_last;
  int front_level;
};
using GroupView = Kokkos::View<GroupTerms*>;

// The exact-mode result columns of a chunk, as the kernels write them (ChunkResults' layout).
struct ResultColumns {
  Kokkos::View<double*> dL, eps_N, eps_D, eps_tau;
  Kokkos::View<std::int8_t*> bottleneck;
  KOKKOS_INLINE_FUNCTION void store(int i, const model::LossResult& r) const {
    dL(i) = r.dL;
    eps_N(i) = r.eps_N;
    eps_D(i) = r.eps_D;
    eps_tau(i) = r.eps_tau;
    bottleneck(i) = static_cast<std::int8_t>(r.bottleneck);
  }
};

// The finite capacities a factorial grid's groups hold lie in [lowest, highest]: M grows with
// N >= 1 and with gamma, so the ends come from the axes' ends (a grid constant).
struct CapacityRange {
  double lowest = math::infinity;
  double highest = -math::infinity;
};

// The bits of a double >= 0 as an integer: the order of the values is the order of the bits.
KOKKOS_INLINE_FUNCTION std::int64_t ordered_bits(double x) {
  std::int64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}
KOKKOS_INLINE_FUNCTION double from_ordered_bits(std::int64_t bits) {
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

// Where a test of M that changes once between two capacities does: bisection over the doubles
// between them (at most 63 steps), given the test fails at fails_at and holds at holds_at
// (either may be the larger); returns the double next to the change on the side that holds.
template <class Test>
KOKKOS_INLINE_FUNCTION double capacity_boundary(double fails_at, double holds_at, Test test) {
  std::int64_t fails = ordered_bits(fails_at), holds = ordered_bits(holds_at);
  while (holds - fails > 1 || fails - holds > 1) {
    const std::int64_t mid = fails + (holds - fails) / 2;
    if (test(from_ordered_bits(mid)))
      holds = mid;
    else
      fails = mid;
  }
  return from_ordered_bits(holds);
}

// The smallest capacity M* of the grid's range from which the group has dL(M) = dL(inf) in
// double precision; infinity when there is none. The test (exact_loss.hpp,
// capacity_beyond_learning) bounds the learned mass beyond M, which falls as M grows, so it
// holds on [M*, inf) once it holds at M*. M* is found by bisection over the doubles between
// the ends of the range (at most 63 steps), so a point's M >= M* decides as the test at its
// own M would (up to the test's rounding right at M*). It depends on the group alone (any
// chunking, same bits); each point is then a comparison instead of a survival evaluation.
KOKKOS_INLINE_FUNCTION double beyond_learning_capacity(const ModelPoint& p, double log_zeta,
                                                       double log_dL_unbounded,
                                                       CapacityRange range) {
  const double inf = math::infinity;
  if (math::isinf(p.D) && math::isinf(p.tau)) return inf;  // every M: a Hurwitz zeta
  if (!(range.lowest <= range.highest) || !(range.highest >= 1.0)) return inf;
  const auto beyond = [&](double M) {
    return model::detail::capacity_beyond_learning(
        p.alpha, p.beta, log_zeta, M, p.D, p.tau, p.learning_rate, log_dL_unbounded,
        model::log_hurwitz_zeta(p.alpha, M + 1.0) - log_zeta);  // log eps_N(M)
  };
  if (beyond(range.lowest)) return range.lowest;
  if (!beyond(range.highest)) return inf;
  return capacity_boundary(range.lowest, range.highest, beyond);
}

// The largest capacity M* of the grid's range up to which the group has dL(M) = eps_N(M) in
// double precision (exact_loss.hpp, capacity_fully_learned, which holds on [1, M*] once it
// holds at M*); -infinity when there is none. Found and used as beyond_learning_capacity is:
// below M* a point reads its eps_N instead of a capacity panel (far below the learning front,
// where a panel's samples are the costliest, full sums).
KOKKOS_INLINE_FUNCTION double fully_learned_capacity(const ModelPoint& p, double log_zeta,
                                                     CapacityRange range) {
  const double none = -math::infinity;
  if (math::isinf(p.D) && math::isinf(p.tau)) return none;  // every M: a Hurwitz zeta
  const double lowest = math::fmax(range.lowest, 1.0);      // M < 1: dL = 1, no sum
  if (!(lowest <= range.highest)) return none;
  // eps_N(M) = zeta(alpha, M + 1) / zeta(alpha) is at least its integral from M + 1: with that
  // lower bound the test is stricter, still monotone, and needs no Hurwitz zeta per step.
  const double log_integral_scale = -math::log(p.alpha - 1.0) - log_zeta;
  const auto learned = [&](double M) {
    return model::detail::capacity_fully_learned(
        p.alpha, p.beta, log_zeta, M, p.D, p.tau, p.learning_rate,
        (1.0 - p.alpha) * math::log(M + 1.0) + log_integral_scale);
  };
  if (!learned(lowest)) return none;
  if (learned(range.highest)) return range.highest;
  return capacity_boundary(range.highest, lowest, learned);
}

// One representative point per group (its gamma and N are irrelevant here).
struct EvaluateGroups {
  model::PointView representatives;
  GroupView groups;
  CapacityRange capacities;
  KOKKOS_INLINE_FUNCTION void operator()(const int g) const {
    const ModelPoint& p = representatives(g);
    const double inf = math::infinity;
    const double lz = model::log_zeta(p.alpha);
    using model::detail::log_reducible_loss;
    // At beta = 1, as evaluate_point: eps_D is a function of (alpha, D) bit for bit.
    const double log_eps_D = log_reducible_loss(p.alpha, 1.0, lz, inf, p.D, inf, p.learning_rate);
    const double log_eps_tau =
        log_reducible_loss(p.alpha, p.beta, lz, inf, inf, p.tau, p.learning_rate);
    using Unbounded = model::detail::Unbounded;
    const Unbounded unbounded = model::detail::unbounded_loss_is(p.D, p.tau);
    const double log_dL_unbounded =
        unbounded == Unbounded::eps_tau ? log_eps_tau
        : unbounded == Unbounded::eps_D
            ? log_eps_D
            : log_reducible_loss(p.alpha, p.beta, lz, inf, p.D, p.tau, p.learning_rate);
    using model::detail::log_and_value;
    GroupTerms terms{lz,
                     log_dL_unbounded,
                     log_and_value(log_eps_D),
                     log_and_value(log_eps_tau),
                     beyond_learning_capacity(p, lz, log_dL_unbounded, capacities),
                     fully_learned_capacity(p, lz, capacities),
                     1,
                     0,
                     0};
    if (terms.fully_learned >= 1.0) {
      const double x = math::log(terms.fully_learned);
      const double rate = p.alpha * math::fmax(p.beta, 1.0);
      // the zone's panels at the deepest level; at level L, shifted right by max - L
      terms.front_first =
          panels::panel_at(x + panels::front_zone_begin / rate, panels::max_panel_level);
      terms.front_last =
          panels::panel_at(x + panels::front_zone_end / rate, panels::max_panel_level);
      terms.front_level = panels::front_level(rate);
    }
    groups(g) = terms;
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
constexpr std::int64_t key_small = -3;    // M < min_panel_capacity: the block's small-M table
constexpr std::int64_t key_learned = -4;  // done: eps_N (the group's fully_learned capacity)
// read from a panel of this level (the level kept for the stats)
KOKKOS_INLINE_FUNCTION constexpr std::int64_t key_read(int level) { return -16 - level; }
using KeyView = Kokkos::View<std::int64_t*>;
using PanelTable = Kokkos::View<double**, Kokkos::LayoutRight>;

KOKKOS_INLINE_FUNCTION std::int64_t panel_key(std::uint64_t local, int level, double log_M) {
  return (static_cast<std::int64_t>(local) * level_count + level) * index_stride +
         panels::panel_at(log_M, level);
}
KOKKOS_INLINE_FUNCTION int key_group(std::int64_t key) {
  return static_cast<int>(key / index_stride / level_count);
}
KOKKOS_INLINE_FUNCTION int key_level(std::int64_t key) {
  return static_cast<int>(key / index_stride % level_count);
}

// The first n elements of a buffer that grows (never shrinks) to the largest size asked for,
// by half its size at least, so that tables whose size varies from chunk to chunk stop
// growing after a few chunks. No zero-fill pass: the callers write every element they read.
template <class V>
V first_elements(V& buffer, const char* label, std::size_t n) {
  if (buffer.extent(0) < n) {
    const std::size_t size = std::max(n, buffer.extent(0) + buffer.extent(0) / 2);
    buffer = V(Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string(label)), size);
    // Host memory only: managed (UVM) memory would be pulled to the host before the GPU
    // writes it.
    if constexpr (std::is_same_v<typename V::memory_space, Kokkos::HostSpace>) {
      populate_pages(buffer.data(), size * sizeof(typename V::value_type));
    }
  }
  return Kokkos::subview(buffer, std::make_pair(std::size_t{0}, n));
}

// Whether the kernels reach host memory (the CPU backends).
constexpr bool kernels_reach_host =
    Kokkos::SpaceAccessibility<Kokkos::DefaultExecutionSpace, Kokkos::HostSpace>::accessible;

// A per-point workspace buffer of n elements: chunk memory (chunk_memory.hpp: 2 MiB pages)
// viewed in place where the kernels reach host memory, else a device buffer (first_elements).
template <class T>
Kokkos::View<T*> point_buffer(ChunkVector<T>& host, Kokkos::View<T*>& device, const char* label,
                              std::size_t n) {
  if constexpr (kernels_reach_host) {
    if (host.size() < n) resize_populated(host, n);
    return Kokkos::View<T*>(host.data(), n);
  } else {
    return first_elements(device, label, n);
  }
}

// The first rows x cols elements of such a buffer, as a row-major matrix.
template <class T>
Kokkos::View<T**, Kokkos::LayoutRight> first_matrix(Kokkos::View<T*>& buffer, const char* label,
                                                    std::size_t rows, std::size_t cols) {
  return Kokkos::View<T**, Kokkos::LayoutRight>(first_elements(buffer, label, rows * cols).data(),
                                                rows, cols);
}

// The (gamma, N) position of chunk point i: its row in the stage-0 tables (below).
KOKKOS_INLINE_FUNCTION int group_position(int i, std::uint64_t group_size) {
  return static_cast<int>(static_cast<std::uint64_t>(i) % group_size);
}

// Stage 0, the capacity terms: M and log eps_N = log zeta(alpha, M + 1) - log zeta(alpha)
// depend on a point's (gamma, N) and alpha only (MODEL.md 3, 5), and the (gamma, N) axes are
// the innermost: point i of a chunk has the (gamma, N) of point i % G (G = group size). So M is
// computed once per position j < min(n, G), and log eps_N once per (alpha, position) the
// chunk holds, instead of once per point (a Hurwitz zeta each). Same function, same
// arguments: the same bits as per point.
struct CapacityTable {
  model::PointView points;  // of the chunk: position j is point j
  Kokkos::View<double*> capacity, log_capacity;
  KOKKOS_INLINE_FUNCTION void operator()(const int j) const {
    capacity(j) = model::capacity_cutoff(points(j));
    log_capacity(j) = math::log(capacity(j));  // x of the capacity panels
  }
};
// One row per distinct alpha of the chunk's groups; entries no point reads are skipped.
using EpsTable = Kokkos::View<model::detail::LogAndValue**, Kokkos::LayoutRight>;
struct CapacityLossTable {
  model::PointView representatives;
  GroupView groups;
  Kokkos::View<int*> row_group;  // a group of each row's alpha
  Kokkos::View<double*> capacity;
  Kokkos::View<std::uint8_t**, Kokkos::LayoutRight> needed;
  EpsTable eps_N;
  KOKKOS_INLINE_FUNCTION void operator()(const int row, const int j) const {
    if (!needed(row, j)) return;
    const int local = row_group(row);
    const ModelPoint& p = representatives(local);
    const double inf = math::infinity;
    eps_N(row, j) = model::detail::log_and_value(model::detail::log_reducible_loss(
        p.alpha, p.beta, groups(local).log_zeta, capacity(j), inf, inf, p.learning_rate));
  }
};

// Stage 1: M of every point (read from stage 0), and dL where no sum is needed
// (M = inf; M at or beyond the group's beyond_learning capacity; D = tau = inf, a Hurwitz
// zeta; M up to the group's fully_learned capacity, eps_N); the others get the key of their
// capacity panel (level 0, or deeper near the group's front zone), or key_small below
// min_panel_capacity.
struct PlanBlockPoints {
  model::PointView representatives;
  GroupView groups;
  Kokkos::View<double*> capacity_table, log_capacity_table;  // stage 0
  EpsTable eps_N_table;                                      // stage 0
  Kokkos::View<int*> group_row;                              // of each local group in that table
  Kokkos::View<double*> log_dL;
  KeyView keys;
  std::uint64_t first;
  std::uint64_t group_size;
  std::uint64_t first_group;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const std::uint64_t local = (first + i) / group_size - first_group;
    const ModelPoint& p = representatives(static_cast<int>(local));  // M aside, its group's
    const GroupTerms& g = groups(static_cast<int>(local));
    const int position = group_position(i, group_size);
    const double M = capacity_table(position);
    keys(i) = key_done;
    if (M >= g.beyond_learning) {  // M = inf included
      log_dL(i) = g.log_dL_unbounded;
    } else if ((math::isinf(p.D) && math::isinf(p.tau)) || M < 1.0) {
      // a Hurwitz zeta, or dL = 1 when no mode is representable
      log_dL(i) = model::detail::log_reducible_loss(p.alpha, p.beta, g.log_zeta, M, p.D, p.tau,
                                                    p.learning_rate);
    } else if (M <= g.fully_learned) {
      log_dL(i) = eps_N_table(group_row(static_cast<int>(local)), position).log;
      keys(i) = key_learned;
    } else if (M < panels::min_panel_capacity) {
      keys(i) = key_small;
    } else {
      const double x = log_capacity_table(position);
      // the first level at which x's panel keeps clear of the front zone, at most front_level
      int level = 0;
      while (level < g.front_level) {
        const std::int64_t panel = panels::panel_at(x, level);
        if (panel < g.front_first >> (panels::max_panel_level - level) ||
            panel > g.front_last >> (panels::max_panel_level - level))
          break;
        ++level;
      }
      keys(i) = panel_key(local, level, x);
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

// Stage 3: each panel's power series, and whether it passed its checks (capacity_panels.hpp).
struct BuildPanels {
  KeyView panel_keys;
  PanelTable samples, sample_x, stored;
  Kokkos::View<int*> valid;
  KOKKOS_INLINE_FUNCTION void operator()(const int slot) const {
    const std::int64_t key = panel_keys(slot);
    valid(slot) = panels::build_panel(&sample_x(slot, 0), &samples(slot, 0), key_level(key),
                                      key % index_stride, &stored(slot, 0))
                      ? 1
                      : 0;
  }
};

// Where a panel key's panel is in a round's panel tables: the panels one group needs at one
// level lie in a run of panel indices [run_first, ...], which starts at run_offset in slot_of;
// a run is key / index_stride = group * level_count + level.
struct PanelIndex {
  Kokkos::View<std::int64_t*> run_first;
  Kokkos::View<int*> run_offset;
  Kokkos::View<int*> slot_of;
  KOKKOS_INLINE_FUNCTION int slot(std::int64_t key) const {
    const auto run = static_cast<int>(key / index_stride);
    return slot_of(run_offset(run) + static_cast<int>(key % index_stride - run_first(run)));
  }
};

// The index of a round's sorted panel keys, in the given buffers (first_elements).
PanelIndex index_panels(const std::vector<std::int64_t>& sorted_keys, int n_groups,
                        KeyView& run_first_buffer, Kokkos::View<int*>& run_offset_buffer,
                        Kokkos::View<int*>& slot_of_buffer) {
  const auto runs = static_cast<std::size_t>(n_groups * level_count);
  PanelIndex index{first_elements(run_first_buffer, "modesweep::panel_run_first", runs),
                   first_elements(run_offset_buffer, "modesweep::panel_run_offset", runs),
                   {}};
  auto first = Kokkos::create_mirror_view(index.run_first);
  auto offset = Kokkos::create_mirror_view(index.run_offset);
  int span = 0;
  for (std::size_t s = 0; s < sorted_keys.size(); ++s) {
    const auto run = static_cast<int>(sorted_keys[s] / index_stride);
    const std::int64_t panel = sorted_keys[s] % index_stride;
    if (s == 0 || sorted_keys[s - 1] / index_stride != run) {
      first(run) = panel;
      offset(run) = span;
    }
    span = offset(run) + static_cast<int>(panel - first(run)) + 1;
  }
  index.slot_of =
      first_elements(slot_of_buffer, "modesweep::panel_slot_of", static_cast<std::size_t>(span));
  auto slot_of = Kokkos::create_mirror_view(index.slot_of);
  for (std::size_t s = 0; s < sorted_keys.size(); ++s) {
    const auto run = static_cast<int>(sorted_keys[s] / index_stride);
    slot_of(offset(run) + static_cast<int>(sorted_keys[s] % index_stride - first(run))) =
        static_cast<int>(s);
  }
  Kokkos::deep_copy(index.run_first, first);
  Kokkos::deep_copy(index.run_offset, offset);
  Kokkos::deep_copy(index.slot_of, slot_of);
  return index;
}

// Stage 4, once per round: points of an accepted panel read dL from it (and keep its level for
// the stats); the others move to their panel one level down, or to an exact sum after the last
// level.
struct ReadPanels {
  Kokkos::View<double*> log_capacity_table;  // stage 0
  std::uint64_t group_size;
  GroupView groups;
  Kokkos::View<double*> log_dL;
  KeyView keys;
  PanelIndex index;
  PanelTable stored;
  Kokkos::View<int*> valid;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const std::int64_t key = keys(i);
    if (key < 0) return;
    const int local = key_group(key), level = key_level(key);
    const std::int64_t panel = key % index_stride;
    const int slot = index.slot(key);
    const double x = log_capacity_table(group_position(i, group_size));
    const double fit = valid(slot) ? panels::panel_value(&stored(slot, 0),
                                                         panels::panel_coordinate(x, level, panel))
                                   : math::quiet_nan();
    if (!math::isnan(fit) && !math::isinf(fit)) {
      // dL(inf) <= dL(M) <= 1: the clamps keep an interpolant's last-digit error from
      // crossing either bound.
      log_dL(i) = math::fmax(groups(local).log_dL_unbounded, math::fmin(0.0, fit));
      keys(i) = key_read(level);
    } else if (level < panels::max_panel_level) {
      keys(i) = panel_key(static_cast<std::uint64_t>(local), level + 1, x);
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
  model::PointView representatives;
  GroupView groups;
  EpsTable eps_N_table;                  // stage 0
  Kokkos::View<int*> group_row;          // of each local group in that table
  Kokkos::View<double*> capacity_table;  // stage 0
  Kokkos::View<double*> log_dL;
  KeyView keys;
  Kokkos::View<int*> table_row;  // of each local group, -1 without a small-M table
  PanelTable table;
  ResultColumns columns;
  std::uint64_t first;
  std::uint64_t group_size;
  std::uint64_t first_group;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const int local = static_cast<int>((first + i) / group_size - first_group);
    const ModelPoint& p = representatives(local);  // M aside, its group's
    const GroupTerms& g = groups(local);
    const int position = group_position(i, group_size);
    const double M = capacity_table(position);
    if (keys(i) == key_small) {
      log_dL(i) = table(table_row(local), static_cast<int>(M));
    } else if (keys(i) == key_exact) {
      log_dL(i) = model::detail::log_reducible_loss(p.alpha, p.beta, g.log_zeta, M, p.D, p.tau,
                                                    p.learning_rate);
    }
    columns.store(i, model::detail::make_result(log_dL(i), eps_N_table(group_row(local), position),
                                                g.eps_D, g.eps_tau, p.irreducible));
  }
};

}  // namespace

struct ChunkResults::Workspace {
  model::PointView points;
  model::ResultView results;
  // Where the kernels cannot reach host memory: device buffers for the result columns and
  // the per-point log dL and keys; where they can, the last two live in chunk memory instead.
  ResultColumns columns;
  Kokkos::View<double*> log_dL;
  KeyView keys;
  ChunkVector<double> log_dL_host;
  ChunkVector<std::int64_t> keys_host;
  // The factorial block path's per-chunk tables (evaluate_block_points), kept from chunk to
  // chunk as well: about 20 allocations per chunk otherwise, zero-filled, each a
  // synchronizing cudaMalloc and cudaFree on a GPU, and fresh pages to fault in on a host.
  model::PointView representatives;
  GroupView groups;
  Kokkos::View<int*> group_row, row_group, valid, run_offset, slot_of, table_row, table_groups;
  Kokkos::View<std::uint8_t*> eps_needed;
  Kokkos::View<model::detail::LogAndValue*> eps_N;
  Kokkos::View<double*> capacity, log_capacity, samples, sample_x, stored, small_table;
  KeyView panel_keys, run_first;
};

namespace {

// The stages of a factorial chunk's points (comments above).
void evaluate_block_points(int n, const model::PointView& first_points,
                           const model::PointView& representatives,
                           const model::PointView::HostMirror& representatives_host,
                           const GroupView& groups, std::uint64_t first, std::uint64_t group_size,
                           std::uint64_t first_group, const ResultColumns& columns,
                           ChunkResults::Workspace& workspace, KernelStats& stats) {
  const auto count = static_cast<std::size_t>(n);
  const Kokkos::View<double*> log_dL =
      point_buffer(workspace.log_dL_host, workspace.log_dL, "modesweep::block_log_dL", count);
  const KeyView keys =
      point_buffer(workspace.keys_host, workspace.keys, "modesweep::block_keys", count);
  const int n_groups = static_cast<int>(groups.extent(0));

  // Stage 0: one capacity-table row per run of groups with the same alpha (the outermost
  // axis: a chunk holds one run per alpha value, unless the axis repeats a value).
  const int positions = static_cast<int>(std::min<std::uint64_t>(n, group_size));
  const Kokkos::View<int*> group_row = first_elements(
      workspace.group_row, "modesweep::capacity_group_row", static_cast<std::size_t>(n_groups));
  auto group_row_host = Kokkos::create_mirror_view(group_row);
  std::vector<int> row_group_list;
  for (int local = 0; local < n_groups; ++local) {
    if (row_group_list.empty() ||
        representatives_host(row_group_list.back()).alpha != representatives_host(local).alpha) {
      row_group_list.push_back(local);
    }
    group_row_host(local) = static_cast<int>(row_group_list.size()) - 1;
  }
  const int alpha_rows = static_cast<int>(row_group_list.size());
  const Kokkos::View<int*> row_group = first_elements(
      workspace.row_group, "modesweep::capacity_row_group", static_cast<std::size_t>(alpha_rows));
  auto row_group_host = Kokkos::create_mirror_view(row_group);
  for (int row = 0; row < alpha_rows; ++row) row_group_host(row) = row_group_list[std::size_t(row)];
  const auto eps_needed =
      first_matrix(workspace.eps_needed, "modesweep::capacity_needed",
                   static_cast<std::size_t>(alpha_rows), static_cast<std::size_t>(positions));
  auto needed_host = Kokkos::create_mirror_view(eps_needed);
  Kokkos::deep_copy(needed_host, std::uint8_t{0});
  // Group `local` holds chunk points [begin, end), whose positions run up from begin % G and
  // wrap at most once (no division per point).
  for (int local = 0; local < n_groups; ++local) {
    const std::int64_t start = static_cast<std::int64_t>((first_group + local) * group_size) -
                               static_cast<std::int64_t>(first);
    const std::int64_t begin = std::max<std::int64_t>(0, start);
    const std::int64_t end =
        std::min<std::int64_t>(n, start + static_cast<std::int64_t>(group_size));
    int position = group_position(static_cast<int>(begin), group_size);
    for (std::int64_t i = begin; i < end; ++i) {
      needed_host(group_row_host(local), position) = 1;
      if (++position == positions) position = 0;
    }
  }
  Kokkos::deep_copy(group_row, group_row_host);
  Kokkos::deep_copy(row_group, row_group_host);
  Kokkos::deep_copy(eps_needed, needed_host);
  const Kokkos::View<double*> capacity_table = first_elements(
      workspace.capacity, "modesweep::capacity_table", static_cast<std::size_t>(positions));
  const Kokkos::View<double*> log_capacity_table = first_elements(
      workspace.log_capacity, "modesweep::log_capacity_table", static_cast<std::size_t>(positions));
  const EpsTable eps_N_table =
      first_matrix(workspace.eps_N, "modesweep::capacity_eps_N",
                   static_cast<std::size_t>(alpha_rows), static_cast<std::size_t>(positions));
  Kokkos::parallel_for("modesweep::capacity_table", Kokkos::RangePolicy<>(0, positions),
                       CapacityTable{first_points, capacity_table, log_capacity_table});
  Kokkos::parallel_for("modesweep::capacity_log_eps_N",
                       Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {alpha_rows, positions}),
                       CapacityLossTable{representatives, groups, row_group, capacity_table,
                                         eps_needed, eps_N_table});

  Kokkos::parallel_for(
      "modesweep::plan_block_points", Kokkos::RangePolicy<>(0, n),
      PlanBlockPoints{representatives, groups, capacity_table, log_capacity_table, eps_N_table,
                      group_row, log_dL, keys, first, group_size, first_group});
  auto keys_host = Kokkos::create_mirror_view(keys);
  std::vector<std::int64_t> needed;
  // Rounds: each builds the panels the points still need, at whatever level (a group's front
  // zone starts deeper), and moves the points of rejected panels one level down.
  for (int round = 0; round <= panels::max_panel_level; ++round) {
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
    const auto slots = static_cast<std::size_t>(P);
    const KeyView panel_keys = first_elements(workspace.panel_keys, "modesweep::panel_keys", slots);
    auto panel_keys_host = Kokkos::create_mirror_view(panel_keys);
    for (int s = 0; s < P; ++s) panel_keys_host(s) = needed[s];
    Kokkos::deep_copy(panel_keys, panel_keys_host);
    const PanelTable samples =
        first_matrix(workspace.samples, "modesweep::panel_samples", slots, panels::panel_samples);
    const PanelTable sample_x =
        first_matrix(workspace.sample_x, "modesweep::panel_sample_x", slots, panels::panel_samples);
    const PanelTable stored = first_matrix(workspace.stored, "modesweep::panel_coefficients", slots,
                                           panels::panel_coefficients);
    const Kokkos::View<int*> valid =
        first_elements(workspace.valid, "modesweep::panel_valid", slots);
    Kokkos::parallel_for(
        "modesweep::evaluate_panel_samples", Kokkos::RangePolicy<>(0, P * panels::panel_samples),
        EvaluatePanelSamples{representatives, groups, panel_keys, samples, sample_x});
    Kokkos::parallel_for("modesweep::build_panels", Kokkos::RangePolicy<>(0, P),
                         BuildPanels{panel_keys, samples, sample_x, stored, valid});
    Kokkos::parallel_for("modesweep::read_panels", Kokkos::RangePolicy<>(0, n),
                         ReadPanels{log_capacity_table, group_size, groups, log_dL, keys,
                                    index_panels(needed, n_groups, workspace.run_first,
                                                 workspace.run_offset, workspace.slot_of),
                                    stored, valid});
    auto valid_host = Kokkos::create_mirror_view(valid);
    Kokkos::deep_copy(valid_host, valid);
    stats.panels_built += static_cast<std::uint64_t>(P);
    for (int s = 0; s < P; ++s) stats.panels_rejected += valid_host(s) ? 0 : 1;
  }
  Kokkos::deep_copy(keys_host, keys);
  const Kokkos::View<int*> table_row = first_elements(
      workspace.table_row, "modesweep::small_table_row", static_cast<std::size_t>(n_groups));
  auto table_row_host = Kokkos::create_mirror_view(table_row);
  Kokkos::deep_copy(table_row_host, -1);
  int rows = 0;
  for (int i = 0; i < n; ++i) {
    const std::int64_t key = keys_host(i);
    if (key <= key_read(0)) {
      ++stats.interpolated_points;
      ++stats.interpolated_by_level[static_cast<std::size_t>(key_read(0) - key)];
    }
    if (key == key_learned) ++stats.fully_learned_points;
    if (key == key_exact) ++stats.summed_points;
    if (key != key_small) continue;
    ++stats.tabled_points;
    const int local = static_cast<int>((first + i) / group_size - first_group);
    if (table_row_host(local) < 0) table_row_host(local) = rows++;
  }
  Kokkos::deep_copy(table_row, table_row_host);
  const Kokkos::View<int*> table_groups = first_elements(
      workspace.table_groups, "modesweep::small_table_groups", static_cast<std::size_t>(rows));
  auto table_groups_host = Kokkos::create_mirror_view(table_groups);
  for (int local = 0; local < n_groups; ++local) {
    if (table_row_host(local) >= 0) table_groups_host(table_row_host(local)) = local;
  }
  Kokkos::deep_copy(table_groups, table_groups_host);
  const PanelTable table = first_matrix(workspace.small_table, "modesweep::small_table",
                                        static_cast<std::size_t>(rows), small_table_size + 1);
  Kokkos::parallel_for("modesweep::small_capacity_table", Kokkos::RangePolicy<>(0, rows),
                       SmallCapacityTable{representatives, groups, table_groups, table});
  stats.small_tables += static_cast<std::uint64_t>(rows);
  Kokkos::parallel_for(
      "modesweep::finish_block_points", Kokkos::RangePolicy<>(0, n),
      FinishBlockPoints{representatives, groups, eps_N_table, group_row, capacity_table, log_dL,
                        keys, table_row, table, columns, first, group_size, first_group});
  Kokkos::fence();
}

CapacityRange capacity_range(const grid::Grid& grid) {
  const spec::SweepSpec& spec = grid.spec();
  const auto& N = spec.axes[spec::N].values;
  const auto& gamma = spec.axes[spec::gamma].values;
  const auto gamma_ends = std::minmax_element(gamma.begin(), gamma.end());
  CapacityRange range;
  for (const double n : N) {
    if (math::isinf(n)) continue;
    for (const double g : {*gamma_ends.first, *gamma_ends.second}) {
      const double M = model::detail::capacity_cutoff(n, g, spec.capacity_scale);
      range.lowest = std::min(range.lowest, M);
      range.highest = std::max(range.highest, M);
    }
  }
  return range;
}

}  // namespace

void ChunkResults::resize(std::uint64_t n, spec::Mode mode) {
  const std::uint64_t exact = spec::has_exact_mode(mode) ? n : 0;
  const std::uint64_t mc = spec::has_mc_mode(mode) ? n : 0;
  for (auto* column : {&dL, &eps_N, &eps_D, &eps_tau}) resize_populated(*column, exact);
  resize_populated(bottleneck, exact);
  for (auto* column : {&mc_mean, &mc_stderr, &mc_q05, &mc_q50, &mc_q95})
    resize_populated(*column, mc);
  stats = KernelStats{};
}

void evaluate_chunk(const grid::Grid& grid, std::uint64_t begin, std::uint64_t count,
                    ChunkResults& out) {
  const spec::SweepSpec& spec = grid.spec();
  out.resize(count, spec.mode);
  if (count == 0) {
    out.points.clear();
    return;
  }
  const int n = static_cast<int>(count);
  if (!out.workspace) out.workspace = std::make_shared<ChunkResults::Workspace>();
  ChunkResults::Workspace& workspace = *out.workspace;
  // The points themselves: every one for a design or Monte Carlo; for a factorial grid's exact
  // values only the chunk's first min(count, G) points (G = group size; they may straddle two
  // groups), whose (gamma, N) positions the capacity tables take (the rest follows from the
  // groups), so that a chunk does not write, and fault in, a ModelPoint (64 bytes) per point.
  const bool every_point = !grid.is_factorial() || spec::has_mc(spec);
  const std::uint64_t filled = every_point ? count : std::min(count, grid.group_size());
  resize_populated(out.points, filled);
  grid.fill_points(begin, filled, out.points.data());
  // Where the kernels can reach host memory (the CPU backends) they read the host points and
  // write the host result columns in place; elsewhere both go through device buffers.
  model::PointView points;
  if constexpr (kernels_reach_host) {
    points = model::PointView(out.points.data(), filled);
  } else {
    points = first_elements(workspace.points, "modesweep::chunk_points", filled);
    Kokkos::deep_copy(
        points,
        Kokkos::View<const ModelPoint*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
            out.points.data(), filled));
  }

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

  ResultColumns columns;
  if constexpr (kernels_reach_host) {
    columns = ResultColumns{Kokkos::View<double*>(out.dL.data(), count),
                            Kokkos::View<double*>(out.eps_N.data(), count),
                            Kokkos::View<double*>(out.eps_D.data(), count),
                            Kokkos::View<double*>(out.eps_tau.data(), count),
                            Kokkos::View<std::int8_t*>(out.bottleneck.data(), count)};
  } else {
    ResultColumns& buffers = workspace.columns;
    columns =
        ResultColumns{first_elements(buffers.dL, "modesweep::chunk_dL", count),
                      first_elements(buffers.eps_N, "modesweep::chunk_eps_N", count),
                      first_elements(buffers.eps_D, "modesweep::chunk_eps_D", count),
                      first_elements(buffers.eps_tau, "modesweep::chunk_eps_tau", count),
                      first_elements(buffers.bottleneck, "modesweep::chunk_bottleneck", count)};
  }
  if (grid.is_factorial()) {
    const std::uint64_t G = grid.group_size();
    const std::uint64_t g0 = begin / G, g1 = (begin + count - 1) / G;
    const int n_groups = static_cast<int>(g1 - g0 + 1);
    const model::PointView representatives = first_elements(
        workspace.representatives, "modesweep::group_points", static_cast<std::size_t>(n_groups));
    auto representatives_host = Kokkos::create_mirror_view(representatives);
    for (int g = 0; g < n_groups; ++g) {
      representatives_host(g) = grid.point((g0 + static_cast<std::uint64_t>(g)) * G);
    }
    Kokkos::deep_copy(representatives, representatives_host);
    const GroupView groups = first_elements(workspace.groups, "modesweep::group_terms",
                                            static_cast<std::size_t>(n_groups));
    Kokkos::parallel_for("modesweep::evaluate_groups", Kokkos::RangePolicy<>(0, n_groups),
                         EvaluateGroups{representatives, groups, capacity_range(grid)});
    evaluate_block_points(n, points, representatives, representatives_host, groups, begin, G, g0,
                          columns, workspace, out.stats);
  } else {
    const auto results = first_elements(workspace.results, "modesweep::chunk_results", count);
    model::evaluate_batch(points, results);
    Kokkos::parallel_for(
        "modesweep::store_results", Kokkos::RangePolicy<>(0, n),
        KOKKOS_LAMBDA(const int i) { columns.store(i, results(i)); });
  }
  Kokkos::fence();
  if constexpr (!kernels_reach_host) {
    using HostColumn =
        Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
    Kokkos::deep_copy(HostColumn(out.dL.data(), count), columns.dL);
    Kokkos::deep_copy(HostColumn(out.eps_N.data(), count), columns.eps_N);
    Kokkos::deep_copy(HostColumn(out.eps_D.data(), count), columns.eps_D);
    Kokkos::deep_copy(HostColumn(out.eps_tau.data(), count), columns.eps_tau);
    Kokkos::deep_copy(
        Kokkos::View<std::int8_t*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
            out.bottleneck.data(), count),
        columns.bottleneck);
  }
}

}  // namespace modesweep::sweep
