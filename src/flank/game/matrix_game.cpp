#include "flank/game/matrix_game.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace flank::game {
namespace {

struct ProblemDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using Problem = std::unique_ptr<glp_prob, ProblemDeleter>;

// One player's LP. For Red (maximise): variables x_1..x_m ≥ 0 and v free, maximise v subject
// to Σ_i a_ij x_i − v ≥ 0 for every column j and Σ x = 1. Blue's is the transpose with the
// inequality reversed and v minimised. Returns the strategy and the value.
std::pair<std::vector<double>, double> solve_side(const Matrix& a, bool red) {
  const std::size_t own = red ? a.rows() : a.cols();
  const std::size_t other = red ? a.cols() : a.rows();
  Problem lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), red ? GLP_MAX : GLP_MIN);
  glp_add_rows(lp.get(), static_cast<int>(other + 1));
  for (std::size_t r = 1; r <= other; ++r)
    glp_set_row_bnds(lp.get(), static_cast<int>(r), red ? GLP_LO : GLP_UP, 0, 0);
  glp_set_row_bnds(lp.get(), static_cast<int>(other + 1), GLP_FX, 1, 1);
  glp_add_cols(lp.get(), static_cast<int>(own + 1));
  for (std::size_t c = 1; c <= own; ++c)
    glp_set_col_bnds(lp.get(), static_cast<int>(c), GLP_LO, 0, 0);
  const int v = static_cast<int>(own + 1);
  glp_set_col_bnds(lp.get(), v, GLP_FR, 0, 0);
  glp_set_obj_coef(lp.get(), v, 1);

  // 1-based triplets; index 0 unused as GLPK requires. Zero payoffs are left out.
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  for (std::size_t r = 0; r < other; ++r) {
    for (std::size_t c = 0; c < own; ++c) {
      const double x = red ? a(c, r) : a(r, c);
      if (x == 0) continue;
      ia.push_back(static_cast<int>(r + 1));
      ja.push_back(static_cast<int>(c + 1));
      ar.push_back(x);
    }
    ia.push_back(static_cast<int>(r + 1));
    ja.push_back(v);
    ar.push_back(-1);
  }
  for (std::size_t c = 0; c < own; ++c) {
    ia.push_back(static_cast<int>(other + 1));
    ja.push_back(static_cast<int>(c + 1));
    ar.push_back(1);
  }
  glp_load_matrix(lp.get(), static_cast<int>(ar.size() - 1), ia.data(), ja.data(), ar.data());

  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  // GLPK's floating-point simplex: the optimal vertex is solved from its basis by LU
  // factorisation, accurate to rounding. (glp_exact is not used: it first turns each double
  // into a nearby rational, which loses ~1e-13 on payoffs that are not simple fractions.)
  if (glp_simplex(lp.get(), &parm) != 0 || glp_get_status(lp.get()) != GLP_OPT)
    throw std::runtime_error("matrix game: GLPK simplex found no optimum");
  std::vector<double> strategy(own);
  double total = 0;
  for (std::size_t c = 0; c < own; ++c) {
    strategy[c] = std::max(0.0, glp_get_col_prim(lp.get(), static_cast<int>(c + 1)));
    total += strategy[c];
  }
  for (double& s : strategy) s /= total;
  return {strategy, glp_get_obj_val(lp.get())};
}

}  // namespace

Matrix::Matrix(std::size_t rows, std::size_t cols, std::vector<double> row_major)
    : rows_(rows), cols_(cols), a_(std::move(row_major)) {
  if (a_.size() != rows * cols) throw std::invalid_argument("matrix game: wrong entry count");
}

Matrix Matrix::negated() const {
  Matrix m = *this;
  for (double& x : m.a_) x = -x;
  return m;
}

PureAnalysis analyse_pure(const Matrix& a, double tol) {
  PureAnalysis p;
  const double inf = std::numeric_limits<double>::infinity();
  p.column_worst.assign(a.cols(), -inf);
  p.best_responses.resize(a.cols());
  p.row_worst.assign(a.rows(), inf);
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) {
      p.column_worst[j] = std::max(p.column_worst[j], a(i, j));
      p.row_worst[i] = std::min(p.row_worst[i], a(i, j));
    }
  for (std::size_t j = 0; j < a.cols(); ++j)
    for (std::size_t i = 0; i < a.rows(); ++i)
      if (a(i, j) >= p.column_worst[j] - tol) p.best_responses[j].push_back(i);
  p.upper_value = *std::min_element(p.column_worst.begin(), p.column_worst.end());
  p.lower_value = *std::max_element(p.row_worst.begin(), p.row_worst.end());
  for (std::size_t j = 0; j < a.cols(); ++j)
    if (p.column_worst[j] <= p.upper_value + tol) p.minimax_columns.push_back(j);
  for (std::size_t i = 0; i < a.rows(); ++i)
    if (p.row_worst[i] >= p.lower_value - tol) p.maximin_rows.push_back(i);
  return p;
}

std::vector<bool> dominated_rows(const Matrix& a) {
  std::vector<bool> out(a.rows(), false);
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t k = 0; k < a.rows() && !out[i]; ++k) {
      if (k == i) continue;
      bool all = true;
      for (std::size_t j = 0; j < a.cols() && all; ++j) all = a(k, j) > a(i, j);
      out[i] = all;
    }
  return out;
}

MixedEquilibrium solve_mixed(const Matrix& a) {
  if (a.rows() == 0 || a.cols() == 0) throw std::invalid_argument("matrix game: empty matrix");
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j)
      if (!std::isfinite(a(i, j)))
        throw std::invalid_argument("matrix game: payoffs must be finite");
  glp_term_out(GLP_OFF);
  MixedEquilibrium e;
  auto [row, v_red] = solve_side(a, true);
  auto [col, v_blue] = solve_side(a, false);
  e.row = std::move(row);
  e.col = std::move(col);
  // Both LPs have the same optimum (strong duality); report Red's.
  (void)v_blue;
  e.value = v_red;
  return e;
}

}  // namespace flank::game
