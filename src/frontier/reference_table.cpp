#include "modesweep/frontier/reference_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "modesweep/frontier/compute_point.hpp"
#include "modesweep/frontier/exact_frontier.hpp"
#include "modesweep/model/exact_loss.hpp"
#include "modesweep/model/math.hpp"
#include "modesweep/model/theory.hpp"

namespace modesweep::frontier {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The smallest scale exp(log_x[i]) from which every local exponent stays within `tolerance`
// (relative) of `predicted`; NaN when the last one is not within.
double onset(const std::vector<double>& log_x, const std::vector<double>& local, double predicted,
             double tolerance) {
  if (!std::isfinite(predicted)) return nan;
  double from = nan;
  for (std::size_t i = local.size(); i-- > 0;) {
    if (!(std::abs(local[i] / predicted - 1.0) <= tolerance)) break;
    from = std::exp(log_x[i]);
  }
  return from;
}

TableRow make_row(const model::ModelPoint& m, std::string law, double predicted, double measured,
                  double onset_scale) {
  TableRow r;
  r.alpha = m.alpha;
  r.beta = m.beta;
  r.gamma = m.gamma;
  r.law = std::move(law);
  r.predicted = predicted;
  r.measured = measured;
  r.deviation = std::isfinite(predicted) ? measured / predicted - 1.0 : nan;
  r.onset = onset_scale;
  return r;
}

// A single-resource law: the exponent of eps_X over the range, X the resource `which`.
TableRow single_resource(const spec::TableSpec& spec, model::ModelPoint m, int which,
                         double predicted, const char* name) {
  const std::size_t n = spec.points;
  const double lo = std::log(spec.resource_min), hi = std::log(spec.resource_max);
  std::vector<double> log_x(n), log_eps(n), local(n);
  const auto log_eps_at = [&](double log_value) {
    m.N = m.D = m.tau = math::infinity;
    const double x = std::exp(log_value);
    (which == 0 ? m.N : which == 1 ? m.D : m.tau) = x;
    return model::log_reducible_loss(m);
  };
  const double h = 0.5 * (hi - lo) / static_cast<double>(n - 1);  // half a step each side
  for (std::size_t i = 0; i < n; ++i) {
    log_x[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
    log_eps[i] = log_eps_at(log_x[i]);
    const double a = std::max(lo, log_x[i] - h), b = std::min(hi, log_x[i] + h);
    local[i] = -(log_eps_at(b) - log_eps_at(a)) / (b - a);
  }
  return make_row(m, name, predicted, -least_squares_slope(log_x, log_eps),
                  onset(log_x, local, predicted, spec.onset_tolerance));
}

// The compute-point law: dL* against C* along runs with eps_N = eps_D (MODEL.md 5), claimed
// dL* ~ C*^(-a_N a_tau / (a_N + a_tau)).
TableRow compute_point_law(const spec::TableSpec& spec, const model::ModelPoint& m,
                           const model::TheoryPrediction& t) {
  const auto family =
      compute_point_family(m, spec.resource_min, spec.resource_max, static_cast<int>(spec.points),
                           spec.flops_per_param_token);
  const double predicted = t.a_N * t.a_tau / (t.a_N + t.a_tau);
  std::vector<double> log_c, log_l, local;
  for (const auto& p : family) {
    log_c.push_back(std::log(p.C_star));
    log_l.push_back(p.log_dL_star);
  }
  for (std::size_t i = 0; i < log_c.size(); ++i) {
    const std::size_t a = i > 0 ? i - 1 : i, b = i + 1 < log_c.size() ? i + 1 : i;
    local.push_back(b > a ? -(log_l[b] - log_l[a]) / (log_c[b] - log_c[a]) : nan);
  }
  const double measured = log_c.size() >= 2 ? -least_squares_slope(log_c, log_l) : nan;
  return make_row(m, "compute point dL*", predicted, measured,
                  onset(log_c, local, predicted, spec.onset_tolerance));
}

}  // namespace

std::vector<TableRow> reference_table(const spec::TableSpec& spec) {
  std::vector<TableRow> rows;
  for (double alpha : spec.alpha) {
    for (double beta : spec.beta) {
      for (double gamma : spec.gamma) {
        model::ModelPoint m;
        m.alpha = alpha;
        m.beta = beta;
        m.gamma = gamma;
        m.learning_rate = spec.learning_rate;
        m.capacity_scale = spec.capacity_scale;
        const model::TheoryPrediction t = model::predict(m);
        rows.push_back(single_resource(spec, m, 0, t.a_N, "a_N"));
        rows.push_back(single_resource(spec, m, 1, t.a_D, "a_D"));
        rows.push_back(single_resource(spec, m, 2, t.a_tau, "a_tau"));
        rows.push_back(compute_point_law(spec, m, t));
        for (Budget b : {Budget::converged, Budget::fresh_data, Budget::single_epoch,
                         Budget::data_constrained}) {
          FrontierProblem problem;
          problem.model = m;
          problem.budget = b;
          problem.flops_per_param_token = spec.flops_per_param_token;
          if (b == Budget::data_constrained) problem.unique_tokens = spec.unique_tokens;
          const auto points = exact_frontier(problem, spec.budget_min, spec.budget_max,
                                             static_cast<int>(spec.points));
          const FittedSlopes fit = fit_slopes(points);
          const model::FrontierExponents* claim = b == Budget::converged    ? &t.converged
                                                  : b == Budget::fresh_data ? &t.fresh_data
                                                                            : nullptr;
          std::vector<double> log_c, local_n, local_l;
          for (const auto& p : points) {
            log_c.push_back(std::log(p.C));
            local_n.push_back(p.slope_N);
            local_l.push_back(-p.slope_L);
          }
          const double pn = claim != nullptr ? claim->n_exponent : nan;
          const double pl = claim != nullptr ? claim->loss_decay_exponent : nan;
          rows.push_back(make_row(m, fmt::format("{} N_opt", budget_name(b)), pn, fit.slope_N,
                                  onset(log_c, local_n, pn, spec.onset_tolerance)));
          rows.push_back(make_row(m, fmt::format("{} dL_opt", budget_name(b)), pl, -fit.slope_L,
                                  onset(log_c, local_l, pl, spec.onset_tolerance)));
        }
      }
    }
  }
  return rows;
}

TableFormat parse_table_format(const std::string& name) {
  if (name == "md") return TableFormat::markdown;
  if (name == "csv") return TableFormat::csv;
  if (name == "tex") return TableFormat::latex;
  throw std::invalid_argument("--format: '" + name + "' must be md, csv or tex");
}

std::string format_table(const spec::TableSpec& spec, const std::vector<TableRow>& rows,
                         TableFormat format) {
  const auto num = [](double v, const char* missing) {
    return std::isfinite(v) ? fmt::format("{:.4g}", v) : std::string(missing);
  };
  // The onset of a law without a prediction is not a thing: left empty.
  const auto onset_text = [&](const TableRow& r, const char* never, const char* none) {
    return std::isfinite(r.predicted) ? num(r.onset, never) : std::string(none);
  };
  const auto pct = [](double v, const char* missing) {
    return std::isfinite(v) ? fmt::format("{:+.2f}%", 100.0 * v) : std::string(missing);
  };
  const std::string caption = fmt::format(
      "{}: exponents predicted by MODEL.md 5 vs measured on the exact model (least squares, "
      "{} points); single-resource laws over [{:.3g}, {:.3g}], frontiers over C in [{:.3g}, "
      "{:.3g}] (kappa {:.3g}; data-constrained with {:.3g} unique tokens); c = {:.3g}, c_N = "
      "{:.3g}; onset: the smallest scale from which the local exponent stays within {:.3g}% of "
      "the prediction",
      spec.name.empty() ? std::string("reference table") : spec.name, spec.points,
      spec.resource_min, spec.resource_max, spec.budget_min, spec.budget_max,
      spec.flops_per_param_token, spec.unique_tokens, spec.learning_rate, spec.capacity_scale,
      100.0 * spec.onset_tolerance);
  std::string out;
  switch (format) {
    case TableFormat::csv:
      out = "alpha,beta,gamma,law,predicted,measured,deviation,onset\n";
      for (const auto& r : rows) {
        out += fmt::format("{},{},{},{},{},{},{},{}\n", r.alpha, r.beta, r.gamma, r.law,
                           num(r.predicted, ""),
                           std::isfinite(r.measured) ? fmt::format("{:.6g}", r.measured) : "",
                           std::isfinite(r.deviation) ? fmt::format("{:.4g}", r.deviation) : "",
                           onset_text(r, "", ""));
      }
      return out;
    case TableFormat::markdown:
      out = "<!-- " + caption + " -->\n\n";
      out += "| alpha | beta | gamma | law | predicted | measured | deviation | onset |\n";
      out += "|---:|---:|---:|---|---:|---:|---:|---:|\n";
      for (const auto& r : rows) {
        out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", r.alpha, r.beta, r.gamma,
                           r.law, num(r.predicted, "no claim"), num(r.measured, "too few points"),
                           pct(r.deviation, ""), onset_text(r, "not reached", ""));
      }
      return out;
    case TableFormat::latex:
      out = "% " + caption + "\n";
      out += "\\begin{tabular}{rrrlrrrr}\n\\hline\n";
      out +=
          "$\\alpha$ & $\\beta$ & $\\gamma$ & law & predicted & measured & deviation & onset "
          "\\\\\n\\hline\n";
      for (const auto& r : rows) {
        std::string law = r.law;
        for (std::size_t p = 0; (p = law.find('_', p)) != std::string::npos; p += 2) {
          law.replace(p, 1, "\\_");
        }
        std::string dev = pct(r.deviation, "--");
        if (const auto p = dev.find('%'); p != std::string::npos) dev.replace(p, 1, "\\%");
        out += fmt::format("{} & {} & {} & {} & {} & {} & {} & {} \\\\\n", r.alpha, r.beta, r.gamma,
                           law, num(r.predicted, "--"), num(r.measured, "--"), dev,
                           onset_text(r, "--", "--"));
      }
      out += "\\hline\n\\end{tabular}\n";
      return out;
  }
  return out;
}

}  // namespace modesweep::frontier
