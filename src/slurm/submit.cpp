#include "modesweep/slurm/submit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "modesweep/slurm_templates.hpp"

namespace modesweep::slurm {
namespace {

// Whole number of at most 9 digits (Slurm's fields are small), else nothing.
std::optional<std::uint64_t> small_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Characters a value may hold to go into a script unquoted: paths and names.
bool plain_word(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '.' ||
                    c == '_' || c == '-' || c == '+' || c == ':' || c == '@' || c == '%' ||
                    c == ',' || c == '=';
    if (!ok) return false;
  }
  return true;
}

// Single-quoted for bash.
std::string shell_quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The marker line after the shebang.
std::string mark_rendered(std::string script, std::string_view stage) {
  const std::size_t line_end = script.find('\n');
  script.insert(line_end + 1, fmt::format("{} (stage {}) from its template in slurm/.\n",
                                          rendered_marker, stage));
  return script;
}

}  // namespace

std::optional<std::uint64_t> time_limit_seconds(std::string_view text) {
  std::optional<std::uint64_t> days = 0;
  std::string_view clock = text;
  const std::size_t dash = text.find('-');
  if (dash != std::string_view::npos) {
    days = small_number(text.substr(0, dash));
    clock = text.substr(dash + 1);
  }
  if (!days) return std::nullopt;
  const std::vector<std::string_view> parts = split(clock, ':');
  if (parts.size() > 3) return std::nullopt;
  std::vector<std::uint64_t> v;
  for (std::string_view p : parts) {
    const auto n = small_number(p);
    if (!n) return std::nullopt;
    v.push_back(*n);
  }
  std::uint64_t seconds = 0;
  if (dash != std::string_view::npos) {
    // D-H, D-H:M, D-H:M:S
    seconds = v[0] * 3600 + (v.size() > 1 ? v[1] * 60 : 0) + (v.size() > 2 ? v[2] : 0);
  } else if (v.size() == 1) {
    seconds = v[0] * 60;  // M
  } else if (v.size() == 2) {
    seconds = v[0] * 60 + v[1];  // M:S
  } else {
    seconds = v[0] * 3600 + v[1] * 60 + v[2];  // H:M:S
  }
  seconds += *days * 86400;
  if (seconds == 0) return std::nullopt;
  return seconds;
}

void check_job_options(const JobOptions& o) {
  const auto limit = time_limit_seconds(o.time);
  if (!limit) {
    throw SubmitError(fmt::format(
        "--time: '{}' is not a Slurm time limit; use minutes, M:S, H:M:S, D-H, D-H:M or "
        "D-H:M:S (greater than 0)",
        o.time));
  }
  const std::uint64_t warn_max = std::min(*limit - 1, max_warn_seconds);
  if (o.warn_seconds == 0 || o.warn_seconds > warn_max) {
    throw SubmitError(fmt::format(
        "--warn-seconds: {} must be in [1, {}] (below the time limit {} = {} s, and Slurm's "
        "--signal takes at most {} s): the sweep stops that long before the limit to requeue",
        o.warn_seconds, warn_max, o.time, *limit, max_warn_seconds));
  }
  if (!time_limit_seconds(o.merge_time)) {
    throw SubmitError(fmt::format(
        "--merge-time: '{}' is not a Slurm time limit; use minutes, M:S, H:M:S, D-H, D-H:M or "
        "D-H:M:S (greater than 0)",
        o.merge_time));
  }
  // These go into #SBATCH lines, which sbatch splits at blanks and where % is a pattern.
  if (!plain_word(o.job_dir) || o.job_dir.find('%') != std::string::npos) {
    throw SubmitError(fmt::format(
        "--job-dir: '{}' must be a path of letters, digits and / . _ - + (it goes into an "
        "#SBATCH --output line); pass another --job-dir",
        o.job_dir));
  }
  if (o.job_name.empty() || job_name_text(o.job_name) != o.job_name) {
    throw std::logic_error("check_job_options: job_name must be job_name_text()");
  }
  if (o.nodes == 0) throw SubmitError("--nodes: must be at least 1");
  if (o.ntasks < o.nodes) {
    throw SubmitError(fmt::format("--ntasks: {} must be at least --nodes ({})", o.ntasks, o.nodes));
  }
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string&>{"--partition", o.partition},
        {"--account", o.account}}) {
    if (!value.empty() && !plain_word(value)) {
      throw SubmitError(fmt::format(
          "{}: '{}' holds characters a Slurm name cannot (use letters, digits, . _ - ,)", name,
          value));
    }
  }
}

std::string set_sbatch_option(std::string script, std::string_view name, std::string_view value) {
  const std::string line = fmt::format("#SBATCH --{}={}", name, value);
  const std::string prefix = fmt::format("#SBATCH --{}=", name);
  std::istringstream in(script);
  std::string out, current;
  bool replaced = false;
  std::size_t last_sbatch_end = std::string::npos;
  while (std::getline(in, current)) {
    if (current.rfind(prefix, 0) == 0 && !replaced) {
      current = line;
      replaced = true;
    }
    out += current;
    out += '\n';
    if (current.rfind("#SBATCH ", 0) == 0) last_sbatch_end = out.size();
  }
  if (!replaced) {
    if (last_sbatch_end == std::string::npos) {
      throw std::logic_error("set_sbatch_option: the script has no #SBATCH lines");
    }
    out.insert(last_sbatch_end, line + "\n");
  }
  return out;
}

std::string set_variable(std::string script, std::string_view name, std::string_view value) {
  const std::string head = fmt::format("\n{}=", name);
  const std::size_t at = script.find(head);
  if (at == std::string::npos) {
    throw std::logic_error(fmt::format("set_variable: the script has no line {}=...", name));
  }
  const std::size_t begin = at + head.size();
  const std::size_t end = script.find('\n', begin);
  script.replace(begin, end - begin, plain_word(value) ? std::string(value) : shell_quoted(value));
  return script;
}

std::string job_name_text(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '_' && c != '-') {
      c = '_';
    }
  }
  return out;
}

std::vector<RenderedScript> render_pipeline(const JobOptions& o) {
  check_job_options(o);
  const auto common = [&](std::string script, const std::string& stage) {
    script = set_sbatch_option(std::move(script), "job-name", o.job_name + "-" + stage);
    script = set_sbatch_option(std::move(script), "output", o.job_dir + "/%x-%j.out");
    if (!o.partition.empty())
      script = set_sbatch_option(std::move(script), "partition", o.partition);
    if (!o.account.empty()) script = set_sbatch_option(std::move(script), "account", o.account);
    script = set_variable(std::move(script), "modesweep", o.modesweep);
    return mark_rendered(std::move(script), stage);
  };
  std::vector<RenderedScript> out;
  std::string sweep = common(std::string(templates::sweep_sbatch), "sweep");
  sweep = set_sbatch_option(std::move(sweep), "nodes", std::to_string(o.nodes));
  sweep = set_sbatch_option(std::move(sweep), "ntasks", std::to_string(o.ntasks));
  sweep = set_sbatch_option(std::move(sweep), "time", o.time);
  sweep = set_sbatch_option(std::move(sweep), "signal", fmt::format("B:USR1@{}", o.warn_seconds));
  sweep = set_variable(std::move(sweep), "warn_seconds", std::to_string(o.warn_seconds));
  out.push_back({"sweep.sbatch", std::move(sweep)});
  if (o.shards > 0) {
    std::string merge = common(std::string(templates::merge_sbatch), "merge");
    out.push_back({"merge.sbatch", set_sbatch_option(std::move(merge), "time", o.merge_time)});
  }
  out.push_back(
      {"report.sbatch", set_variable(common(std::string(templates::report_sbatch), "report"),
                                     "report_script", o.report_script)});
  out.push_back({"pipeline.sh", mark_rendered(std::string(templates::pipeline_sh), "pipeline")});
  return out;
}

std::string pipeline_command(const JobOptions& o) {
  const auto word = [](const std::string& v) { return plain_word(v) ? v : shell_quoted(v); };
  return fmt::format("bash {}/pipeline.sh {} {} {}", word(o.job_dir), word(o.spec_path),
                     word(o.results), o.shards);
}

std::vector<SubmittedJob> parse_submitted(const std::string& output) {
  std::vector<SubmittedJob> jobs;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto parts = split(line, ' ');
    const bool stage_ok =
        parts.size() == 2 && (parts[0] == "sweep" || parts[0] == "merge" || parts[0] == "report");
    if (!stage_ok || !small_number(parts[1])) {
      throw SubmitError(fmt::format("unexpected line from the pipeline script: '{}'", line));
    }
    jobs.push_back({std::string(parts[0]), std::string(parts[1])});
  }
  if (jobs.empty()) throw SubmitError("the pipeline script submitted nothing");
  return jobs;
}

std::vector<SubmittedJob> submit_pipeline(const JobOptions& options,
                                          const std::vector<RenderedScript>& scripts) {
  std::error_code ec;
  std::filesystem::create_directories(options.job_dir, ec);
  if (ec) {
    throw SubmitError(
        fmt::format("--job-dir: cannot create {}: {}", options.job_dir, ec.message()));
  }
  for (const RenderedScript& s : scripts) {
    const std::filesystem::path path = std::filesystem::path(options.job_dir) / s.file_name;
    if (!std::filesystem::exists(path)) continue;
    std::ifstream in(path);
    std::string shebang, marker;
    std::getline(in, shebang);
    std::getline(in, marker);
    if (marker.rfind(rendered_marker, 0) != 0) {
      throw SubmitError(fmt::format(
          "--job-dir: {} exists and was not written by modesweep submit; choose another "
          "--job-dir or move it away",
          path.string()));
    }
  }
  for (const RenderedScript& s : scripts) {
    const std::filesystem::path path = std::filesystem::path(options.job_dir) / s.file_name;
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << s.text;
    file.close();
    if (!file) throw SubmitError(fmt::format("cannot write {}", path.string()));
  }
  const std::string command = pipeline_command(options);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw SubmitError(fmt::format("cannot run {}", command));
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  if (status != 0) {
    throw SubmitError(fmt::format(
        "submitting failed (see sbatch's message above; stages submitted so far: {}); the "
        "scripts are in {}",
        output.empty() ? std::string("none") : output.substr(0, output.find_last_not_of('\n') + 1),
        options.job_dir));
  }
  return parse_submitted(output);
}

}  // namespace modesweep::slurm
