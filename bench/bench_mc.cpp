// Monte Carlo cost (issue #4): one replica of the count-level sampler as D grows from 1e3 to
// 1e24 (must stay flat), and the token-level simulator beside it where that can run at all.
//  BM_count_replica/k:   alpha 1.5, beta 1, N = inf (head of 1024 modes + the normal tail),
//                        D = 10^k, tau = 4 D (4 epochs), one replica per iteration.
//  BM_count_small/k:     the same with N = 1024 (M = 1024: every mode sampled, no tail),
//  BM_token_small/k:     the token-level simulator on that point: the baseline.
#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>

#include "modesweep/mc/count_sampler.hpp"
#include "modesweep/mc/token_simulator.hpp"

namespace {

using modesweep::model::ModelPoint;

ModelPoint point(double log10_D, double N) {
  ModelPoint p;
  p.alpha = 1.5;
  p.beta = 1.0;
  p.gamma = 1.0;
  p.N = N;
  p.D = std::pow(10.0, log10_D);
  p.tau = 4.0 * p.D;
  return p;
}

void count_replicas(benchmark::State& state, const ModelPoint& p) {
  const auto plan = modesweep::mc::make_replica_plan(p, modesweep::mc::Sampling::sequential);
  std::uint64_t replica = 0;
  for (auto _ : state) {
    modesweep::mc::PhiloxStream g(1, 0, replica++);
    benchmark::DoNotOptimize(modesweep::mc::sample_replica(plan, g));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["modes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * plan.H * plan.chains, benchmark::Counter::kIsRate);
}

void BM_count_replica(benchmark::State& state) {
  count_replicas(state, point(static_cast<double>(state.range(0)), HUGE_VAL));
}

void BM_count_small(benchmark::State& state) {
  count_replicas(state, point(static_cast<double>(state.range(0)), 1024.0));
}

void BM_token_small(benchmark::State& state) {
  const ModelPoint p = point(static_cast<double>(state.range(0)), 1024.0);
  std::uint64_t replica = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(modesweep::mc::simulate_tokens(
        p, modesweep::mc::Sampling::sequential, 1, 0, replica++));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_count_replica)->DenseRange(3, 24, 3)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_count_small)->DenseRange(3, 6, 1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_token_small)->DenseRange(3, 6, 1)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
