// Text form of the model's numbers: parsing inputs that may be "inf" or "1e24", and printing
// losses that underflow double (dL ~ M^(1-alpha) reaches 1e-2000, MODEL.md 5) from their logs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace modesweep::io {

// Parses the whole of `text` (surrounding blanks ignored) as a double: decimal or scientific
// notation ("1e24"), an optional sign, or inf/infinity/nan in any case. Returns nullopt for
// anything else, including trailing characters and values beyond the double range.
std::optional<double> parse_double(std::string_view text);

// exp(log_value) in scientific notation with `significant_digits` digits (1 to 17), trailing
// zeros dropped, printf-style exponent: log(3.2e-2150) -> "3.2e-2150", log(1e24) -> "1e+24".
// Correct for any exponent, including far outside the double range. -inf -> "0", +inf -> "inf".
// Throws std::invalid_argument if significant_digits is outside [1, 17].
std::string format_from_log(double log_value, int significant_digits);

// `value` with `significant_digits` digits ("{:.Ng}") when it is a normal double; when it has
// underflowed (0, subnormal) or overflowed (inf) and log_value is finite, the same number
// printed from log_value instead. Throws std::invalid_argument as format_from_log.
std::string format_value(double value, double log_value, int significant_digits);

// Round-trip text of a double: 17 significant digits ("{:.17g}"), inf as "inf".
std::string format_round_trip(double value);

}  // namespace modesweep::io
