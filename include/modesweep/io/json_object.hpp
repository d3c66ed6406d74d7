// A minimal JSON object writer for the CLI's --json output. Numbers get 17 significant
// digits so they round-trip; JSON has no inf/nan, so non-finite numbers (N = inf, a log of 0)
// are written as the strings "inf", "-inf", "nan".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace modesweep::io {

class JsonObject {
 public:
  // Members keep insertion order; a repeated key is the caller's mistake and is not checked.
  JsonObject& add(std::string_view key, double value);
  JsonObject& add(std::string_view key, std::string_view text);
  JsonObject& add(std::string_view key, const char* text);
  JsonObject& add(std::string_view key, const JsonObject& object);
  JsonObject& add(std::string_view key, bool value);
  // An exact integer (seeds and counts beyond 2^53 must not pass through a double).
  JsonObject& add_integer(std::string_view key, unsigned long long value);
  // An array of objects, each written on one line (a table's rows).
  JsonObject& add(std::string_view key, const std::vector<JsonObject>& rows);

  // Pretty-printed with two-space indentation, no trailing newline.
  std::string str() const;

 private:
  struct Member {
    std::string key;
    std::string encoded;          // the value's JSON text, when not an object
    std::vector<Member> members;  // the value's members, when an object
    bool is_object = false;
  };
  static void render(const std::vector<Member>& members, int depth, std::string& out);
  static void render_compact(const std::vector<Member>& members, std::string& out);

  std::vector<Member> members_;
};

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace modesweep::io
