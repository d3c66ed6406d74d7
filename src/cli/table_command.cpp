#include "modesweep/cli/table_command.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>

#include "modesweep/cli/run.hpp"
#include "modesweep/frontier/reference_table.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/spec/table_spec.hpp"

namespace modesweep::cli {

TableCommand::TableCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "table",
          "Reference table from a table spec (TOML, e.g. jobs/reference-tables.toml): for each "
          "(alpha, beta, gamma), the exponents MODEL.md 5 predicts beside those measured on the "
          "exact model (single-resource laws a_N, a_D, a_tau; N_opt and dL_opt of the "
          "frontier of every budget), the relative deviation and the asymptotic onset scale.")) {
  app_->add_option("spec", spec_path_, "table spec file (TOML)")->required();
  app_->add_option("--format,-f", format_, "md (Markdown), csv or tex (LaTeX tabular)")
      ->capture_default_str()
      ->check(CLI::IsMember({"md", "csv", "tex"}));
  app_->add_option("--output,-o", output_,
                   "write all three formats to PREFIX.md, PREFIX.csv and PREFIX.tex (one "
                   "computation) instead of one format to stdout");
}

int TableCommand::run(std::ostream& out, std::ostream& err) const {
  spec::TableSpec spec;
  try {
    spec = spec::parse_table_spec_file(spec_path_);
  } catch (const spec::SpecError& e) {
    print_error(err, e.what());
    return exit_bad_input;
  }
  const auto rows = frontier::reference_table(spec);
  if (output_.empty()) {
    out << frontier::format_table(spec, rows, frontier::parse_table_format(format_));
    return exit_success;
  }
  for (const char* ext : {"md", "csv", "tex"}) {
    const std::string path = output_ + "." + ext;
    const std::string tmp = path + ".tmp";
    {
      std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
      file << frontier::format_table(spec, rows, frontier::parse_table_format(ext));
      if (!file.flush()) {
        print_error(err, "--output: cannot write " + tmp);
        return exit_failure;
      }
    }
    std::filesystem::rename(tmp, path);  // never a half-written table under the real name
    out << "wrote " << path << '\n';
  }
  return exit_success;
}

}  // namespace modesweep::cli
