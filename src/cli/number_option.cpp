#include "modesweep/cli/number_option.hpp"

#include <fmt/format.h>

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

CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target,
                               const std::string& description) {
  return app.add_option(name, target, description)->transform(number_or_inf())->type_name("NUMBER");
}

}  // namespace modesweep::cli
