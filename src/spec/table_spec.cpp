#include "modesweep/spec/table_spec.hpp"

#include <fmt/format.h>

#include <cmath>

#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/spec/toml_reader.hpp"

namespace modesweep::spec {

TableSpec parse_table_spec(std::string_view text, const std::string& source_name) {
  TomlReader r(source_name);
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    r.fail(e.source(), "(syntax)", std::string(e.description()));
  }
  TableSpec spec;
  spec.source_name = source_name;
  spec.text = std::string(text);
  r.check_keys(root, "", {"table", "model", "grid", "range"});
  if (const toml::table* t = r.optional_table(root, "table")) {
    r.check_keys(*t, "table.", {"name", "points", "onset_tolerance"});
    if (const toml::node* n = t->get("name")) spec.name = r.string(*n, "table.name");
    if (const toml::node* n = t->get("points")) spec.points = r.count(*n, "table.points", 3, 200);
    if (const toml::node* n = t->get("onset_tolerance")) {
      spec.onset_tolerance = r.number(*n, "table.onset_tolerance");
      if (!(spec.onset_tolerance > 0.0 && spec.onset_tolerance < 1.0)) {
        r.fail(n->source(), "table.onset_tolerance",
               fmt::format("{} is out of range: must be in (0, 1)", spec.onset_tolerance));
      }
    }
  }
  if (const toml::table* t = r.optional_table(root, "model")) {
    r.check_keys(*t, "model.", {"learning_rate", "capacity_scale", "flops_per_param_token"});
    if (const toml::node* n = t->get("learning_rate"))
      spec.learning_rate = r.field_value(*n, "model.learning_rate", "learning_rate");
    if (const toml::node* n = t->get("capacity_scale"))
      spec.capacity_scale = r.field_value(*n, "model.capacity_scale", "capacity_scale");
    if (const toml::node* n = t->get("flops_per_param_token")) {
      spec.flops_per_param_token = r.number(*n, "model.flops_per_param_token");
      if (!(spec.flops_per_param_token > 0.0 && std::isfinite(spec.flops_per_param_token))) {
        r.fail(n->source(), "model.flops_per_param_token", "must be a finite number > 0");
      }
    }
  }
  const toml::table* grid = r.optional_table(root, "grid");
  if (grid == nullptr) {
    throw SpecError(
        fmt::format("{}: grid: missing [grid] with alpha, beta, gamma lists", source_name));
  }
  r.check_keys(*grid, "grid.", {"alpha", "beta", "gamma"});
  for (const auto& [field, target] :
       {std::pair{"alpha", &spec.alpha}, std::pair{"beta", &spec.beta},
        std::pair{"gamma", &spec.gamma}}) {
    const std::string key = std::string("grid.") + field;
    const toml::node* n = grid->get(field);
    if (n == nullptr) {
      throw SpecError(fmt::format("{}: {}: missing (a list of values)", source_name, key));
    }
    if (const toml::array* list = n->as_array()) {
      if (list->empty() || list->size() > 100) {
        r.fail(n->source(), key, "must hold 1 to 100 values");
      }
      for (const toml::node& v : *list) target->push_back(r.field_value(v, key, field));
    } else {
      target->push_back(r.field_value(*n, key, field));
    }
  }
  if (const toml::table* t = r.optional_table(root, "range")) {
    r.check_keys(*t, "range.", {"resource", "budget", "unique_tokens"});
    const auto pair = [&](const char* name, double& lo, double& hi, double min, double max) {
      const toml::node* n = t->get(name);
      if (n == nullptr) return;
      const std::string key = std::string("range.") + name;
      const toml::array* a = n->as_array();
      if (a == nullptr || a->size() != 2) r.fail(n->source(), key, "must be [low, high]");
      lo = r.number(*a->get(0), key);
      hi = r.number(*a->get(1), key);
      if (!(lo >= min && hi <= max && lo * 10.0 <= hi)) {
        r.fail(n->source(), key,
               fmt::format("[{}, {}] must lie in [{}, {}] and span at least a decade", lo, hi, min,
                           max));
      }
    };
    pair("resource", spec.resource_min, spec.resource_max, 1.0, 1e24);
    pair("budget", spec.budget_min, spec.budget_max, spec.flops_per_param_token,
         spec.flops_per_param_token * 1e48);
    if (const toml::node* n = t->get("unique_tokens")) {
      spec.unique_tokens = r.number(*n, "range.unique_tokens");
      if (!(spec.unique_tokens >= 1.0 && spec.unique_tokens <= 1e24)) {
        r.fail(n->source(), "range.unique_tokens",
               fmt::format("{} is out of range: must be in [1, 1e24]", spec.unique_tokens));
      }
    }
  }
  // The defaults too must suit the model's kappa.
  if (!(spec.budget_min >= spec.flops_per_param_token &&
        spec.budget_max <= spec.flops_per_param_token * 1e48)) {
    throw SpecError(fmt::format(
        "{}: range.budget: [{}, {}] must lie in [kappa, kappa 1e48] = [{}, {}]; set it in "
        "[range]",
        source_name, spec.budget_min, spec.budget_max, spec.flops_per_param_token,
        spec.flops_per_param_token * 1e48));
  }
  return spec;
}

TableSpec parse_table_spec_file(const std::string& path) {
  return parse_table_spec(read_spec_text(path), path);
}

}  // namespace modesweep::spec
