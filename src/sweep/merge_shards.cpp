#include "modesweep/sweep/merge_shards.hpp"

#include <fmt/format.h>

#include <boost/mpi/collectives.hpp>
#include <chrono>
#include <filesystem>
#include <ostream>
#include <vector>

#include "modesweep/grid/grid.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/sweep/kernel.hpp"
#include "modesweep/sweep/partition.hpp"
#include "modesweep/sweep/progress.hpp"
#include "modesweep/sweep/run_sweep.hpp"

namespace modesweep::sweep {
namespace {

namespace mpi = boost::mpi;

// Empty when shard file `path` is the complete shard `shard` of `spec`, computed by the same
// build as `first` (shard 0; nullptr for shard 0 itself), else why not. Fills `info`.
// `merged` is the merged file's path: a shard is computed with --out naming it.
std::string shard_problem(const std::string& path, const std::string& merged,
                          const spec::SweepSpec& spec, const ShardExtent& extent, Shard shard,
                          const io::ShardFileInfo* first, io::ShardFileInfo& info) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return fmt::format("{} is missing: run shard {} (modesweep run SPEC --shard {}/{} --out {})",
                       path, shard.index, shard.index, shard.count, merged);
  }
  try {
    info = io::read_shard_info(path);
  } catch (const io::ResultsFileError& e) {
    return e.what();
  }
  if (info.spec_text != spec.text) {
    return fmt::format("{} was made from a different spec text than {}", path, spec.source_name);
  }
  if (info.format_version != std::to_string(io::results_format_version)) {
    return fmt::format("{} has results format {}, this build writes {}", path, info.format_version,
                       io::results_format_version);
  }
  if (info.shard.index != shard.index || info.shard.count != shard.count) {
    return fmt::format("{} holds shard {}/{}, expected {}/{}", path, info.shard.index,
                       info.shard.count, shard.index, shard.count);
  }
  if (info.first_point != extent.points.begin || info.points != extent.points.count ||
      info.chunks_total != extent.chunks || info.chunk_points != spec.chunk_points) {
    return fmt::format("{} does not hold the points of shard {}/{} (another chunk layout)", path,
                       shard.index, shard.count);
  }
  if (info.status != io::status_complete || info.chunks_done != info.chunks_total) {
    return fmt::format(
        "{} is incomplete ({} of {} chunks, status {}): finish it with modesweep run SPEC "
        "--shard {}/{} --out {} --resume",
        path, info.chunks_done, info.chunks_total, info.status, shard.index, shard.count, merged);
  }
  // Bits are promised across ranks and chunkings of one build, not across builds or backends.
  const io::RunAttributes& a = info.build;
  if (first != nullptr) {
    const io::RunAttributes& b = first->build;
    if (a.modesweep_version != b.modesweep_version || a.git_commit != b.git_commit ||
        a.kokkos_version != b.kokkos_version || a.kokkos_backend != b.kokkos_backend) {
      return fmt::format(
          "{} was computed by another build than shard 0 (modesweep {} {}, Kokkos {} {} vs {} "
          "{}, {} {}): rerun it with the same build",
          path, a.modesweep_version, a.git_commit, a.kokkos_version, a.kokkos_backend,
          b.modesweep_version, b.git_commit, b.kokkos_version, b.kokkos_backend);
    }
  }
  return {};
}

// What an existing file at the merged path is: an earlier merge of this spec that did not
// finish holds nothing the shards do not, so a new merge may replace it without --force; one
// that finished, from as many shards, is this merge done already (a requeued merge job).
enum class EarlierMerge { none, unfinished, complete };
EarlierMerge earlier_merge(const std::string& path, const spec::SweepSpec& spec,
                           std::uint64_t shards) {
  try {
    const io::ResultsSummary s = io::read_summary(path);
    if (s.attribute("merged_shards").empty() || s.attribute("spec") != spec.text) {
      return EarlierMerge::none;
    }
    if (s.attribute("status") != io::status_complete) return EarlierMerge::unfinished;
    const bool all_chunks = s.chunks_total > 0 && s.chunks_done == s.chunks_total;
    return all_chunks && s.attribute("merged_shards") == std::to_string(shards)
               ? EarlierMerge::complete
               : EarlierMerge::none;
  } catch (const std::exception&) {  // not HDF5, not ours, damaged: not an earlier merge
    return EarlierMerge::none;
  }
}

}  // namespace

MergeReport merge_shards(const spec::SweepSpec& spec, const MergeOptions& options,
                         const mpi::communicator& comm, std::ostream& log) {
  const auto t0 = std::chrono::steady_clock::now();
  const grid::Grid grid(spec);
  const ChunkLayout layout{grid.size(), spec.chunk_points};
  // The count the shards were run with (not a new sharding: no advice to change the spec).
  if (options.shards == 0 || options.shards > layout.chunk_count()) {
    throw RunRefused(fmt::format(
        "--shards: {} shards of a grid with {} chunks (chunk_points = {}): must be the K the "
        "shards were run with (--shard I/K), in [1, {}]",
        options.shards, layout.chunk_count(), spec.chunk_points, layout.chunk_count()));
  }
  RunOptions run_options;
  run_options.output = options.output;
  MergeReport report;
  report.path = output_path(spec, run_options);
  report.points = grid.size();
  report.shards = options.shards;

  std::vector<ShardExtent> extents;
  std::vector<std::string> paths;
  for (std::uint64_t i = 0; i < options.shards; ++i) {
    extents.push_back(shard_extent(layout, Shard{i, options.shards}));
    paths.push_back(shard_path(report.path, Shard{i, options.shards}));
  }
  // Rank 0 checks everything before anything is written; all ranks get the verdict.
  std::string problem;
  io::ShardFileInfo first;  // rank 0: shard 0's, whose build the merged file records
  int done_already = 0;
  std::error_code error;
  if (comm.rank() == 0) problem = output_path_problem(report.path, report.path, spec.source_name);
  if (comm.rank() == 0 && problem.empty()) {
    const bool output_exists = std::filesystem::exists(report.path, error);
    const EarlierMerge earlier =
        output_exists ? earlier_merge(report.path, spec, options.shards) : EarlierMerge::none;
    if (earlier == EarlierMerge::complete && !options.force) {
      done_already = 1;  // left as it is, bit for bit; the shards need not be there any more
    } else {
      for (std::uint64_t i = 0; i < options.shards && problem.empty(); ++i) {
        io::ShardFileInfo info;
        problem = shard_problem(paths[i], report.path, spec, extents[i], Shard{i, options.shards},
                                i == 0 ? nullptr : &first, info);
        if (i == 0) first = info;
      }
      if (problem.empty() && output_exists && !options.force &&
          earlier != EarlierMerge::unfinished) {
        problem = fmt::format("{} exists: use --force to overwrite it", report.path);
      }
    }
    if (problem.empty()) {
      const auto parent = std::filesystem::path(report.path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
    }
  }
  mpi::broadcast(comm, problem, 0);
  if (!problem.empty()) throw RunRefused(problem);
  mpi::broadcast(comm, done_already, 0);
  if (done_already != 0) {
    report.already_complete = true;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  }

  // The merged file names the build that computed the values, not the one that copied them.
  io::RunAttributes attributes = run_attributes(comm);
  for (std::string* field : {&first.build.modesweep_version, &first.build.git_commit,
                             &first.build.kokkos_version, &first.build.kokkos_backend}) {
    mpi::broadcast(comm, *field, 0);
  }
  attributes.modesweep_version = first.build.modesweep_version;
  attributes.git_commit = first.build.git_commit;
  attributes.kokkos_version = first.build.kokkos_version;
  attributes.kokkos_backend = first.build.kokkos_backend;
  attributes.merged_shards = options.shards;
  io::ResultsFile file = io::ResultsFile::create(report.path, comm, grid, attributes);
  // Chunk c goes to rank c mod size, written in rounds (io/results_file.hpp: independent
  // writes where each rank syncs the file itself, else one collective write per round).
  const std::uint64_t chunks = layout.chunk_count();
  const auto size = static_cast<std::uint64_t>(comm.size());
  const auto rank = static_cast<std::uint64_t>(comm.rank());
  Progress progress(log, options.live_progress, options.progress_interval, grid.size(), 0);
  ChunkResults results;
  std::size_t shard = 0;  // of this rank's current chunk: chunks only grow
  for (std::uint64_t first = 0; first < chunks; first += size) {
    const std::uint64_t c = first + rank;
    IndexRange range;
    if (c < chunks) {
      while (c >= extents[shard].first_chunk + extents[shard].chunks) ++shard;
      range = layout.chunk(c);
      io::read_results(paths[shard], grid, range.begin, range.count, results);
    }
    file.write_round(c < chunks ? &results : nullptr, range,
                     c < chunks ? static_cast<std::int64_t>(c) : -1);
    const std::uint64_t done_chunks = std::min(chunks, first + size);
    if (comm.rank() == 0 && !options.quiet) {
      progress.update(done_chunks == chunks ? grid.size() : done_chunks * layout.chunk_points);
    }
  }
  if (comm.rank() == 0 && !options.quiet) progress.finish(grid.size());
  std::string end = comm.rank() == 0 ? utc_now() : std::string();
  mpi::broadcast(comm, end, 0);
  file.set_status(io::status_complete, end);
  file.close();
  // The merged file is complete: a shard that cannot be removed is reported, not a failure.
  if (options.remove_shards && comm.rank() == 0) {
    for (const std::string& p : paths) {
      if (!std::filesystem::remove(p, error) && error) {
        report.shards_kept.push_back(fmt::format("{} ({})", p, error.message()));
      }
    }
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace modesweep::sweep
