#include "modesweep/cli/submit_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/run.hpp"
#include "modesweep/slurm/submit.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/run_sweep.hpp"

namespace modesweep::cli {

SubmitCommand::SubmitCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "submit",
          "Submit a sweep spec to Slurm as a pipeline: the sweep (or a job array of --array "
          "shards and a merge), then a report, each stage starting only when the one before "
          "succeeded. Renders the job scripts of slurm/ with these options into --job-dir and "
          "runs its pipeline.sh; --dry-run prints the scripts instead. The sweep requeues "
          "itself before its time limit and resumes, so any --time finishes the grid.")) {
  app_->add_option("spec", spec_path_, "sweep spec file (TOML)")->required();
  app_->add_option("--out,-o", output_,
                   "results file (default: the spec's output, else the spec file's name with its "
                   "extension replaced by .h5, in the current directory)");
  app_->add_option("--nodes,-N", nodes_, "nodes of the sweep (of each array task)")
      ->capture_default_str()
      ->transform(whole_number_at_least(1));
  app_->add_option("--ntasks,-n", ntasks_, "MPI ranks of the sweep (of each array task)")
      ->capture_default_str()
      ->transform(whole_number_at_least(1));
  app_->add_option("--time,-t", time_,
                   "time limit of the sweep (of each array task): minutes, H:M:S, D-H:M:S, "
                   "...; the sweep stops --warn-seconds before it, requeues and resumes")
      ->capture_default_str();
  app_->add_option("--merge-time", merge_time_, "time limit of the merge job (--array only)")
      ->capture_default_str();
  app_->add_option("--partition,-p", partition_, "Slurm partition (default: the cluster's)");
  app_->add_option("--account,-A", account_, "Slurm account to charge");
  app_->add_option("--array", array_,
                   "split the grid into this many shards, one array task each, joined by a "
                   "merge job (0: one sweep job)")
      ->capture_default_str();
  app_->add_option("--warn-seconds", warn_seconds_,
                   "seconds before the time limit at which the sweep stops to requeue "
                   "(--signal=B:USR1@...), at most 65535; must be longer than one round (a "
                   "chunk per rank) takes")
      ->capture_default_str();
  app_->add_option("--job-dir", job_dir_,
                   "where the rendered scripts and the job logs go (default: <results "
                   "stem>.slurm beside the results file)");
  app_->add_option("--binary", binary_,
                   "modesweep binary the jobs run, as the compute nodes see it (default: this "
                   "one)");
  app_->add_option("--max-points", max_points_, "refuse grids with more points than this")
      ->capture_default_str()
      ->transform(whole_number_at_least(1));
  app_->add_flag("--dry-run", dry_run_, "print the rendered scripts and the submit command only");
}

int SubmitCommand::run(std::ostream& out, std::ostream& err) const {
  namespace fs = std::filesystem;
  spec::SweepSpec spec;
  try {
    spec = spec::parse_spec_file(spec_path_, max_points_);
  } catch (const spec::SpecError& e) {
    print_error(err, e.what());
    return exit_bad_input;
  }
  try {
    if (array_ > 0) sweep::check_shard(spec, sweep::Shard{0, array_});
  } catch (const sweep::RunRefused& e) {
    std::string message = e.what();
    message.replace(0, message.find(':'), "--array");
    print_error(err, message);
    return exit_bad_input;
  }
  sweep::RunOptions run_options;
  run_options.output = output_;
  slurm::JobOptions job;
  job.results = fs::absolute(sweep::output_path(spec, run_options)).lexically_normal().string();
  job.spec_path = fs::absolute(spec_path_).lexically_normal().string();
  const fs::path results(job.results);
  job.job_dir = job_dir_.empty()
                    ? (results.parent_path() / (results.stem().string() + ".slurm")).string()
                    : fs::absolute(job_dir_).lexically_normal().string();
  job.job_name = slurm::job_name_text("modesweep-" +
                                      (spec.name.empty() ? results.stem().string() : spec.name));
  std::error_code ec;
  job.modesweep = binary_.empty() ? fs::read_symlink("/proc/self/exe", ec).string()
                                  : fs::absolute(binary_).lexically_normal().string();
  if (job.modesweep.empty()) job.modesweep = "modesweep";
  // The report's figures come from the checkout this binary was built from, when it is there.
  const fs::path report_script = fs::path(MODESWEEP_SOURCE_DIR) / "analysis" / "report.py";
  if (fs::exists(report_script)) job.report_script = report_script.string();
  job.nodes = nodes_;
  job.ntasks = ntasks_;
  job.time = time_;
  job.merge_time = merge_time_;
  job.partition = partition_;
  job.account = account_;
  job.shards = array_;
  job.warn_seconds = warn_seconds_;

  std::vector<slurm::RenderedScript> scripts;
  try {
    scripts = slurm::render_pipeline(job);
  } catch (const slurm::SubmitError& e) {
    print_error(err, e.what());
    return exit_bad_input;
  }
  if (dry_run_) {
    for (const slurm::RenderedScript& s : scripts) {
      out << fmt::format("# ===== {}/{} =====\n{}\n", job.job_dir, s.file_name, s.text);
    }
    out << fmt::format("# submit with:\n{}\n", slurm::pipeline_command(job));
    return exit_success;
  }
  std::vector<slurm::SubmittedJob> jobs;
  try {
    jobs = slurm::submit_pipeline(job, scripts);
  } catch (const slurm::SubmitError& e) {
    print_error(err, e.what());
    return exit_failure;
  }
  std::string chain;
  for (const slurm::SubmittedJob& j : jobs) {
    chain += fmt::format("{}{} {}", chain.empty() ? "" : " -> ", j.stage, j.job_id);
    if (j.stage == "sweep" && array_ > 0) chain += fmt::format(" (array of {})", array_);
  }
  out << fmt::format("submitted: {}\n", chain);
  for (const slurm::SubmittedJob& j : jobs) out << fmt::format("job {} {}\n", j.stage, j.job_id);
  out << fmt::format("results: {}\nlogs and scripts: {}\n", job.results, job.job_dir);
  return exit_success;
}

}  // namespace modesweep::cli
