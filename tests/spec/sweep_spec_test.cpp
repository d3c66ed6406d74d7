// Sweep spec parsing: every malformed spec fails with one line "FILE:LINE:COL: KEY: message"
// pointing at the offending value, and valid specs (jobs/*.toml) parse to what they say.
#include "modesweep/spec/sweep_spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "modesweep/model/point.hpp"
#include "modesweep/spec/table_spec.hpp"
#include "test_constants.hpp"

namespace {

using modesweep::spec::AxisSpec;
using modesweep::spec::Design;
using modesweep::spec::Mode;
using modesweep::spec::parse_spec;
using modesweep::spec::parse_spec_file;
using modesweep::spec::point_count;
using modesweep::spec::SpecError;
using modesweep::spec::SweepSpec;

constexpr std::uint64_t kMaxPoints = 1000000000;
const char* const kSource = "specs/test.toml";

// ---------------------------------------------------------------------------------------------
// Spec builders with known line numbers.

const char* const kAxisNames[6] = {"alpha", "beta", "gamma", "N", "D", "tau"};
const char* const kFactorialValues[6] = {"2.0", "1.0", "1.0", "1e6", "1e8", "inf"};
const char* const kDesignValues[6] = {"{range = [1.1, 4.0]}",
                                      "{range = [0.5, 2.0]}",
                                      "1.0",
                                      "{range = [1e6, 1e12], scale = \"log\"}",
                                      "{range = [1e8, 1e14], scale = \"log\"}",
                                      "inf"};

// The six axis lines in MODEL.md order; `axis` gets `value` instead of its default, or is left
// out when `value` is nullopt.
std::string axes_lines(const std::string& axis, const std::optional<std::string>& value,
                       bool design) {
  std::string out;
  for (int a = 0; a < 6; ++a) {
    if (axis == kAxisNames[a]) {
      if (value) out += std::string(kAxisNames[a]) + " = " + *value + "\n";
    } else {
      out += std::string(kAxisNames[a]) + " = " +
             (design ? kDesignValues[a] : kFactorialValues[a]) + "\n";
    }
  }
  return out;
}

// Lines: 1 [sweep], 2 name, 3 [axes], 4 alpha, 5 beta, 6 gamma, 7 N, 8 D, 9 tau.
std::string factorial(const std::string& axis = "", const std::optional<std::string>& value = {}) {
  return "[sweep]\nname = \"t\"\n[axes]\n" + axes_lines(axis, value, false);
}

// Lines: 1 [sweep], 2 design, 3 [design], 4 count, 5 seed, 6 [axes], 7 alpha, 8 beta, 9 gamma,
// 10 N, 11 D, 12 tau.
std::string design(const std::string& kind, const std::string& axis = "",
                   const std::optional<std::string>& value = {}) {
  return "[sweep]\ndesign = \"" + kind + "\"\n[design]\ncount = 100\nseed = 1\n[axes]\n" +
         axes_lines(axis, value, true);
}

// Factorial with "[model]" on line 10 and `line` on line 11.
std::string with_model(const std::string& line) { return factorial() + "[model]\n" + line + "\n"; }

// `line` is line 2, inside [sweep]; [axes] on line 3.
std::string with_sweep(const std::string& line) {
  return "[sweep]\n" + line + "\n[axes]\n" + axes_lines("", {}, false);
}

// A latin-hypercube spec: 1 [sweep], 2 design, 3 [design], then `design_body` from line 4.
std::string with_design_body(const std::string& design_body) {
  return "[sweep]\ndesign = \"latin-hypercube\"\n[design]\n" + design_body + "[axes]\n" +
         axes_lines("", {}, true);
}

// ---------------------------------------------------------------------------------------------
// Malformed specs.

struct BadSpec {
  const char* name;
  std::string text;
  int line;
  std::string column_at;  // the error's column is where this text first occurs on `line`
                          // ("" = column 1)
  std::string key;
  std::string message;  // a distinctive part of the message after "KEY: "
  std::uint64_t max_points = kMaxPoints;
};

std::ostream& operator<<(std::ostream& os, const BadSpec& c) { return os << c.name; }

std::string line_of(const std::string& text, int line) {
  std::istringstream in(text);
  std::string s;
  for (int i = 0; i < line; ++i) {
    if (!std::getline(in, s)) return "";
  }
  return s + "\n";  // so that "\n" marks the column just past the line's end
}

const std::vector<BadSpec>& bad_specs() {
  static const std::vector<BadSpec> cases = {
      // --- TOML syntax and structure ---
      {"SyntaxUnterminatedString", "[sweep]\nname = \"t\n[axes]\n", 2, "\n", "TOML syntax",
       "Error while parsing string"},
      {"SyntaxMissingValue", with_model("learning_rate ="), 11, "\n", "TOML syntax",
       "expected value"},
      {"SyntaxDuplicateKey", "[sweep]\nname = \"a\"\nname = \"b\"\n", 3, "\"b\"", "TOML syntax",
       "cannot redefine existing string 'name'"},
      {"UnknownTopLevelTable", factorial() + "[sweeep]\nname = \"x\"\n", 10, "sweeep", "sweeep",
       "unknown key; valid keys here: sweep, model, design, axes"},
      {"UnknownTopLevelKey", "verbose = true\n" + factorial(), 1, "verbose", "verbose",
       "unknown key; valid keys here: sweep, model, design, axes"},
      {"UnknownSweepKey", with_sweep("chunk_size = 100"), 2, "chunk_size", "sweep.chunk_size",
       "unknown key; valid keys here: name, mode, design, output, chunk_points"},
      {"UnknownModelKey", with_model("learningrate = 0.1"), 11, "learningrate",
       "model.learningrate",
       "unknown key; valid keys here: learning_rate, capacity_scale, irreducible, "
       "flops_per_param_token"},
      {"UnknownDesignKey", with_design_body("count = 10\nsamples = 10\n"), 5, "samples",
       "design.samples", "unknown key; valid keys here: count, seed"},
      {"UnknownAxesKey", factorial() + "delta = 1.0\n", 10, "delta", "axes.delta",
       "unknown key; valid keys here: alpha, beta, gamma, N, D, tau"},
      {"UnknownFactorialAxisKey", factorial("N", "{logspace = [1e3, 1e9, 7], width_inf = true}"), 7,
       "width_inf", "axes.N.width_inf",
       "unknown key; valid keys here: linspace, logspace, with_inf"},
      {"FactorialAxisGivenAsRange", factorial("alpha", "{range = [1.1, 4.0]}"), 4, "range",
       "axes.alpha.range",
       "belongs to sampled designs (design = \"latin-hypercube\" or \"sobol\"); a factorial "
       "axis is a list, {linspace = [a, b, n]} or {logspace = [a, b, n]}"},
      {"UnknownDesignAxisKey", design("sobol", "N", "{range = [1e6, 1e12], scal = \"log\"}"), 10,
       "scal", "axes.N.scal", "unknown key; valid keys here: range, scale"},
      {"DesignAxisGivenAsLinspace", design("sobol", "alpha", "{linspace = [1.1, 4.0, 5]}"), 7,
       "linspace", "axes.alpha.linspace", "valid keys here: range, scale"},
      {"MissingSweep", "[axes]\n" + axes_lines("", {}, false), 1, "", "sweep",
       "missing [sweep] table"},
      {"SweepNotATable", "sweep = \"exact\"\n[axes]\n" + axes_lines("", {}, false), 1, "\"exact\"",
       "sweep", "must be a table ([sweep])"},
      {"MissingAxes", "[sweep]\nname = \"t\"\n", 1, "", "axes", "missing [axes] table"},
      {"AxesNotATable", "axes = [1, 2]\n[sweep]\nname = \"t\"\n", 1, "[1, 2]", "axes",
       "must be a table ([axes])"},
      {"ModelNotATable", "model = 0.1\n" + factorial(), 1, "0.1", "model",
       "must be a table ([model])"},
      {"MissingAlpha", factorial("alpha"), 3, "", "axes.alpha",
       "missing: every axis needs a value (use inf for an unlimited resource)"},
      {"MissingBeta", factorial("beta"), 3, "", "axes.beta", "missing: every axis needs a value"},
      {"MissingGamma", factorial("gamma"), 3, "", "axes.gamma",
       "missing: every axis needs a value"},
      {"MissingN", factorial("N"), 3, "", "axes.N", "missing: every axis needs a value"},
      {"MissingD", factorial("D"), 3, "", "axes.D", "missing: every axis needs a value"},
      {"MissingTau", factorial("tau"), 3, "", "axes.tau", "missing: every axis needs a value"},
      {"DesignMissingTau", design("sobol", "tau"), 6, "", "axes.tau",
       "missing: every axis needs a value"},

      // --- wrong types ---
      {"StringForNumber", factorial("alpha", "\"2.0\""), 4, "\"2.0\"", "axes.alpha",
       "must be a number, not a string"},
      {"QuotedInf", factorial("tau", "\"inf\""), 9, "\"inf\"", "axes.tau",
       "must be a number, not a string (write inf without quotes)"},
      {"BoolForNumber", factorial("beta", "true"), 5, "true", "axes.beta",
       "must be a number, not a boolean"},
      {"DateForNumber", factorial("gamma", "1979-05-27"), 6, "1979", "axes.gamma",
       "must be a number, not a date/time"},
      {"NestedArrayInAxisList", factorial("gamma", "[0.5, [1.0]]"), 6, "[1.0]", "axes.gamma[1]",
       "must be a number, not a"},
      {"TableInAxisList", factorial("gamma", "[0.5, {x = 1}]"), 6, "{x", "axes.gamma[1]",
       "must be a number, not a table"},
      {"ArrayForModelConstant", with_model("learning_rate = [0.1]"), 11, "[0.1]",
       "model.learning_rate", "must be a number, not a"},
      {"StringForModelConstant", with_model("capacity_scale = \"1\""), 11, "\"1\"",
       "model.capacity_scale", "must be a number, not a string"},
      {"TableForFlops", with_model("flops_per_param_token = {value = 6}"), 11, "{value",
       "model.flops_per_param_token", "must be a number, not a table"},
      {"StringForLinspaceEndpoint", factorial("alpha", "{linspace = [\"1.5\", 3.0, 4]}"), 4,
       "\"1.5\"", "axes.alpha.linspace[0]", "must be a number, not a string"},
      {"StringForRangeEndpoint", design("sobol", "beta", "{range = [0.5, \"2\"]}"), 8, "\"2\"",
       "axes.beta.range[1]", "must be a number, not a string"},
      {"TableForName", with_sweep("name = {a = 1}"), 2, "{a", "sweep.name",
       "must be a string, not a table"},
      {"NumberForMode", with_sweep("mode = 1"), 2, "1", "sweep.mode",
       "must be a string, not an integer"},
      {"ArrayForDesignName", with_sweep("design = [\"sobol\"]"), 2, "[", "sweep.design",
       "must be a string, not a"},
      {"NumberForOutput", with_sweep("output = 5"), 2, "5", "sweep.output",
       "must be a string, not an integer"},
      {"TableForScale", design("sobol", "N", "{range = [1e6, 1e12], scale = {log = true}}"), 10,
       "{log", "axes.N.scale", "must be a string, not a table"},
      {"StringForChunkPoints", with_sweep("chunk_points = \"2048\""), 2, "\"2048\"",
       "sweep.chunk_points", "must be an integer, not a string"},
      {"BoolForCount", with_design_body("count = true\n"), 4, "true", "design.count",
       "must be an integer, not a boolean"},

      // --- the model's domain, every axis and constant ---
      {"AlphaOne", factorial("alpha", "1.0"), 4, "1.0", "axes.alpha",
       "alpha = 1 is out of range: must be in (1, 10]"},
      {"AlphaBelowOne", factorial("alpha", "0.5"), 4, "0.5", "axes.alpha",
       "alpha = 0.5 is out of range: must be in (1, 10]"},
      {"AlphaAboveTen", factorial("alpha", "10.5"), 4, "10.5", "axes.alpha",
       "alpha = 10.5 is out of range: must be in (1, 10]"},
      {"AlphaInf", factorial("alpha", "inf"), 4, "inf", "axes.alpha",
       "alpha = inf is out of range"},
      {"AlphaNan", factorial("alpha", "nan"), 4, "nan", "axes.alpha",
       "alpha = nan is out of range"},
      {"AlphaInListOutOfDomain", factorial("alpha", "[1.5, 0.25]"), 4, "0.25", "axes.alpha[1]",
       "alpha = 0.25 is out of range: must be in (1, 10]"},
      {"BetaZero", factorial("beta", "0"), 5, "0", "axes.beta",
       "beta = 0 is out of range: must be in (0, 10]"},
      {"BetaNegative", factorial("beta", "-1.5"), 5, "-1.5", "axes.beta",
       "beta = -1.5 is out of range: must be in (0, 10]"},
      {"GammaAboveTen", factorial("gamma", "10.01"), 6, "10.01", "axes.gamma",
       "gamma = 10.01 is out of range: must be in (0, 10]"},
      {"GammaZero", factorial("gamma", "0.0"), 6, "0.0", "axes.gamma",
       "gamma = 0 is out of range: must be in (0, 10]"},
      {"NBelowOne", factorial("N", "0.5"), 7, "0.5", "axes.N",
       "N = 0.5 is out of range: must be in [1, 1e24] or inf"},
      {"NZero", factorial("N", "0"), 7, "0", "axes.N", "N = 0 is out of range"},
      {"DAbove1e24", factorial("D", "1.1e24"), 8, "1.1e24", "axes.D",
       "is out of range: must be in [1, 1e24] or inf"},
      {"TauNegative", factorial("tau", "-5"), 9, "-5", "axes.tau",
       "tau = -5 is out of range: must be in [1, 1e24] or inf"},
      {"TauMinusInf", factorial("tau", "-inf"), 9, "-inf", "axes.tau",
       "tau = -inf is out of range"},
      {"DesignRangeOutOfDomain", design("latin-hypercube", "alpha", "{range = [0.5, 4.0]}"), 7,
       "0.5", "axes.alpha.range[0]", "alpha = 0.5 is out of range: must be in (1, 10]"},
      {"DesignFixedOutOfDomain", design("sobol", "gamma", "11"), 9, "11", "axes.gamma",
       "gamma = 11 is out of range: must be in (0, 10]"},
      {"LinspaceEndpointOutOfDomain", factorial("beta", "{linspace = [0.5, 12.0, 3]}"), 5, "12.0",
       "axes.beta.linspace[1]", "beta = 12 is out of range: must be in (0, 10]"},
      {"LearningRateZero", with_model("learning_rate = 0.0"), 11, "0.0", "model.learning_rate",
       "learning_rate = 0 is out of range: must be in (0, 1]"},
      {"LearningRateAboveOne", with_model("learning_rate = 1.5"), 11, "1.5", "model.learning_rate",
       "learning_rate = 1.5 is out of range: must be in (0, 1]"},
      {"CapacityScaleAbove1e3", with_model("capacity_scale = 1000.5"), 11, "1000.5",
       "model.capacity_scale", "capacity_scale = 1000.5 is out of range: must be in (0, 1e3]"},
      {"CapacityScaleZero", with_model("capacity_scale = 0"), 11, "0", "model.capacity_scale",
       "capacity_scale = 0 is out of range"},
      {"IrreducibleNegative", with_model("irreducible = -0.1"), 11, "-0.1", "model.irreducible",
       "irreducible = -0.1 is out of range: must be finite and >= 0"},
      {"IrreducibleInf", with_model("irreducible = inf"), 11, "inf", "model.irreducible",
       "irreducible = inf is out of range: must be finite and >= 0"},
      {"IrreducibleNan", with_model("irreducible = nan"), 11, "nan", "model.irreducible",
       "irreducible = nan is out of range"},
      {"FlopsZero", with_model("flops_per_param_token = 0"), 11, "0", "model.flops_per_param_token",
       "0 is out of range: must be finite and > 0"},
      {"FlopsNegative", with_model("flops_per_param_token = -6.0"), 11, "-6.0",
       "model.flops_per_param_token", "-6 is out of range: must be finite and > 0"},
      {"FlopsInf", with_model("flops_per_param_token = inf"), 11, "inf",
       "model.flops_per_param_token", "inf is out of range: must be finite and > 0"},

      // --- axis lists ---
      {"EmptyAxisList", factorial("beta", "[]"), 5, "[]", "axes.beta",
       "empty axis: give at least one value"},
      {"DuplicateAxisValues", factorial("beta", "[1.0, 2.0, 1.0]"), 5, "1.0]", "axes.beta[2]",
       "value 1 appears twice: axis values must be distinct"},
      {"DuplicateIntegerAndFloat", factorial("gamma", "[1, 0.5, 1.0]"), 6, "1.0]", "axes.gamma[2]",
       "value 1 appears twice"},
      {"DuplicateInf", factorial("N", "[1e3, inf, inf]"), 7, "inf]", "axes.N[2]",
       "value inf appears twice"},
      // --- linspace / logspace ---
      {"LogspaceTwoElements", factorial("N", "{logspace = [1e3, 1e9]}"), 7, "[", "axes.N.logspace",
       "must be [first, last, count]"},
      {"LinspaceFourElements", factorial("alpha", "{linspace = [1.5, 3.0, 4, 5]}"), 4, "[",
       "axes.alpha.linspace", "must be [first, last, count]"},
      {"LinspaceNotAnArray", factorial("alpha", "{linspace = 3.0}"), 4, "3.0",
       "axes.alpha.linspace", "must be [first, last, count]"},
      {"LogspaceCountOne", factorial("N", "{logspace = [1e3, 1e9, 1]}"), 7, "1]",
       "axes.N.logspace[2]", "1 is out of range: must be an integer in [2, 1000000]"},
      {"LinspaceCountZero", factorial("alpha", "{linspace = [1.5, 3.0, 0]}"), 4, "0]",
       "axes.alpha.linspace[2]", "0 is out of range: must be an integer in [2, 1000000]"},
      {"LinspaceCountNegative", factorial("alpha", "{linspace = [1.5, 3.0, -3]}"), 4, "-3",
       "axes.alpha.linspace[2]", "-3 is out of range: must be an integer in [2, 1000000]"},
      {"LogspaceCountNotInteger", factorial("N", "{logspace = [1e3, 1e9, 2.5]}"), 7, "2.5",
       "axes.N.logspace[2]", "2.5 is not an integer"},
      {"LogspaceCountTooLarge", factorial("N", "{logspace = [1e3, 1e9, 2e6]}"), 7, "2e6",
       "axes.N.logspace[2]", "is out of range: must be an integer in [2, 1000000]"},
      {"LogspaceCountString", factorial("N", "{logspace = [1e3, 1e9, \"7\"]}"), 7, "\"7\"",
       "axes.N.logspace[2]", "must be an integer, not a string"},
      {"LogspaceFirstAboveLast", factorial("N", "{logspace = [1e9, 1e3, 7]}"), 7, "[",
       "axes.N.logspace", "must be below last"},
      {"LinspaceFirstEqualsLast", factorial("alpha", "{linspace = [2.0, 2.0, 3]}"), 4, "[",
       "axes.alpha.linspace", "first (2) must be below last (2)"},
      {"LogspaceInfiniteEndpoint", factorial("N", "{logspace = [1e3, inf, 7]}"), 7, "[",
       "axes.N.logspace", "endpoints must be finite (add with_inf = true for inf)"},
      {"LinspaceInfiniteFirst", factorial("tau", "{linspace = [inf, 1e9, 3]}"), 9, "[",
       "axes.tau.linspace", "endpoints must be finite"},
      {"WithInfNotABool", factorial("N", "{logspace = [1e3, 1e9, 7], with_inf = \"yes\"}"), 7,
       "\"yes\"", "axes.N.with_inf", "must be true or false"},
      {"WithInfNumber", factorial("D", "{logspace = [1e3, 1e9, 7], with_inf = 1}"), 8, "1}",
       "axes.D.with_inf", "must be true or false"},
      {"WithInfOutOfDomain", factorial("alpha", "{linspace = [1.5, 3.0, 4], with_inf = true}"), 4,
       "true", "axes.alpha.with_inf", "alpha = inf is out of range: must be in (1, 10]"},
      {"BothLinspaceAndLogspace",
       factorial("N", "{linspace = [1e3, 1e9, 7], logspace = [1e3, 1e9, 7]}"), 7, "{", "axes.N",
       "give exactly one of {linspace = [a, b, n]} or {logspace = [a, b, n]}"},
      {"NeitherLinspaceNorLogspace", factorial("N", "{with_inf = true}"), 7, "{", "axes.N",
       "give exactly one of"},

      // --- designs ---
      {"DesignCountMissing", with_design_body("seed = 3\n"), 3, "", "design.count",
       "missing: the number of points"},
      {"DesignCountZero", with_design_body("count = 0\n"), 4, "0", "design.count",
       "0 is out of range: must be an integer in [1, 9223372036854775807]"},
      {"DesignCountNotInteger", with_design_body("count = 100.5\n"), 4, "100.5", "design.count",
       "100.5 is not an integer"},
      {"DesignCountNegative", with_design_body("count = -100\n"), 4, "-100", "design.count",
       "-100 is out of range"},
      {"DesignSeedNegative", with_design_body("count = 10\nseed = -1\n"), 5, "-1", "design.seed",
       "-1 is out of range: must be an integer in [0, 9223372036854775807]"},
      {"DesignSeedNotInteger", with_design_body("count = 10\nseed = 0.5\n"), 5, "0.5",
       "design.seed", "0.5 is not an integer"},
      {"DesignSeedFloatAboveInt64Max", with_design_body("count = 10\nseed = 9.3e18\n"), 5, "9.3e18",
       "design.seed", "is out of range: must be an integer in [0, 9223372036854775807]"},
      {"DesignSeedFloatTwoTo63", with_design_body("count = 10\nseed = 9223372036854775808.0\n"), 5,
       "9223372036854775808.0", "design.seed", "is out of range"},
      {"DesignSeedString", with_design_body("count = 10\nseed = \"7\"\n"), 5, "\"7\"",
       "design.seed", "must be an integer, not a string"},
      {"DesignTableWithDefaultFactorial", factorial() + "[design]\ncount = 10\n", 10, "", "design",
       "[design] (count, seed) applies to design = \"latin-hypercube\" or \"sobol\" only"},
      {"DesignTableWithFactorial",
       "[sweep]\ndesign = \"factorial\"\n[design]\ncount = 10\n[axes]\n" +
           axes_lines("", {}, false),
       3, "", "design", "applies to design = \"latin-hypercube\" or \"sobol\" only"},
      {"DesignTableMissing", "[sweep]\ndesign = \"sobol\"\n[axes]\n" + axes_lines("", {}, true), 2,
       "\"sobol\"", "design", "design = \"sobol\" needs a [design] table with count (and seed)"},
      {"DesignNotATable",
       "design = 5\n[sweep]\ndesign = \"sobol\"\n[axes]\n" + axes_lines("", {}, true), 1, "5",
       "design", "must be a table ([design])"},
      {"DesignAxisGivenAsList", design("latin-hypercube", "alpha", "[1.5, 2.0]"), 7, "[",
       "axes.alpha", "not a list (lists are for design = \"factorial\")"},
      {"RangeLowAboveHigh", design("sobol", "alpha", "{range = [4.0, 1.1]}"), 7, "[",
       "axes.alpha.range", "low (4) must be below high (1.1)"},
      {"RangeLowEqualsHigh", design("latin-hypercube", "beta", "{range = [1.0, 1.0]}"), 8, "[",
       "axes.beta.range", "low (1) must be below high (1)"},
      {"RangeInfinite", design("sobol", "N", "{range = [1e6, inf], scale = \"log\"}"), 10, "[",
       "axes.N.range", "a sampled range must be finite (fix an axis at inf with a plain value)"},
      {"RangeOneElement", design("sobol", "alpha", "{range = [1.1]}"), 7, "[", "axes.alpha.range",
       "must be [low, high]"},
      {"RangeThreeElements", design("sobol", "alpha", "{range = [1.1, 2.0, 3.0]}"), 7, "[",
       "axes.alpha.range", "must be [low, high]"},
      {"RangeNotAnArray", design("sobol", "alpha", "{range = 1.1}"), 7, "1.1", "axes.alpha.range",
       "must be [low, high]"},
      {"RangeMissing", design("sobol", "D", "{scale = \"log\"}"), 11, "{", "axes.D",
       "missing range = [low, high]"},
      {"BadScaleName", design("sobol", "N", "{range = [1e6, 1e12], scale = \"logarithmic\"}"), 10,
       "\"logarithmic\"", "axes.N.scale", "\"logarithmic\": valid are \"linear\", \"log\""},
      {"ScaleWrongCase", design("latin-hypercube", "N", "{range = [1e6, 1e12], scale = \"Log\"}"),
       10, "\"Log\"", "axes.N.scale", "\"Log\": valid are \"linear\", \"log\""},

      // --- [sweep] ---
      {"ChunkPointsZero", with_sweep("chunk_points = 0"), 2, "0", "sweep.chunk_points",
       "0 is out of range: must be an integer in [1, 16777216]"},
      {"ChunkPointsAboveMax", with_sweep("chunk_points = 16777217"), 2, "16777217",
       "sweep.chunk_points", "16777217 is out of range: must be an integer in [1, 16777216]"},
      {"ChunkPointsNotInteger", with_sweep("chunk_points = 1024.5"), 2, "1024.5",
       "sweep.chunk_points", "1024.5 is not an integer"},
      {"ChunkPointsInf", with_sweep("chunk_points = inf"), 2, "inf", "sweep.chunk_points",
       "inf is out of range"},
      {"ChunkPointsNan", with_sweep("chunk_points = nan"), 2, "nan", "sweep.chunk_points",
       "nan is not an integer"},
      {"NameEmpty", with_sweep("name = \"\""), 2, "\"\"", "sweep.name",
       "must not be empty (or leave it out)"},
      {"ModeUnknown", with_sweep("mode = \"fast\""), 2, "\"fast\"", "sweep.mode",
       "\"fast\": valid are \"exact\", \"mc\", \"both\""},
      // --- Monte Carlo settings in [sweep] ---
      {"McWithoutReplicas", with_sweep("mode = \"mc\""), 2, "\"mc\"", "sweep.replicas",
       "missing: mode = \"mc\" needs the number of Monte Carlo replicas per point, in [2, "
       "10000000]"},
      {"ReplicasWithExactMode", with_sweep("replicas = 10"), 2, "10", "sweep.replicas",
       "applies to Monte Carlo only: set mode = \"mc\" or \"both\""},
      {"SeedWithoutMc", with_sweep("seed = 3"), 2, "3", "sweep.seed", "applies to Monte Carlo"},
      {"SamplingWithoutMc", with_sweep("sampling = \"sequential\""), 2, "\"sequential\"",
       "sweep.sampling", "applies to Monte Carlo"},
      {"ReplicasOne", with_sweep("mode = \"both\"\nreplicas = 1"), 3, "1", "sweep.replicas",
       "1 is out of range: must be an integer in [2, 10000000]"},
      {"ReplicasNotInteger", with_sweep("mode = \"both\"\nreplicas = 10.5"), 3, "10.5",
       "sweep.replicas", "10.5 is not an integer: must be an integer in [2, 10000000]"},
      {"ReplicasString", with_sweep("mode = \"mc\"\nreplicas = \"100\""), 3, "\"100\"",
       "sweep.replicas", "integer"},
      {"McSeedNegative", with_sweep("mode = \"mc\"\nreplicas = 4\nseed = -1"), 4, "-1",
       "sweep.seed", "-1 is out of range"},
      {"SamplingUnknown", with_sweep("mode = \"mc\"\nreplicas = 4\nsampling = \"shuffled\""), 4,
       "\"shuffled\"", "sweep.sampling",
       "\"shuffled\": valid are \"sequential\", \"with-replacement\""},
      {"McFractionalTokens",
       "[sweep]\nmode = \"both\"\nreplicas = 4\n[axes]\nalpha = 2.0\nbeta = 1.0\ngamma = 1.0\n"
       "N = 1e6\nD = {logspace = [1e3, 1e6, 7]}\ntau = inf\n",
       9, "{", "axes.D", "D = 3162.2776601683795 is not a whole number of tokens; Monte Carlo"},
      {"WithReplacementOverCapacity",
       "[sweep]\nmode = \"mc\"\nreplicas = 4\nsampling = \"with-replacement\"\n[axes]\n"
       "alpha = 2.0\nbeta = 1.0\ngamma = 1.0\nN = [10, 1e6]\nD = 1e8\ntau = 1e9\n",
       4, "\"with-replacement\"", "sweep.sampling",
       "needs M = floor(c_N N^gamma) <= 100000; this grid reaches M = "},
      {"DesignUnknown", with_sweep("design = \"random\""), 2, "\"random\"", "sweep.design",
       "\"random\": valid are \"factorial\", \"latin-hypercube\", \"sobol\""},
      {"DesignMisspelt", with_sweep("design = \"latin_hypercube\""), 2, "\"latin_hypercube\"",
       "sweep.design", "\"latin_hypercube\": valid are"},
      {"OutputEmpty", with_sweep("output = \"\""), 2, "\"\"", "sweep.output", "must not be empty"},
      {"SubtableInSweep",
       "[sweep]\nname = \"t\"\n[sweep.extra]\nx = 1\n[axes]\n" + axes_lines("", {}, false), 3,
       "extra", "sweep.extra", "unknown key"},

      // --- grid size against max_points ---
      {"FactorialOverMaxPoints", factorial("N", "{logspace = [1e3, 1e9, 1001]}"), 3, "", "axes",
       "the grid has 1001 points, over --max-points = 1000", 1000},
      {"FactorialListOverMaxPoints", factorial("alpha", "[1.5, 2.0, 3.0]"), 3, "", "axes",
       "the grid has 3 points, over --max-points = 2", 2},
      {"FactorialProductBeyondUint64",
       "[sweep]\n[axes]\nalpha = {linspace = [1.5, 9.5, 100000]}\nbeta = 1.0\ngamma = 1.0\n"
       "N = {logspace = [1, 1e24, 100000]}\nD = {logspace = [1, 1e24, 100000]}\n"
       "tau = {logspace = [1, 1e24, 100000]}\n",
       2, "", "axes", "the grid has 1e+20 points, over --max-points = 18446744073709551615",
       std::numeric_limits<std::uint64_t>::max()},
      {"DesignCountOverMaxPoints", with_design_body("count = 200\n"), 4, "200", "design.count",
       "200 points is over --max-points = 100: lower count or raise --max-points", 100},
      {"SobolCountOverMaxPoints", design("sobol"), 4, "100", "design.count",
       "100 points is over --max-points = 99", 99},

      // --- user text echoed in a message stays on one line ---
      {"ModeWithNewline", with_sweep("mode = \"ex\\nact\""), 2, "\"ex", "sweep.mode",
       "valid are \"exact\", \"mc\", \"both\""},
      {"DesignNameWithNewline", with_sweep("design = \"sob\\nol\""), 2, "\"sob", "sweep.design",
       "valid are \"factorial\", \"latin-hypercube\", \"sobol\""},
      {"QuotedKeyWithNewline", factorial() + "\"del\\nta\" = 1.0\n", 10, "\"del", "axes.del\\nta",
       "unknown key; valid keys here: alpha"},
      {"ModeWithTab", with_sweep("mode = \"exact\\t\""), 2, "\"exact", "sweep.mode",
       "\"exact\\t\": valid are \"exact\", \"mc\", \"both\""},
      {"ScaleWithNewline", design("sobol", "N", "{range = [1e6, 1e12], scale = \"lo\\ng\"}"), 10,
       "\"lo", "axes.N.scale", "valid are \"linear\", \"log\""},
  };
  return cases;
}

std::string error_of(const std::string& text, std::uint64_t max_points = kMaxPoints) {
  try {
    parse_spec(text, kSource, max_points);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

class MalformedSpec : public ::testing::TestWithParam<BadSpec> {};

TEST_P(MalformedSpec, FailsOnOneLineNamingPlaceKeyAndProblem) {
  const BadSpec& c = GetParam();
  const std::string what = error_of(c.text, c.max_points);
  ASSERT_FALSE(what.empty()) << "parsed without error:\n" << c.text;
  int column = 1;
  if (!c.column_at.empty()) {
    const std::string line = line_of(c.text, c.line);
    const std::size_t pos = line.find(c.column_at);
    ASSERT_NE(pos, std::string::npos)
        << "bad test case: \"" << c.column_at << "\" is not on line " << c.line;
    column = static_cast<int>(pos) + 1;
  }
  const std::string prefix = std::string(kSource) + ":" + std::to_string(c.line) + ":" +
                             std::to_string(column) + ": " + c.key + ": ";
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  EXPECT_EQ(what.find('\r'), std::string::npos) << what;
  EXPECT_EQ(what.rfind(std::string(kSource) + ":", 0), 0u) << what;
  EXPECT_EQ(what.substr(0, prefix.size()), prefix) << what;
  EXPECT_GT(what.size(), prefix.size()) << what;
  EXPECT_NE(what.find(c.message, prefix.size()), std::string::npos)
      << "expected \"" << c.message << "\" in: " << what;
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedSpec, ::testing::ValuesIn(bad_specs()),
                         [](const ::testing::TestParamInfo<BadSpec>& info) {
                           return std::string(info.param.name);
                         });

TEST(MalformedSpecTable, HasAtLeast35DistinctCases) {
  EXPECT_GE(bad_specs().size(), 35u);
  std::vector<std::string> texts;
  for (const BadSpec& c : bad_specs()) texts.push_back(c.text);
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(std::adjacent_find(texts.begin(), texts.end()), texts.end());
}

TEST(ParseSpecFile, UnreadableFileIsASpecError) {
  try {
    parse_spec_file("/nonexistent/dir/spec.toml", kMaxPoints);
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/spec.toml: cannot read the spec file");
  }
}

// The base specs of the table are themselves valid: each case fails for its own reason.
TEST(ParseSpec, BaseSpecsOfTheTableAreValid) {
  EXPECT_EQ(error_of(factorial()), "");
  EXPECT_EQ(error_of(design("latin-hypercube")), "");
  EXPECT_EQ(error_of(design("sobol")), "");
  EXPECT_EQ(error_of(with_model("learning_rate = 0.5")), "");
  EXPECT_EQ(error_of(with_sweep("chunk_points = 16")), "");
  EXPECT_EQ(error_of(with_design_body("count = 10\nseed = 3\n")), "");
}

// ---------------------------------------------------------------------------------------------
// Valid specs.

std::string source_dir() { return MODESWEEP_SOURCE_DIR; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(JobSpecs, EveryJobsTomlParses) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() + "/jobs")) {
    if (entry.path().extension() != ".toml") continue;
    ++n;
    const std::string path = entry.path().string();
    try {
      // Reference-table specs (a [table] section) live in jobs/ too.
      if (read_file(path).find("\n[table]\n") != std::string::npos) {
        const auto table = modesweep::spec::parse_table_spec_file(path);
        EXPECT_FALSE(table.alpha.empty()) << path;
        continue;
      }
      const SweepSpec spec = parse_spec_file(path, kMaxPoints);
      EXPECT_EQ(spec.source_name, path);
      EXPECT_EQ(spec.text, read_file(path));
      EXPECT_GT(point_count(spec), 0u) << path;
    } catch (const SpecError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(n, 4);
}

SweepSpec job(const std::string& name) {
  return parse_spec_file(source_dir() + "/jobs/" + name, kMaxPoints);
}

TEST(JobSpecs, Demo) {
  const SweepSpec spec = job("demo.toml");
  EXPECT_EQ(spec.name, "demo");
  EXPECT_EQ(spec.mode, Mode::exact);
  EXPECT_EQ(spec.design, Design::factorial);
  EXPECT_EQ(spec.output, "results/demo.h5");
  EXPECT_EQ(spec.chunk_points, 2048u);
  EXPECT_EQ(point_count(spec), 55440u);
  EXPECT_EQ(point_count(spec), 3u * 3u * 2u * 20u * 11u * 14u);
  EXPECT_EQ(spec.axes[modesweep::spec::alpha].values, (std::vector<double>{1.5, 2.0, 3.0}));
  EXPECT_EQ(spec.axes[modesweep::spec::beta].values, (std::vector<double>{0.5, 1.0, 2.0}));
  EXPECT_EQ(spec.axes[modesweep::spec::gamma].values, (std::vector<double>{0.5, 1.0}));
  // N: 1e3, 10^3.5, ..., 1e12 (19 values), then inf; the whole decades are exact.
  const std::vector<double>& n = spec.axes[modesweep::spec::N].values;
  ASSERT_EQ(n.size(), 20u);
  for (int k = 0; k <= 9; ++k) EXPECT_EQ(n[2 * k], std::pow(10.0, 3 + k)) << k;
  EXPECT_NEAR(n[1], std::pow(10.0, 3.5), 1e-12 * n[1]);
  EXPECT_EQ(n.back(), inf);
  EXPECT_EQ(spec.axes[modesweep::spec::D].values.size(), 11u);
  EXPECT_EQ(spec.axes[modesweep::spec::tau].values.size(), 14u);
  EXPECT_EQ(spec.learning_rate, 0.1);
  EXPECT_EQ(spec.capacity_scale, 1.0);
  EXPECT_EQ(spec.irreducible, 0.0);
  EXPECT_THROW(parse_spec(spec.text, "demo", 55439), SpecError);
  EXPECT_EQ(point_count(parse_spec(spec.text, "demo", 55440)), 55440u);
}

TEST(JobSpecs, LlmScale) {
  const SweepSpec spec = job("llm-scale.toml");
  EXPECT_EQ(spec.design, Design::factorial);
  EXPECT_EQ(spec.chunk_points, 65536u);
  EXPECT_EQ(spec.flops_per_param_token, 6.0);
  EXPECT_EQ(point_count(spec), 3u * 2u * 2u * 141u * 71u * 37u);
  const std::vector<double>& tau = spec.axes[modesweep::spec::tau].values;
  ASSERT_EQ(tau.size(), 37u);
  EXPECT_EQ(tau.front(), 1e8);
  EXPECT_EQ(tau[5], 1e9);  // 5 per decade: decades land on powers of ten
  EXPECT_EQ(tau[35], 1e15);
  EXPECT_EQ(tau[36], inf);
}

TEST(JobSpecs, SensitivityLatinHypercube) {
  const SweepSpec spec = job("sensitivity-lhs.toml");
  EXPECT_EQ(spec.design, Design::latin_hypercube);
  EXPECT_EQ(spec.count, 20000u);
  EXPECT_EQ(spec.seed, 20261123u);
  EXPECT_EQ(spec.chunk_points, 2000u);
  EXPECT_EQ(point_count(spec), 20000u);
  for (int a = 0; a < 6; ++a) EXPECT_TRUE(spec.axes[a].is_range) << a;
  const AxisSpec& alpha = spec.axes[modesweep::spec::alpha];
  EXPECT_EQ(alpha.low, 1.1);
  EXPECT_EQ(alpha.high, 4.0);
  EXPECT_FALSE(alpha.log_scale);
  const AxisSpec& tau = spec.axes[modesweep::spec::tau];
  EXPECT_EQ(tau.low, 1e8);
  EXPECT_EQ(tau.high, 1e15);
  EXPECT_TRUE(tau.log_scale);
}

TEST(JobSpecs, SensitivitySobol) {
  const SweepSpec spec = job("sensitivity-sobol.toml");
  EXPECT_EQ(spec.design, Design::sobol);
  EXPECT_EQ(spec.count, 16384u);
  EXPECT_EQ(spec.seed, 7u);
  EXPECT_EQ(point_count(spec), 16384u);
  const AxisSpec& gamma = spec.axes[modesweep::spec::gamma];
  EXPECT_FALSE(gamma.is_range);
  EXPECT_EQ(gamma.values, (std::vector<double>{1.0}));
  const AxisSpec& tau = spec.axes[modesweep::spec::tau];
  EXPECT_FALSE(tau.is_range);
  EXPECT_EQ(tau.values, (std::vector<double>{inf}));
  EXPECT_TRUE(spec.axes[modesweep::spec::N].log_scale);
  EXPECT_TRUE(spec.axes[modesweep::spec::N].is_range);
  EXPECT_FALSE(spec.axes[modesweep::spec::beta].log_scale);
}

const std::vector<double>& values(const SweepSpec& spec, int axis) {
  return spec.axes[axis].values;
}

TEST(ParseSpec, LogspaceDecadesAreExactPowersOfTen) {
  const SweepSpec spec =
      parse_spec(factorial("N", "{logspace = [1e3, 1e9, 7]}"), kSource, kMaxPoints);
  EXPECT_EQ(values(spec, modesweep::spec::N),
            (std::vector<double>{1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}));
}

TEST(ParseSpec, LogspaceEndpointsExactAndGeometric) {
  const SweepSpec spec =
      parse_spec(factorial("D", "{logspace = [3e3, 7.7e9, 13]}"), kSource, kMaxPoints);
  const std::vector<double>& d = values(spec, modesweep::spec::D);
  ASSERT_EQ(d.size(), 13u);
  EXPECT_EQ(d.front(), 3e3);
  EXPECT_EQ(d.back(), 7.7e9);
  const double ratio = std::pow(7.7e9 / 3e3, 1.0 / 12.0);
  for (std::size_t i = 1; i < d.size(); ++i) {
    EXPECT_GT(d[i], d[i - 1]);
    EXPECT_NEAR(d[i] / d[i - 1], ratio, 1e-13) << i;
  }
}

TEST(ParseSpec, LinspaceValues) {
  const SweepSpec spec =
      parse_spec(factorial("alpha", "{linspace = [1.5, 3.0, 4]}"), kSource, kMaxPoints);
  EXPECT_EQ(values(spec, modesweep::spec::alpha), (std::vector<double>{1.5, 2.0, 2.5, 3.0}));

  const SweepSpec odd =
      parse_spec(factorial("beta", "{linspace = [0.1, 0.7, 7]}"), kSource, kMaxPoints);
  const std::vector<double>& b = values(odd, modesweep::spec::beta);
  ASSERT_EQ(b.size(), 7u);
  EXPECT_EQ(b.front(), 0.1);
  EXPECT_EQ(b.back(), 0.7);
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(b[i], 0.1 * (i + 1), 1e-15) << i;
}

TEST(ParseSpec, WithInfAppendsInfinity) {
  const SweepSpec spec = parse_spec(
      factorial("tau", "{logspace = [1e3, 1e12, 10], with_inf = true}"), kSource, kMaxPoints);
  const std::vector<double>& tau = values(spec, modesweep::spec::tau);
  ASSERT_EQ(tau.size(), 11u);
  EXPECT_EQ(tau[0], 1e3);
  EXPECT_EQ(tau[9], 1e12);
  EXPECT_EQ(tau[10], inf);

  const SweepSpec lin =
      parse_spec(factorial("N", "{linspace = [10, 30, 3], with_inf = true}"), kSource, kMaxPoints);
  EXPECT_EQ(values(lin, modesweep::spec::N), (std::vector<double>{10, 20, 30, inf}));

  const SweepSpec without = parse_spec(
      factorial("D", "{logspace = [1e3, 1e5, 3], with_inf = false}"), kSource, kMaxPoints);
  EXPECT_EQ(values(without, modesweep::spec::D), (std::vector<double>{1e3, 1e4, 1e5}));
}

TEST(ParseSpec, IntegerTomlValuesAcceptedForFloats) {
  const std::string text =
      "[sweep]\n[model]\nlearning_rate = 1\ncapacity_scale = 1000\nirreducible = 0\n"
      "flops_per_param_token = 6\n[axes]\nalpha = 2\nbeta = [1, 2]\ngamma = 10\n"
      "N = 1000000\nD = {logspace = [1000, 1000000000, 7]}\ntau = {linspace = [1, 10, 10]}\n";
  const SweepSpec spec = parse_spec(text, kSource, kMaxPoints);
  EXPECT_EQ(values(spec, modesweep::spec::alpha), (std::vector<double>{2.0}));
  EXPECT_EQ(values(spec, modesweep::spec::beta), (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(values(spec, modesweep::spec::gamma), (std::vector<double>{10.0}));
  EXPECT_EQ(values(spec, modesweep::spec::N), (std::vector<double>{1e6}));
  EXPECT_EQ(values(spec, modesweep::spec::D),
            (std::vector<double>{1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}));
  EXPECT_EQ(values(spec, modesweep::spec::tau),
            (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(spec.learning_rate, 1.0);
  EXPECT_EQ(spec.capacity_scale, 1000.0);
  EXPECT_EQ(spec.irreducible, 0.0);
  EXPECT_EQ(spec.flops_per_param_token, 6.0);
  EXPECT_EQ(point_count(spec), 2u * 7u * 10u);

  const SweepSpec range = parse_spec(design("sobol", "alpha", "{range = [2, 4]}"), kSource, 1000);
  EXPECT_EQ(range.axes[modesweep::spec::alpha].low, 2.0);
  EXPECT_EQ(range.axes[modesweep::spec::alpha].high, 4.0);
}

TEST(ParseSpec, IntegralFloatsAcceptedForIntegerFields) {
  const std::string text =
      "[sweep]\ndesign = \"sobol\"\nchunk_points = 1e6\n[design]\ncount = 1e4\nseed = 1e3\n"
      "[axes]\nalpha = {range = [1.5, 2.5]}\nbeta = 1.0\ngamma = 1.0\nN = 1e6\nD = 1e8\n"
      "tau = inf\n";
  const SweepSpec spec = parse_spec(text, kSource, kMaxPoints);
  EXPECT_EQ(spec.chunk_points, 1000000u);
  EXPECT_EQ(spec.count, 10000u);
  EXPECT_EQ(spec.seed, 1000u);
  const SweepSpec lin =
      parse_spec(factorial("N", "{logspace = [1e3, 1e5, 3.0]}"), kSource, kMaxPoints);
  EXPECT_EQ(values(lin, modesweep::spec::N), (std::vector<double>{1e3, 1e4, 1e5}));
}

TEST(ParseSpec, Defaults) {
  const std::string text =
      "[sweep]\n[axes]\nalpha = 2\nbeta = 1\ngamma = 1\nN = 10\nD = 10\ntau = 10\n";
  const SweepSpec spec = parse_spec(text, kSource, kMaxPoints);
  EXPECT_EQ(spec.source_name, kSource);
  EXPECT_EQ(spec.text, text);
  EXPECT_EQ(spec.name, "");
  EXPECT_EQ(spec.mode, Mode::exact);
  EXPECT_EQ(spec.design, Design::factorial);
  EXPECT_EQ(spec.output, "");
  EXPECT_EQ(spec.chunk_points, 8192u);
  EXPECT_EQ(spec.learning_rate, modesweep::model::default_learning_rate);
  EXPECT_EQ(spec.capacity_scale, modesweep::model::default_capacity_scale);
  EXPECT_EQ(spec.irreducible, modesweep::model::default_irreducible);
  EXPECT_EQ(spec.flops_per_param_token, modesweep::model::default_flops_per_param_token);
  EXPECT_EQ(spec.learning_rate, 0.1);
  EXPECT_EQ(spec.capacity_scale, 1.0);
  EXPECT_EQ(spec.irreducible, 0.0);
  EXPECT_EQ(spec.flops_per_param_token, 6.0);
  EXPECT_EQ(spec.count, 0u);
  EXPECT_EQ(spec.seed, 0u);
  EXPECT_EQ(point_count(spec), 1u);
  for (int a = 0; a < 6; ++a) {
    EXPECT_FALSE(spec.axes[a].is_range);
    EXPECT_EQ(spec.axes[a].values.size(), 1u);
  }
  // An empty [model] table keeps the defaults too; a design without seed has seed 0.
  EXPECT_EQ(parse_spec(text + "[model]\n", kSource, kMaxPoints).learning_rate, 0.1);
  const SweepSpec lhs = parse_spec(with_design_body("count = 5\n"), kSource, kMaxPoints);
  EXPECT_EQ(lhs.seed, 0u);
  EXPECT_EQ(lhs.count, 5u);
  EXPECT_FALSE(lhs.axes[modesweep::spec::alpha].log_scale);  // scale defaults to linear
}

TEST(ParseSpec, ModelConstantsRead) {
  const SweepSpec spec = parse_spec(factorial() +
                                        "[model]\nlearning_rate = 0.25\ncapacity_scale = 0.7\n"
                                        "irreducible = 1.75\nflops_per_param_token = 8.5\n",
                                    kSource, kMaxPoints);
  EXPECT_EQ(spec.learning_rate, 0.25);
  EXPECT_EQ(spec.capacity_scale, 0.7);
  EXPECT_EQ(spec.irreducible, 1.75);
  EXPECT_EQ(spec.flops_per_param_token, 8.5);
}

TEST(ParseSpec, DomainEdgesAccepted) {
  const std::string text =
      "[sweep]\n[model]\nlearning_rate = 1.0\ncapacity_scale = 1e3\nirreducible = 0.0\n[axes]\n"
      "alpha = [1.0000001, 10]\nbeta = [1e-300, 10]\ngamma = [1e-300, 10]\nN = [1, 1e24, inf]\n"
      "D = [1, 1e24, inf]\ntau = [1, 1e24, inf]\n";
  EXPECT_EQ(error_of(text), "");
}

TEST(ParseSpec, ListValuesKeepTheirOrder) {
  const SweepSpec spec = parse_spec(factorial("alpha", "[3.0, 1.5, 2.0]"), kSource, kMaxPoints);
  EXPECT_EQ(values(spec, modesweep::spec::alpha), (std::vector<double>{3.0, 1.5, 2.0}));
}

TEST(ParseSpec, AxisAsSubTable) {
  const std::string text =
      "[sweep]\n[axes]\nalpha = 2\nbeta = 1\ngamma = 1\nD = 10\ntau = 10\n"
      "[axes.N]\nlogspace = [1e2, 1e4, 3]\nwith_inf = true\n";
  const SweepSpec spec = parse_spec(text, kSource, kMaxPoints);
  EXPECT_EQ(values(spec, modesweep::spec::N), (std::vector<double>{1e2, 1e3, 1e4, inf}));
}

TEST(ParseSpec, DesignAxes) {
  const SweepSpec spec =
      parse_spec(design("latin-hypercube", "beta", "{range = [0.5, 2.0], scale = \"linear\"}"),
                 kSource, kMaxPoints);
  EXPECT_EQ(spec.design, Design::latin_hypercube);
  EXPECT_EQ(spec.count, 100u);
  EXPECT_EQ(spec.seed, 1u);
  const AxisSpec& beta = spec.axes[modesweep::spec::beta];
  EXPECT_TRUE(beta.is_range);
  EXPECT_FALSE(beta.log_scale);
  EXPECT_EQ(beta.low, 0.5);
  EXPECT_EQ(beta.high, 2.0);
  const AxisSpec& n = spec.axes[modesweep::spec::N];
  EXPECT_TRUE(n.is_range);
  EXPECT_TRUE(n.log_scale);
  EXPECT_EQ(n.low, 1e6);
  EXPECT_EQ(n.high, 1e12);
  EXPECT_FALSE(spec.axes[modesweep::spec::gamma].is_range);
  EXPECT_EQ(spec.axes[modesweep::spec::gamma].values, (std::vector<double>{1.0}));
  EXPECT_EQ(spec.axes[modesweep::spec::tau].values, (std::vector<double>{inf}));
  EXPECT_EQ(point_count(spec), 100u);
}

TEST(ParseSpec, LimitsInclusive) {
  EXPECT_EQ(parse_spec(with_sweep("chunk_points = 1"), kSource, kMaxPoints).chunk_points, 1u);
  EXPECT_EQ(parse_spec(with_sweep("chunk_points = 16777216"), kSource, kMaxPoints).chunk_points,
            modesweep::spec::max_chunk_points);
  EXPECT_EQ(parse_spec(with_design_body("count = 1\nseed = 0\n"), kSource, kMaxPoints).count, 1u);
  EXPECT_EQ(parse_spec(with_design_body("count = 100\n"), kSource, 100).count, 100u);
  EXPECT_EQ(point_count(parse_spec(factorial("alpha", "[1.5, 2.0]"), kSource, 2)), 2u);
  EXPECT_EQ(
      parse_spec(with_design_body("count = 10\nseed = 9223372036854775807\n"), kSource, kMaxPoints)
          .seed,
      9223372036854775807u);
}

// Integer fields keep every bit of a TOML integer (a seed above 2^53 is not rounded).
TEST(ParseSpec, LargeIntegerSeedsExact) {
  for (const std::uint64_t seed :
       {std::uint64_t{9007199254740993}, std::uint64_t{12345678901234567891u} / 2,
        std::uint64_t{9223372036854775807}}) {
    const SweepSpec spec = parse_spec(
        with_design_body("count = 10\nseed = " + std::to_string(seed) + "\n"), kSource, kMaxPoints);
    EXPECT_EQ(spec.seed, seed);
  }
  EXPECT_NE(
      parse_spec(with_design_body("count = 10\nseed = 9007199254740993\n"), kSource, kMaxPoints)
          .seed,
      parse_spec(with_design_body("count = 10\nseed = 9007199254740992\n"), kSource, kMaxPoints)
          .seed);
}

TEST(ParseSpec, MonteCarloSettings) {
  const auto spec =
      parse_spec(with_sweep("mode = \"both\"\nreplicas = 250\nseed = 9007199254740993\n"
                            "sampling = \"sequential\""),
                 kSource, kMaxPoints);
  EXPECT_EQ(spec.mode, Mode::both);
  EXPECT_EQ(spec.replicas, 250u);
  EXPECT_EQ(spec.mc_seed, 9007199254740993u);  // beyond 2^53: kept exactly
  EXPECT_EQ(spec.sampling, modesweep::spec::McSampling::sequential);
  EXPECT_TRUE(modesweep::spec::has_exact(spec) && modesweep::spec::has_mc(spec));
  const auto mc = parse_spec(with_sweep("mode = \"mc\"\nreplicas = 2"), kSource, kMaxPoints);
  EXPECT_EQ(mc.mc_seed, 0u);
  EXPECT_FALSE(modesweep::spec::has_exact(mc));
  EXPECT_STREQ(modesweep::spec::mode_name(Mode::mc), "mc");
  // with-replacement with tau = inf everywhere never samples observations: any M is fine.
  EXPECT_EQ(parse_spec(with_sweep("mode = \"mc\"\nreplicas = 2\nsampling = \"with-replacement\""),
                       kSource, kMaxPoints)
                .sampling,
            modesweep::spec::McSampling::with_replacement);
  EXPECT_STREQ(modesweep::spec::mode_name(Mode::both), "both");
}

TEST(ParseSpec, ModeAndDesignNames) {
  EXPECT_EQ(parse_spec(with_sweep("mode = \"exact\""), kSource, kMaxPoints).mode, Mode::exact);
  EXPECT_STREQ(modesweep::spec::mode_name(Mode::exact), "exact");
  EXPECT_STREQ(modesweep::spec::design_name(Design::factorial), "factorial");
  EXPECT_STREQ(modesweep::spec::design_name(Design::latin_hypercube), "latin-hypercube");
  EXPECT_STREQ(modesweep::spec::design_name(Design::sobol), "sobol");
  for (Design d : {Design::factorial, Design::latin_hypercube, Design::sobol}) {
    const std::string line = std::string("design = \"") + modesweep::spec::design_name(d) + "\"";
    const std::string text =
        d == Design::factorial
            ? with_sweep(line)
            : "[sweep]\n" + line + "\n[design]\ncount = 4\n[axes]\n" + axes_lines("", {}, true);
    EXPECT_EQ(parse_spec(text, kSource, kMaxPoints).design, d);
  }
}

}  // namespace
