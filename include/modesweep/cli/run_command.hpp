// `modesweep run SPEC`: the sweep engine's command (sweep/run_sweep.hpp). Starts MPI; run it
// under mpirun/srun for several ranks.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "modesweep/sweep/partition.hpp"

namespace modesweep::cli {

class RunCommand {
 public:
  explicit RunCommand(CLI::App& parent);
  RunCommand(const RunCommand&) = delete;
  RunCommand& operator=(const RunCommand&) = delete;

  bool selected() const { return app_->parsed(); }

  // Returns the exit status: 0 complete, 2 bad spec/refused, 128 + signal when interrupted.
  // Errors during the run abort all ranks (MPI_Abort) after printing.
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string spec_path_;
  std::string output_;
  bool resume_ = false;
  bool force_ = false;
  bool dry_run_ = false;
  bool quiet_ = false;
  bool collective_writes_ = false;
  std::uint64_t max_points_ = 1000000000;
  double progress_interval_ = 10.0;
  std::string shard_text_;
};

// "I/K" with 0 <= I < K as a shard, else nothing.
std::optional<sweep::Shard> parse_shard(const std::string& text);

}  // namespace modesweep::cli
