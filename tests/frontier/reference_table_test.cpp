// Reference tables: the table spec's validation, measured exponents against MODEL.md 5 where
// the theory holds (beta = 1, deep ranges), and the three output formats.
#include "modesweep/frontier/reference_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/spec/table_spec.hpp"

namespace {

namespace fr = modesweep::frontier;
namespace spec = modesweep::spec;

const char* small_spec = R"(
[table]
name = "test"
points = 5
[grid]
alpha = [2.0]
beta = [1.0]
gamma = [1.0]
[range]
resource = [1e8, 1e16]
budget = [1e14, 1e20]
unique_tokens = 1e12
)";

TEST(TableSpec, Defaults) {
  const auto s = spec::parse_table_spec(small_spec, "t.toml");
  EXPECT_EQ(s.name, "test");
  EXPECT_EQ(s.points, 5u);
  EXPECT_EQ(s.alpha, std::vector<double>{2.0});
  EXPECT_EQ(s.learning_rate, 0.1);
  EXPECT_EQ(s.budget_max, 1e20);
}

TEST(TableSpec, MalformedSpecsNameFileLineAndKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"[grid]\nalpha = [0.5]\nbeta = [1.0]\ngamma = [1.0]\n",
       "t.toml:2:10: grid.alpha: alpha = 0.5"},
      {"[grid]\nalpha = [2.0]\nbeta = []\ngamma = [1.0]\n",
       "t.toml:3:8: grid.beta: must hold 1 to 100"},
      {"[grid]\nalpha = [2.0]\nbeta = [1.0]\n", "grid.gamma: missing"},
      {"[grid]\nalpha = [2.0]\nbeta = [1.0]\ngamma = [1.0]\ndelta = 1\n",
       "t.toml:5:1: grid.delta: unknown key"},
      {"[table]\npoints = 2\n[grid]\nalpha = 2\nbeta = 1\ngamma = 1\n",
       "table.points: 2 is out of range"},
      {"[range]\nresource = [1e6, 1e5]\n[grid]\nalpha = 2\nbeta = 1\ngamma = 1\n",
       "range.resource: [1000000, 100000]"},
      {"[range]\nbudget = [1, 1e20]\n[grid]\nalpha = 2\nbeta = 1\ngamma = 1\n",
       "range.budget: [1, 1e+20] must lie in"},
      {"[range]\nunique_tokens = 0\n[grid]\nalpha = 2\nbeta = 1\ngamma = 1\n",
       "range.unique_tokens: 0 is out of range"},
      {"[model]\nlearning_rate = 2\n[grid]\nalpha = 2\nbeta = 1\ngamma = 1\n",
       "model.learning_rate: learning_rate = 2"},
      {"grid = 3\n", "t.toml:1:8: grid: must be a table"},
      {"[grid\n", "t.toml:1:"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      spec::parse_table_spec(text, "t.toml");
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const spec::SpecError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
          << "got: " << e.what() << "\nwant: " << expected;
    }
  }
}

// beta = 1, alpha = 2, gamma = 1, deep ranges: every claimed exponent within 1%.
TEST(ReferenceTable, MeasuredMatchesTheoryWhereItHolds) {
  const auto s = spec::parse_table_spec(small_spec, "t.toml");
  const auto rows = fr::reference_table(s);
  ASSERT_EQ(rows.size(), 12u);  // 3 single-resource laws, the compute point, 2 per budget
  int claimed = 0;
  for (const auto& r : rows) {
    if (!std::isfinite(r.predicted)) continue;
    ++claimed;
    EXPECT_LT(std::abs(r.deviation), 0.01) << r.law << " measured " << r.measured;
  }
  EXPECT_EQ(claimed, 8);  // a_N, a_D, a_tau, compute point, converged x2, fresh-data x2
  EXPECT_EQ(rows[3].law, "compute point dL*");
  EXPECT_EQ(rows[0].law, "a_N");
  EXPECT_NEAR(rows[0].predicted, 1.0, 1e-15);  // gamma (alpha - 1)
}

TEST(ReferenceTable, FormatsParse) {
  auto s = spec::parse_table_spec(small_spec, "t.toml");
  s.points = 3;
  const auto rows = fr::reference_table(s);
  const std::string csv = fr::format_table(s, rows, fr::TableFormat::csv);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "alpha,beta,gamma,law,predicted,measured,deviation,onset");
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 7) << line;
  }
  EXPECT_EQ(n, static_cast<int>(rows.size()));
  const std::string md = fr::format_table(s, rows, fr::TableFormat::markdown);
  EXPECT_NE(md.find("| alpha | beta | gamma | law |"), std::string::npos);
  EXPECT_NE(md.find("| no claim |"), std::string::npos);
  const std::string tex = fr::format_table(s, rows, fr::TableFormat::latex);
  EXPECT_NE(tex.find("\\begin{tabular}"), std::string::npos);
  EXPECT_NE(tex.find("a\\_N"), std::string::npos);
  EXPECT_EQ(tex.find(" a_N "), std::string::npos);  // underscores escaped
  EXPECT_THROW(fr::parse_table_format("xlsx"), std::invalid_argument);
}

}  // namespace
