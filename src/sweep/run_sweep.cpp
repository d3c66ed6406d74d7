#include "modesweep/sweep/run_sweep.hpp"

#include <fmt/format.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <numeric>
#include <optional>
#include <ostream>

#include "modesweep/build_info.hpp"
#include "modesweep/grid/grid.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/sweep/chunk_queue.hpp"
#include "modesweep/sweep/kernel.hpp"
#include "modesweep/sweep/partition.hpp"
#include "modesweep/sweep/progress.hpp"
#include "modesweep/version.hpp"

namespace modesweep::sweep {
namespace {

namespace mpi = boost::mpi;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Monte Carlo cost grows linearly with the replicas: cost estimates time at most this many and
// scale up (timing_grid), so that estimating never costs a noticeable part of the run.
constexpr std::uint64_t timing_replicas = 16;

// The grid to time cost estimates with, and the factor its per-point time is to be scaled by.
std::pair<grid::Grid, double> timing_grid(const grid::Grid& grid) {
  spec::SweepSpec spec = grid.spec();
  double scale = 1.0;
  if (spec::has_mc(spec) && spec.replicas > timing_replicas) {
    scale = static_cast<double>(spec.replicas) / timing_replicas;
    spec.replicas = timing_replicas;
  }
  return {grid::Grid(spec), scale};
}

// Estimated cost of each chunk: the time of a few points spread over it (each evaluated with
// its group, so block costs are included). Only the schedule depends on it, never a result.
double estimate_chunk_cost(const grid::Grid& grid, IndexRange range) {
  constexpr std::uint64_t samples = 4;
  ChunkResults scratch;
  const auto t0 = Clock::now();
  for (std::uint64_t s = 0; s < samples; ++s) {
    const std::uint64_t offset = range.count * (2 * s + 1) / (2 * samples);
    evaluate_chunk(grid, range.begin + offset, 1, scratch);
  }
  return seconds_since(t0);
}

// Every rank estimates the chunks i = rank mod size; all gather, so all hold the same costs.
std::vector<double> estimate_costs(const grid::Grid& grid, const ChunkLayout& layout,
                                   const std::vector<std::uint64_t>& pending,
                                   const mpi::communicator& comm) {
  std::vector<double> mine(pending.size(), 0.0);
  const grid::Grid timed = timing_grid(grid).first;  // relative costs suffice here
  for (std::size_t i = static_cast<std::size_t>(comm.rank()); i < pending.size();
       i += static_cast<std::size_t>(comm.size())) {
    mine[i] = estimate_chunk_cost(timed, layout.chunk(pending[i]));
  }
  std::vector<double> all(pending.size(), 0.0);
  mpi::all_reduce(comm, mine.data(), static_cast<int>(mine.size()), all.data(),
                  std::plus<double>());
  return all;
}

// `chunks_done`: of the file a resume would continue (the time is that of the rest).
std::string dry_run(const grid::Grid& grid, const ChunkLayout& layout, Shard shard,
                    const std::string& path, std::optional<std::uint64_t> chunks_done,
                    const mpi::communicator& comm) {
  if (comm.rank() != 0) return {};
  // Time a few whole blocks (or runs of points) spread over the grid (or shard). A factorial
  // block shares its capacity panels over all its points (kernel.hpp), so a short run of one
  // would overstate the cost per point several times: whole blocks up to 2^16 points.
  const ShardExtent extent = shard_extent(layout, shard);
  const std::uint64_t n = extent.points.count;
  const std::uint64_t longest_run = grid.is_factorial() ? 65536 : 256;
  std::uint64_t run =
      std::min<std::uint64_t>({n, std::max<std::uint64_t>(grid.group_size(), 1), longest_run});
  if (spec::has_mc(grid.spec())) run = std::min<std::uint64_t>(run, 32);  // replicas cost more
  const std::uint64_t samples = std::min<std::uint64_t>(8, n / run);
  ChunkResults scratch;
  const auto [timing, replica_scale] = timing_grid(grid);
  const auto t0 = Clock::now();
  std::uint64_t timed = 0;
  for (std::uint64_t s = 0; s < samples; ++s) {
    const std::uint64_t begin = extent.points.begin + std::min(n - run, (n / samples) * s);
    evaluate_chunk(timing, begin, run, scratch);
    timed += run;
  }
  const double per_point =
      timed > 0 ? replica_scale * seconds_since(t0) / static_cast<double>(timed) : 0.0;
  // Chunks are equal but for the last: the points left, closely enough for an estimate.
  const std::uint64_t chunks_left =
      extent.chunks - std::min(chunks_done.value_or(0), extent.chunks);
  const double left = static_cast<double>(n) * static_cast<double>(chunks_left) /
                      static_cast<double>(std::max<std::uint64_t>(extent.chunks, 1));
  const double total = per_point * left / comm.size();
  const std::string what =
      grid.is_factorial() ? "factorial grid" : spec::design_name(grid.spec().design);
  return fmt::format(
      "dry run: {} points ({}), {} chunks of {} points over {} rank(s)\n"
      "output: {} (about {:.3g} MB){}\n"
      "estimated time: {} ({:.3g} us per point per rank, from {} sampled points)\n",
      n,
      shard.whole() ? what
                    : fmt::format("shard {} of {} of a {} of {} points, from point {}", shard.index,
                                  shard.count, what, grid.size(), extent.points.begin),
      extent.chunks, layout.chunk_points, comm.size(), path,
      io::results_data_bytes(grid, n, shard.whole()) / 1e6,
      chunks_done ? fmt::format("; resume: {} of {} chunks done, {} to compute", *chunks_done,
                                extent.chunks, chunks_left)
                  : "",
      format_duration(total), per_point * 1e6, timed);
}

}  // namespace

io::RunAttributes run_attributes(const mpi::communicator& comm) {
  io::RunAttributes a;
  std::string start = comm.rank() == 0 ? utc_now() : std::string();
  mpi::broadcast(comm, start, 0);
  a.start_time = start;
  a.modesweep_version = modesweep::version;
  a.git_commit = modesweep::git_commit;
  a.kokkos_version = kokkos_version_text();
  a.kokkos_backend = Kokkos::DefaultExecutionSpace::name();
  a.mpi_size = comm.size();
  return a;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

spec::SweepSpec load_spec(const std::string& path, std::uint64_t max_points,
                          const mpi::communicator& comm) {
  // Rank 0 reads; a read error travels as an empty text plus the message.
  std::string text, error;
  if (comm.rank() == 0) {
    try {
      text = spec::read_spec_text(path);
    } catch (const spec::SpecError& e) {
      error = e.what();
    }
  }
  mpi::broadcast(comm, text, 0);
  mpi::broadcast(comm, error, 0);
  if (!error.empty()) throw spec::SpecError(error);
  return spec::parse_spec(text, path, max_points);
}

std::string output_path(const spec::SweepSpec& spec, const RunOptions& options) {
  std::string path = options.output;
  if (path.empty()) path = spec.output;
  if (path.empty()) path = std::filesystem::path(spec.source_name).stem().string() + ".h5";
  return options.shard.whole() ? path : shard_path(path, options.shard);
}

std::string shard_path(const std::string& results_path, Shard shard) {
  std::filesystem::path p(results_path);
  const std::string stem = p.extension() == ".h5" ? p.stem().string() : p.filename().string();
  p.replace_filename(fmt::format("{}.shard-{}-of-{}.h5", stem, shard.index, shard.count));
  return p.string();
}

void check_shard(const spec::SweepSpec& spec, Shard shard) {
  if (shard.whole()) return;
  const ChunkLayout layout{spec::point_count(spec), spec.chunk_points};
  if (shard.count > layout.chunk_count()) {
    throw RunRefused(fmt::format(
        "--shard: {} shards of a grid with {} chunks (chunk_points = {}): the shard count must "
        "be in [1, {}]; use fewer shards or a smaller chunk_points",
        shard.count, layout.chunk_count(), spec.chunk_points, layout.chunk_count()));
  }
  if (shard.index >= shard.count) {
    throw RunRefused(
        fmt::format("--shard: index {} must be in [0, {}]", shard.index, shard.count - 1));
  }
}

namespace {

// Why `path` cannot take a run's results ("" when it can); sets `exists`. `named` is the
// output as given (a shard's path is derived from it, and a merge writes it). Rank 0 only.
std::string check_output_path(const std::string& path, const std::string& named,
                              const std::string& spec_path, const RunOptions& options,
                              int& exists) {
  std::error_code error;
  exists = std::filesystem::exists(path, error) ? 1 : 0;
  if (std::string problem = output_path_problem(path, named, spec_path); !problem.empty()) {
    return problem;
  }
  if (exists != 0 && !options.resume && !options.force) {
    return fmt::format("{} exists: rerun with --resume to finish it, or --force to overwrite it",
                       path);
  }
  return "";
}

}  // namespace

std::string output_path_problem(const std::string& path, const std::string& named,
                                const std::string& spec_path) {
  namespace fs = std::filesystem;
  std::error_code error;
  for (const std::string& p : {named, path}) {
    if (fs::is_directory(fs::status(p, error)) || (!p.empty() && p.back() == '/')) {
      return fmt::format(
          "{} is a directory: the output (--out or the spec's output) must name a file", p);
    }
  }
  if (fs::exists(path, error) && fs::equivalent(path, spec_path, error)) {
    return fmt::format("{} is the spec file itself: write the results elsewhere with --out", path);
  }
  // The first existing ancestor must be a directory (create_directories gives a confusing
  // message otherwise).
  for (fs::path dir = fs::path(path).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    const fs::file_status status = fs::status(dir, error);
    if (!fs::exists(status)) continue;
    if (!fs::is_directory(status)) {
      return fmt::format("{} is not a directory: cannot write {} under it", dir.string(), path);
    }
    break;
  }
  return "";
}

RunReport run_sweep(const spec::SweepSpec& spec, const RunOptions& options,
                    const mpi::communicator& comm, std::ostream& log) {
  const auto t_start = Clock::now();
  check_shard(spec, options.shard);
  const grid::Grid grid(spec);
  RunReport report;
  report.path = output_path(spec, options);
  ChunkLayout layout{grid.size(), spec.chunk_points};
  report.points = shard_extent(layout, options.shard).points.count;

  // Decided on rank 0, so that every rank takes the same branch: whether the file exists,
  // and what refuses the run (the same checks for a dry run, which creates nothing).
  int exists = 0;
  std::string refusal;
  // Rank 0's refusal, if any, thrown on every rank.
  const auto refuse_together = [&] {
    mpi::broadcast(comm, refusal, 0);
    if (!refusal.empty()) throw RunRefused(refusal);
  };
  if (comm.rank() == 0) {
    RunOptions whole = options;  // the output as named, before a shard's suffix
    whole.shard = {};
    refusal =
        check_output_path(report.path, output_path(spec, whole), spec.source_name, options, exists);
  }
  mpi::broadcast(comm, exists, 0);
  refuse_together();

  if (options.dry_run) {
    // A resume's dry run reads the file (rank 0, read-only) after the checks the resume
    // would make (open_for_resume), for the chunks left.
    std::optional<std::uint64_t> chunks_done;
    if (exists != 0 && options.resume && comm.rank() == 0) {
      try {
        chunks_done = io::resumable_chunks_done(report.path, grid, options.shard);
      } catch (const std::exception& e) {  // whatever it is, a refusal on every rank
        refusal = e.what();
      }
    }
    refuse_together();
    report.outcome = RunOutcome::dry_run;
    report.chunks = shard_extent(layout, options.shard).chunks;
    report.dry_run_text = dry_run(grid, layout, options.shard, report.path, chunks_done, comm);
    return report;
  }

  if (comm.rank() == 0) {
    const auto parent = std::filesystem::path(report.path).parent_path();
    std::error_code error;
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) {
      refusal = fmt::format("cannot create the directory {} for {}: {}", parent.string(),
                            report.path, error.message());
    }
  }
  refuse_together();
  const bool resuming = exists != 0 && options.resume;
  io::ResultsFile file =
      resuming
          ? io::ResultsFile::open_for_resume(report.path, comm, grid, options.shard)
          : io::ResultsFile::create(report.path, comm, grid, run_attributes(comm), options.shard);
  if (options.collective_writes) file.use_collective_rounds();
  layout.chunk_points = file.chunk_points();
  const ShardExtent extent = file.extent();
  report.chunks = extent.chunks;

  const std::vector<std::uint8_t> done = file.chunk_done();
  std::vector<std::uint64_t> pending;
  std::uint64_t done_points = 0;
  for (std::uint64_t i = 0; i < extent.chunks; ++i) {
    const std::uint64_t c = extent.first_chunk + i;
    if (done[i] != 0) {
      done_points += layout.chunk(c).count;
    } else {
      pending.push_back(c);
    }
  }
  if (comm.rank() == 0 && resuming) {
    log << fmt::format("resuming {}: {} of {} chunks done, {} to compute\n", report.path,
                       extent.chunks - pending.size(), extent.chunks, pending.size());
  }
  if (pending.empty() && resuming) {
    // Nothing to compute: a complete file stays as it is, bit for bit. One whose last chunk
    // was flagged before the run could mark it complete is marked now.
    if (file.status() != io::status_complete) {
      file.record_run(run_attributes(comm));
      std::string end = comm.rank() == 0 ? utc_now() : std::string();
      mpi::broadcast(comm, end, 0);
      file.set_status(io::status_complete, end);
    }
    report.outcome = RunOutcome::already_complete;
    report.seconds = seconds_since(t_start);
    return report;
  }
  // The file's run attributes describe its last run (README, "Resume").
  if (resuming) file.record_run(run_attributes(comm));

  Progress progress(log, options.live_progress, options.progress_interval, report.points,
                    done_points);
  ChunkResults results;
  double busy = 0.0;
  std::uint64_t computed = 0;  // points, by this rank
  auto compute_and_write = [&](std::int64_t chunk) {
    IndexRange range;
    if (chunk >= 0) {
      range = layout.chunk(static_cast<std::uint64_t>(chunk));
      const auto t0 = Clock::now();
      evaluate_chunk(grid, range.begin, range.count, results);
      busy += seconds_since(t0);
      computed += range.count;
    }
    file.write_round(chunk >= 0 ? &results : nullptr, range, chunk);
  };
  int stop = 0;
  if (file.independent_rounds()) {
    // Each rank takes the next pending chunk when done with its last (chunk_queue.hpp). A
    // rank that gets a signal empties the queue, so that the others stop after their chunk
    // in flight. Progress on rank 0 counts the chunks taken by all ranks.
    ChunkQueue queue(comm, pending.size());
    std::uint64_t counted = 0;  // positions of `pending` in done_points
    while (true) {
      if ((stop = options.stop_signal()) != 0) {
        queue.cancel();
        break;
      }
      const std::optional<std::uint64_t> position = queue.next();
      if (!position) break;
      compute_and_write(static_cast<std::int64_t>(pending[*position]));
      for (; counted < queue.taken(); ++counted)
        done_points += layout.chunk(pending[counted]).count;
      if (comm.rank() == 0 && !options.quiet) progress.update(done_points);
    }
    queue.close();
  } else {
    // Collective rounds: every rank takes part in each, all stop together or none does. The
    // chunks are spread by estimated cost (on one rank the order does not matter).
    const std::vector<double> cost = comm.size() > 1 ? estimate_costs(grid, layout, pending, comm)
                                                     : std::vector<double>(pending.size(), 0.0);
    for (const std::vector<Assignment>& round : schedule_rounds(pending, cost, comm.size())) {
      const int local_stop = options.stop_signal();
      mpi::all_reduce(comm, local_stop, stop, mpi::maximum<int>());
      if (stop != 0) break;
      compute_and_write(round[static_cast<std::size_t>(comm.rank())].chunk);
      for (const Assignment& a : round) {
        if (a.chunk >= 0) done_points += layout.chunk(static_cast<std::uint64_t>(a.chunk)).count;
      }
      if (comm.rank() == 0 && !options.quiet) progress.update(done_points);
    }
  }
  file.finish_rounds();
  const int local_stop = stop;
  mpi::all_reduce(comm, local_stop, stop, mpi::maximum<int>());
  mpi::all_reduce(comm, computed, report.points_computed, std::plus<std::uint64_t>());
  // Every rank's flags are in (finish_rounds): the points done, exactly.
  const std::vector<std::uint8_t> final_done = file.chunk_done();
  done_points = 0;
  for (std::uint64_t i = 0; i < extent.chunks; ++i) {
    if (final_done[i] != 0) done_points += layout.chunk(extent.first_chunk + i).count;
  }
  if (comm.rank() == 0 && !options.quiet) progress.finish(done_points);

  mpi::all_reduce(comm, busy, report.busy_max, mpi::maximum<double>());
  mpi::all_reduce(comm, busy, report.busy_mean, std::plus<double>());
  report.busy_mean /= comm.size();
  std::string end = comm.rank() == 0 ? utc_now() : std::string();
  mpi::broadcast(comm, end, 0);
  if (stop != 0) {
    file.set_status(io::status_interrupted, end);
    report.outcome = RunOutcome::interrupted;
    report.stop_signal = stop;
  } else {
    // Complete only if every chunk's flag is in the file.
    const int mine =
        std::all_of(final_done.begin(), final_done.end(), [](std::uint8_t f) { return f != 0; })
            ? 1
            : 0;
    int agreed = 0;  // the status attribute is written collectively: one value for all ranks
    mpi::all_reduce(comm, mine, agreed, mpi::minimum<int>());
    const bool all = agreed != 0;
    file.set_status(all ? io::status_complete : io::status_interrupted, end);
    report.outcome = all ? RunOutcome::complete : RunOutcome::interrupted;
  }
  file.close();
  report.seconds = seconds_since(t_start);
  return report;
}

}  // namespace modesweep::sweep
