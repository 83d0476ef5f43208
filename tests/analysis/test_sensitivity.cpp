#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "flank/analysis/sensitivity.hpp"

using namespace flank::analysis;

namespace {
// Ishigami & Homma (1990) with factors uniform on [−π, π].
double ishigami(const std::vector<double>& unit, double a = 7, double b = 0.1) {
  const double pi = std::numbers::pi;
  const double x1 = -pi + 2 * pi * unit[0], x2 = -pi + 2 * pi * unit[1],
               x3 = -pi + 2 * pi * unit[2];
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}
}  // namespace

// Analytic indices for a = 7, b = 0.1 (Saltelli et al., Global Sensitivity Analysis: The
// Primer, 2008; Sobol' & Levitan 1999): S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
TEST(Sensitivity, IshigamiIndicesMatchAnalyticValues) {
  const int n = 1 << 13;
  const auto rows = saltelli_sample(3, n);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(n) * 5);
  std::vector<double> y;
  for (const auto& r : rows) y.push_back(ishigami(r));
  const auto s = sobol_indices(3, n, y, 200, 42);
  const double first[] = {0.3139, 0.4424, 0.0};
  const double total[] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first[i].value, first[i], 0.02) << "S" << i + 1;
    EXPECT_NEAR(s.total[i].value, total[i], 0.02) << "ST" << i + 1;
    // The bootstrap interval brackets the estimate and the analytic value.
    EXPECT_LE(s.first[i].lo, s.first[i].value);
    EXPECT_GE(s.first[i].hi, s.first[i].value);
    EXPECT_LE(s.total[i].lo, total[i] + 0.01);
    EXPECT_GE(s.total[i].hi, total[i] - 0.01);
  }
  // Analytic variance: a²/8 + b π⁴/5 + b² π⁸/18 + 1/2.
  const double pi = std::numbers::pi;
  const double v = 49.0 / 8 + 0.1 * std::pow(pi, 4) / 5 + 0.01 * std::pow(pi, 8) / 18 + 0.5;
  EXPECT_NEAR(s.variance, v, 0.02 * v);
}

// An additive linear model y = Σ c_i x_i with x_i uniform has S_i = ST_i = c_i² / Σ c_j².
TEST(Sensitivity, AdditiveModelFirstOrderEqualsTotal) {
  const int n = 1 << 11;
  const double c[] = {1, 2, 3};
  const auto rows = saltelli_sample(3, n);
  std::vector<double> y;
  for (const auto& r : rows) y.push_back(c[0] * r[0] + c[1] * r[1] + c[2] * r[2]);
  const auto s = sobol_indices(3, n, y, 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first[i].value, c[i] * c[i] / 14.0, 0.01);
    EXPECT_NEAR(s.total[i].value, c[i] * c[i] / 14.0, 0.01);
  }
}

TEST(Sensitivity, ConstantOutputHasZeroIndices) {
  const auto rows = saltelli_sample(2, 16);
  const std::vector<double> y(rows.size(), 3.0);
  const auto s = sobol_indices(2, 16, y, 10);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(s.first[i].value, 0);
    EXPECT_EQ(s.total[i].value, 0);
  }
}

TEST(Sensitivity, SaltelliRowsShareColumnsAsDesigned) {
  const int n = 8, k = 3;
  const auto rows = saltelli_sample(k, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < k; ++i)
      for (int c = 0; c < k; ++c)
        EXPECT_EQ(rows[(2 + i) * n + j][c], c == i ? rows[n + j][c] : rows[j][c]);
}

TEST(Sensitivity, TornadoSortsBySwing) {
  const auto t =
      make_tornado(0.5, {{"a", 0, 1, 0.45, 0.55}, {"b", 0, 1, 0.2, 0.9}, {"c", 0, 1, 0.6, 0.4}});
  ASSERT_EQ(t.bars.size(), 3u);
  EXPECT_EQ(t.bars[0].factor, "b");
  EXPECT_EQ(t.bars[1].factor, "c");
  EXPECT_EQ(t.bars[2].factor, "a");
  EXPECT_NEAR(t.bars[0].swing(), 0.7, 1e-12);
}
