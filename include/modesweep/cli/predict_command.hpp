// `modesweep predict`: what the theory predicts from (alpha, beta, gamma, c) alone
// (MODEL.md 5): exponents, leading constants, compute-optimal frontier exponents.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

#include "modesweep/model/point.hpp"

namespace modesweep::cli {

class PredictCommand {
 public:
  explicit PredictCommand(CLI::App& parent);
  // CLI11 keeps pointers to the option targets below.
  PredictCommand(const PredictCommand&) = delete;
  PredictCommand& operator=(const PredictCommand&) = delete;

  bool selected() const { return app_->parsed(); }

  // Runs after a successful parse; throws UsageError for out-of-domain values.
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  double alpha_ = 0.0;
  double beta_ = 0.0;
  double gamma_ = 0.0;
  double learning_rate_ = model::default_learning_rate;
  CLI::Option* json_option_ = nullptr;
};

}  // namespace modesweep::cli
