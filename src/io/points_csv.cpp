#include "modesweep/io/points_csv.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <string_view>

#include "modesweep/io/bottleneck_text.hpp"
#include "modesweep/io/number_text.hpp"
#include "modesweep/model/validate.hpp"

namespace modesweep::io {
namespace {

struct Column {
  std::string_view name;
  double model::ModelPoint::*field;
  bool required;
};

// The six sweep axes are required; the model constants have defaults (MODEL.md 2).
constexpr std::array<Column, 9> columns{{
    {"alpha", &model::ModelPoint::alpha, true},
    {"beta", &model::ModelPoint::beta, true},
    {"gamma", &model::ModelPoint::gamma, true},
    {"N", &model::ModelPoint::N, true},
    {"D", &model::ModelPoint::D, true},
    {"tau", &model::ModelPoint::tau, true},
    {"learning_rate", &model::ModelPoint::learning_rate, false},
    {"capacity_scale", &model::ModelPoint::capacity_scale, false},
    {"irreducible", &model::ModelPoint::irreducible, false},
}};

constexpr std::string_view required_list = "alpha, beta, gamma, N, D, tau";
constexpr std::string_view allowed_list =
    "alpha, beta, gamma, N, D, tau, learning_rate, capacity_scale, irreducible";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

std::optional<std::size_t> column_index(std::string_view name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return std::nullopt;
}

// Maps each header field to its column; checks for unknown, repeated and missing names.
std::vector<std::size_t> parse_header(std::string_view line, const std::string& source) {
  const auto at = [&](std::string message) {
    return PointsCsvError(fmt::format("{}: line 1 (header): {}", source, message), 1);
  };
  std::vector<std::size_t> layout;
  std::array<bool, columns.size()> seen{};
  for (const std::string_view name : split_fields(line)) {
    const auto index = column_index(name);
    if (!index) {
      throw at(fmt::format("unknown column '{}'; allowed columns are {}", name, allowed_list));
    }
    if (seen[*index]) throw at(fmt::format("column '{}' appears more than once", name));
    seen[*index] = true;
    layout.push_back(*index);
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].required && !seen[i]) {
      throw at(fmt::format("missing required column '{}' (required: {})", columns[i].name,
                           required_list));
    }
  }
  return layout;
}

}  // namespace

std::vector<model::ModelPoint> read_points_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw PointsCsvError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)), 0);
  }
  return read_points_csv(in, path);
}

std::vector<model::ModelPoint> read_points_csv(std::istream& in, const std::string& source) {
  std::string line;
  std::size_t line_number = 0;
  std::vector<std::size_t> layout;
  std::vector<model::ModelPoint> points;
  std::size_t row = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::string_view text = trim(line);
    if (line_number == 1) {
      if (text.empty()) {
        throw PointsCsvError(
            fmt::format("{}: line 1: expected a header naming the columns ({} required)", source,
                        required_list),
            1);
      }
      layout = parse_header(text, source);
      continue;
    }
    if (text.empty()) continue;  // e.g. a trailing blank line
    ++row;
    const auto where = fmt::format("{}: row {} (line {})", source, row, line_number);
    const auto fields = split_fields(text);
    if (fields.size() != layout.size()) {
      throw PointsCsvError(fmt::format("{}: expected {} fields as in the header, found {}", where,
                                       layout.size(), fields.size()),
                           line_number);
    }
    model::ModelPoint point;  // absent optional columns keep the MODEL.md 2 defaults
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const Column& column = columns[layout[f]];
      const auto value = parse_double(fields[f]);
      if (!value) {
        throw PointsCsvError(
            fmt::format("{}, column '{}': '{}' is not a number (expected e.g. 0.5, 1e24 or inf)",
                        where, column.name, fields[f]),
            line_number);
      }
      point.*column.field = *value;
    }
    // validate_point's message names the field, which is the column name.
    if (const auto problem = model::validate_point(point)) {
      throw PointsCsvError(fmt::format("{}: {}", where, *problem), line_number);
    }
    points.push_back(point);
  }
  if (in.bad()) {
    throw PointsCsvError(fmt::format("{}: read error after line {}", source, line_number),
                         line_number);
  }
  if (line_number == 0) {
    throw PointsCsvError(
        fmt::format("{}: empty file; expected a header naming the columns ({} required)", source,
                    required_list),
        0);
  }
  return points;
}

std::string points_csv_output_header(bool with_mc) {
  std::string header;
  for (const Column& column : columns) {
    header += column.name;
    header += ',';
  }
  header += "dL,eps_N,eps_D,eps_tau,bottleneck";
  if (with_mc) header += ",mc_mean,mc_stderr,mc_q05,mc_q50,mc_q95";
  return header;
}

void write_points_csv(std::ostream& out, const std::vector<model::ModelPoint>& points,
                      const std::vector<model::LossResult>& results,
                      const std::vector<mc::McStatistics>* mc) {
  if (points.size() != results.size() || (mc && mc->size() != points.size())) {
    throw std::invalid_argument(
        fmt::format("write_points_csv: {} points but {} results", points.size(), results.size()));
  }
  out << points_csv_output_header(mc != nullptr) << '\n';
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::string row;
    for (const Column& column : columns) {
      row += format_round_trip(points[i].*column.field);
      row += ',';
    }
    const model::LossResult& r = results[i];
    // The linear values, as specified; below ~1e-308 they are 0 (the logs are exact).
    row += fmt::format("{},{},{},{},{}", format_round_trip(r.dL), format_round_trip(r.eps_N),
                       format_round_trip(r.eps_D), format_round_trip(r.eps_tau),
                       bottleneck_name(r.bottleneck));
    if (mc) {
      const mc::McStatistics& s = (*mc)[i];
      for (double v : {s.mean, s.standard_error, s.q05, s.q50, s.q95}) {
        row += ',';
        row += format_round_trip(v);
      }
    }
    out << row << '\n';
  }
}

}  // namespace modesweep::io
