// The token-level Monte Carlo of MODEL.md 4: draw every token of the training set, step
// through training one token at a time and update the residuals. Host only, for small
// problems; it exists to validate the count-level sampler (count_sampler.hpp), with which it
// shares nothing but the model's definition and the random stream's keying.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "modesweep/mc/count_sampler.hpp"
#include "modesweep/model/point.hpp"

namespace modesweep::mc {

// Limits of the token-level simulator (memory and time grow with M, D and tau).
inline constexpr double token_max_modes = 1e6;
inline constexpr double token_max_tokens = 1e7;  // D, and tau, when finite

// Why the token-level simulator cannot run this point, or nothing.
std::optional<std::string> token_simulation_problem(const model::ModelPoint& p);

// One replica of dL (not scaled), keyed like the count-level sampler. Throws
// std::invalid_argument when token_simulation_problem(p) is set.
double simulate_tokens(const model::ModelPoint& p, Sampling sampling, std::uint64_t seed,
                       std::uint64_t point_index, std::uint64_t replica);

}  // namespace modesweep::mc
