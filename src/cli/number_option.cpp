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

namespace {

enum class Whole { value, not_whole, too_large, not_a_number };

// The integer a decimal text denotes exactly ("1000", "+1e9", "2.5e3", "1000e-3"), by integer
// arithmetic: no rounding through a double, so 1e16 is 10^16 and 1.0000000000000001 is not 1.
Whole parse_whole(std::string_view text, std::uint64_t& value) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  int exponent = 0;  // of the last digit
  bool point = false;
  for (; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.');
       ++i) {
    if (text[i] == '.') {
      if (point) return Whole::not_a_number;
      point = true;
    } else {
      digits += text[i];
      if (point) --exponent;
    }
  }
  if (digits.empty()) return Whole::not_a_number;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    int e = 0;
    const auto [stop, error] =
        std::from_chars(text.data() + i + 1 + (i + 1 < text.size() && text[i + 1] == '+'),
                        text.data() + text.size(), e);
    if (error != std::errc() || stop != text.data() + text.size()) return Whole::not_a_number;
    exponent += e;
    i = text.size();
  }
  if (i != text.size()) return Whole::not_a_number;
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));  // leading zeros
  if (digits.empty()) {
    value = 0;
    return Whole::value;
  }
  for (; exponent < 0 && digits.back() == '0'; ++exponent) digits.pop_back();
  if (exponent < 0) return Whole::not_whole;
  if (negative) return Whole::not_whole;  // below every minimum here
  if (digits.size() + static_cast<std::size_t>(exponent) > 20) return Whole::too_large;
  digits.append(static_cast<std::size_t>(exponent), '0');
  const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  (void)stop;
  return error == std::errc() ? Whole::value : Whole::too_large;
}

}  // namespace

CLI::Validator whole_number_at_least(std::uint64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        const std::string range = fmt::format("a whole number from {} to {}", min, max);
        std::uint64_t value = 0;
        const Whole kind = parse_whole(text, value);
        if (kind == Whole::not_a_number) {
          return fmt::format("'{}' is not a number (expected {})", text, range);
        }
        if (kind != Whole::value || value < min) {
          return fmt::format("{} is out of range: must be {}", text, range);
        }
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
