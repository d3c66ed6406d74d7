// validate_point on both sides of every edge of the domain (MODEL.md 2).
#include "modesweep/model/validate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_constants.hpp"

namespace {

using modesweep::model::ModelPoint;
using modesweep::model::validate_point;

const double nan = std::numeric_limits<double>::quiet_NaN();

double above(double x) { return std::nextafter(x, inf); }
double below(double x) { return std::nextafter(x, -inf); }

// The message for `field` set to `value`, or "" when accepted.
std::string check(double ModelPoint::*field, double value) {
  ModelPoint point;
  point.*field = value;
  const auto problem = validate_point(point);
  return problem ? *problem : std::string();
}

TEST(ValidatePoint, DefaultPointIsValid) { EXPECT_FALSE(validate_point(ModelPoint{})); }

TEST(ValidatePoint, AlphaIsOpenAtOneClosedAtTen) {
  EXPECT_EQ(check(&ModelPoint::alpha, above(1.0)), "");
  EXPECT_EQ(check(&ModelPoint::alpha, 10.0), "");
  EXPECT_EQ(check(&ModelPoint::alpha, 1.0), "alpha = 1 is out of range: must be in (1, 10]");
  EXPECT_EQ(check(&ModelPoint::alpha, 0.5), "alpha = 0.5 is out of range: must be in (1, 10]");
  EXPECT_NE(check(&ModelPoint::alpha, above(10.0)), "");
  EXPECT_NE(check(&ModelPoint::alpha, inf), "");
  EXPECT_EQ(check(&ModelPoint::alpha, nan), "alpha = nan is out of range: must be in (1, 10]");
}

TEST(ValidatePoint, BetaAndGammaAreOpenAtZeroClosedAtTen) {
  for (auto field : {&ModelPoint::beta, &ModelPoint::gamma}) {
    const std::string name = field == &ModelPoint::beta ? "beta" : "gamma";
    EXPECT_EQ(check(field, std::numeric_limits<double>::denorm_min()), "") << name;
    EXPECT_EQ(check(field, 10.0), "") << name;
    EXPECT_EQ(check(field, 0.0), name + " = 0 is out of range: must be in (0, 10]");
    EXPECT_EQ(check(field, -1.0), name + " = -1 is out of range: must be in (0, 10]");
    EXPECT_NE(check(field, above(10.0)), "") << name;
    EXPECT_NE(check(field, nan), "") << name;
  }
}

TEST(ValidatePoint, ResourcesAreOneTo1e24OrInfinity) {
  const std::pair<double ModelPoint::*, std::string> fields[] = {
      {&ModelPoint::N, "N"}, {&ModelPoint::D, "D"}, {&ModelPoint::tau, "tau"}};
  for (const auto& [field, name] : fields) {
    EXPECT_EQ(check(field, 1.0), "") << name;
    EXPECT_EQ(check(field, 1e24), "") << name;
    EXPECT_EQ(check(field, inf), "") << name;
    EXPECT_EQ(check(field, below(1.0)), name +
                                            " = 0.9999999999999999 is out of range: must be in "
                                            "[1, 1e24] or inf");
    EXPECT_EQ(check(field, -5.0), name + " = -5 is out of range: must be in [1, 1e24] or inf");
    EXPECT_NE(check(field, above(1e24)), "") << name;
    EXPECT_NE(check(field, 0.0), "") << name;
    EXPECT_NE(check(field, -inf), "") << name;
    EXPECT_NE(check(field, nan), "") << name;
  }
}

TEST(ValidatePoint, LearningRateIsOpenAtZeroClosedAtOne) {
  EXPECT_EQ(check(&ModelPoint::learning_rate, 1.0), "");
  EXPECT_EQ(check(&ModelPoint::learning_rate, 1e-300), "");
  EXPECT_EQ(check(&ModelPoint::learning_rate, 0.0),
            "learning_rate = 0 is out of range: must be in (0, 1]");
  EXPECT_NE(check(&ModelPoint::learning_rate, above(1.0)), "");
  EXPECT_NE(check(&ModelPoint::learning_rate, nan), "");
}

TEST(ValidatePoint, CapacityScaleIsOpenAtZeroClosedAt1e3) {
  EXPECT_EQ(check(&ModelPoint::capacity_scale, 1e3), "");
  EXPECT_EQ(check(&ModelPoint::capacity_scale, 1e-300), "");
  EXPECT_EQ(check(&ModelPoint::capacity_scale, 0.0),
            "capacity_scale = 0 is out of range: must be in (0, 1e3]");
  EXPECT_NE(check(&ModelPoint::capacity_scale, above(1e3)), "");
  EXPECT_NE(check(&ModelPoint::capacity_scale, nan), "");
}

TEST(ValidatePoint, IrreducibleIsFiniteAndNonNegative) {
  EXPECT_EQ(check(&ModelPoint::irreducible, 0.0), "");
  EXPECT_EQ(check(&ModelPoint::irreducible, 1e300), "");
  EXPECT_EQ(check(&ModelPoint::irreducible, -1.0),
            "irreducible = -1 is out of range: must be finite and >= 0");
  EXPECT_NE(check(&ModelPoint::irreducible, below(0.0)), "");
  EXPECT_NE(check(&ModelPoint::irreducible, inf), "");
  EXPECT_NE(check(&ModelPoint::irreducible, nan), "");
}

TEST(ValidatePoint, ReportsTheFirstBadFieldInModelOrder) {
  ModelPoint point;
  point.gamma = 0.0;
  point.tau = 0.0;
  EXPECT_EQ(validate_point(point), "gamma = 0 is out of range: must be in (0, 10]");
}

}  // namespace
