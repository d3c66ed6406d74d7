// Reference tables (issue 5): for each (alpha, beta, gamma) of a table spec, the exponents
// the theory predicts (MODEL.md 5) beside the ones measured on the exact model: the three
// single-resource laws eps_N ~ N^-a_N, eps_D ~ D^-a_D, eps_tau ~ tau^-a_tau, the compute-point
// law dL* ~ C*^-(a_N a_tau / (a_N + a_tau)) along runs with eps_N = eps_D, and the
// frontier of every budget (N_opt ~ C^s_N, dL_opt ~ C^-s_L), with the relative deviation and
// the asymptotic onset (the smallest scale from which the local exponent stays within the
// tolerance of the prediction).
#pragma once

#include <string>
#include <vector>

#include "modesweep/spec/table_spec.hpp"

namespace modesweep::frontier {

struct TableRow {
  double alpha = 0.0, beta = 0.0, gamma = 0.0;
  std::string law;         // a_N, a_D, a_tau, compute point dL*, <budget> N_opt, <budget> dL_opt
  double predicted = 0.0;  // NaN where MODEL.md 5 makes no claim
  double measured = 0.0;   // least-squares exponent over the spec's range
  double deviation = 0.0;  // measured / predicted - 1 (NaN without a prediction)
  double onset = 0.0;      // scale (N, D, tau or C) of the onset; NaN if never within
};

std::vector<TableRow> reference_table(const spec::TableSpec& spec);

enum class TableFormat { markdown, csv, latex };
// Throws std::invalid_argument for an unknown name (md, csv, tex).
TableFormat parse_table_format(const std::string& name);
std::string format_table(const spec::TableSpec& spec, const std::vector<TableRow>& rows,
                         TableFormat format);

}  // namespace modesweep::frontier
