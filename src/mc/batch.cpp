#include "modesweep/mc/batch.hpp"

#include <algorithm>
#include <cmath>

#include "modesweep/spec/sweep_spec.hpp"

namespace modesweep::mc {

static_assert(spec::min_replicas == min_replicas && spec::max_replicas == max_replicas &&
                  spec::with_replacement_max_modes == with_replacement_max_modes,
              "spec limits must match the sampler's");

namespace {

using PlanView = Kokkos::View<ReplicaPlan*>;
using ReplicaView = Kokkos::View<double**, Kokkos::LayoutRight>;

constexpr std::uint64_t max_values_in_flight = std::uint64_t{1} << 22;

struct MakePlans {
  model::PointView points;
  PlanView plans;
  Sampling sampling;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    plans(i) = make_replica_plan(points(i), sampling);
  }
};

// One (point, replica) per work item.
struct SampleReplicas {
  PlanView plans;
  ReplicaView values;
  std::uint64_t first_index;
  std::uint64_t seed;
  std::uint64_t replicas;
  KOKKOS_INLINE_FUNCTION void operator()(const std::uint64_t item) const {
    const std::uint64_t i = item / replicas, r = item % replicas;
    PhiloxStream g(seed, first_index + i, r);
    values(i, r) = sample_replica(plans(i), g);
  }
};

// Heapsort of one row in place (no allocation; deterministic), then the summary. The mean is
// summed in sorted order, so it too depends only on the replica values.
struct Summarise {
  PlanView plans;
  ReplicaView values;
  StatisticsView out;
  std::uint64_t offset;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const long n = static_cast<long>(values.extent(1));
    auto at = [&](long j) -> double& { return values(i, j); };
    auto sift = [&](long root, long end) {
      while (2 * root + 1 < end) {
        long child = 2 * root + 1;
        if (child + 1 < end && at(child) < at(child + 1)) ++child;
        if (!(at(root) < at(child))) return;
        const double t = at(root);
        at(root) = at(child);
        at(child) = t;
        root = child;
      }
    };
    for (long start = n / 2 - 1; start >= 0; --start) sift(start, n);
    for (long end = n - 1; end > 0; --end) {
      const double t = at(0);
      at(0) = at(end);
      at(end) = t;
      sift(0, end);
    }
    double sum = 0.0;
    for (long j = 0; j < n; ++j) sum += at(j);
    const double mean = sum / n;
    double squares = 0.0;
    for (long j = 0; j < n; ++j) squares += (at(j) - mean) * (at(j) - mean);
    auto quantile = [&](double level) {
      const double h = (n - 1) * level;
      const long lo = static_cast<long>(math::floor(h));
      const long hi = lo + 1 < n ? lo + 1 : lo;
      return at(lo) + (h - lo) * (at(hi) - at(lo));
    };
    const double unit = math::isinf(plans(i).scale) ? 0.0 : math::exp(plans(i).scale);
    McStatistics s;
    s.mean = unit * mean;
    s.standard_error = unit * math::sqrt(squares / (n - 1) / n);
    s.q05 = unit * quantile(0.05);
    s.q50 = unit * quantile(0.50);
    s.q95 = unit * quantile(0.95);
    out(offset + i) = s;
  }
};

}  // namespace

void evaluate_mc_batch(const model::PointView& points, std::uint64_t first_index,
                       const McSettings& settings, const StatisticsView& out) {
  const std::uint64_t n = points.extent(0);
  const std::uint64_t R = settings.replicas;
  const std::uint64_t per_batch = std::max<std::uint64_t>(1, max_values_in_flight / R);
  PlanView plans("modesweep::mc_plans", n);
  Kokkos::parallel_for("modesweep::mc_plans", Kokkos::RangePolicy<>(0, static_cast<int>(n)),
                       MakePlans{points, plans, settings.sampling});
  ReplicaView values("modesweep::mc_replicas", std::min(per_batch, n), R);
  for (std::uint64_t begin = 0; begin < n; begin += per_batch) {
    const std::uint64_t count = std::min(per_batch, n - begin);
    auto batch_plans = Kokkos::subview(plans, std::make_pair(begin, begin + count));
    auto batch_values =
        Kokkos::subview(values, std::make_pair(std::uint64_t{0}, count), Kokkos::ALL);
    using Policy = Kokkos::RangePolicy<Kokkos::IndexType<std::uint64_t>>;
    Kokkos::parallel_for(
        "modesweep::mc_replicas", Policy(0, count * R),
        SampleReplicas{batch_plans, batch_values, first_index + begin, settings.seed, R});
    Kokkos::parallel_for("modesweep::mc_summary", Kokkos::RangePolicy<>(0, static_cast<int>(count)),
                         Summarise{batch_plans, batch_values, out, begin});
  }
  Kokkos::fence();
}

void sample_replicas(const model::ModelPoint& p, std::uint64_t point_index,
                     const McSettings& settings, double* replicas, double head) {
  const ReplicaPlan plan = make_replica_plan(p, settings.sampling, head);
  const double unit = std::isinf(plan.scale) ? 0.0 : std::exp(plan.scale);
  for (std::uint64_t r = 0; r < settings.replicas; ++r) {
    PhiloxStream g(settings.seed, point_index, r);
    replicas[r] = unit * sample_replica(plan, g);
  }
}

const char* mc_domain_problem(const model::ModelPoint& p, Sampling sampling) {
  if (sampling == Sampling::with_replacement && !std::isinf(p.D) && !std::isinf(p.tau) &&
      model::capacity_cutoff(p) > with_replacement_max_modes) {
    return "sampling = with-replacement with finite D and tau needs M = floor(c_N N^gamma) "
           "<= 100000 (it samples every mode; the tail has no closed form)";
  }
  return nullptr;
}

const char* sampling_name(Sampling sampling) {
  return sampling == Sampling::sequential ? "sequential" : "with-replacement";
}

}  // namespace modesweep::mc
