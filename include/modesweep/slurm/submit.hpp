// `modesweep submit`: renders the slurm/ job scripts for one spec and one set of resource
// options, and submits them as a pipeline (sweep [array] -> merge -> report, each stage
// --dependency=afterok on the one before). The templates are the committed slurm/*.sbatch
// and slurm/pipeline.sh, compiled into the binary: rendering sets their #SBATCH lines and the
// values of the variables they take from the environment (the binary, the warning window),
// and adds a marker line; nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace modesweep::slurm {

// Options a user can get wrong (bad --time, --array larger than the grid's chunks, ...);
// what() names the option and its valid range.
class SubmitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JobOptions {
  std::string results;        // absolute path of the results file
  std::string spec_path;      // absolute path of the spec
  std::string job_name;       // prefix of the jobs' names
  std::string job_dir;        // where the rendered scripts and the job logs go
  std::string modesweep;      // absolute path of the binary the jobs run
  std::string report_script;  // analysis/report.py for the report job (empty: no figures)
  std::uint64_t nodes = 1;
  std::uint64_t ntasks = 2;             // MPI ranks of the sweep (of each array task)
  std::string time = "01:00:00";        // Slurm time limit of the sweep (each array task)
  std::string merge_time = "01:00:00";  // of the merge job (arrays only)
  std::string partition;                // empty: the cluster's default
  std::string account;                  // empty: none
  std::uint64_t shards = 0;             // > 0: a job array of that many shards, then a merge
  std::uint64_t warn_seconds = 300;     // warning before the time limit (--signal=B:USR1@...)
};

struct RenderedScript {
  std::string file_name;  // inside job_dir
  std::string text;
};

// Seconds of a Slurm time limit: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S. Empty when malformed;
// "infinite"/"unlimited" are not accepted (the warning needs an end).
std::optional<std::uint64_t> time_limit_seconds(std::string_view text);

// Checks the options (time formats, warning shorter than the limit and at most Slurm's 65535 s,
// counts >= 1, names and paths that fit an #SBATCH line). Throws SubmitError.

// The longest warning Slurm's --signal takes (seconds).
inline constexpr std::uint64_t max_warn_seconds = 65535;

// First line after the shebang of every rendered script: submit overwrites only its own files.
inline constexpr std::string_view rendered_marker = "# Rendered by modesweep submit";

// `text` with every character outside [A-Za-z0-9._-] replaced by '_' (a job name).
std::string job_name_text(std::string_view text);

void check_job_options(const JobOptions& options);

// Sets `#SBATCH --<name>=<value>` in a script: replaces the line of that option if the script
// has one, else adds it after the last #SBATCH line.
std::string set_sbatch_option(std::string script, std::string_view name, std::string_view value);

// Replaces the line `name=...` of a script by `name=value` (single-quoted unless a plain
// word), so that the environment no longer overrides it. Throws std::logic_error when the
// script has no such line (a template out of step with the renderer).
std::string set_variable(std::string script, std::string_view name, std::string_view value);

// The scripts of the pipeline: sweep.sbatch, merge.sbatch (arrays only), report.sbatch and
// pipeline.sh, rendered for `options`.
std::vector<RenderedScript> render_pipeline(const JobOptions& options);

// The command that submits the rendered pipeline (run from anywhere).
std::string pipeline_command(const JobOptions& options);

// One submitted stage, as pipeline.sh reports it.
struct SubmittedJob {
  std::string stage;  // sweep, merge, report
  std::string job_id;
};

// Parses pipeline.sh's stdout ("<stage> <job id>" lines). Throws SubmitError on anything else.
std::vector<SubmittedJob> parse_submitted(const std::string& output);

// Writes `scripts` into options.job_dir (created if needed) and runs pipeline_command with
// sbatch from PATH. Throws SubmitError, before writing anything, when a file there was not
// rendered by submit; and when the directory cannot be written or the pipeline script fails
// (sbatch's own message has gone to stderr by then).
std::vector<SubmittedJob> submit_pipeline(const JobOptions& options,
                                          const std::vector<RenderedScript>& scripts);

}  // namespace modesweep::slurm
