#include "modesweep/cli/run_command.hpp"

#include <fmt/format.h>
#include <mpi.h>
#include <unistd.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <charconv>
#include <csignal>
#include <exception>
#include <ostream>
#include <string_view>

#include "modesweep/cli/collective_call.hpp"
#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/run.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/progress.hpp"
#include "modesweep/sweep/run_sweep.hpp"

namespace modesweep::cli {
namespace {

// A scheduler's SIGTERM, a user's SIGINT or a preemption warning's SIGUSR1 stops the sweep
// after the round in flight; finished chunks stay in the file for --resume.
// A second signal gets the default action (a second Ctrl-C kills at once).
volatile std::sig_atomic_t stop_signal_received = 0;
extern "C" void on_stop_signal(int signal) {
  stop_signal_received = signal;
  std::signal(signal, SIG_DFL);
}

void install_stop_handlers() {
  for (int signal : {SIGTERM, SIGINT, SIGUSR1}) std::signal(signal, on_stop_signal);
}

}  // namespace

std::optional<sweep::Shard> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  sweep::Shard shard;
  const auto number = [](std::string_view digits, std::uint64_t& value) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  const std::string_view all(text);
  if (!number(all.substr(0, slash), shard.index) || !number(all.substr(slash + 1), shard.count) ||
      shard.count == 0 || shard.index >= shard.count) {
    return std::nullopt;
  }
  return shard;
}

namespace {

// CLI11 check for --shard (the count is checked against the grid's chunks later).
std::string check_shard_text(const std::string& text) {
  if (parse_shard(text)) return {};
  return "expected I/K with 0 <= I < K (shard I of K, e.g. 3/8), got '" + text + "'";
}

}  // namespace

RunCommand::RunCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "run",
          "Run a sweep spec (TOML): evaluate every grid point (the exact loss, Monte Carlo or "
          "both, as the spec's mode says) on all MPI ranks and write one HDF5 results file. Use "
          "under mpirun/srun for several ranks; "
          "interrupted runs (SIGTERM, SIGINT, SIGUSR1, a kill) continue with --resume.")) {
  app_->add_option("spec", spec_path_, "sweep spec file (TOML), e.g. jobs/demo.toml")
      ->required();  // read by rank 0 only: other ranks may not see the path
  app_->add_option("--out,-o", output_,
                   "results file (default: the spec's output, else the spec file's name with its "
                   "extension replaced by .h5, in the current directory)");
  app_->add_flag("--resume", resume_,
                 "continue the results file: compute only the chunks it lacks (starts a new "
                 "file when there is none)");
  app_->add_flag("--force", force_, "overwrite an existing results file");
  app_->add_flag("--dry-run", dry_run_,
                 "print the number of points, output size and an estimated time; compute "
                 "nothing");
  app_->add_option("--max-points", max_points_,
                   "refuse grids with more points than this (a typo guard)")
      ->capture_default_str()
      ->transform(whole_number_at_least(1));
  app_->add_option("--progress-interval", progress_interval_,
                   "seconds between progress lines when stderr is not a terminal")
      ->capture_default_str()
      ->check(positive_finite());
  app_->add_option("--shard", shard_text_,
                   "compute only shard I of K (I/K, 0 <= I < K): a contiguous run of whole "
                   "chunks, written to <output stem>.shard-I-of-K.h5; join the K shard files "
                   "with 'modesweep merge SPEC --shards K' (one Slurm array task per shard)")
      ->check(CLI::Validator(check_shard_text, "I/K", "shard"));
  app_->add_flag("--quiet,-q", quiet_, "no progress lines");
  app_->add_flag("--collective-writes", collective_writes_,
                 "write in collective rounds, every rank in step and the file synced by "
                 "H5Fflush, instead of each rank taking chunks and syncing on its own: for "
                 "file systems where per-rank fdatasync is slow or unsupported");
}

int RunCommand::run(std::ostream& out, std::ostream& err) const {
  boost::mpi::environment env;
  boost::mpi::communicator world;
  const bool root = world.rank() == 0;
  if (resume_ && force_) {
    if (root) print_error(err, "--resume and --force exclude each other");
    return exit_bad_input;
  }
  install_stop_handlers();

  spec::SweepSpec spec;
  if (const int status =
          collective_call(world, err, "nothing was written",
                          [&] { spec = sweep::load_spec(spec_path_, max_points_, world); });
      status != exit_success) {
    return status;
  }

  sweep::RunOptions options;
  options.output = output_;
  if (!shard_text_.empty()) options.shard = *parse_shard(shard_text_);
  options.resume = resume_;
  options.force = force_;
  options.dry_run = dry_run_;
  options.quiet = quiet_;
  options.collective_writes = collective_writes_;
  options.progress_interval = progress_interval_;
  options.live_progress = root && isatty(STDERR_FILENO) != 0;
  options.stop_signal = [] { return static_cast<int>(stop_signal_received); };

  sweep::RunReport report;
  // Mid-run failures keep the finished chunks in the file.
  const int status = collective_call(world, err, "finished chunks are kept, rerun with --resume",
                                     [&] { report = sweep::run_sweep(spec, options, world, err); });
  if (status != exit_success) return status;

  if (!root) return report.outcome == sweep::RunOutcome::interrupted ? 128 + report.stop_signal : 0;
  const double rate =
      report.seconds > 0.0 ? static_cast<double>(report.points_computed) / report.seconds : 0.0;
  switch (report.outcome) {
    case sweep::RunOutcome::dry_run:
      out << report.dry_run_text;
      return exit_success;
    case sweep::RunOutcome::already_complete:
      out << fmt::format("{}: already complete ({} points); nothing to do\n", report.path,
                         report.points);
      return exit_success;
    case sweep::RunOutcome::complete:
      out << fmt::format(
          "{}: complete, {} points ({} computed now) in {} ({} points/s) on {} rank(s); "
          "busiest rank {:.3g} s, mean {:.3g} s\n",
          report.path, report.points, report.points_computed,
          sweep::format_duration(report.seconds), sweep::format_count(rate), world.size(),
          report.busy_max, report.busy_mean);
      return exit_success;
    case sweep::RunOutcome::interrupted:
      err << fmt::format(
          "interrupted{}: {} is incomplete; finish it with: modesweep run {} --resume{}\n",
          report.stop_signal != 0 ? fmt::format(" by signal {}", report.stop_signal) : "",
          report.path, spec_path_,
          (output_.empty() ? "" : " --out " + output_) +
              (shard_text_.empty() ? "" : " --shard " + shard_text_));
      return 128 + (report.stop_signal != 0 ? report.stop_signal : SIGTERM);
  }
  return exit_failure;
}

}  // namespace modesweep::cli
