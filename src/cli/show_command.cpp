#include "modesweep/cli/show_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ostream>

#include "modesweep/io/json_object.hpp"
#include "modesweep/io/number_text.hpp"
#include "modesweep/io/results_file.hpp"

namespace modesweep::cli {
namespace {

// A path as a shell word: as it is when it is plain, else in single quotes.
std::string shell_word(const std::string& path) {
  const bool plain = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::strchr("_./+-=,:@%", c);
  });
  if (plain) return path;
  std::string quoted = "'";
  for (const char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The run arguments that resume the file at `path`: its --out, and a shard file's --shard
// (whose --out is the merged file's name, from which sweep::shard_path derives the shard's).
std::string resume_arguments(const std::string& path, const io::ResultsSummary& s) {
  if (s.attributes.count("shard_count") == 0) {
    return fmt::format("--out {} --resume", shell_word(path));
  }
  const std::string index = s.attribute("shard_index"), count = s.attribute("shard_count");
  const std::string suffix = fmt::format(".shard-{}-of-{}.h5", index, count);
  if (path.size() <= suffix.size() ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    // renamed: run looks for the shard under the name it derives from --out
    return fmt::format("--out M.h5 --shard {}/{} --resume, after renaming this file M{}", index,
                       count, suffix);
  }
  const std::string merged = path.substr(0, path.size() - suffix.size()) + ".h5";
  return fmt::format("--out {} --shard {}/{} --resume", shell_word(merged), index, count);
}

// "complete", or what an unfinished file is and how to finish it.
std::string status_text(const std::string& path, const io::ResultsSummary& s) {
  auto it = s.attributes.find("status");
  const std::string status = it != s.attributes.end() ? it->second : "unknown";
  if (status == io::status_complete && s.chunks_done == s.chunks_total) return "complete";
  const std::string state = status == io::status_running ? "running, or killed" : status;
  return fmt::format("INCOMPLETE ({}): {} of {} chunks done; finish with modesweep run SPEC {}",
                     state, s.chunks_done, s.chunks_total, resume_arguments(path, s));
}

std::string axis_text(const std::vector<double>& v) {
  if (v.empty()) return "(empty)";
  if (v.size() <= 6) {
    std::string out;
    for (double x : v) out += (out.empty() ? "" : ", ") + fmt::format("{:.6g}", x);
    return "[" + out + "]";
  }
  return fmt::format("{} values, {:.6g} .. {:.6g}", v.size(), v.front(), v.back());
}

}  // namespace

ShowCommand::ShowCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "show", "Describe a results file: status, axes and sizes, datasets, attributes.")) {
  app_->add_option("file", path_, "results file (HDF5) written by modesweep run")
      ->required()
      ->check(CLI::ExistingFile);
  app_->add_flag("--json", json_, "print one JSON object");
  app_->add_flag("--spec", print_spec_, "also print the spec text stored in the file");
}

int ShowCommand::run(std::ostream& out) const {
  const io::ResultsSummary s = io::read_summary(path_);
  std::string shape;
  for (std::size_t d = 0; d < s.shape.size(); ++d) {
    shape += fmt::format("{}{} {}", d > 0 ? " x " : "",
                         d < s.dimension_names.size() ? s.dimension_names[d] : "?", s.shape[d]);
  }
  std::uint64_t points = 1;
  for (std::uint64_t n : s.shape) points *= n;

  if (json_) {
    io::JsonObject attrs;
    for (const auto& [key, value] : s.attributes) {
      if (key != "spec" || print_spec_) attrs.add(key, value);
    }
    io::JsonObject axes;
    for (const auto& [name, values] : s.coordinates) {
      axes.add(name, axis_text(values));
    }
    std::string datasets;
    for (const std::string& d : s.datasets) datasets += (datasets.empty() ? "" : " ") + d;
    io::JsonObject o;
    o.add("file", path_)
        .add("status", s.attribute("status"))
        .add("complete",
             s.chunks_done == s.chunks_total && s.attribute("status") == io::status_complete)
        .add("points", static_cast<double>(points))
        .add("chunks_total", static_cast<double>(s.chunks_total))
        .add("chunks_done", static_cast<double>(s.chunks_done))
        .add("chunk_points", static_cast<double>(s.chunk_points))
        .add("shape", shape)
        .add("datasets", datasets)
        .add("axes", axes)
        .add("attributes", attrs);
    out << o.str() << '\n';
    return 0;
  }

  out << fmt::format("file        {}\n", path_);
  out << fmt::format("status      {}\n", status_text(path_, s));
  out << fmt::format("design      {}, {} points in {} chunks of {}\n", s.attribute("design"),
                     points, s.chunks_total, s.chunk_points);
  if (s.attributes.count("shard_count") != 0) {
    out << fmt::format(
        "shard       {} of {}: points [{}, {}) of {}; join with modesweep merge SPEC --shards {}\n",
        s.attribute("shard_index"), s.attribute("shard_count"), s.attribute("shard_first_point"),
        std::stoull(s.attribute("shard_first_point")) + points, s.attribute("n_points"),
        s.attribute("shard_count"));
  }
  if (s.attributes.count("merged_shards") != 0) {
    out << fmt::format("merged      from {} shard files\n", s.attribute("merged_shards"));
  }
  out << fmt::format("shape       {}\n", shape);
  for (std::size_t d = 0; d < s.dimension_names.size(); ++d) {
    auto it = s.coordinates.find(s.dimension_names[d]);
    if (it != s.coordinates.end()) {
      out << fmt::format("  {:<9} {}\n", it->first, axis_text(it->second));
    }
  }
  std::string datasets;
  for (const std::string& d : s.datasets) {
    datasets += (datasets.empty() ? "" : ", ") + d;
    // eps_N, eps_D, eps_tau of a factorial file span only the axes they depend on
    auto dims = s.dataset_dimensions.find(d);
    if (dims != s.dataset_dimensions.end() && dims->second != s.dimension_names)
      datasets += fmt::format(" ({})", fmt::join(dims->second, " x "));
  }
  out << fmt::format("datasets    {}\n", datasets);
  if (s.attributes.count("mc_replicas") != 0) {
    out << fmt::format("monte carlo {} replicas per point, seed {}, {} sampling (mode {})\n",
                       s.attribute("mc_replicas"), s.attribute("mc_seed"),
                       s.attribute("mc_sampling"), s.attribute("mode"));
  }
  out << fmt::format("model       learning_rate {}, capacity_scale {}, irreducible {}\n",
                     s.attribute("learning_rate"), s.attribute("capacity_scale"),
                     s.attribute("irreducible"));
  out << fmt::format("made by     modesweep {} (commit {}), Kokkos {} {}, {} MPI rank(s)\n",
                     s.attribute("modesweep_version"), s.attribute("git_commit"),
                     s.attribute("kokkos_version"), s.attribute("kokkos_backend"),
                     s.attribute("mpi_size"));
  out << fmt::format("time        {} .. {}\n", s.attribute("start_time"),
                     s.attribute("end_time").empty() ? "(not finished)" : s.attribute("end_time"));
  out << fmt::format("spec        {}\n", s.attribute("spec_path"));
  if (print_spec_) out << s.attribute("spec") << '\n';
  return 0;
}

}  // namespace modesweep::cli
