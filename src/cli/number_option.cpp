#include "modesweep/cli/number_option.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "modesweep/io/number_text.hpp"

namespace modesweep::cli {

CLI::Validator number_or_inf() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const auto value = io::parse_double(text);
        if (!value) {
          return fmt::format("'{}' is not a number (expected e.g. 0.5, 1e24 or inf)", text);
        }
        // 17 digits: CLI11's own string-to-double conversion then reproduces the value exactly.
        text = io::format_round_trip(*value);
        return {};
      },
      "", "number_or_inf");
}

CLI::Validator whole_number_at_least(std::uint64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        const std::string range = fmt::format("a whole number from {} to {}", min, max);
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || stop != end || error == std::errc::result_out_of_range) {
          if (error == std::errc::result_out_of_range) {
            return fmt::format("{} is out of range: must be {}", text, range);
          }
          // 1e9 notation: exact integers below 2^64 only
          const auto number = io::parse_double(text);
          if (!number) return fmt::format("'{}' is not a number (expected {})", text, range);
          if (!(*number >= 0.0 && *number < 18446744073709551616.0) ||
              *number != std::floor(*number)) {
            return fmt::format("{} is out of range: must be {}", text, range);
          }
          value = static_cast<std::uint64_t>(*number);
        }
        if (value < min) return fmt::format("{} is out of range: must be {}", text, range);
        text = std::to_string(value);
        return {};
      },
      "", "whole_number_at_least");
}

CLI::Validator positive_finite() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const auto value = io::parse_double(text);
        if (!value) return fmt::format("'{}' is not a number (expected e.g. 10 or 0.5)", text);
        if (!(*value > 0.0 && std::isfinite(*value))) {
          return fmt::format("{} is out of range: must be a finite number > 0", text);
        }
        text = io::format_round_trip(*value);
        return {};
      },
      "", "positive_finite");
}

CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target,
                               const std::string& description) {
  return app.add_option(name, target, description)->transform(number_or_inf())->type_name("NUMBER");
}

}  // namespace modesweep::cli
