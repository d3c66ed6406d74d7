// Sweep spec parsing and validation (toml++). Every check runs before any work and reports
// FILE:LINE:COL, the key and the valid range on one line.
#include "modesweep/spec/sweep_spec.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/validate.hpp"
#include "modesweep/spec/toml_reader.hpp"

namespace modesweep::spec {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

using Reader = TomlReader;

// linspace/logspace endpoints are exact; logspace steps in log10 so that decades land on
// exact powers of ten (pow(10, 4) is exact, exp(4 log 10) is not).
std::vector<double> spaced(double a, double b, std::uint64_t n, bool log_scale) {
  std::vector<double> values(n);
  const double m = static_cast<double>(n - 1);
  for (std::uint64_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i);
    if (log_scale) {
      values[i] = std::pow(10.0, (std::log10(a) * (m - t) + std::log10(b) * t) / m);
    } else {
      values[i] = (a * (m - t) + b * t) / m;
    }
  }
  values.front() = a;
  values.back() = b;
  return values;
}

// One axis of a factorial grid: a number, a list, or {linspace|logspace = [a, b, n]}.
AxisSpec read_factorial_axis(const Reader& r, const toml::node& node, const std::string& key,
                             const char* field) {
  AxisSpec axis;
  if (const toml::array* list = node.as_array()) {
    if (list->empty()) r.fail(node.source(), key, "empty axis: give at least one value");
    if (list->size() > max_axis_values) {
      r.fail(node.source(), key, fmt::format("more than {} values", max_axis_values));
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      axis.values.push_back(r.field_value(*list->get(i), fmt::format("{}[{}]", key, i), field));
    }
  } else if (const toml::table* table = node.as_table()) {
    for (auto&& [name, value] : *table) {
      if (name.str() == "range" || name.str() == "scale") {
        r.fail(name.source(), key + "." + std::string(name.str()),
               "belongs to sampled designs (design = \"latin-hypercube\" or \"sobol\"); a "
               "factorial axis is a list, {linspace = [a, b, n]} or {logspace = [a, b, n]}");
      }
    }
    r.check_keys(*table, key + ".", {"linspace", "logspace", "with_inf"});
    const toml::node* lin = table->get("linspace");
    const toml::node* log = table->get("logspace");
    if ((lin == nullptr) == (log == nullptr)) {
      r.fail(node.source(), key,
             "give exactly one of {linspace = [a, b, n]} or {logspace = [a, b, n]}");
    }
    const toml::node& spec = lin != nullptr ? *lin : *log;
    const std::string spec_key = key + (lin != nullptr ? ".linspace" : ".logspace");
    const toml::array* abn = spec.as_array();
    if (abn == nullptr || abn->size() != 3) {
      r.fail(spec.source(), spec_key, "must be [first, last, count]");
    }
    const double a = r.field_value(*abn->get(0), spec_key + "[0]", field);
    const double b = r.field_value(*abn->get(1), spec_key + "[1]", field);
    const std::uint64_t n = r.count(*abn->get(2), spec_key + "[2]", 2, max_axis_values);
    if (std::isinf(a) || std::isinf(b)) {
      r.fail(spec.source(), spec_key, "endpoints must be finite (add with_inf = true for inf)");
    }
    if (!(a < b))
      r.fail(spec.source(), spec_key, fmt::format("first ({}) must be below last ({})", a, b));
    axis.values = spaced(a, b, n, log != nullptr);
    if (const toml::node* with_inf = table->get("with_inf")) {
      auto flag = with_inf->value_exact<bool>();
      if (!flag) r.fail(with_inf->source(), key + ".with_inf", "must be true or false");
      if (*flag) {
        if (auto problem = model::validate_field(field, infinity)) {
          r.fail(with_inf->source(), key + ".with_inf", *problem);
        }
        axis.values.push_back(infinity);
      }
    }
  } else {
    axis.values.push_back(r.field_value(node, key, field));
  }
  std::set<double> seen;
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    if (!seen.insert(axis.values[i]).second) {
      // Point at the repeated element when the axis is a list.
      const toml::array* list = node.as_array();
      const toml::source_region& where = list != nullptr ? list->get(i)->source() : node.source();
      const std::string at = list != nullptr ? fmt::format("{}[{}]", key, i) : key;
      r.fail(where, at,
             fmt::format("value {} appears twice: axis values must be distinct", axis.values[i]));
    }
  }
  return axis;
}

// One axis of a sampled design: a number (fixed) or {range = [low, high], scale = "linear"|"log"}.
AxisSpec read_design_axis(const Reader& r, const toml::node& node, const std::string& key,
                          const char* field) {
  AxisSpec axis;
  if (const toml::table* table = node.as_table()) {
    r.check_keys(*table, key + ".", {"range", "scale"});
    const toml::node* range = table->get("range");
    if (range == nullptr) r.fail(node.source(), key, "missing range = [low, high]");
    const toml::array* lh = range->as_array();
    if (lh == nullptr || lh->size() != 2)
      r.fail(range->source(), key + ".range", "must be [low, high]");
    axis.is_range = true;
    axis.low = r.field_value(*lh->get(0), key + ".range[0]", field);
    axis.high = r.field_value(*lh->get(1), key + ".range[1]", field);
    if (std::isinf(axis.low) || std::isinf(axis.high)) {
      r.fail(range->source(), key + ".range",
             "a sampled range must be finite (fix an axis at inf with a plain value)");
    }
    if (!(axis.low < axis.high)) {
      r.fail(range->source(), key + ".range",
             fmt::format("low ({}) must be below high ({})", axis.low, axis.high));
    }
    if (const toml::node* scale = table->get("scale")) {
      const std::string s = r.string(*scale, key + ".scale");
      if (s != "linear" && s != "log") {
        r.fail(scale->source(), key + ".scale",
               fmt::format("\"{}\": valid are \"linear\", \"log\"", printable(s)));
      }
      axis.log_scale = s == "log";
    }
    return axis;
  }
  if (node.is_array()) {
    r.fail(node.source(), key,
           "a sampled design takes {range = [low, high], scale = \"linear\"|\"log\"} or one fixed "
           "value, not a list (lists are for design = \"factorial\")");
  }
  axis.values.push_back(r.field_value(node, key, field));
  return axis;
}

}  // namespace

const char* design_name(Design design) {
  switch (design) {
    case Design::factorial:
      return "factorial";
    case Design::latin_hypercube:
      return "latin-hypercube";
    case Design::sobol:
      return "sobol";
  }
  return "?";
}

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::exact:
      return "exact";
    case Mode::mc:
      return "mc";
    case Mode::both:
      return "both";
  }
  return "?";
}

const char* sampling_name(McSampling sampling) {
  return sampling == McSampling::sequential ? "sequential" : "with-replacement";
}

std::uint64_t point_count(const SweepSpec& spec) {
  if (spec.design != Design::factorial) return spec.count;
  std::uint64_t n = 1;
  for (const AxisSpec& axis : spec.axes) n *= axis.values.size();
  return n;
}

namespace {

// with-replacement samples every mode up to M where D and tau are both finite (mc::
// with_replacement_max_modes): refuse a grid whose largest M there is over the limit.
void check_with_replacement_capacity(const Reader& r, const SweepSpec& spec,
                                     const toml::node& sampling) {
  auto largest = [&](int axis) {
    const AxisSpec& a = spec.axes[axis];
    return a.is_range ? a.high : *std::max_element(a.values.begin(), a.values.end());
  };
  auto has_finite = [&](int axis) {
    const AxisSpec& a = spec.axes[axis];
    if (a.is_range) return true;
    return std::any_of(a.values.begin(), a.values.end(), [](double v) { return std::isfinite(v); });
  };
  if (!has_finite(Axis::D) || !has_finite(Axis::tau)) return;
  const double N = largest(Axis::N), gamma = largest(Axis::gamma);
  const double M = model::detail::capacity_cutoff(N, gamma, spec.capacity_scale);  // as the kernel
  if (M > with_replacement_max_modes) {
    r.fail(sampling.source(), "sweep.sampling",
           fmt::format("\"with-replacement\" samples every mode where D and tau are finite, so it "
                       "needs M = floor(c_N N^gamma) <= {:g}; this grid reaches M = {:.4g}",
                       with_replacement_max_modes, M));
  }
}

}  // namespace

SweepSpec parse_spec(std::string_view text, const std::string& source_name,
                     std::uint64_t max_points) {
  const Reader r(source_name);
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw SpecError(fmt::format("{}:{}:{}: TOML syntax: {}", source_name, where.line, where.column,
                                e.description()));
  }
  SweepSpec spec;
  spec.source_name = source_name;
  spec.text = std::string(text);
  r.check_keys(root, "", {"sweep", "model", "design", "axes"});

  const toml::table* sweep = r.optional_table(root, "sweep");
  if (sweep == nullptr)
    r.fail(root.source(), "sweep", "missing [sweep] table (mode, design, output)");
  r.check_keys(
      *sweep, "sweep.",
      {"name", "mode", "design", "output", "chunk_points", "replicas", "seed", "sampling"});
  if (const toml::node* n = sweep->get("name")) {
    spec.name = r.string(*n, "sweep.name");
    // it names the Slurm jobs and the runs' logs (modesweep submit)
    if (spec.name.empty()) r.fail(n->source(), "sweep.name", "must not be empty (or leave it out)");
  }
  if (const toml::node* n = sweep->get("mode")) {
    const std::string mode = r.string(*n, "sweep.mode");
    if (mode == "exact") {
      spec.mode = Mode::exact;
    } else if (mode == "mc") {
      spec.mode = Mode::mc;
    } else if (mode == "both") {
      spec.mode = Mode::both;
    } else {
      r.fail(n->source(), "sweep.mode",
             fmt::format("\"{}\": valid are \"exact\", \"mc\", \"both\"", printable(mode)));
    }
  }
  // Monte Carlo settings (MODEL.md 4): only with mode = "mc" or "both", replicas required.
  for (const char* key : {"replicas", "seed", "sampling"}) {
    if (const toml::node* n = sweep->get(key); n != nullptr && spec.mode == Mode::exact) {
      r.fail(n->source(), std::string("sweep.") + key,
             "applies to Monte Carlo only: set mode = \"mc\" or \"both\"");
    }
  }
  if (spec.mode != Mode::exact) {
    const toml::node* n = sweep->get("replicas");
    if (n == nullptr) {
      r.fail(sweep->get("mode")->source(), "sweep.replicas",
             fmt::format("missing: mode = \"{}\" needs the number of Monte Carlo replicas per "
                         "point, in [{}, {}]",
                         mode_name(spec.mode), min_replicas, max_replicas));
    }
    spec.replicas = r.count(*n, "sweep.replicas", min_replicas, max_replicas);
    if (const toml::node* s = sweep->get("seed")) {
      spec.mc_seed = r.count(*s, "sweep.seed", 0, std::numeric_limits<std::int64_t>::max());
    }
    if (const toml::node* s = sweep->get("sampling")) {
      const std::string sampling = r.string(*s, "sweep.sampling");
      if (sampling == "sequential") {
        spec.sampling = McSampling::sequential;
      } else if (sampling == "with-replacement") {
        spec.sampling = McSampling::with_replacement;
      } else {
        r.fail(s->source(), "sweep.sampling",
               fmt::format("\"{}\": valid are \"sequential\", \"with-replacement\"",
                           printable(sampling)));
      }
    }
  }
  if (const toml::node* n = sweep->get("design")) {
    const std::string design = r.string(*n, "sweep.design");
    if (design == "factorial") {
      spec.design = Design::factorial;
    } else if (design == "latin-hypercube") {
      spec.design = Design::latin_hypercube;
    } else if (design == "sobol") {
      spec.design = Design::sobol;
    } else {
      r.fail(n->source(), "sweep.design",
             fmt::format("\"{}\": valid are \"factorial\", \"latin-hypercube\", \"sobol\"",
                         printable(design)));
    }
  }
  if (const toml::node* n = sweep->get("output")) {
    spec.output = r.string(*n, "sweep.output");
    if (spec.output.empty()) r.fail(n->source(), "sweep.output", "must not be empty");
  }
  if (const toml::node* n = sweep->get("chunk_points")) {
    spec.chunk_points = r.count(*n, "sweep.chunk_points", 1, max_chunk_points);
  }

  if (const toml::table* m = r.optional_table(root, "model")) {
    r.check_keys(*m, "model.",
                 {"learning_rate", "capacity_scale", "irreducible", "flops_per_param_token"});
    if (const toml::node* n = m->get("learning_rate")) {
      spec.learning_rate = r.field_value(*n, "model.learning_rate", "learning_rate");
    }
    if (const toml::node* n = m->get("capacity_scale")) {
      spec.capacity_scale = r.field_value(*n, "model.capacity_scale", "capacity_scale");
    }
    if (const toml::node* n = m->get("irreducible")) {
      spec.irreducible = r.field_value(*n, "model.irreducible", "irreducible");
    }
    if (const toml::node* n = m->get("flops_per_param_token")) {
      spec.flops_per_param_token = r.number(*n, "model.flops_per_param_token");
      if (!(spec.flops_per_param_token > 0.0 && std::isfinite(spec.flops_per_param_token))) {
        r.fail(
            n->source(), "model.flops_per_param_token",
            fmt::format("{} is out of range: must be finite and > 0", spec.flops_per_param_token));
      }
    }
  }

  const toml::table* design = r.optional_table(root, "design");
  if (spec.design == Design::factorial) {
    if (design != nullptr) {
      r.fail(design->source(), "design",
             "[design] (count, seed) applies to design = \"latin-hypercube\" or \"sobol\" only");
    }
  } else {
    if (design == nullptr) {
      const toml::node* named = sweep->get("design");
      r.fail(named != nullptr ? named->source() : sweep->source(), "design",
             fmt::format("design = \"{}\" needs a [design] table with count (and seed)",
                         design_name(spec.design)));
    }
    r.check_keys(*design, "design.", {"count", "seed"});
    const toml::node* count = design->get("count");
    if (count == nullptr) r.fail(design->source(), "design.count", "missing: the number of points");
    spec.count = r.count(*count, "design.count", 1, std::numeric_limits<std::int64_t>::max());
    if (const toml::node* n = design->get("seed")) {
      spec.seed = r.count(*n, "design.seed", 0, std::numeric_limits<std::int64_t>::max());
    }
  }

  const toml::table* axes = r.optional_table(root, "axes");
  if (axes == nullptr)
    r.fail(root.source(), "axes", "missing [axes] table (alpha, beta, gamma, N, D, tau)");
  r.check_keys(*axes, "axes.", {"alpha", "beta", "gamma", "N", "D", "tau"});
  for (int a = 0; a < axis_count; ++a) {
    const char* field = axis_names[a];
    const std::string key = std::string("axes.") + field;
    const toml::node* node = axes->get(field);
    if (node == nullptr) {
      r.fail(axes->source(), key,
             "missing: every axis needs a value (use inf for an unlimited resource)");
    }
    spec.axes[a] = spec.design == Design::factorial ? read_factorial_axis(r, *node, key, field)
                                                    : read_design_axis(r, *node, key, field);
  }

  // Grid size against --max-points, in floating point so that a huge product cannot wrap.
  if (spec.design == Design::factorial) {
    double product = 1.0;
    for (const AxisSpec& axis : spec.axes) product *= static_cast<double>(axis.values.size());
    if (product > static_cast<double>(max_points)) {
      r.fail(axes->source(), "axes",
             fmt::format("the grid has {:.4g} points, over --max-points = {}: shrink an axis or "
                         "raise --max-points",
                         product, max_points));
    }
  }
  if (spec.design != Design::factorial && spec.count > max_points) {
    r.fail(design->get("count")->source(), "design.count",
           fmt::format("{} points is over --max-points = {}: lower count or raise --max-points",
                       spec.count, max_points));
  }
  // Monte Carlo draws whole tokens: a factorial grid must list them (designs are rounded,
  // grid.hpp), so that the exact and Monte Carlo columns describe the same point.
  if (spec.mode != Mode::exact && spec.design == Design::factorial) {
    for (int axis : {Axis::D, Axis::tau}) {
      for (double v : spec.axes[axis].values) {
        if (std::isfinite(v) && v != std::floor(v)) {
          const std::string key = std::string("axes.") + axis_names[axis];
          r.fail(axes->get(axis_names[axis])->source(), key,
                 fmt::format("{} = {:.17g} is not a whole number of tokens; Monte Carlo (mode = "
                             "\"{}\") draws whole tokens: list integers, or use logspace with "
                             "whole decades",
                             axis_names[axis], v, mode_name(spec.mode)));
        }
      }
    }
  }
  if (spec.mode != Mode::exact && spec.sampling == McSampling::with_replacement) {
    check_with_replacement_capacity(r, spec, *sweep->get("sampling"));
  }
  // The chunk bookkeeping is held in full on every rank (about 40 bytes per chunk).
  if (const std::uint64_t chunks = (point_count(spec) + spec.chunk_points - 1) / spec.chunk_points;
      chunks > max_chunks) {
    const toml::node* n = sweep->get("chunk_points");
    r.fail(n != nullptr ? n->source() : sweep->source(), "sweep.chunk_points",
           fmt::format("{} chunks of {} points is over the limit of {} chunks: raise chunk_points",
                       chunks, spec.chunk_points, max_chunks));
  }
  return spec;
}

std::string read_spec_text(const std::string& path) {
  // An ifstream opens a directory and reads nothing: it would pass for an empty spec.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw SpecError(fmt::format("{}: is a directory, not a spec file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(fmt::format("{}: cannot read the spec file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

SweepSpec parse_spec_file(const std::string& path, std::uint64_t max_points) {
  return parse_spec(read_spec_text(path), path, max_points);
}

}  // namespace modesweep::spec
