// `modesweep merge SPEC --shards K`: joins the shard files of `run --shard i/K` into the
// results file of a single run (sweep/merge_shards.hpp). Starts MPI.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace modesweep::cli {

class MergeCommand {
 public:
  explicit MergeCommand(CLI::App& parent);
  MergeCommand(const MergeCommand&) = delete;
  MergeCommand& operator=(const MergeCommand&) = delete;
  bool selected() const { return app_->parsed(); }
  // 0 merged, 2 refused (a shard missing, incomplete or foreign; output exists).
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string spec_path_;
  std::string output_;
  std::uint64_t shards_ = 0;
  bool force_ = false;
  bool remove_shards_ = false;
  bool quiet_ = false;
  double progress_interval_ = 10.0;
};

}  // namespace modesweep::cli
