// Domain checks of a ModelPoint (MODEL.md 2). Every check is written so that NaN fails it:
// a comparison with NaN is false, so "inside" is tested positively, never as "not outside".
#include "modesweep/model/validate.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace modesweep::model {
namespace {

// Largest finite N, D or tau: the "exact" guarantee of MODEL.md 3 is stated up to 1e24.
constexpr double max_resource = 1e24;

std::string out_of_range(const char* field, double value, const char* range) {
  return fmt::format("{} = {} is out of range: must be {}", field, value, range);
}

// (low, high]
std::optional<std::string> check_half_open(const char* field, double value, double low, double high,
                                           const char* range) {
  if (value > low && value <= high) return std::nullopt;
  return out_of_range(field, value, range);
}

// N, D, tau: a finite count in [1, 1e24], or +inf for "unlimited" (MODEL.md 2).
std::optional<std::string> check_resource(const char* field, double value) {
  const bool finite_ok = value >= 1.0 && value <= max_resource;
  const bool unlimited = value == std::numeric_limits<double>::infinity();
  if (finite_ok || unlimited) return std::nullopt;
  return out_of_range(field, value, "in [1, 1e24] or inf");
}

}  // namespace

std::optional<std::string> validate_field(const std::string& field, double value) {
  // Zipf needs alpha > 1 for zeta(alpha) to converge (MODEL.md 1).
  if (field == "alpha") return check_half_open("alpha", value, 1.0, 10.0, "in (1, 10]");
  if (field == "beta") return check_half_open("beta", value, 0.0, 10.0, "in (0, 10]");
  if (field == "gamma") return check_half_open("gamma", value, 0.0, 10.0, "in (0, 10]");
  if (field == "N" || field == "D" || field == "tau") return check_resource(field.c_str(), value);
  // c = eta*lambda_0 is a per-observation learning fraction, at most 1 (MODEL.md 2).
  if (field == "learning_rate") {
    return check_half_open("learning_rate", value, 0.0, 1.0, "in (0, 1]");
  }
  if (field == "capacity_scale") {
    return check_half_open("capacity_scale", value, 0.0, 1e3, "in (0, 1e3]");
  }
  if (field == "irreducible") {
    if (std::isfinite(value) && value >= 0.0) return std::nullopt;
    return out_of_range("irreducible", value, "finite and >= 0");
  }
  throw std::invalid_argument("validate_field: unknown field " + field);
}

std::optional<std::string> validate_point(const ModelPoint& point) {
  const std::pair<const char*, double> fields[] = {{"alpha", point.alpha},
                                                   {"beta", point.beta},
                                                   {"gamma", point.gamma},
                                                   {"N", point.N},
                                                   {"D", point.D},
                                                   {"tau", point.tau},
                                                   {"learning_rate", point.learning_rate},
                                                   {"capacity_scale", point.capacity_scale},
                                                   {"irreducible", point.irreducible}};
  for (const auto& [field, value] : fields) {
    if (auto e = validate_field(field, value)) return e;
  }
  return std::nullopt;
}

}  // namespace modesweep::model
