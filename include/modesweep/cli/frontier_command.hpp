// `modesweep frontier`: exact compute-optimal frontiers (frontier/exact_frontier.hpp) as a
// table, CSV or JSON, with the theory's frontier exponents beside them where MODEL.md 5
// makes a claim (converged and fresh-data budgets).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "modesweep/model/point.hpp"

namespace modesweep::cli {

class FrontierCommand {
 public:
  explicit FrontierCommand(CLI::App& parent);
  FrontierCommand(const FrontierCommand&) = delete;
  FrontierCommand& operator=(const FrontierCommand&) = delete;
  bool selected() const { return app_->parsed(); }
  // Throws UsageError for out-of-domain values.
  int run(std::ostream& out) const;
  int run_envelope(std::ostream& out) const;

 private:
  CLI::App* app_;
  double alpha_ = 0.0;
  double beta_ = 0.0;
  double gamma_ = 0.0;
  double learning_rate_ = model::default_learning_rate;
  double capacity_scale_ = model::default_capacity_scale;
  double kappa_ = model::default_flops_per_param_token;
  double unique_tokens_ = 0.0;
  double C_min_ = 0.0;
  double C_max_ = 0.0;
  int points_ = 9;
  double slope_step_ = 0.25;
  std::string budget_;
  std::string results_path_;  // grid-envelope mode
  int bins_per_decade_ = 2;
  bool json_ = false;
  bool csv_ = false;
};

}  // namespace modesweep::cli
