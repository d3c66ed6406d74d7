// `modesweep show FILE`: what a results file holds (axes, sizes, status, attributes).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

namespace modesweep::cli {

class ShowCommand {
 public:
  explicit ShowCommand(CLI::App& parent);
  ShowCommand(const ShowCommand&) = delete;
  ShowCommand& operator=(const ShowCommand&) = delete;

  bool selected() const { return app_->parsed(); }

  // Throws io::ResultsFileError when the file is not a readable results file.
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  std::string path_;
  bool json_ = false;
  bool print_spec_ = false;
};

}  // namespace modesweep::cli
