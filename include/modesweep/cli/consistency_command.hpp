// `modesweep consistency`: solves (alpha, beta, gamma) from empirical exponents and tests the
// theory's consistency relations (frontier/consistency.hpp, MODEL.md 5).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

namespace modesweep::cli {

class ConsistencyCommand {
 public:
  explicit ConsistencyCommand(CLI::App& parent);
  ConsistencyCommand(const ConsistencyCommand&) = delete;
  ConsistencyCommand& operator=(const ConsistencyCommand&) = delete;
  bool selected() const { return app_->parsed(); }
  // Throws UsageError for bad exponents.
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  double a_N_ = 0.0;
  double a_D_ = 0.0;
  double a_tau_ = 0.0;
  double a_opt_ = 0.0;
  double tolerance_ = 0.01;
  std::string budget_;
  CLI::Option* a_opt_option_ = nullptr;
  bool json_ = false;
};

}  // namespace modesweep::cli
