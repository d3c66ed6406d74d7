#include "modesweep/spec/toml_reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "modesweep/model/validate.hpp"

namespace modesweep::spec {

// User text (a key, a string value) as it may appear in a one-line message: control
// characters escaped as in TOML (a quoted key or string may hold "\n").
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out;
}

void TomlReader::fail(const toml::source_region& where, const std::string& key,
                      const std::string& what) const {
  throw SpecError(
      fmt::format("{}:{}:{}: {}: {}", source_, where.begin.line, where.begin.column, key, what));
}

void TomlReader::check_keys(const toml::table& table, const std::string& prefix,
                            std::initializer_list<const char*> allowed) const {
  for (auto&& [key, node] : table) {
    bool known = false;
    for (const char* name : allowed) known = known || key.str() == name;
    if (!known) {
      std::string valid;
      for (const char* name : allowed) valid += (valid.empty() ? "" : ", ") + std::string(name);
      fail(key.source(), prefix + printable(key.str()),
           fmt::format("unknown key; valid keys here: {}", valid));
    }
  }
}

const toml::table* TomlReader::optional_table(const toml::table& root, const char* name) const {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table())
    fail(node->source(), name, "must be a table ([" + std::string(name) + "])");
  return node->as_table();
}

double TomlReader::number(const toml::node& node, const std::string& key) const {
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<std::int64_t>()) return static_cast<double>(*v);
  if (node.is_string()) {
    fail(node.source(), key, "must be a number, not a string (write inf without quotes)");
  }
  fail(node.source(), key, fmt::format("must be a number, not {}", type_name(node)));
}

// A non-negative integer; a float that is an exact integer (1e6) is accepted.
// TOML integers are checked as integers: through a double, seeds above 2^53 would change.
std::uint64_t TomlReader::count(const toml::node& node, const std::string& key, std::uint64_t low,
                                std::uint64_t high) const {
  if (auto v = node.value_exact<std::int64_t>()) {
    if (!(*v >= 0 && static_cast<std::uint64_t>(*v) >= low &&
          static_cast<std::uint64_t>(*v) <= high)) {
      fail(node.source(), key,
           fmt::format("{} is out of range: must be an integer in [{}, {}]", *v, low, high));
    }
    return static_cast<std::uint64_t>(*v);
  }
  auto d = node.value_exact<double>();
  if (!d) fail(node.source(), key, fmt::format("must be an integer, not {}", type_name(node)));
  const double value = *d;
  if (!(std::floor(value) == value)) {
    fail(node.source(), key,
         fmt::format("{} is not an integer: must be an integer in [{}, {}]", value, low, high));
  }
  // double(high) may round up (2^63 - 1 -> 2^63): check the converted value as well.
  if (!(value >= static_cast<double>(low) && value <= static_cast<double>(high) &&
        static_cast<std::uint64_t>(value) <= high)) {
    fail(node.source(), key,
         fmt::format("{} is out of range: must be an integer in [{}, {}]", value, low, high));
  }
  return static_cast<std::uint64_t>(value);
}

std::string TomlReader::string(const toml::node& node, const std::string& key) const {
  if (auto v = node.value_exact<std::string>()) return *v;
  fail(node.source(), key, fmt::format("must be a string, not {}", type_name(node)));
}

double TomlReader::field_value(const toml::node& node, const std::string& key,
                               const char* field) const {
  const double value = number(node, key);
  if (auto problem = model::validate_field(field, value)) fail(node.source(), key, *problem);
  return value;
}

std::string TomlReader::type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

}  // namespace modesweep::spec
