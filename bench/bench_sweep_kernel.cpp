// The sweep kernel alone (sweep/kernel.hpp): every chunk of a spec's grid through
// evaluate_chunk in order, in one process with no MPI and no file (one core with the Serial
// backend; the line says how many threads Kokkos used); prints the time and how the factorial
// block path obtained its values (KernelStats). The end-to-end run adds the file writes and
// the schedule: bench/run_sweep_bench.sh.
//   bench_sweep_kernel SPEC [max_chunks]
#include <fmt/format.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "modesweep/grid/grid.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/kernel.hpp"

namespace {

void add(modesweep::sweep::KernelStats& total, const modesweep::sweep::KernelStats& s) {
  total.panels_built += s.panels_built;
  total.panels_rejected += s.panels_rejected;
  total.interpolated_points += s.interpolated_points;
  total.summed_points += s.summed_points;
  total.small_tables += s.small_tables;
  total.tabled_points += s.tabled_points;
  total.fully_learned_points += s.fully_learned_points;
  for (std::size_t l = 0; l < s.interpolated_by_level.size(); ++l) {
    total.interpolated_by_level[l] += s.interpolated_by_level[l];
  }
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_sweep_kernel SPEC [max_chunks]\n");
    return 2;
  }
  try {
    const auto spec = modesweep::spec::parse_spec_file(argv[1], std::uint64_t{1} << 40);
    const modesweep::grid::Grid grid(spec);
    const std::uint64_t chunk = spec.chunk_points;
    std::uint64_t end = grid.size();
    if (argc > 2) {
      const long long chunks = std::stoll(argv[2]);
      if (chunks < 1) {
        std::fprintf(stderr, "bench_sweep_kernel: max_chunks must be at least 1\n");
        return 2;
      }
      end = std::min<std::uint64_t>(
          end, chunk * static_cast<std::uint64_t>(std::min<long long>(chunks, 1LL << 24)));
    }
    modesweep::sweep::ChunkResults results;  // reused, as modesweep run does
    modesweep::sweep::KernelStats total;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t begin = 0; begin < end; begin += chunk) {
      modesweep::sweep::evaluate_chunk(grid, begin, std::min(chunk, end - begin), results);
      add(total, results.stats);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string levels;
    for (const auto n : total.interpolated_by_level) levels += fmt::format(" {}", n);
    fmt::print(
        "kernel: {} points in {:.3f} s ({:.2f} M points/s, {} with {} thread(s))\n"
        "panels {} (rejected {}), points from panels {} (by level:{}), fully learned {}, "
        "small-M tables {} ({} points), summed {}\n",
        end, seconds, static_cast<double>(end) / seconds / 1e6,
        Kokkos::DefaultExecutionSpace::name(), Kokkos::DefaultExecutionSpace().concurrency(),
        total.panels_built, total.panels_rejected, total.interpolated_points, levels,
        total.fully_learned_points, total.small_tables, total.tabled_points, total.summed_points);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_sweep_kernel: %s\n", e.what());
    return 2;
  }
  return 0;
}
