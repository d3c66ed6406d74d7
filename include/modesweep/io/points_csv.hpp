// A list of model points as CSV, for `modesweep eval --points` (MODEL.md 2, 3).
//
// Input: a header naming the columns, in any order: alpha,beta,gamma,N,D,tau required,
// learning_rate,capacity_scale,irreducible optional (MODEL.md 2 defaults when absent); any
// other column is an error. Values are decimal or scientific ("1e24") or inf. Blank lines are
// skipped. Output: all nine input columns, then dL,eps_N,eps_D,eps_tau,bottleneck.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "modesweep/mc/batch.hpp"
#include "modesweep/model/point.hpp"

namespace modesweep::io {

// A bad points file. what() is one line naming the file, the line (and data row), the column
// and what was expected, e.g.
// "pts.csv: row 2 (line 3): alpha = 0.5 is out of range: must be in (1, 10]".
class PointsCsvError : public std::runtime_error {
 public:
  PointsCsvError(const std::string& message, std::size_t line)
      : std::runtime_error(message), line_(line) {}
  // 1-based line of the file the error is on; 0 when the file could not be read at all.
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

// Reads and validates (validate_point) every row; throws PointsCsvError.
std::vector<model::ModelPoint> read_points_csv(const std::string& path);
// The same from a stream; source_name stands for the file in error messages.
std::vector<model::ModelPoint> read_points_csv(std::istream& in, const std::string& source_name);

// The output header line, without newline; with_mc adds mc_mean,mc_stderr,mc_q05,mc_q50,mc_q95.
std::string points_csv_output_header(bool with_mc = false);

// Writes the header and one row per point: 17 significant digits, inf as "inf", bottleneck as
// capacity|data|time|none. results[i] belongs to points[i]; throws std::invalid_argument if
// the sizes differ. With `mc` (Monte Carlo summaries, one per point) the five mc_* columns
// follow.
void write_points_csv(std::ostream& out, const std::vector<model::ModelPoint>& points,
                      const std::vector<model::LossResult>& results,
                      const std::vector<mc::McStatistics>* mc = nullptr);

}  // namespace modesweep::io
