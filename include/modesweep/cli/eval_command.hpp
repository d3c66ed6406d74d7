// `modesweep eval`: the exact loss of one point (table or --json) or of every row of a points
// CSV (--points, one evaluate_batch call), beside the theory's predictions (MODEL.md 3, 5).
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <iosfwd>
#include <string>
#include <vector>

#include "modesweep/mc/batch.hpp"
#include "modesweep/model/point.hpp"

namespace modesweep::cli {

class EvalCommand {
 public:
  // Registers the subcommand and its options on `parent`.
  explicit EvalCommand(CLI::App& parent);
  // CLI11 keeps pointers to the option targets below.
  EvalCommand(const EvalCommand&) = delete;
  EvalCommand& operator=(const EvalCommand&) = delete;

  bool selected() const { return app_->parsed(); }

  // Runs after a successful parse. Throws UsageError for bad input (out of domain, options
  // in conflict) and io::PointsCsvError for a bad points file.
  int run(std::ostream& out) const;

 private:
  struct NumberOption {
    double model::ModelPoint::*field = nullptr;
    double value = 0.0;
    CLI::Option* option = nullptr;
  };

  model::ModelPoint point_from_options() const;
  // The Monte Carlo settings, or replicas = 0 without --mc; checks option combinations.
  mc::McSettings mc_settings() const;
  int run_single(std::ostream& out) const;
  int run_points(std::ostream& out) const;

  CLI::App* app_;
  // Fixed order: the six sweep axes, then the model constants (MODEL.md 2).
  std::array<NumberOption, 9> numbers_{};
  std::string points_path_;
  CLI::Option* points_option_ = nullptr;
  CLI::Option* json_option_ = nullptr;
  std::uint64_t replicas_ = 0;
  std::uint64_t seed_ = 0;
  std::string sampling_ = "sequential";
  CLI::Option* mc_option_ = nullptr;
  CLI::Option* seed_option_ = nullptr;
  CLI::Option* sampling_option_ = nullptr;
};

// Evaluates `points` with one model::evaluate_batch call (Kokkos must be initialized).
std::vector<model::LossResult> evaluate_points(const std::vector<model::ModelPoint>& points);

// Monte Carlo summaries of `points` (mc::evaluate_mc_batch, point i keyed by index i).
std::vector<mc::McStatistics> evaluate_mc_points(const std::vector<model::ModelPoint>& points,
                                                 const mc::McSettings& settings);

// Turns validate_point's "alpha = 0.5 is out of range ..." into the option's spelling,
// "--alpha = 0.5 is out of range ...", "--learning-rate = ..." for learning_rate.
std::string as_option_message(const std::string& validate_message);

}  // namespace modesweep::cli
