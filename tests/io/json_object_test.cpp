#include "modesweep/io/json_object.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace {

using modesweep::io::json_quote;
using modesweep::io::JsonObject;

TEST(JsonObject, WritesNumbersStringsAndNestedObjects) {
  JsonObject inner;
  inner.add("x", 0.1);
  JsonObject json;
  json.add("a", 2.0).add("s", "capacity").add("inner", inner).add("empty", JsonObject{});
  EXPECT_EQ(json.str(),
            "{\n  \"a\": 2,\n  \"s\": \"capacity\",\n  \"inner\": {\n    \"x\": "
            "0.10000000000000001\n  },\n  \"empty\": {}\n}");
}

TEST(JsonObject, NonFiniteNumbersBecomeStrings) {
  JsonObject json;
  json.add("N", std::numeric_limits<double>::infinity())
      .add("log", -std::numeric_limits<double>::infinity())
      .add("bad", std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(json.str(), "{\n  \"N\": \"inf\",\n  \"log\": \"-inf\",\n  \"bad\": \"nan\"\n}");
}

TEST(JsonQuote, EscapesSpecialCharacters) {
  EXPECT_EQ(json_quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
