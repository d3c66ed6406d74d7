// `modesweep submit SPEC`: renders the slurm/ job scripts for a spec and submits them as a
// pipeline (slurm/submit.hpp). No MPI: it runs on a login node.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace modesweep::cli {

class SubmitCommand {
 public:
  explicit SubmitCommand(CLI::App& parent);
  SubmitCommand(const SubmitCommand&) = delete;
  SubmitCommand& operator=(const SubmitCommand&) = delete;
  bool selected() const { return app_->parsed(); }
  // 0 submitted (or printed, --dry-run), 2 bad spec or options, 1 sbatch failed.
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string spec_path_;
  std::string output_;
  std::string job_dir_;
  std::string binary_;
  std::string time_ = "01:00:00";
  std::string merge_time_ = "01:00:00";
  std::string partition_;
  std::string account_;
  std::uint64_t nodes_ = 1;
  std::uint64_t ntasks_ = 2;
  std::uint64_t array_ = 0;
  std::uint64_t warn_seconds_ = 300;
  std::uint64_t max_points_ = 1000000000;
  bool dry_run_ = false;
};

}  // namespace modesweep::cli
