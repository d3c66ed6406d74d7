// `modesweep info`: what this binary was built from and against (version, commit, Kokkos,
// MPI, HDF5), so a results file can be traced to its build.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

namespace modesweep::cli {

class InfoCommand {
 public:
  explicit InfoCommand(CLI::App& parent);

  bool selected() const { return app_->parsed(); }

  // Needs Kokkos initialized (for the execution space name); does not initialize MPI.
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
};

}  // namespace modesweep::cli
