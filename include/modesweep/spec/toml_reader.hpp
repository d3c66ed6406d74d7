// Reading TOML spec files with toml++: every error is one line, FILE:LINE:COL: key: what is
// wrong and the valid range (SpecError). Shared by the sweep specs and the table specs.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "modesweep/spec/sweep_spec.hpp"

namespace modesweep::spec {

// User text (a key, a string value) as it may appear in a one-line message: control
// characters escaped as in TOML (a quoted key or string may hold "\n").
std::string printable(std::string_view text);

class TomlReader {
 public:
  explicit TomlReader(std::string source) : source_(std::move(source)) {}

  // Throws SpecError "source:line:col: key: what".
  [[noreturn]] void fail(const toml::source_region& where, const std::string& key,
                         const std::string& what) const;
  // Rejects keys of `table` outside `allowed`.
  void check_keys(const toml::table& table, const std::string& prefix,
                  std::initializer_list<const char*> allowed) const;
  const toml::table* optional_table(const toml::table& root, const char* name) const;
  double number(const toml::node& node, const std::string& key) const;
  // A non-negative integer in [low, high]; a float that is an exact integer (1e6) is accepted.
  std::uint64_t count(const toml::node& node, const std::string& key, std::uint64_t low,
                      std::uint64_t high) const;
  std::string string(const toml::node& node, const std::string& key) const;
  // A value of one axis or model constant, checked against the model's domain.
  double field_value(const toml::node& node, const std::string& key, const char* field) const;
  static std::string type_name(const toml::node& node);

 private:
  std::string source_;
};

}  // namespace modesweep::spec
