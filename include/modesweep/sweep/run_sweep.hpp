// `modesweep run`: spec -> grid -> partition -> kernel -> parallel HDF5 writer, with resume.
// Every function here is collective over the communicator.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "modesweep/io/results_file.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/partition.hpp"

namespace modesweep::sweep {

// A run that cannot start as asked (file exists, spec differs from the file's, ...): the
// command line reports it as bad input (exit 2).
class RunRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  std::string output;               // overrides the spec's output when not empty
  Shard shard;                      // one shard of the grid (a Slurm array task), or whole
  bool resume = false;              // continue an interrupted file (or start one)
  bool force = false;               // overwrite an existing file
  bool dry_run = false;             // report size and estimated time only
  double progress_interval = 10.0;  // seconds between progress lines when not a terminal
  bool live_progress = false;       // rank 0's progress stream is a terminal
  bool quiet = false;               // no progress lines
  bool collective_writes = false;   // collective rounds (ResultsFile::use_collective_rounds)
  // Polled between chunks (a signal number stops the rank; in collective rounds, all ranks):
  // SIGTERM/SIGINT/SIGUSR1 in the CLI.
  std::function<int()> stop_signal = [] { return 0; };
};

enum class RunOutcome { complete, already_complete, interrupted, dry_run };

struct RunReport {
  RunOutcome outcome = RunOutcome::complete;
  std::string path;
  std::uint64_t points = 0;  // of the grid, or of the shard
  std::uint64_t chunks = 0;
  std::uint64_t points_computed = 0;  // by this run
  double seconds = 0.0;
  double busy_max = 0.0;     // compute seconds of the busiest rank
  double busy_mean = 0.0;    // mean over ranks
  int stop_signal = 0;       // the signal that interrupted the run
  std::string dry_run_text;  // rank 0, dry runs: size and time estimate, for stdout
};

// Rank 0 reads the spec file and broadcasts its text; every rank parses the same text.
// Throws spec::SpecError on every rank when the spec is bad.
spec::SweepSpec load_spec(const std::string& path, std::uint64_t max_points,
                          const boost::mpi::communicator& comm);

// Where the results go: options.output, else the spec's output, else <spec stem>.h5; for a
// shard, shard_path of that.
std::string output_path(const spec::SweepSpec& spec, const RunOptions& options);

// The file of shard i of k beside the results file: results.h5 -> results.shard-i-of-k.h5.
std::string shard_path(const std::string& results_path, Shard shard);

// Why `path` cannot hold a results file, or "" when it can: it (or `named`, the output as
// given, of which `path` is a shard's) is a directory or ends in '/', it is the spec file
// itself, or it lies under a regular file. Run and merge check it before writing anything.
std::string output_path_problem(const std::string& path, const std::string& named,
                                const std::string& spec_path);

// Checks `shard` against the spec's chunks; throws RunRefused naming --shard and the valid
// range when it is not a shard of that grid.
void check_shard(const spec::SweepSpec& spec, Shard shard);

// Runs (or resumes) the sweep. Rank 0 writes progress and notes to `log`.
RunReport run_sweep(const spec::SweepSpec& spec, const RunOptions& options,
                    const boost::mpi::communicator& comm, std::ostream& log);

// The attributes of a file this process group creates now (start time from rank 0).
io::RunAttributes run_attributes(const boost::mpi::communicator& comm);

// ISO 8601 UTC time of now, e.g. 2026-11-23T15:04:05Z.
std::string utc_now();

}  // namespace modesweep::sweep
