// Write throughput of the sweep's results file (io/results_file.hpp) alone: synthetic chunk
// results, no evaluation, through the same collective rounds as `modesweep run`, flushes and
// progress flags included. Run under mpirun; bench/run_sweep_bench.sh puts it beside dd.
//   bench_results_write FILE [points] [chunk_points]
#include <fmt/format.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "modesweep/io/results_file.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/partition.hpp"

int main(int argc, char** argv) {
  boost::mpi::environment env;
  boost::mpi::communicator world;
  Kokkos::ScopeGuard kokkos;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_results_write FILE [points] [chunk_points]\n");
    return 2;
  }
  const std::string path = argv[1];
  const std::uint64_t chunk = argc > 3 ? std::stoull(argv[3]) : 1 << 20;
  // A factorial grid of n_D x 1e6 points along D and N (an axis holds at most 1e6 values).
  const std::uint64_t n_N = 1000000;
  const std::uint64_t n_D =
      std::max<std::uint64_t>(2, (argc > 2 ? std::stoull(argv[2]) : 20000000) / n_N);
  const std::uint64_t points = n_N * n_D;
  const std::string text = fmt::format(
      "[sweep]\nchunk_points = {}\n[axes]\nalpha = 2.0\nbeta = 1.0\ngamma = 1.0\n"
      "N = {{linspace = [1, {}, {}]}}\nD = {{linspace = [1, {}, {}]}}\ntau = inf\n",
      chunk, n_N, n_N, n_D, n_D);
  const modesweep::spec::SweepSpec spec = modesweep::spec::parse_spec(text, "bench", points);
  const modesweep::grid::Grid grid(spec);
  modesweep::io::RunAttributes attributes;
  attributes.mpi_size = world.size();

  // Synthetic results, made once: what is timed is the writing (no compression: the values
  // do not matter).
  modesweep::sweep::ChunkResults results;
  results.resize(chunk);
  for (std::uint64_t i = 0; i < chunk; ++i) {
    const double x = 1.0 / static_cast<double>(i + 1);
    results.dL[i] = x;
    results.eps_N[i] = 2 * x;
    results.eps_D[i] = 3 * x;
    results.eps_tau[i] = 4 * x;
    results.bottleneck[i] = static_cast<std::int8_t>(i % 3);
  }
  const auto t0 = std::chrono::steady_clock::now();
  {
    auto file = modesweep::io::ResultsFile::create(path, world, grid, attributes);
    const modesweep::sweep::ChunkLayout layout{grid.size(), chunk};
    for (std::uint64_t first = 0; first < layout.chunk_count();
         first += static_cast<std::uint64_t>(world.size())) {
      const std::uint64_t c = first + static_cast<std::uint64_t>(world.rank());
      if (c < layout.chunk_count()) {
        const auto range = layout.chunk(c);
        results.resize(range.count);
        file.write_round(&results, range, static_cast<std::int64_t>(c));
      } else {
        file.write_round(nullptr, {}, -1);
      }
    }
    file.set_status(modesweep::io::status_complete, "");
  }
  world.barrier();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (world.rank() == 0) {
    // What reached the file: dL and bottleneck per point (9 bytes), eps_N over N (1e6 values),
    // eps_D and eps_tau a few, metadata.
    const double bytes = static_cast<double>(std::filesystem::file_size(path));
    std::printf("hdf5_write ranks=%d points=%llu bytes=%.0f seconds=%.3f MB_per_s=%.1f\n",
                world.size(), static_cast<unsigned long long>(points), bytes, seconds,
                bytes / seconds / 1e6);
  }
  return 0;
}
