#include "modesweep/cli/frontier_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ostream>

#include "modesweep/cli/eval_command.hpp"
#include "modesweep/cli/number_option.hpp"
#include "modesweep/cli/usage_error.hpp"
#include "modesweep/frontier/exact_frontier.hpp"
#include "modesweep/frontier/grid_envelope.hpp"
#include "modesweep/io/json_object.hpp"
#include "modesweep/io/number_text.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/model/theory.hpp"

namespace modesweep::cli {

FrontierCommand::FrontierCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "frontier",
          "Exact compute-optimal frontier (MODEL.md 6): for each budget C, log-spaced over "
          "[--C-min, --C-max], the minimiser of the exact loss over the budget's free "
          "variables (continuous minimisation to 1e-7 in log N), with the local slopes "
          "d log N_opt / d log C and d log dL_opt / d log C, and the theory's exponents "
          "beside them where MODEL.md 5 makes a claim.")) {
  app_->add_option("results", results_path_,
                   "a factorial results file: compute its grid envelope (isoFLOP bins of the "
                   "stored points, the best per bin, fitted exponents beside the exact "
                   "frontier's, also on coarser grids), write it into the file's group "
                   "frontier/<budget>, and print it; without it, the exact frontier of "
                   "--alpha --beta --gamma over [--C-min, --C-max]")
      ->check(CLI::ExistingFile);
  app_->add_option("--bins-per-decade", bins_per_decade_,
                   "grid envelope: isoFLOP bins per decade of C")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  add_number_option(*app_, "--alpha", alpha_, "Zipf exponent; in (1, 10]");
  add_number_option(*app_, "--beta", beta_, "learning exponent; in (0, 10]");
  add_number_option(*app_, "--gamma", gamma_, "capacity exponent; in (0, 10]");
  app_->add_option("--budget", budget_,
                   "converged (tau = inf, C = kappa N D), fresh-data (D = inf, C = kappa N "
                   "tau), single-epoch (tau = D, C = kappa N D) or data-constrained (unique "
                   "tokens fixed, C = kappa N tau)")
      ->required()
      ->check(CLI::IsMember({"converged", "fresh-data", "single-epoch", "data-constrained"}));
  add_number_option(*app_, "--C-min", C_min_, "smallest budget C (FLOPs); >= kappa");
  add_number_option(*app_, "--C-max", C_max_, "largest budget C; <= kappa 1e48");
  app_->add_option("--points", points_, "budgets, log-spaced from --C-min to --C-max")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app_->add_option("--slope-step", slope_step_,
                   "local slopes are central differences at C e^(+-step); N_opt moves in "
                   "steps of the capacity cutoff, so short steps give noisy slope_N")
      ->capture_default_str()
      ->check(CLI::Range(1e-3, 5.0));
  add_number_option(*app_, "--unique-tokens", unique_tokens_,
                    "unique tokens available (data-constrained only); in [1, 1e24]");
  add_number_option(*app_, "--flops-per-param-token", kappa_, "kappa in C = kappa N D")
      ->capture_default_str();
  add_number_option(*app_, "--learning-rate", learning_rate_, "c = eta*lambda_0; in (0, 1]")
      ->capture_default_str();
  add_number_option(*app_, "--capacity-scale", capacity_scale_, "c_N; in (0, 1e3]")
      ->capture_default_str();
  auto* json = app_->add_flag("--json", json_, "print one JSON object");
  app_->add_flag("--csv", csv_,
                 "print CSV: C,N_opt,D_opt,tau_opt,dL_opt,slope_N,slope_L (17 digits)")
      ->excludes(json);
}

int FrontierCommand::run(std::ostream& out) const {
  if (!results_path_.empty()) return run_envelope(out);
  for (const char* option : {"--alpha", "--beta", "--gamma", "--C-min", "--C-max"}) {
    if (app_->get_option(option)->count() == 0) {
      throw UsageError(std::string(option) +
                       ": required for an exact frontier (or give a results file)");
    }
  }
  frontier::FrontierProblem problem;
  problem.model.alpha = alpha_;
  problem.model.beta = beta_;
  problem.model.gamma = gamma_;
  problem.model.learning_rate = learning_rate_;
  problem.model.capacity_scale = capacity_scale_;
  problem.budget = *frontier::parse_budget(budget_);
  problem.flops_per_param_token = kappa_;
  problem.unique_tokens = unique_tokens_;
  std::vector<frontier::FrontierPoint> points;
  try {
    frontier::MinimiserOptions options;
    options.slope_step = slope_step_;
    points = frontier::exact_frontier(problem, C_min_, C_max_, points_, options);
  } catch (const frontier::FrontierError& e) {
    throw UsageError(as_option_message(e.what()));
  }

  // MODEL.md 5 claims exponents for cases A and B only.
  const model::TheoryPrediction theory = model::predict(problem.model);
  const model::FrontierExponents* claim =
      problem.budget == frontier::Budget::converged    ? &theory.converged
      : problem.budget == frontier::Budget::fresh_data ? &theory.fresh_data
                                                       : nullptr;
  const frontier::FittedSlopes fit = frontier::fit_slopes(points);
  const auto dL_text = [](const frontier::FrontierPoint& p, int digits) {
    return io::format_value(p.dL_opt, p.log_dL_opt, digits);
  };

  if (csv_) {
    out << "C,N_opt,D_opt,tau_opt,dL_opt,slope_N,slope_L\n";
    for (const auto& p : points) {
      out << fmt::format("{},{},{},{},{},{},{}\n", io::format_round_trip(p.C),
                         io::format_round_trip(p.N_opt), io::format_round_trip(p.D_opt),
                         io::format_round_trip(p.tau_opt), dL_text(p, 17),
                         io::format_round_trip(p.slope_N), io::format_round_trip(p.slope_L));
    }
    return 0;
  }
  if (json_) {
    std::vector<io::JsonObject> rows;
    for (const auto& p : points) {
      io::JsonObject row;
      row.add("C", p.C)
          .add("N_opt", p.N_opt)
          .add("D_opt", p.D_opt)
          .add("tau_opt", p.tau_opt)
          .add("dL_opt", p.dL_opt)
          .add("log_dL_opt", p.log_dL_opt)
          .add("slope_N", p.slope_N)
          .add("slope_L", p.slope_L)
          .add("at_bound", p.at_bound);
      rows.push_back(row);
    }
    io::JsonObject o;
    o.add("budget", budget_)
        .add("alpha", alpha_)
        .add("beta", beta_)
        .add("gamma", gamma_)
        .add("learning_rate", learning_rate_)
        .add("capacity_scale", capacity_scale_)
        .add("flops_per_param_token", kappa_);
    if (problem.budget == frontier::Budget::data_constrained)
      o.add("unique_tokens", unique_tokens_);
    if (claim != nullptr) {
      io::JsonObject c;
      c.add("slope_N", claim->n_exponent).add("slope_L", -claim->loss_decay_exponent);
      o.add("theory", c);
    } else {
      o.add("theory", "no claim (MODEL.md 5 covers converged and fresh-data only)");
    }
    if (points.size() > 1) {
      io::JsonObject f;
      f.add("slope_N", fit.slope_N).add("slope_L", fit.slope_L);
      o.add("fitted", f);
    }
    o.add("points", rows);
    out << o.str() << '\n';
    return 0;
  }
  out << fmt::format("exact {} frontier: alpha {}, beta {}, gamma {}, c {}, c_N {}, kappa {}{}\n",
                     budget_, alpha_, beta_, gamma_, learning_rate_, capacity_scale_, kappa_,
                     problem.budget == frontier::Budget::data_constrained
                         ? fmt::format(", unique tokens {:.4g}", unique_tokens_)
                         : "");
  if (claim != nullptr) {
    out << fmt::format("theory (MODEL.md 5): slope_N = {:.6g}, slope_L = {:.6g}\n",
                       claim->n_exponent, -claim->loss_decay_exponent);
  } else {
    out << "theory: no claim for this budget (MODEL.md 5 covers converged and fresh-data)\n";
  }
  out << fmt::format("{:>11} {:>11} {:>11} {:>11} {:>13} {:>9} {:>9}\n", "C", "N_opt", "D_opt",
                     "tau_opt", "dL_opt", "slope_N", "slope_L");
  for (const auto& p : points) {
    out << fmt::format("{:>11.4e} {:>11.4e} {:>11.4e} {:>11.4e} {:>13} {:>9.5f} {:>9.5f}{}\n", p.C,
                       p.N_opt, p.D_opt, p.tau_opt, dL_text(p, 6), p.slope_N, p.slope_L,
                       p.at_bound ? "  (at a bound of the range)" : "");
  }
  if (points.size() > 1) {
    out << fmt::format(
        "least-squares fit over C in [{:.4g}, {:.4g}]: slope_N = {:.5f}, slope_L = {:.5f}{}\n",
        points.front().C, points.back().C, fit.slope_N, fit.slope_L,
        claim != nullptr ? fmt::format(" (theory {:.5f}, {:.5f})", claim->n_exponent,
                                       -claim->loss_decay_exponent)
                         : "");
  }
  return 0;
}

int FrontierCommand::run_envelope(std::ostream& out) const {
  for (const char* option :
       {"--alpha", "--beta", "--gamma", "--C-min", "--C-max", "--unique-tokens", "--points"}) {
    if (app_->get_option(option)->count() > 0) {
      throw UsageError(std::string(option) +
                       ": not with a results file (the file's grid sets the parameters)");
    }
  }
  const frontier::Budget budget = *frontier::parse_budget(budget_);
  frontier::GridEnvelope e;
  try {
    e = frontier::grid_envelope(results_path_, budget, bins_per_decade_);
  } catch (const frontier::FrontierError& err) {
    throw UsageError(err.what());
  }
  frontier::write_envelope(results_path_, e);
  if (csv_) {
    out << "alpha,beta,gamma,unique_tokens,C_bin,C,N,D,tau,dL\n";
    for (const auto& p : e.points) {
      out << fmt::format(
          "{},{},{},{},{},{},{},{},{},{}\n", p.alpha, p.beta, p.gamma, p.unique_tokens,
          io::format_round_trip(p.C_bin), io::format_round_trip(p.C), io::format_round_trip(p.N),
          io::format_round_trip(p.D), io::format_round_trip(p.tau), io::format_round_trip(p.dL));
    }
    return 0;
  }
  out << fmt::format(
      "grid envelope of {} ({} budget, {} bins per decade): {} best points, "
      "written to its group frontier/{}\n",
      results_path_, budget_, bins_per_decade_, e.points.size(), budget_);
  out << fmt::format("{:>6} {:>6} {:>6} {:>9} {:>6} {:>5} {:>21} {:>9} {:>9} {:>9} {:>9}\n",
                     "alpha", "beta", "gamma", "unique", "N step", "bins", "C range", "slope_N",
                     "exact", "slope_L", "exact");
  for (const auto& f : e.fits) {
    out << fmt::format(
        "{:>6g} {:>6g} {:>6g} {:>9.3g} {:>6d} {:>5d} {:>10.3g}..{:<10.3g} {:>9.4f} {:>9.4f} "
        "{:>9.4f} {:>9.4f}{}\n",
        f.alpha, f.beta, f.gamma, f.unique_tokens, f.n_stride, f.bins, f.C_min, f.C_max, f.slope_N,
        f.exact_slope_N, f.slope_L, f.exact_slope_L,
        f.bins < 5 ? "  (few bracketed bins: not a fit to trust)" : "");
  }
  return 0;
}

}  // namespace modesweep::cli
