#include "modesweep/cli/compute_point_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ostream>

#include "modesweep/cli/eval_command.hpp"
#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/usage_error.hpp"
#include "modesweep/frontier/compute_point.hpp"
#include "modesweep/io/json_object.hpp"
#include "modesweep/io/number_text.hpp"
#include "modesweep/model/theory.hpp"
#include "modesweep/model/validate.hpp"

namespace modesweep::cli {

ComputePointCommand::ComputePointCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "compute-point",
          "The optimal compute point of a run (MODEL.md 5): the step count tau* at which the "
          "time loss eps_tau has come down to max(eps_N(N), eps_D(D)), with C* = kappa N tau* "
          "and dL* = dL(N, D, tau*). Along runs with eps_N = eps_D the theory claims "
          "dL* ~ C*^(-a_N a_tau / (a_N + a_tau)).")) {
  add_number_option(*app_, "--alpha", point_.alpha, "Zipf exponent; in (1, 10]")->required();
  add_number_option(*app_, "--beta", point_.beta, "learning exponent; in (0, 10]")->required();
  add_number_option(*app_, "--gamma", point_.gamma, "capacity exponent; in (0, 10]")->required();
  add_number_option(*app_, "--N", point_.N, "parameters; in [1, 1e24]")->required();
  add_number_option(*app_, "--D", point_.D, "training tokens; in [1, 1e24] or inf")->required();
  add_number_option(*app_, "--learning-rate", point_.learning_rate, "c; in (0, 1]")
      ->capture_default_str();
  add_number_option(*app_, "--capacity-scale", point_.capacity_scale, "c_N; in (0, 1e3]")
      ->capture_default_str();
  add_number_option(*app_, "--flops-per-param-token", kappa_, "kappa in C* = kappa N tau*")
      ->capture_default_str();
  app_->add_flag("--json", json_, "print one JSON object");
}

int ComputePointCommand::run(std::ostream& out) const {
  model::ModelPoint p = point_;
  p.tau = 1.0;
  if (const auto problem = model::validate_point(p)) throw UsageError(as_option_message(*problem));
  if (std::isinf(p.N)) throw UsageError("--N: must be finite: with N = inf, eps_N = 0");
  if (!(kappa_ > 0.0) || !std::isfinite(kappa_)) {
    throw UsageError("--flops-per-param-token: must be a finite number > 0");
  }
  const frontier::ComputePoint c = frontier::optimal_compute_point(p, p.N, p.D, kappa_);
  const model::TheoryPrediction t = model::predict(p);
  const double claimed = t.a_N * t.a_tau / (t.a_N + t.a_tau);
  if (json_) {
    io::JsonObject o;
    o.add("N", c.N).add("D", c.D).add("reached", c.reached).add("tau_star", c.tau_star);
    o.add("C_star", c.C_star);
    if (c.reached) o.add("dL_star", c.dL_star).add("log_dL_star", c.log_dL_star);
    o.add("eps_N", std::exp(c.log_eps_N)).add("eps_D", std::exp(c.log_eps_D));
    o.add("claimed_exponent", claimed);
    out << o.str() << '\n';
    return 0;
  }
  out << fmt::format("run         N = {:.6g}, D = {:.6g}: eps_N = {}, eps_D = {}\n", c.N, c.D,
                     io::format_value(std::exp(c.log_eps_N), c.log_eps_N, 6),
                     io::format_value(std::exp(c.log_eps_D), c.log_eps_D, 6));
  if (!c.reached) {
    out << "tau*        beyond 1e24: eps_tau stays above max(eps_N, eps_D)\n";
    return 0;
  }
  out << fmt::format("tau*        {:.6g} steps (eps_tau(tau*) = max(eps_N, eps_D))\n", c.tau_star);
  out << fmt::format("C*          {:.6g} = kappa N tau*\n", c.C_star);
  out << fmt::format("dL*         {}\n", io::format_value(c.dL_star, c.log_dL_star, 6));
  out << fmt::format("theory      along eps_N = eps_D: dL* ~ C*^-{:.6g}\n", claimed);
  return 0;
}

}  // namespace modesweep::cli
