// `modesweep table SPEC`: reference tables of predicted vs measured exponents
// (frontier/reference_table.hpp) as Markdown, CSV or LaTeX.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

namespace modesweep::cli {

class TableCommand {
 public:
  explicit TableCommand(CLI::App& parent);
  TableCommand(const TableCommand&) = delete;
  TableCommand& operator=(const TableCommand&) = delete;
  bool selected() const { return app_->parsed(); }
  // 0 printed; 2 bad spec (one line, FILE:LINE:COL: key: problem).
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* app_;
  std::string spec_path_;
  std::string format_ = "md";
  std::string output_;
};

}  // namespace modesweep::cli
