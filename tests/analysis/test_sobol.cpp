#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "flank/analysis/sobol.hpp"

using flank::analysis::SobolSequence;

// The first eight points in three dimensions, derived by hand from the Joe–Kuo direction
// numbers (dimension 2: s=1, m=(1); dimension 3: s=2, a=1, m=(1,3)) in Gray-code order; they
// match the listing printed by Joe and Kuo's reference program sobol.cc.
TEST(Sobol, FirstPointsMatchJoeKuoReference) {
  const double expected[8][3] = {{0, 0, 0},
                                 {0.5, 0.5, 0.5},
                                 {0.75, 0.25, 0.25},
                                 {0.25, 0.75, 0.75},
                                 {0.375, 0.375, 0.625},
                                 {0.875, 0.875, 0.125},
                                 {0.625, 0.125, 0.875},
                                 {0.125, 0.625, 0.375}};
  const SobolSequence s(3);
  for (std::uint32_t i = 0; i < 8; ++i) {
    const auto p = s.point(i);
    for (int d = 0; d < 3; ++d) EXPECT_DOUBLE_EQ(p[d], expected[i][d]) << "point " << i;
  }
}

// Every one-dimensional projection of the first 2^m points puts exactly one point in each
// interval [j/2^m, (j+1)/2^m): the defining property of a (0, m, 1)-net in base 2.
TEST(Sobol, EachCoordinateStratifiesDyadicIntervals) {
  const int m = 10;
  const SobolSequence s(SobolSequence::kMaxDimensions);
  std::vector<std::set<std::uint32_t>> cells(SobolSequence::kMaxDimensions);
  for (std::uint32_t i = 0; i < (1u << m); ++i) {
    const auto p = s.point(i);
    for (int d = 0; d < SobolSequence::kMaxDimensions; ++d) {
      ASSERT_GE(p[d], 0.0);
      ASSERT_LT(p[d], 1.0);
      cells[d].insert(static_cast<std::uint32_t>(p[d] * (1u << m)));
    }
  }
  for (int d = 0; d < SobolSequence::kMaxDimensions; ++d)
    EXPECT_EQ(cells[d].size(), 1u << m) << "dimension " << d;
}

// The first two dimensions form a (0, m, 2)-net: every elementary box of area 2^-m holds
// exactly one of the first 2^m points.
TEST(Sobol, FirstTwoDimensionsFormAZeroNet) {
  const int m = 8;
  const SobolSequence s(2);
  for (int a = 0; a <= m; ++a) {
    std::set<std::pair<std::uint32_t, std::uint32_t>> boxes;
    for (std::uint32_t i = 0; i < (1u << m); ++i) {
      const auto p = s.point(i);
      boxes.insert({static_cast<std::uint32_t>(p[0] * (1u << a)),
                    static_cast<std::uint32_t>(p[1] * (1u << (m - a)))});
    }
    EXPECT_EQ(boxes.size(), 1u << m) << "split " << a;
  }
}

// Quasi-Monte Carlo integration of a smooth product function converges much faster than
// plain Monte Carlo: ∫ Π (1 + (x_d − ½)) dx = 1 exactly.
TEST(Sobol, IntegratesSmoothFunctionAccurately) {
  const int dims = 8;
  const std::uint32_t n = 1u << 14;
  const SobolSequence s(dims);
  double sum = 0;
  std::vector<double> p(dims);
  for (std::uint32_t i = 0; i < n; ++i) {
    s.point(i, p.data());
    double f = 1;
    for (double x : p) f *= 1 + (x - 0.5);
    sum += f;
  }
  EXPECT_NEAR(sum / n, 1.0, 1e-3);
}

TEST(Sobol, RejectsTooManyDimensions) {
  EXPECT_THROW(SobolSequence(SobolSequence::kMaxDimensions + 1), std::invalid_argument);
  EXPECT_THROW(SobolSequence(0), std::invalid_argument);
}
