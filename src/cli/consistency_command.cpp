#include "modesweep/cli/consistency_command.hpp"

#include <fmt/format.h>

#include <optional>
#include <ostream>

#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/usage_error.hpp"
#include "modesweep/frontier/consistency.hpp"
#include "modesweep/io/json_object.hpp"

namespace modesweep::cli {

ConsistencyCommand::ConsistencyCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "consistency",
          "Check empirical scaling exponents against the theory (MODEL.md 5): solve "
          "(alpha, beta, gamma) from a_N, a_D, a_tau (dL ~ X^(-a_X)), report the frontier "
          "exponents they imply, and whether a measured frontier exponent --a-opt matches one "
          "of them (converged: C ~ N D, fresh data: C ~ N tau).")) {
  add_number_option(*app_, "--a-N", a_N_, "capacity exponent, dL ~ N^(-a_N); > 0")->required();
  add_number_option(*app_, "--a-D", a_D_, "data exponent, dL ~ D^(-a_D); in (0, 1)")->required();
  add_number_option(*app_, "--a-tau", a_tau_, "time exponent, dL ~ tau^(-a_tau); > 0")->required();
  a_opt_option_ = add_number_option(*app_, "--a-opt", a_opt_,
                                    "measured frontier exponent, dL_opt ~ C^(-a_opt); > 0");
  app_->add_option("--budget", budget_,
                   "the frontier --a-opt was measured on: converged (C ~ N D) or fresh-data "
                   "(C ~ N tau); without it, a match with either counts")
      ->check(CLI::IsMember({"converged", "fresh-data"}));
  add_number_option(*app_, "--tolerance", tolerance_,
                    "relative deviation of --a-opt accepted as consistent")
      ->capture_default_str();
  app_->add_flag("--json", json_, "print one JSON object");
}

int ConsistencyCommand::run(std::ostream& out) const {
  const std::optional<double> a_opt =
      a_opt_option_->count() > 0 ? std::optional<double>(a_opt_) : std::nullopt;
  frontier::ConsistencyReport r;
  try {
    const auto budget = budget_ == "converged"    ? frontier::OptBudget::converged
                        : budget_ == "fresh-data" ? frontier::OptBudget::fresh_data
                                                  : frontier::OptBudget::either;
    if (budget != frontier::OptBudget::either && !a_opt) {
      throw frontier::ConsistencyError("--budget: only with --a-opt");
    }
    r = frontier::check_consistency(a_N_, a_D_, a_tau_, a_opt, tolerance_, budget);
  } catch (const frontier::ConsistencyError& e) {
    throw UsageError(e.what());
  }
  if (json_) {
    io::JsonObject o;
    o.add("a_N", a_N_).add("a_D", a_D_).add("a_tau", a_tau_);
    o.add("alpha", r.alpha).add("beta", r.beta).add("gamma", r.gamma);
    o.add("in_domain", r.in_domain);
    if (!r.in_domain) o.add("out_of_domain", r.out_of_domain);
    io::JsonObject converged, fresh;
    converged.add("dL_opt_exponent", -r.converged_exponent)
        .add("N_opt_exponent", r.converged_n_exponent);
    fresh.add("dL_opt_exponent", -r.fresh_data_exponent)
        .add("N_opt_exponent", r.fresh_data_n_exponent);
    if (a_opt) {
      converged.add("deviation", r.converged_deviation);
      fresh.add("deviation", r.fresh_data_deviation);
      o.add("a_opt", *a_opt).add("tolerance", tolerance_);
    }
    o.add("converged", converged).add("fresh_data", fresh).add("consistent", r.consistent);
    out << o.str() << '\n';
    return 0;
  }
  out << fmt::format("exponents   a_N = {:.6g}, a_D = {:.6g}, a_tau = {:.6g}\n", a_N_, a_D_,
                     a_tau_);
  out << fmt::format("solution    alpha = {:.6g}, beta = {:.6g}, gamma = {:.6g}{}\n", r.alpha,
                     r.beta, r.gamma, r.in_domain ? "" : "  OUT OF DOMAIN: " + r.out_of_domain);
  out << fmt::format(
      "converged   (C ~ N D):   dL_opt ~ C^-{:.6g}, N_opt ~ C^{:.6g}{}\n", r.converged_exponent,
      r.converged_n_exponent,
      a_opt ? fmt::format("   a_opt deviation {:+.3f}%", 100 * r.converged_deviation) : "");
  out << fmt::format(
      "fresh data  (C ~ N tau): dL_opt ~ C^-{:.6g}, N_opt ~ C^{:.6g}{}\n", r.fresh_data_exponent,
      r.fresh_data_n_exponent,
      a_opt ? fmt::format("   a_opt deviation {:+.3f}%", 100 * r.fresh_data_deviation) : "");
  out << fmt::format(
      "verdict     {}\n",
      r.consistent
          ? (a_opt ? fmt::format("consistent (a_opt within {:.3g}% of a frontier "
                                 "exponent, solution in the domain)",
                                 100 * tolerance_)
                   : "consistent (the solution is in the domain)")
          : (!r.in_domain ? "INCONSISTENT: no (alpha, beta, gamma) in the domain"
                          : fmt::format("INCONSISTENT: a_opt = {:.6g} is more than "
                                        "{:.3g}% from {}",
                                        *a_opt, 100 * tolerance_,
                                        budget_.empty() ? "both frontier exponents"
                                                        : "the " + budget_ + " exponent")));
  return 0;
}

}  // namespace modesweep::cli
