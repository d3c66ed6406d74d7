#include "modesweep/cli/merge_command.hpp"

#include <fmt/format.h>
#include <mpi.h>
#include <unistd.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <exception>
#include <limits>
#include <ostream>

#include "modesweep/cli/collective_call.hpp"
#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/run.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/merge_shards.hpp"
#include "modesweep/sweep/progress.hpp"
#include "modesweep/sweep/run_sweep.hpp"

namespace modesweep::cli {

MergeCommand::MergeCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "merge",
          "Join the K shard files of a spec (written by 'modesweep run SPEC --shard I/K', e.g. "
          "one Slurm array task each) into the results file a single run of SPEC writes, "
          "identical in every numeric dataset. Every shard is checked first: present, "
          "complete, same spec text.")) {
  app_->add_option("spec", spec_path_, "the sweep spec the shards were run from (TOML)")
      ->required();
  app_->add_option("--shards,-k", shards_, "K, the number of shards")
      ->required()
      ->transform(whole_number_at_least(1));
  app_->add_option("--out,-o", output_,
                   "merged file, as given to 'run --out' (default: the spec's output); shard "
                   "files are looked for beside it as <stem>.shard-I-of-K.h5");
  app_->add_flag("--force", force_,
                 "overwrite an existing file at the merged path, even a complete merge (without "
                 "it, an unfinished merge of the same spec is replaced and a complete one from as "
                 "many shards is left as it is)");
  app_->add_flag("--remove-shards", remove_shards_,
                 "delete the shard files once the merged file is complete");
  app_->add_option("--progress-interval", progress_interval_,
                   "seconds between progress lines when stderr is not a terminal")
      ->capture_default_str()
      ->check(positive_finite());
  app_->add_flag("--quiet,-q", quiet_, "no progress lines");
}

int MergeCommand::run(std::ostream& out, std::ostream& err) const {
  boost::mpi::environment env;
  boost::mpi::communicator world;
  const bool root = world.rank() == 0;
  spec::SweepSpec spec;
  if (const int status = collective_call(
          world, err, "nothing was written",
          [&] {
            // No --max-points guard here: the shards were run from this spec already.
            spec = sweep::load_spec(spec_path_, std::numeric_limits<std::uint64_t>::max(), world);
          });
      status != exit_success) {
    return status;
  }
  sweep::MergeOptions options;
  options.output = output_;
  options.shards = shards_;
  options.force = force_;
  options.remove_shards = remove_shards_;
  options.quiet = quiet_;
  options.progress_interval = progress_interval_;
  options.live_progress = root && isatty(STDERR_FILENO) != 0;
  sweep::MergeReport report;
  const int status =
      collective_call(world, err, "the shard files are untouched; run the merge again",
                      [&] { report = sweep::merge_shards(spec, options, world, err); });
  if (status != exit_success) return status;
  if (root && report.already_complete) {
    out << fmt::format("{}: already complete, merged from {} shards; nothing to do\n", report.path,
                       report.shards);
  } else if (root) {
    out << fmt::format("{}: complete, {} points merged from {} shards in {}{}\n", report.path,
                       report.points, report.shards, sweep::format_duration(report.seconds),
                       !remove_shards_              ? ""
                       : report.shards_kept.empty() ? "; shard files removed"
                                                    : "; shard files removed but some");
    for (const std::string& kept : report.shards_kept) {
      err << fmt::format("warning: could not remove {}\n", kept);
    }
  }
  return exit_success;
}

}  // namespace modesweep::cli
