#include "modesweep/io/bottleneck_text.hpp"

#include <stdexcept>
#include <string>

namespace modesweep::io {

std::string_view bottleneck_name(model::Bottleneck bottleneck) {
  switch (bottleneck) {
    case model::Bottleneck::capacity:
      return "capacity";
    case model::Bottleneck::data:
      return "data";
    case model::Bottleneck::time:
      return "time";
    case model::Bottleneck::none:
      return "none";
  }
  throw std::invalid_argument("unknown bottleneck code " +
                              std::to_string(static_cast<int>(bottleneck)));
}

std::string_view bottleneck_name(int bottleneck) {
  // LossResult stores an int (device-friendly); only the four enumerators are meaningful.
  if (bottleneck < 0 || bottleneck > static_cast<int>(model::Bottleneck::none)) {
    throw std::invalid_argument("unknown bottleneck code " + std::to_string(bottleneck));
  }
  return bottleneck_name(static_cast<model::Bottleneck>(bottleneck));
}

}  // namespace modesweep::io
