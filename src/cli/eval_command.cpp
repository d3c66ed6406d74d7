#include "modesweep/cli/eval_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <ostream>

#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/usage_error.hpp"
#include "modesweep/io/bottleneck_text.hpp"
#include "modesweep/io/json_object.hpp"
#include "modesweep/io/number_text.hpp"
#include "modesweep/io/points_csv.hpp"
#include "modesweep/model/batch.hpp"
#include "modesweep/model/theory.hpp"
#include "modesweep/model/validate.hpp"

namespace modesweep::cli {
namespace {

using model::ModelPoint;

struct OptionSpec {
  const char* name;
  const char* field_name;  // MODEL.md / ModelPoint / CSV spelling
  double ModelPoint::*field;
  bool required;  // for a single point; the model constants have MODEL.md 2 defaults
  const char* help;
};

constexpr std::array<OptionSpec, 9> option_specs{{
    {"--alpha", "alpha", &ModelPoint::alpha, true,
     "Zipf exponent: mode k has weight p_k ~ k^(-alpha); in (1, 10]"},
    {"--beta", "beta", &ModelPoint::beta, true,
     "learning exponent: an observation keeps r_k = 1 - min(1, c p_k^(beta-1)); in (0, 10]"},
    {"--gamma", "gamma", &ModelPoint::gamma, true,
     "capacity exponent: N parameters hold M = floor(c_N N^gamma) modes; in (0, 10]"},
    {"--N", "N", &ModelPoint::N, true, "parameters; in [1, 1e24], or inf for no capacity limit"},
    {"--D", "D", &ModelPoint::D, true, "training tokens; in [1, 1e24], or inf for fresh data"},
    {"--tau", "tau", &ModelPoint::tau, true,
     "training steps; in [1, 1e24], or inf for training to convergence"},
    {"--learning-rate", "learning_rate", &ModelPoint::learning_rate, false,
     "c = eta*lambda_0; in (0, 1]"},
    {"--capacity-scale", "capacity_scale", &ModelPoint::capacity_scale, false,
     "c_N in M = floor(c_N N^gamma); in (0, 1e3]"},
    {"--irreducible", "irreducible", &ModelPoint::irreducible, false,
     "irreducible loss E in L = E + dL; finite, >= 0"},
}};

constexpr int table_digits = 6;

// exact/theory from the logs (both may underflow); "-" when either vanishes.
std::string ratio_text(double log_exact, double log_theory) {
  if (!std::isfinite(log_exact) || !std::isfinite(log_theory)) return "-";
  return fmt::format("{:.4g}", std::exp(log_exact - log_theory));
}

}  // namespace

std::string as_option_message(const std::string& validate_message) {
  if (validate_message.rfind("--", 0) == 0) return validate_message;  // names its option already
  const auto equals = validate_message.find(" = ");
  if (equals == std::string::npos) return validate_message;
  std::string option = "--" + validate_message.substr(0, equals);
  std::replace(option.begin(), option.end(), '_', '-');
  return option + validate_message.substr(equals);
}

namespace {

// The points in a View of the default execution space, and a View's values back on the host.
model::PointView to_device(const std::vector<ModelPoint>& points) {
  model::PointView device_points("modesweep::eval::points", points.size());
  auto host_points = Kokkos::create_mirror_view(device_points);
  for (std::size_t i = 0; i < points.size(); ++i) host_points(i) = points[i];
  Kokkos::deep_copy(device_points, host_points);
  return device_points;
}

template <class T>
std::vector<T> to_host(const Kokkos::View<T*>& values) {
  auto host = Kokkos::create_mirror_view(values);
  Kokkos::deep_copy(host, values);
  return std::vector<T>(host.data(), host.data() + host.extent(0));
}

}  // namespace

std::vector<model::LossResult> evaluate_points(const std::vector<ModelPoint>& points) {
  if (points.empty()) return {};
  // One batch for all points: the views live in the default execution space (batch.hpp).
  model::ResultView results("modesweep::eval::results", points.size());
  model::evaluate_batch(to_device(points), results);
  return to_host(results);
}

std::vector<mc::McStatistics> evaluate_mc_points(const std::vector<ModelPoint>& points,
                                                 const mc::McSettings& settings) {
  if (points.empty()) return {};
  mc::StatisticsView statistics("modesweep::eval::mc_statistics", points.size());
  mc::evaluate_mc_batch(to_device(points), 0, settings, statistics);
  return to_host(statistics);
}

EvalCommand::EvalCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "eval",
          "Exact expected loss of the Zipf mode-learning model (MODEL.md 3) beside the "
          "theory's asymptotic predictions (MODEL.md 5). Give one point with --alpha "
          "--beta --gamma --N --D --tau, or many with --points FILE.csv.")) {
  const ModelPoint defaults;
  for (std::size_t i = 0; i < option_specs.size(); ++i) {
    const OptionSpec& spec = option_specs[i];
    NumberOption& number = numbers_[i];
    number.field = spec.field;
    number.value = defaults.*spec.field;
    number.option = add_number_option(*app_, spec.name, number.value, spec.help);
    if (!spec.required) number.option->capture_default_str();
  }
  points_option_ = app_->add_option(
      "--points", points_path_,
      "CSV with header columns alpha,beta,gamma,N,D,tau (any order; optional learning_rate, "
      "capacity_scale, irreducible); writes the inputs and dL,eps_N,eps_D,eps_tau,bottleneck "
      "as CSV to stdout. Not combinable with the single-point options");
  points_option_->type_name("FILE");
  json_option_ = app_->add_flag("--json", "print one JSON object instead of the table");
  mc_option_ =
      app_->add_option("--mc", replicas_,
                       "also run the model as a random experiment (MODEL.md 4): R replicas of "
                       "the count-level sampler, reported as mc_mean, mc_stderr (= sd/sqrt(R)) "
                       "and the 5/50/95% quantiles mc_q05, mc_q50, mc_q95; R in [2, 1e7]. Cost "
                       "does not grow with N, D or tau; about 10^4 replicas/s per core")
          ->type_name("R")
          ->check(CLI::Range(mc::min_replicas, mc::max_replicas));
  seed_option_ = app_->add_option("--seed", seed_,
                                  "Monte Carlo seed, in [0, 2^63-1] as in sweep specs; replica j "
                                  "of point i uses the Philox stream keyed (seed, i, j)")
                     ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{9223372036854775807}))
                     ->capture_default_str();
  sampling_option_ =
      app_->add_option("--sampling", sampling_,
                       "how training goes through the training set: sequential (MODEL.md 2, "
                       "epoch after epoch) or with-replacement (each step a uniform draw from "
                       "the D tokens; no closed form, so exact columns stay the sequential "
                       "model's; needs M <= 1e5 when D and tau are finite)")
          ->check(CLI::IsMember({"sequential", "with-replacement"}))
          ->capture_default_str();
}

namespace {
// Monte Carlo draws whole tokens: why this point's D or tau cannot be sampled, or "".
std::string whole_tokens_problem(const ModelPoint& p) {
  for (const auto& [name, value] : {std::pair{"D", p.D}, std::pair{"tau", p.tau}}) {
    if (std::isfinite(value) && value != std::floor(value)) {
      return fmt::format(
          "{} = {:.17g} is not a whole number of tokens: Monte Carlo draws whole "
          "tokens",
          name, value);
    }
  }
  return "";
}
}  // namespace

mc::McSettings EvalCommand::mc_settings() const {
  mc::McSettings settings;
  if (mc_option_->count() == 0) {
    if (seed_option_->count() > 0) throw UsageError("--seed needs --mc R");
    if (sampling_option_->count() > 0) throw UsageError("--sampling needs --mc R");
    return settings;
  }
  settings.replicas = replicas_;
  settings.seed = seed_;
  settings.sampling =
      sampling_ == "sequential" ? mc::Sampling::sequential : mc::Sampling::with_replacement;
  return settings;
}

int EvalCommand::run(std::ostream& out) const {
  if (points_option_->count() > 0) return run_points(out);
  return run_single(out);
}

ModelPoint EvalCommand::point_from_options() const {
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < option_specs.size(); ++i) {
    if (option_specs[i].required && numbers_[i].option->count() == 0) {
      missing.emplace_back(option_specs[i].name);
    }
  }
  if (!missing.empty()) {
    throw UsageError(fmt::format(
        "eval needs --points FILE or all of --alpha --beta --gamma --N --D --tau (missing: {})",
        fmt::join(missing, " ")));
  }
  ModelPoint point;
  for (const NumberOption& number : numbers_) point.*number.field = number.value;
  if (const auto problem = model::validate_point(point)) {
    throw UsageError(as_option_message(*problem));
  }
  return point;
}

int EvalCommand::run_points(std::ostream& out) const {
  for (std::size_t i = 0; i < option_specs.size(); ++i) {
    if (numbers_[i].option->count() > 0) {
      throw UsageError(fmt::format(
          "--points cannot be combined with {}: give either --points FILE or one point's options",
          option_specs[i].name));
    }
  }
  if (json_option_->count() > 0) {
    throw UsageError("--points cannot be combined with --json: --points writes CSV");
  }
  const mc::McSettings settings = mc_settings();
  const std::vector<ModelPoint> points = io::read_points_csv(points_path_);
  if (settings.replicas > 0) {
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (const char* problem = mc::mc_domain_problem(points[i], settings.sampling)) {
        throw UsageError(fmt::format("{}: row {}: {}", points_path_, i + 1, problem));
      }
      if (const std::string problem = whole_tokens_problem(points[i]); !problem.empty()) {
        throw UsageError(fmt::format("{}: row {}: {} (--mc)", points_path_, i + 1, problem));
      }
    }
  }
  const std::vector<model::LossResult> results = evaluate_points(points);
  if (settings.replicas == 0) {
    io::write_points_csv(out, points, results);
    return 0;
  }
  const std::vector<mc::McStatistics> mc_results = evaluate_mc_points(points, settings);
  io::write_points_csv(out, points, results, &mc_results);
  return 0;
}

int EvalCommand::run_single(std::ostream& out) const {
  const ModelPoint point = point_from_options();
  const mc::McSettings settings = mc_settings();
  if (settings.replicas > 0) {
    if (const char* problem = mc::mc_domain_problem(point, settings.sampling)) {
      throw UsageError(std::string("--sampling: ") + problem);
    }
    if (const std::string problem = whole_tokens_problem(point); !problem.empty()) {
      throw UsageError("--" + problem + " (--mc)");
    }
  }
  const model::LossResult r = evaluate_points({point}).front();
  const bool with_mc = settings.replicas > 0;
  const mc::McStatistics m =
      with_mc ? evaluate_mc_points({point}, settings).front() : mc::McStatistics{};
  const model::AsymptoticLoss theory_N = model::eps_N_asymptotic(point);
  const model::AsymptoticLoss theory_D = model::eps_D_asymptotic(point);
  const model::AsymptoticLoss theory_tau = model::eps_tau_asymptotic(point);
  const model::AsymptoticLoss theory_dL = model::dL_asymptotic(point);
  const std::string_view bottleneck = io::bottleneck_name(r.bottleneck);
  // With E = 0 the loss is dL and may underflow like it; its log is then log_dL.
  const double log_loss = point.irreducible == 0.0 ? r.log_dL : std::log(r.loss);

  if (json_option_->count() > 0) {
    io::JsonObject json;
    for (std::size_t i = 0; i < option_specs.size(); ++i) {
      json.add(option_specs[i].field_name, point.*option_specs[i].field);
    }
    json.add("loss", r.loss)
        .add("dL", r.dL)
        .add("log_dL", r.log_dL)
        .add("eps_N", r.eps_N)
        .add("log_eps_N", r.log_eps_N)
        .add("eps_D", r.eps_D)
        .add("log_eps_D", r.log_eps_D)
        .add("eps_tau", r.eps_tau)
        .add("log_eps_tau", r.log_eps_tau)
        .add("bottleneck", bottleneck);
    io::JsonObject theory;
    theory.add("dL", theory_dL.value)
        .add("log_dL", theory_dL.log_value)
        .add("eps_N", theory_N.value)
        .add("log_eps_N", theory_N.log_value)
        .add("eps_D", theory_D.value)
        .add("log_eps_D", theory_D.log_value)
        .add("eps_tau", theory_tau.value)
        .add("log_eps_tau", theory_tau.log_value);
    json.add("theory", theory);
    if (with_mc) {
      json.add("mc_mean", m.mean)
          .add("mc_stderr", m.standard_error)
          .add("mc_q05", m.q05)
          .add("mc_q50", m.q50)
          .add("mc_q95", m.q95)
          .add_integer("mc_replicas", settings.replicas)
          .add_integer("mc_seed", settings.seed)
          .add("mc_sampling", mc::sampling_name(settings.sampling));
    }
    out << json.str() << '\n';
    return 0;
  }

  const auto value = [](double linear, double log_value) {
    return io::format_value(linear, log_value, table_digits);
  };
  out << fmt::format("point       alpha = {}, beta = {}, gamma = {}, N = {}, D = {}, tau = {}\n",
                     point.alpha, point.beta, point.gamma, point.N, point.D, point.tau);
  out << fmt::format("            learning_rate = {}, capacity_scale = {}, irreducible = {}\n\n",
                     point.learning_rate, point.capacity_scale, point.irreducible);
  const auto row = [&](std::string_view name, const std::string& exact, const std::string& theory,
                       const std::string& ratio) {
    std::string line = fmt::format("{:<11} {:<16} {:<16} {}", name, exact, theory, ratio);
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  };
  row("", "exact", "theory", "exact/theory");
  row("loss", value(r.loss, log_loss), "", "");
  row("dL", value(r.dL, r.log_dL), value(theory_dL.value, theory_dL.log_value),
      ratio_text(r.log_dL, theory_dL.log_value));
  row("eps_N", value(r.eps_N, r.log_eps_N), value(theory_N.value, theory_N.log_value),
      ratio_text(r.log_eps_N, theory_N.log_value));
  row("eps_D", value(r.eps_D, r.log_eps_D), value(theory_D.value, theory_D.log_value),
      ratio_text(r.log_eps_D, theory_D.log_value));
  row("eps_tau", value(r.eps_tau, r.log_eps_tau), value(theory_tau.value, theory_tau.log_value),
      ratio_text(r.log_eps_tau, theory_tau.log_value));
  row("bottleneck", std::string(bottleneck), "", "");
  out << "\ntheory: leading-order eps_X ~ const * X^(-a_X) (see `modesweep predict`); dL is\n"
         "predicted as the largest eps_X, within a factor 1 to 3 in the scaling regime "
         "(MODEL.md 5)\n";
  if (with_mc) {
    // Enough digits to see the replicas' spread, which can be 1e-7 of dL and less.
    const auto number = [](double v) { return fmt::format("{:.10g}", v); };
    out << fmt::format("\nMonte Carlo: {} replicas, seed {}, {} sampling (MODEL.md 4)\n",
                       settings.replicas, settings.seed, mc::sampling_name(settings.sampling));
    std::string z = "-";
    if (m.standard_error > 0.0) z = fmt::format("{:.3g}", (m.mean - r.dL) / m.standard_error);
    row("mc_mean", number(m.mean), "", "");
    row("mc_stderr", fmt::format("{:.4g}", m.standard_error), "", "");
    row("mc_q05", number(m.q05), "", "");
    row("mc_q50", number(m.q50), "", "");
    row("mc_q95", number(m.q95), "", "");
    out << fmt::format("z = (mc_mean - dL) / mc_stderr = {}{}\n", z,
                       settings.sampling == mc::Sampling::with_replacement
                           ? " (dL is the sequential model's; with-replacement differs)"
                           : "");
  }
  return 0;
}

}  // namespace modesweep::cli
