#include "modesweep/io/number_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace modesweep::io {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::optional<double> parse_double(std::string_view text) {
  text = trim(text);
  // from_chars takes a '-' but not a '+'; "+inf" and "+1e24" are natural to write.
  bool negate = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negate = text.front() == '-';
    text.remove_prefix(1);
  }
  // A second sign ("+-1") must fail rather than be accepted by from_chars.
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return negate ? -value : value;
}

std::string format_from_log(double log_value, int significant_digits) {
  if (significant_digits < 1 || significant_digits > 17) {
    throw std::invalid_argument(
        fmt::format("significant_digits = {} must be in [1, 17]", significant_digits));
  }
  if (std::isnan(log_value)) return "nan";
  if (log_value == -std::numeric_limits<double>::infinity()) return "0";
  if (log_value == std::numeric_limits<double>::infinity()) return "inf";

  // Split log10(x) into exponent and fraction in extended precision, so the 17 digits are
  // limited by log_value itself (relative error ~1e-16 |log_value|), not by the split.
  constexpr long double ln10 = 2.302585092994045684017991454684364208L;
  const long double log10_x = static_cast<long double>(log_value) / ln10;
  long double exponent = std::floor(log10_x);
  const long double mantissa = std::pow(10.0L, log10_x - exponent);  // in [1, 10)

  std::string digits = fmt::format("{:.{}f}", mantissa, significant_digits - 1);
  if (digits.size() >= 2 && digits[0] == '1' && digits[1] == '0') {
    // 9.99...96 rounded up to 10: carry into the exponent.
    digits = fmt::format("{:.{}f}", 1.0, significant_digits - 1);
    exponent += 1.0L;
  }
  // Trailing zeros carry no information here; keep the "%g" look: 3.2e-2150, 1e+24.
  if (digits.find('.') != std::string::npos) {
    digits.erase(digits.find_last_not_of('0') + 1);
    if (digits.back() == '.') digits.pop_back();
  }
  // printf's exponent form (sign, at least two digits: e-05, e+24); printing the exponent
  // from a long double puts no integer-width limit on it.
  return fmt::format("{}e{}{:02.0f}", digits, exponent < 0 ? '-' : '+', std::fabs(exponent));
}

std::string format_value(double value, double log_value, int significant_digits) {
  if (significant_digits < 1 || significant_digits > 17) {
    throw std::invalid_argument(
        fmt::format("significant_digits = {} must be in [1, 17]", significant_digits));
  }
  if (std::isnormal(value)) return fmt::format("{:.{}g}", value, significant_digits);
  // Underflowed (0, subnormal) or overflowed (inf): the linear value has lost digits or
  // everything; a finite log has not.
  if (std::isfinite(log_value)) return format_from_log(log_value, significant_digits);
  return fmt::format("{:.{}g}", value, significant_digits);  // a true 0 or inf, or nan
}

std::string format_round_trip(double value) { return fmt::format("{:.17g}", value); }

}  // namespace modesweep::io
