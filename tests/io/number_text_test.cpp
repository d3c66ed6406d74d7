// Parsing "inf"/"1e24" inputs and printing numbers far outside the double range from logs.
// Reference digits: mpmath at 40 digits.
#include "modesweep/io/number_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "test_constants.hpp"

namespace {

using namespace modesweep::io;

TEST(ParseDouble, AcceptsDecimalScientificAndInfinity) {
  EXPECT_EQ(parse_double("1e24"), 1e24);
  EXPECT_EQ(parse_double("1E-3"), 1e-3);
  EXPECT_EQ(parse_double("0.1"), 0.1);
  EXPECT_EQ(parse_double(" 2.5\t"), 2.5);
  EXPECT_EQ(parse_double("+3"), 3.0);
  EXPECT_EQ(parse_double("-5"), -5.0);
  EXPECT_EQ(parse_double("inf"), inf);
  EXPECT_EQ(parse_double("+inf"), inf);
  EXPECT_EQ(parse_double("Infinity"), inf);
  EXPECT_EQ(parse_double("INF"), inf);
  EXPECT_EQ(parse_double("-inf"), -inf);
  ASSERT_TRUE(parse_double("nan"));
  EXPECT_TRUE(std::isnan(*parse_double("nan")));
}

TEST(ParseDouble, RejectsEverythingElse) {
  for (const char* text : {"", " ", "abc", "1e24x", "1,5", "--1", "+-1", "-+1", "1e400", "0x10",
                           "1 2", "e5", "infinite"}) {
    EXPECT_FALSE(parse_double(text)) << "'" << text << "'";
  }
}

TEST(FormatFromLog, InsideDoubleRange) {
  EXPECT_EQ(format_from_log(std::log(3.2e-5), 6), "3.2e-05");
  EXPECT_EQ(format_from_log(std::log(1e24), 6), "1e+24");
  EXPECT_EQ(format_from_log(0.0, 6), "1e+00");
  EXPECT_EQ(format_from_log(std::log(0.125), 3), "1.25e-01");
  EXPECT_EQ(format_from_log(std::log(123456.789), 17).substr(0, 15), "1.2345678900000");
}

TEST(FormatFromLog, FarOutsideDoubleRange) {
  // exp(-1e4) = 1.1354838653147360985e-4343
  EXPECT_EQ(format_from_log(-1e4, 6), "1.13548e-4343");
  EXPECT_EQ(format_from_log(-1e4, 12), "1.13548386531e-4343");
  // exp(-1e5) = 3.5629495653093731211e-43430
  EXPECT_EQ(format_from_log(-1e5, 12), "3.56294956531e-43430");
  // exp(1e6) = 3.0332153968020875451e+434294
  EXPECT_EQ(format_from_log(1e6, 10), "3.033215397e+434294");
  // 3.2e-2150, the MODEL.md-sized case
  EXPECT_EQ(format_from_log(std::log(3.2) - 2150.0 * std::log(10.0), 6), "3.2e-2150");
}

TEST(FormatFromLog, RoundingCarriesIntoTheExponent) {
  EXPECT_EQ(format_from_log(std::log(9.9999996), 6), "1e+01");
  // 9.9999996e-3000 -> 1e-2999
  EXPECT_EQ(format_from_log(std::log(9.9999996) - 3000.0 * std::log(10.0), 6), "1e-2999");
}

TEST(FormatFromLog, SpecialValuesAndDigitLimits) {
  EXPECT_EQ(format_from_log(-inf, 6), "0");
  EXPECT_EQ(format_from_log(inf, 6), "inf");
  EXPECT_EQ(format_from_log(std::nan(""), 6), "nan");
  EXPECT_THROW(format_from_log(0.0, 0), std::invalid_argument);
  EXPECT_THROW(format_from_log(0.0, 18), std::invalid_argument);
  EXPECT_NO_THROW(format_from_log(0.0, 17));
}

TEST(FormatValue, UsesTheLogOnlyWhenTheValueHasLostDigits) {
  EXPECT_EQ(format_value(0.032, std::log(0.032), 6), "0.032");
  EXPECT_EQ(format_value(0.0, -1e4, 6), "1.13548e-4343");
  EXPECT_EQ(format_value(0.0, -inf, 6), "0");
  EXPECT_EQ(format_value(inf, 1e6, 4), "3.033e+434294");
  EXPECT_EQ(format_value(inf, inf, 6), "inf");
  // A subnormal has fewer than 6 significant bits of its own: print from the log.
  EXPECT_EQ(format_value(std::exp(-740.0), -740.0, 6), format_from_log(-740.0, 6));
}

TEST(FormatRoundTrip, SeventeenDigits) {
  EXPECT_EQ(format_round_trip(0.1), "0.10000000000000001");
  EXPECT_EQ(format_round_trip(2.0), "2");
  EXPECT_EQ(format_round_trip(inf), "inf");
  EXPECT_EQ(parse_double(format_round_trip(1e24)), 1e24);
}

}  // namespace
