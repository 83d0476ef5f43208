// The matrix-game solver against games whose solutions are known in closed form.
#include <gtest/gtest.h>

#include <random>

#include "flank/game/matrix_game.hpp"

namespace {

using flank::game::analyse_pure;
using flank::game::dominated_rows;
using flank::game::Matrix;
using flank::game::solve_mixed;

constexpr double kTol = 1e-12;

TEST(MatrixGame, MatchingPennies) {
  const Matrix a(2, 2, {1, -1, -1, 1});
  const auto e = solve_mixed(a);
  EXPECT_NEAR(e.value, 0, kTol);
  EXPECT_NEAR(e.row[0], 0.5, kTol);
  EXPECT_NEAR(e.row[1], 0.5, kTol);
  EXPECT_NEAR(e.col[0], 0.5, kTol);
  EXPECT_NEAR(e.col[1], 0.5, kTol);
  const auto p = analyse_pure(a);
  EXPECT_EQ(p.upper_value, 1);
  EXPECT_EQ(p.lower_value, -1);
  EXPECT_FALSE(p.saddle_point());
}

TEST(MatrixGame, RockPaperScissors) {
  // Rows and columns: rock, paper, scissors; +1 when the row wins.
  const Matrix a(3, 3, {0, -1, 1, 1, 0, -1, -1, 1, 0});
  const auto e = solve_mixed(a);
  EXPECT_NEAR(e.value, 0, kTol);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(e.row[i], 1.0 / 3, kTol);
    EXPECT_NEAR(e.col[i], 1.0 / 3, kTol);
  }
  // Each pure column's worst case is 1, reached by the one row that beats it.
  const auto p = analyse_pure(a);
  EXPECT_EQ(p.best_responses[0], std::vector<std::size_t>{1});  // rock → paper
  EXPECT_EQ(p.best_responses[1], std::vector<std::size_t>{2});
  EXPECT_EQ(p.best_responses[2], std::vector<std::size_t>{0});
}

TEST(MatrixGame, SaddlePoint) {
  // Row minima 1, 0, 2 (maximin row 2); column maxima 5, 2, 6 (minimax column 1): value 2.
  const Matrix a(3, 3, {3, 1, 4, 2, 0, 1, 5, 2, 6});
  const auto p = analyse_pure(a);
  EXPECT_TRUE(p.saddle_point());
  EXPECT_EQ(p.upper_value, 2);
  EXPECT_EQ(p.minimax_columns, std::vector<std::size_t>{1});
  EXPECT_EQ(p.maximin_rows, std::vector<std::size_t>{2});
  EXPECT_EQ(p.column_worst, (std::vector<double>{5, 2, 6}));
  const auto e = solve_mixed(a);
  EXPECT_NEAR(e.value, 2, kTol);
  EXPECT_NEAR(e.row[2], 1, kTol);
  EXPECT_NEAR(e.col[1], 1, kTol);
}

TEST(MatrixGame, DiagonalThreeByThree) {
  // diag(4, 2, 1): each player mixes in proportion to 1/a_ii, value 1 / Σ 1/a_ii = 4/7,
  // strategies (1/7, 2/7, 4/7).
  const Matrix a(3, 3, {4, 0, 0, 0, 2, 0, 0, 0, 1});
  const auto e = solve_mixed(a);
  EXPECT_NEAR(e.value, 4.0 / 7, kTol);
  const double want[] = {1.0 / 7, 2.0 / 7, 4.0 / 7};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(e.row[i], want[i], kTol);
    EXPECT_NEAR(e.col[i], want[i], kTol);
  }
}

TEST(MatrixGame, ThreeByThreeWithAnIrrelevantColumn) {
  // Rows × columns: the first two columns form the game [[2, -1], [-1, 1]] with value 1/5 and
  // strategies (2/5, 3/5) for both; column 3 costs Blue more than either and gets weight 0;
  // row 3 is dominated by row 1.
  const Matrix a(3, 3, {2, -1, 3, -1, 1, 2, 1, -2, 2});
  const auto e = solve_mixed(a);
  EXPECT_NEAR(e.value, 0.2, kTol);
  EXPECT_NEAR(e.row[0], 0.4, kTol);
  EXPECT_NEAR(e.row[1], 0.6, kTol);
  EXPECT_NEAR(e.row[2], 0, kTol);
  EXPECT_NEAR(e.col[0], 0.4, kTol);
  EXPECT_NEAR(e.col[1], 0.6, kTol);
  EXPECT_NEAR(e.col[2], 0, kTol);
  EXPECT_EQ(dominated_rows(a), (std::vector<bool>{false, false, true}));
}

TEST(MatrixGame, ADominatedRowIsNeverABestResponse) {
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t m = 2 + trial % 5, n = 1 + trial % 6;
    Matrix a(m, n);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) a(i, j) = u(rng);
    // Row m-1 is row 0 made strictly worse everywhere.
    for (std::size_t j = 0; j < n; ++j) a(m - 1, j) = a(0, j) - 0.01 - 0.1 * u(rng);
    ASSERT_TRUE(dominated_rows(a)[m - 1]);
    const auto p = analyse_pure(a);
    for (const auto& br : p.best_responses)
      for (std::size_t i : br) EXPECT_NE(i, m - 1) << "trial " << trial;
    const auto e = solve_mixed(a);
    EXPECT_NEAR(e.row[m - 1], 0, 1e-12) << "trial " << trial;
    // The equilibrium value lies between the pure security levels.
    EXPECT_LE(p.lower_value, e.value + 1e-12)
        << (e.value - p.lower_value) << " m=" << m << " n=" << n;
    EXPECT_GE(p.upper_value, e.value - 1e-12)
        << (p.upper_value - e.value) << " m=" << m << " n=" << n;
  }
}

TEST(MatrixGame, RejectsEmptyAndNonFinite) {
  EXPECT_THROW(solve_mixed(Matrix(0, 2)), std::invalid_argument);
  EXPECT_THROW(solve_mixed(Matrix(1, 1, std::vector<double>{std::nan("")})), std::invalid_argument);
}

}  // namespace
