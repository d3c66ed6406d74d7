// Reading and writing points CSV files, including every error and its one-line message.
#include "modesweep/io/points_csv.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_constants.hpp"

namespace {

using modesweep::io::PointsCsvError;
using modesweep::io::read_points_csv;
using modesweep::io::write_points_csv;
using modesweep::model::LossResult;
using modesweep::model::ModelPoint;

std::vector<ModelPoint> read(const std::string& text) {
  std::istringstream in(text);
  return read_points_csv(in, "pts.csv");
}

// The message of the PointsCsvError that reading `text` throws ("" if none).
std::string csv_error_of(const std::string& text) {
  try {
    read(text);
  } catch (const PointsCsvError& e) {
    return e.what();
  }
  return "";
}

TEST(ReadPointsCsv, RequiredColumnsInOrderAndDefaults) {
  const auto points = read("alpha,beta,gamma,N,D,tau\n2,1,0.5,1e6,1e9,inf\n1.5,2,1,inf,inf,1e24\n");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].alpha, 2.0);
  EXPECT_EQ(points[0].beta, 1.0);
  EXPECT_EQ(points[0].gamma, 0.5);
  EXPECT_EQ(points[0].N, 1e6);
  EXPECT_EQ(points[0].D, 1e9);
  EXPECT_EQ(points[0].tau, inf);
  EXPECT_EQ(points[0].learning_rate, modesweep::model::default_learning_rate);
  EXPECT_EQ(points[0].capacity_scale, modesweep::model::default_capacity_scale);
  EXPECT_EQ(points[0].irreducible, modesweep::model::default_irreducible);
  EXPECT_EQ(points[1].N, inf);
  EXPECT_EQ(points[1].tau, 1e24);
}

TEST(ReadPointsCsv, ColumnsInAnyOrderWithOptionalOnes) {
  const auto points = read(
      "tau, irreducible ,N,capacity_scale,D,gamma,learning_rate,beta,alpha\r\n"
      "10,1.5,100,2,1000,0.5,0.25,3,4\r\n"
      "\n");
  ASSERT_EQ(points.size(), 1u);
  const ModelPoint& p = points[0];
  EXPECT_EQ(p.alpha, 4.0);
  EXPECT_EQ(p.beta, 3.0);
  EXPECT_EQ(p.gamma, 0.5);
  EXPECT_EQ(p.N, 100.0);
  EXPECT_EQ(p.D, 1000.0);
  EXPECT_EQ(p.tau, 10.0);
  EXPECT_EQ(p.learning_rate, 0.25);
  EXPECT_EQ(p.capacity_scale, 2.0);
  EXPECT_EQ(p.irreducible, 1.5);
}

TEST(ReadPointsCsv, HeaderOnlyIsAnEmptyList) {
  EXPECT_TRUE(read("alpha,beta,gamma,N,D,tau\n").empty());
}

TEST(ReadPointsCsv, MissingColumn) {
  const std::string message = csv_error_of("alpha,beta,gamma,N,D\n2,1,1,1,1\n");
  EXPECT_EQ(message,
            "pts.csv: line 1 (header): missing required column 'tau' (required: alpha, beta, "
            "gamma, N, D, tau)");
}

TEST(ReadPointsCsv, UnknownAndRepeatedColumns) {
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau,kappa\n"),
            "pts.csv: line 1 (header): unknown column 'kappa'; allowed columns are alpha, beta, "
            "gamma, N, D, tau, learning_rate, capacity_scale, irreducible");
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,n,D,tau\n").substr(0, 51),
            "pts.csv: line 1 (header): unknown column 'n'; allow");
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau,alpha\n"),
            "pts.csv: line 1 (header): column 'alpha' appears more than once");
  EXPECT_NE(csv_error_of("alpha,beta,gamma,N,D,tau,\n").find("unknown column ''"),
            std::string::npos);
}

TEST(ReadPointsCsv, WrongFieldCount) {
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau\n2,1,1,1,1,1\n\n2,1,1,1,1\n"),
            "pts.csv: row 2 (line 4): expected 6 fields as in the header, found 5");
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau\n2,1,1,1,1,1,1\n"),
            "pts.csv: row 1 (line 2): expected 6 fields as in the header, found 7");
}

TEST(ReadPointsCsv, UnparsableValue) {
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau\n2,1,1,1,abc,1\n"),
            "pts.csv: row 1 (line 2), column 'D': 'abc' is not a number (expected e.g. 0.5, 1e24 "
            "or inf)");
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau\n2,1,1,1,,1\n"),
            "pts.csv: row 1 (line 2), column 'D': '' is not a number (expected e.g. 0.5, 1e24 "
            "or inf)");
}

TEST(ReadPointsCsv, OutOfDomainValue) {
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau\n2,1,1,1,1,1\n0.5,1,1,1,1,1\n"),
            "pts.csv: row 2 (line 3): alpha = 0.5 is out of range: must be in (1, 10]");
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau\n2,1,1,-5,1,1\n"),
            "pts.csv: row 1 (line 2): N = -5 is out of range: must be in [1, 1e24] or inf");
  EXPECT_EQ(csv_error_of("alpha,beta,gamma,N,D,tau,learning_rate\n2,1,1,1,1,1,nan\n"),
            "pts.csv: row 1 (line 2): learning_rate = nan is out of range: must be in (0, 1]");
}

TEST(ReadPointsCsv, EmptyInput) {
  EXPECT_EQ(csv_error_of(""),
            "pts.csv: empty file; expected a header naming the columns (alpha, beta, gamma, N, D, "
            "tau required)");
  EXPECT_NE(csv_error_of("\n2,1,1,1,1,1\n").find("pts.csv: line 1: expected a header"),
            std::string::npos);
}

TEST(ReadPointsCsv, ErrorCarriesTheLine) {
  try {
    read("alpha,beta,gamma,N,D,tau\n2,1,1,1,1,1\n2,1,1,1,1\n");
    FAIL() << "no exception";
  } catch (const PointsCsvError& e) {
    EXPECT_EQ(e.line(), 3u);
  }
}

TEST(ReadPointsCsv, MissingFile) {
  try {
    read_points_csv("/nonexistent/dir/pts.csv");
    FAIL() << "no exception";
  } catch (const PointsCsvError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/dir/pts.csv: cannot open: No such file or directory");
  }
}

TEST(ReadPointsCsv, FromAFile) {
  const std::string path = testing::TempDir() + "modesweep_points_csv_test.csv";
  {
    std::ofstream out(path);
    out << "alpha,beta,gamma,N,D,tau\n3,1,1,10,20,30\n";
  }
  const auto points = read_points_csv(path);
  std::remove(path.c_str());
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].tau, 30.0);
}

TEST(WritePointsCsv, HeaderRowsAndSeventeenDigits) {
  ModelPoint p;
  p.alpha = 1.5;
  p.N = inf;
  p.D = 1e24;
  p.tau = 3.0;
  LossResult r;
  r.dL = 1.0 / 3.0;
  r.eps_N = 0.0;
  r.eps_D = 0.25;
  r.eps_tau = 2.0 / 3.0;
  r.bottleneck = static_cast<int>(modesweep::model::Bottleneck::time);
  std::ostringstream out;
  write_points_csv(out, {p, p}, {r, r});
  const std::string row =
      "1.5,1,1,inf,9.9999999999999998e+23,3,0.10000000000000001,1,0,"
      "0.33333333333333331,0,0.25,0.66666666666666663,time\n";
  EXPECT_EQ(out.str(),
            "alpha,beta,gamma,N,D,tau,learning_rate,capacity_scale,irreducible,dL,eps_N,eps_D,"
            "eps_tau,bottleneck\n" +
                row + row);
}

TEST(WritePointsCsv, BottleneckWords) {
  for (const auto& [code, word] :
       {std::pair{0, "capacity"}, {1, "data"}, {2, "time"}, {3, "none"}}) {
    LossResult r;
    r.bottleneck = code;
    std::ostringstream out;
    write_points_csv(out, {ModelPoint{}}, {r});
    EXPECT_NE(out.str().find(std::string(",") + word + "\n"), std::string::npos) << word;
  }
}

TEST(WritePointsCsv, SizeMismatchThrows) {
  std::ostringstream out;
  EXPECT_THROW(write_points_csv(out, {ModelPoint{}}, {}), std::invalid_argument);
}

}  // namespace
