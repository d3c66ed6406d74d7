// Host-side domain checks for a ModelPoint (the domain of issue #2 / MODEL.md 2).
#pragma once

#include <optional>
#include <string>

#include "modesweep/model/point.hpp"

namespace modesweep::model {

// Returns nullopt when the point is inside the domain, else a one-line message naming the
// offending field and its valid range, e.g. "alpha = 0.5 is out of range: must be in (1, 10]".
std::optional<std::string> validate_point(const ModelPoint& point);

// The same check for one named field ("alpha" .. "tau", "learning_rate", "capacity_scale",
// "irreducible"); throws std::invalid_argument for any other name.
std::optional<std::string> validate_field(const std::string& field, double value);

}  // namespace modesweep::model
