// Numeric options that accept "inf" and "1e24" alike: N, D, tau = inf are meaningful values
// of the model (MODEL.md 2), not errors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace modesweep::cli {

// A CLI11 transform: parses the argument with io::parse_double and rewrites it to its
// round-trip text, or fails with "'abc' is not a number (...)". Range checks are left to
// validate_point, which knows the domain.
CLI::Validator number_or_inf();

// A CLI11 transform for counts (points, shards, ranks): a whole number >= `min`, as digits or
// in 1e9 notation (read exactly, not through a double), rewritten to plain digits; fails
// with the valid range otherwise.
CLI::Validator whole_number_at_least(std::uint64_t min);

// A CLI11 check for a finite number > 0 (seconds between progress lines).
CLI::Validator positive_finite();

// Adds `--name` storing into `target`, parsed through number_or_inf().
CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target,
                               const std::string& description);

}  // namespace modesweep::cli
