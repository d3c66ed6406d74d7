// Reference-table specs (TOML): the (alpha, beta, gamma) grid and the ranges over which
// `modesweep table` measures exponents (MODEL.md 5-6). Errors as for sweep specs:
// FILE:LINE:COL: key: problem and valid range (SpecError).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace modesweep::spec {

struct TableSpec {
  std::string name;
  std::string source_name;
  std::string text;
  std::vector<double> alpha, beta, gamma;
  double learning_rate = 0.1;
  double capacity_scale = 1.0;
  double flops_per_param_token = 6.0;
  // Single-resource laws are fitted over N, D, tau in [resource_min, resource_max]; frontiers
  // over C in [budget_min, budget_max]; each with `points` log-spaced points.
  double resource_min = 1e6;
  double resource_max = 1e18;
  double budget_min = 1e12;
  double budget_max = 1e22;
  double unique_tokens = 1e9;  // of the data-constrained frontier
  std::uint64_t points = 9;
  // The asymptotic onset: the smallest scale from which the local exponent stays within this
  // relative deviation of the prediction.
  double onset_tolerance = 0.01;
};

TableSpec parse_table_spec(std::string_view text, const std::string& source_name);
TableSpec parse_table_spec_file(const std::string& path);

}  // namespace modesweep::spec
