#pragma once
// Two-player zero-sum matrix games: Red (rows) maximises the payoff a[i][j], Blue (columns)
// minimises it. Pure-strategy analysis (each column's worst case and Red's best responses,
// Blue's minimax column, Red's maximin row, dominance) and the mixed-strategy equilibrium,
// which is the solution of two linear programs (von Neumann's minimax theorem) solved with
// GLPK's simplex (Debian libglpk-dev).
#include <cstddef>
#include <vector>

namespace flank::game {

class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, double fill = 0)
      : rows_(rows), cols_(cols), a_(rows * cols, fill) {}
  Matrix(std::size_t rows, std::size_t cols, std::vector<double> row_major);
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  double operator()(std::size_t i, std::size_t j) const { return a_[i * cols_ + j]; }
  double& operator()(std::size_t i, std::size_t j) { return a_[i * cols_ + j]; }
  // Every entry negated: the same game with the players' aims swapped.
  Matrix negated() const;

 private:
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<double> a_;
};

struct PureAnalysis {
  std::vector<double> column_worst;                      // max over rows, per column
  std::vector<std::vector<std::size_t>> best_responses;  // rows attaining it (ties: within tol)
  std::vector<double> row_worst;                         // min over columns, per row
  std::vector<std::size_t> minimax_columns;              // Blue's pure security strategies
  std::vector<std::size_t> maximin_rows;                 // Red's
  double upper_value = 0;                                // min over columns of column_worst
  double lower_value = 0;                                // max over rows of row_worst
  bool saddle_point() const { return upper_value == lower_value; }
};
PureAnalysis analyse_pure(const Matrix& a, double tol = 0);

// Rows strictly dominated by another row (worse for Red against every column).
std::vector<bool> dominated_rows(const Matrix& a);

struct MixedEquilibrium {
  double value = 0;         // Red's guaranteed expected payoff = Blue's guaranteed cap
  std::vector<double> row;  // Red's optimal mixed strategy
  std::vector<double> col;  // Blue's optimal mixed strategy
};
// Throws std::invalid_argument for an empty matrix or non-finite entries, std::runtime_error
// when GLPK fails (it cannot for a finite matrix game, which always has a solution).
MixedEquilibrium solve_mixed(const Matrix& a);

}  // namespace flank::game
