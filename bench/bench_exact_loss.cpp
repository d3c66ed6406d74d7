// Cost per point of the exact evaluator at growing scales (issue #2: flat in N, D, tau).
// Each benchmark evaluates a fixed set of 48 points, (alpha, beta) over a small grid with
// N = D = tau = scale and a few epoch ratios, and reports ns per point.
#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>
#include <cmath>
#include <vector>

#include "modesweep/model/exact_loss.hpp"

namespace {

using modesweep::model::ModelPoint;

std::vector<ModelPoint> points_at_scale(double scale) {
  std::vector<ModelPoint> points;
  for (double alpha : {1.1, 1.5, 2.0, 3.0}) {
    for (double beta : {0.7, 1.0, 1.5}) {
      for (double epochs : {0.5, 1.0, 4.0, 16.0}) {
        ModelPoint p;
        p.alpha = alpha;
        p.beta = beta;
        p.gamma = 1.0;
        p.N = scale;
        p.D = scale / epochs;
        p.tau = scale;
        points.push_back(p);
      }
    }
  }
  return points;
}

void BM_evaluate_point(benchmark::State& state) {
  const double scale = std::pow(10.0, static_cast<double>(state.range(0)));
  const auto set = points_at_scale(scale);
  for (auto _ : state) {
    for (const auto& p : set) benchmark::DoNotOptimize(modesweep::model::evaluate_point(p));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(set.size()));
}

void BM_log_reducible_loss(benchmark::State& state) {
  const double scale = std::pow(10.0, static_cast<double>(state.range(0)));
  const auto set = points_at_scale(scale);
  for (auto _ : state) {
    for (const auto& p : set) benchmark::DoNotOptimize(modesweep::model::log_reducible_loss(p));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(set.size()));
}

}  // namespace

// Argument: log10 of the scale N = D = tau.
BENCHMARK(BM_evaluate_point)->Arg(3)->Arg(6)->Arg(12)->Arg(24)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_log_reducible_loss)->Arg(3)->Arg(6)->Arg(12)->Arg(24)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
