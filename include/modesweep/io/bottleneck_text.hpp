// The words for LossResult::bottleneck in CSV, JSON and tables (MODEL.md 5, "Joint").
#pragma once

#include <string_view>

#include "modesweep/model/point.hpp"

namespace modesweep::io {

// "capacity", "data", "time" or "none". Throws std::invalid_argument for any other code.
std::string_view bottleneck_name(int bottleneck);
std::string_view bottleneck_name(model::Bottleneck bottleneck);

}  // namespace modesweep::io
