#pragma once
// Fitting attrition kernels to daily series by nonlinear least squares on daily casualties.
//
// The model is the kernel's daily-rate form (as in Bracken 1995, Fricker 1998, Wiper et al.
// 2000): side k's casualties on day i, caused by side j = 1 − k, are
//     C_k,i = c_k · S_k,i^p_k · S_j,i^q_k · φ_k^phase_i
// with S the strengths at the start of the day. Square law: p = 0, q = 1; linear: p = q = 1;
// logarithmic: p = 1, q = 0; Helmbold: p, q free (per side). φ_k is an optional multiplier for
// days flagged by a phase column (e.g. the German offensive, Ardennes days 2–6).
// Estimation: Levenberg–Marquardt on θ = (ln c, [p, q], [ln φ]) with strengths scaled by
// their means for conditioning; standard errors from σ²·(JᵀJ)⁻¹ with σ² = SSE/(n − k), and
// the delta method for c and φ. Each side has its own error variance; AIC and BIC use the
// Gaussian likelihood with those variances (counted as parameters).
#include <functional>
#include <vector>

#include "flank/combat/lanchester.hpp"
#include "flank/history/series.hpp"

namespace flank::combat {

// Solves the n×n system A·x = b in place (row-major A) by Gaussian elimination with partial
// pivoting; false when A is singular.
bool solve_linear(std::vector<double>& a, std::vector<double>& b, int n);
// Inverse of a symmetric positive (semi)definite n×n matrix; false when singular.
bool invert(const std::vector<double>& a, std::vector<double>& inverse, int n);

struct LeastSquares {
  std::vector<double> theta;
  std::vector<double> covariance;  // σ²·(JᵀJ)⁻¹, row-major; empty when singular
  double sse = 0;
  int iterations = 0;
  bool converged = false;
};

// Minimises Σ r_i(θ)². `model` fills residuals r (size m) and the Jacobian J (m × k,
// row-major, ∂r_i/∂θ_j) at θ.
using ResidualFunction = std::function<void(const std::vector<double>& theta,
                                            std::vector<double>& r, std::vector<double>& jacobian)>;
LeastSquares levenberg_marquardt(const ResidualFunction& model, std::vector<double> theta0, int m,
                                 int max_iterations = 200);

struct Estimate {
  double value = 0;
  double se = 0;  // NaN when the parameter was fixed by the law
  bool fixed = false;
};

struct SideFit {
  Estimate coefficient, own_exponent, enemy_exponent, phase_factor;
  bool has_phase = false;
  double sse = 0, rmse = 0;
  int n = 0, parameters = 0;
  bool converged = false;
  // Predicted casualties C_k,i for the data it was fitted on.
  std::vector<double> predicted;
};

struct KernelFit {
  LawKind kind = LawKind::Square;
  SideFit side[2];     // side[k]: losses of series side k
  int parameters = 0;  // including the two error variances
  double log_likelihood = 0, aic = 0, bic = 0;
};

KernelFit fit_kernel(const history::DailySeries& series, LawKind kind);

}  // namespace flank::combat
