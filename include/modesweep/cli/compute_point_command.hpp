// `modesweep compute-point`: the optimal compute point tau*(N, D) of a run
// (frontier/compute_point.hpp, MODEL.md 5).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

#include "modesweep/model/point.hpp"

namespace modesweep::cli {

class ComputePointCommand {
 public:
  explicit ComputePointCommand(CLI::App& parent);
  ComputePointCommand(const ComputePointCommand&) = delete;
  ComputePointCommand& operator=(const ComputePointCommand&) = delete;
  bool selected() const { return app_->parsed(); }
  // Throws UsageError for out-of-domain values.
  int run(std::ostream& out) const;

 private:
  CLI::App* app_;
  model::ModelPoint point_;
  double kappa_ = model::default_flops_per_param_token;
  bool json_ = false;
};

}  // namespace modesweep::cli
