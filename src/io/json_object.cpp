#include "modesweep/io/json_object.hpp"

#include <fmt/format.h>

#include <cmath>

namespace modesweep::io {

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(ch)));
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

JsonObject& JsonObject::add(std::string_view key, bool value) {
  members_.push_back({std::string(key), value ? "true" : "false", {}, false});
  return *this;
}

JsonObject& JsonObject::add_integer(std::string_view key, unsigned long long value) {
  members_.push_back({std::string(key), std::to_string(value), {}, false});
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, double value) {
  // "{:.17g}" gives "inf"/"nan", which are not JSON numbers: quote those.
  const std::string text = fmt::format("{:.17g}", value);
  members_.push_back({std::string(key), std::isfinite(value) ? text : json_quote(text), {}, false});
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, std::string_view text) {
  members_.push_back({std::string(key), json_quote(text), {}, false});
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, const char* text) {
  return add(key, std::string_view(text));
}

JsonObject& JsonObject::add(std::string_view key, const JsonObject& object) {
  members_.push_back({std::string(key), {}, object.members_, true});
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, const std::vector<JsonObject>& rows) {
  std::string text = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) text += ",";
    text += "\n    ";
    render_compact(rows[i].members_, text);
  }
  text += rows.empty() ? "]" : "\n  ]";
  members_.push_back({std::string(key), text, {}, false});
  return *this;
}

void JsonObject::render_compact(const std::vector<Member>& members, std::string& out) {
  out += "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += (i > 0 ? ", " : "") + json_quote(members[i].key) + ": ";
    if (members[i].is_object) {
      render_compact(members[i].members, out);
    } else {
      out += members[i].encoded;
    }
  }
  out += "}";
}

void JsonObject::render(const std::vector<Member>& members, int depth, std::string& out) {
  if (members.empty()) {
    out += "{}";
    return;
  }
  const std::string inner(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  out += "{\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += inner + json_quote(members[i].key) + ": ";
    if (members[i].is_object) {
      render(members[i].members, depth + 1, out);
    } else {
      out += members[i].encoded;
    }
    out += i + 1 < members.size() ? ",\n" : "\n";
  }
  out += std::string(static_cast<std::size_t>(2 * depth), ' ') + "}";
}

std::string JsonObject::str() const {
  std::string out;
  render(members_, 0, out);
  return out;
}

}  // namespace modesweep::io
