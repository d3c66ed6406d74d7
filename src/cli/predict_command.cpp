#include "modesweep/cli/predict_command.hpp"

#include <fmt/format.h>

#include <ostream>

#include "modesweep/cli/eval_command.hpp"
#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/usage_error.hpp"
#include "modesweep/io/json_object.hpp"
#include "modesweep/io/number_text.hpp"
#include "modesweep/model/theory.hpp"
#include "modesweep/model/validate.hpp"

namespace modesweep::cli {

PredictCommand::PredictCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "predict",
          "The theory's predictions for (alpha, beta, gamma, c) (MODEL.md 5): "
          "single-resource exponents a_N, a_D, a_tau, their leading constants and "
          "the compute-optimal frontier exponents of cases A and B.")) {
  add_number_option(*app_, "--alpha", alpha_, "Zipf exponent; in (1, 10]")->required();
  add_number_option(*app_, "--beta", beta_, "learning exponent; in (0, 10]")->required();
  add_number_option(*app_, "--gamma", gamma_, "capacity exponent; in (0, 10]")->required();
  add_number_option(*app_, "--learning-rate", learning_rate_, "c = eta*lambda_0; in (0, 1]")
      ->capture_default_str();
  json_option_ = app_->add_flag("--json", "print one JSON object instead of the table");
}

int PredictCommand::run(std::ostream& out) const {
  // The resources do not enter the prediction; validate the rest with the model's own check.
  model::ModelPoint point;
  point.alpha = alpha_;
  point.beta = beta_;
  point.gamma = gamma_;
  point.learning_rate = learning_rate_;
  if (const auto problem = model::validate_point(point)) {
    throw UsageError(as_option_message(*problem));
  }
  const model::TheoryPrediction t = model::predict(point);

  if (json_option_->count() > 0) {
    const auto frontier = [](const model::FrontierExponents& f, const char* resource_key) {
      io::JsonObject json;
      json.add("N_opt_exponent", f.n_exponent)
          .add(resource_key, f.resource_exponent)
          .add("dL_opt_exponent", -f.loss_decay_exponent);
      return json;
    };
    io::JsonObject json;
    json.add("alpha", t.alpha)
        .add("beta", t.beta)
        .add("gamma", t.gamma)
        .add("learning_rate", t.learning_rate)
        .add("zeta_alpha", t.zeta_alpha)
        .add("a_N", t.a_N)
        .add("a_D", t.a_D)
        .add("a_tau", t.a_tau)
        .add("capacity_constant", t.capacity_constant)
        .add("log_capacity_constant", t.log_capacity_constant)
        .add("c_alpha", t.data_constant)
        .add("log_c_alpha", t.log_data_constant)
        .add("time_constant", t.time_constant)
        .add("log_time_constant", t.log_time_constant)
        .add("converged", frontier(t.converged, "D_opt_exponent"))
        .add("fresh_data", frontier(t.fresh_data, "tau_opt_exponent"));
    out << json.str() << '\n';
    return 0;
  }

  const auto constant = [](double value, double log_value) {
    return io::format_value(value, log_value, 8);
  };
  out << fmt::format(
      "alpha = {}, beta = {}, gamma = {}, learning_rate c = {}, zeta(alpha) = {:.8g}\n\n", t.alpha,
      t.beta, t.gamma, t.learning_rate, t.zeta_alpha);
  out << "single-resource exponents, dL ~ X^(-a_X)\n";
  out << fmt::format("  a_N   = {:<14.8g} gamma (alpha - 1)\n", t.a_N);
  out << fmt::format("  a_D   = {:<14.8g} (alpha - 1) / alpha\n", t.a_D);
  out << fmt::format("  a_tau = {:<14.8g} (alpha - 1) / (alpha beta)\n\n", t.a_tau);
  out << "leading constants\n";
  out << fmt::format(
      "  capacity  {:<16} 1/((alpha-1) zeta(alpha)); dL(N) ~ const * M^(1-alpha), "
      "M = c_N N^gamma\n",
      constant(t.capacity_constant, t.log_capacity_constant));
  out << fmt::format(
      "  data      {:<16} c_alpha = (1/alpha) zeta^(-1/alpha) Gamma(1-1/alpha); "
      "dL(D) ~ c_alpha D^(-a_D)\n",
      constant(t.data_constant, t.log_data_constant));
  out << fmt::format(
      "  time      {:<16} (1/(alpha beta)) zeta^(-1/alpha) c^(-a_tau) Gamma(a_tau); "
      "dL(tau) ~ const * tau^(-a_tau)\n\n",
      constant(t.time_constant, t.log_time_constant));
  out << "compute-optimal frontier exponents, C = compute budget\n";
  out << fmt::format(
      "  case A, converged (tau = inf, C = kappa N D):  N_opt ~ C^{:.8g}, "
      "D_opt ~ C^{:.8g}, dL_opt ~ C^-{:.8g}\n",
      t.converged.n_exponent, t.converged.resource_exponent, t.converged.loss_decay_exponent);
  out << fmt::format(
      "  case B, fresh data (D = inf, C = kappa N tau): N_opt ~ C^{:.8g}, "
      "tau_opt ~ C^{:.8g}, dL_opt ~ C^-{:.8g}\n",
      t.fresh_data.n_exponent, t.fresh_data.resource_exponent, t.fresh_data.loss_decay_exponent);
  return 0;
}

}  // namespace modesweep::cli
