// Times the exact evaluator on the points of a CSV (the same file the NumPy baseline reads),
// evaluation only, one core: one Kokkos batch, best of --repeat runs. Writes log dL per row.
// Usage: bench_points POINTS.csv OUT.csv [repeat]
#include <Kokkos_Core.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>

#include "modesweep/io/points_csv.hpp"
#include "modesweep/model/batch.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_points POINTS.csv OUT.csv [repeat]\n");
    return 2;
  }
  Kokkos::ScopeGuard kokkos;
  const auto points = modesweep::io::read_points_csv(argv[1]);
  const int repeat = argc > 3 ? std::atoi(argv[3]) : 3;
  const int n = static_cast<int>(points.size());
  modesweep::model::PointView view("points", n);
  modesweep::model::ResultView results("results", n);
  auto host_points = Kokkos::create_mirror_view(view);
  for (int i = 0; i < n; ++i) host_points(i) = points[i];
  Kokkos::deep_copy(view, host_points);
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    modesweep::model::evaluate_batch(view, results);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  auto host_results = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), results);
  std::ofstream out(argv[2]);
  out << "log_dL\n";
  out.precision(17);
  for (int i = 0; i < n; ++i) out << host_results(i).log_dL << "\n";
  std::printf("modesweep: %d points: %.6f s total, %.0f ns per point (dL, eps_N, eps_D, eps_tau)\n",
              n, best, best / n * 1e9);
  return 0;
}
