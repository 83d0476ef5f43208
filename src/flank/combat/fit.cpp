#include "flank/combat/fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

namespace flank::combat {

bool solve_linear(std::vector<double>& a, std::vector<double>& b, int n) {
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) pivot = r;
    if (std::abs(a[pivot * n + col]) < 1e-300) return false;
    if (pivot != col) {
      for (int c = 0; c < n; ++c) std::swap(a[col * n + c], a[pivot * n + c]);
      std::swap(b[col], b[pivot]);
    }
    for (int r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      for (int c = col; c < n; ++c) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  for (int r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int c = r + 1; c < n; ++c) s -= a[r * n + c] * b[c];
    b[r] = s / a[r * n + r];
  }
  return true;
}

bool invert(const std::vector<double>& a, std::vector<double>& inverse, int n) {
  inverse.assign(static_cast<std::size_t>(n * n), 0.0);
  for (int c = 0; c < n; ++c) {
    std::vector<double> m = a, e(static_cast<std::size_t>(n), 0.0);
    e[c] = 1;
    if (!solve_linear(m, e, n)) return false;
    for (int r = 0; r < n; ++r) inverse[r * n + c] = e[r];
  }
  return true;
}

LeastSquares levenberg_marquardt(const ResidualFunction& model, std::vector<double> theta, int m,
                                 int max_iterations) {
  const int k = static_cast<int>(theta.size());
  std::vector<double> r(m), jac(static_cast<std::size_t>(m * k)), r_try(m), jac_try(jac.size());
  auto sum_sq = [](const std::vector<double>& v) {
    return std::inner_product(v.begin(), v.end(), v.begin(), 0.0);
  };
  auto normal_matrix = [&](const std::vector<double>& j) {
    std::vector<double> a(static_cast<std::size_t>(k * k), 0.0);
    for (int i = 0; i < m; ++i)
      for (int p = 0; p < k; ++p)
        for (int q = 0; q < k; ++q) a[p * k + q] += j[i * k + p] * j[i * k + q];
    return a;
  };
  LeastSquares out;
  model(theta, r, jac);
  double sse = sum_sq(r), lambda = 1e-3;
  for (out.iterations = 0; out.iterations < max_iterations; ++out.iterations) {
    const std::vector<double> a = normal_matrix(jac);
    std::vector<double> g(k, 0.0);
    for (int i = 0; i < m; ++i)
      for (int p = 0; p < k; ++p) g[p] += jac[i * k + p] * r[i];
    bool improved = false;
    for (int attempt = 0; attempt < 30 && !improved; ++attempt) {
      std::vector<double> damped = a, step(k);
      for (int p = 0; p < k; ++p) {
        damped[p * k + p] += lambda * std::max(a[p * k + p], 1e-12);
        step[p] = -g[p];
      }
      if (!solve_linear(damped, step, k)) {
        lambda *= 10;
        continue;
      }
      std::vector<double> trial = theta;
      for (int p = 0; p < k; ++p) trial[p] += step[p];
      model(trial, r_try, jac_try);
      const double sse_try = sum_sq(r_try);
      if (std::isfinite(sse_try) && sse_try <= sse) {
        const double drop = sse - sse_try;
        double step_norm = 0;
        for (int p = 0; p < k; ++p) step_norm = std::max(step_norm, std::abs(step[p]));
        theta = trial;
        r.swap(r_try);
        jac.swap(jac_try);
        sse = sse_try;
        lambda = std::max(lambda / 10, 1e-12);
        improved = true;
        if (drop <= 1e-14 * std::max(sse, 1e-300) || step_norm < 1e-12) out.converged = true;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) {
      out.converged = true;  // no descent direction left: at a (local) minimum
      break;
    }
    if (out.converged) break;
  }
  out.theta = theta;
  out.sse = sse;
  std::vector<double> inv;
  if (m > k && invert(normal_matrix(jac), inv, k)) {
    const double sigma2 = sse / (m - k);
    for (double& v : inv) v *= sigma2;
    out.covariance = std::move(inv);
  }
  return out;
}

namespace {

SideFit fit_side(const history::DailySeries& s, int side, LawKind kind) {
  const int enemy = 1 - side;
  const int n = static_cast<int>(s.size());
  const bool free_exponents = kind == LawKind::Helmbold;
  const bool has_phase = !s.phase.empty();
  const AttritionLaw law = AttritionLaw::of_kind(kind, 1, 1);
  auto mean_of = [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  const double own_mean = mean_of(s.strength[side]), enemy_mean = mean_of(s.strength[enemy]);
  std::vector<double> lx(n), ly(n);
  for (int i = 0; i < n; ++i) {
    lx[i] = std::log(s.strength[side][i] / own_mean);
    ly[i] = std::log(s.strength[enemy][i] / enemy_mean);
  }
  const std::vector<double>& y = s.casualties[side];
  // θ = [ln c', p, q (Helmbold only), ln φ (phase only)]
  const int k = 1 + (free_exponents ? 2 : 0) + (has_phase ? 1 : 0);
  const int i_phase = has_phase ? k - 1 : -1;
  auto exponents = [&](const std::vector<double>& th) {
    return free_exponents ? std::pair{th[1], th[2]} : std::pair{law.p, law.q};
  };
  auto model = [&](const std::vector<double>& th, std::vector<double>& r, std::vector<double>& j) {
    const auto [p, q] = exponents(th);
    for (int i = 0; i < n; ++i) {
      const double ph = has_phase ? s.phase[i] : 0.0;
      const double m = std::exp(th[0] + p * lx[i] + q * ly[i] + (has_phase ? th[i_phase] * ph : 0));
      r[i] = m - y[i];
      j[i * k] = m;
      if (free_exponents) {
        j[i * k + 1] = m * lx[i];
        j[i * k + 2] = m * ly[i];
      }
      if (has_phase) j[i * k + i_phase] = m * ph;
    }
  };
  // Start: log-linear least squares (ln C on the same features) for free exponents; the
  // closed-form coefficient for fixed ones.
  std::vector<double> theta0(k, 0.0);
  {
    const int cols = k;
    std::vector<double> a(static_cast<std::size_t>(cols * cols), 0.0), b(cols, 0.0);
    for (int i = 0; i < n; ++i) {
      if (y[i] <= 0) continue;
      std::vector<double> x(cols, 0.0);
      x[0] = 1;
      double target = std::log(y[i]);
      if (free_exponents) {
        x[1] = lx[i];
        x[2] = ly[i];
      } else {
        target -= law.p * lx[i] + law.q * ly[i];
      }
      if (has_phase) x[i_phase] = s.phase[i];
      for (int p = 0; p < cols; ++p) {
        b[p] += x[p] * target;
        for (int q = 0; q < cols; ++q) a[p * cols + q] += x[p] * x[q];
      }
    }
    if (solve_linear(a, b, cols)) theta0 = b;
  }
  const LeastSquares ls = levenberg_marquardt(model, theta0, n);
  SideFit f;
  f.n = n;
  f.parameters = k;
  f.has_phase = has_phase;
  f.converged = ls.converged;
  f.sse = ls.sse;
  f.rmse = std::sqrt(ls.sse / n);
  const auto [p, q] = exponents(ls.theta);
  auto se = [&](int i) {
    return ls.covariance.empty() ? std::numeric_limits<double>::quiet_NaN()
                                 : std::sqrt(std::max(0.0, ls.covariance[i * k + i]));
  };
  // c = exp(θ0 − p·ln S̄_own − q·ln S̄_enemy): delta method over the free parameters.
  const double log_c = ls.theta[0] - p * std::log(own_mean) - q * std::log(enemy_mean);
  f.coefficient.value = std::exp(log_c);
  {
    std::vector<double> grad(k, 0.0);
    grad[0] = 1;
    if (free_exponents) {
      grad[1] = -std::log(own_mean);
      grad[2] = -std::log(enemy_mean);
    }
    double var = 0;
    if (!ls.covariance.empty())
      for (int a = 0; a < k; ++a)
        for (int b = 0; b < k; ++b) var += grad[a] * ls.covariance[a * k + b] * grad[b];
    f.coefficient.se = ls.covariance.empty() ? std::numeric_limits<double>::quiet_NaN()
                                             : f.coefficient.value * std::sqrt(std::max(0.0, var));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  f.own_exponent = {p, free_exponents ? se(1) : nan, !free_exponents};
  f.enemy_exponent = {q, free_exponents ? se(2) : nan, !free_exponents};
  if (has_phase) {
    const double phi = std::exp(ls.theta[i_phase]);
    f.phase_factor = {phi, phi * se(i_phase), false};
  } else {
    f.phase_factor = {1, nan, true};
  }
  f.predicted.resize(n);
  std::vector<double> r(n), j(static_cast<std::size_t>(n * k));
  model(ls.theta, r, j);
  for (int i = 0; i < n; ++i) f.predicted[i] = r[i] + y[i];
  return f;
}

}  // namespace

KernelFit fit_kernel(const history::DailySeries& series, LawKind kind) {
  KernelFit out;
  out.kind = kind;
  double observations = 0;
  for (int side = 0; side < 2; ++side) {
    out.side[side] = fit_side(series, side, kind);
    const SideFit& f = out.side[side];
    out.parameters += f.parameters + 1;  // + the side's error variance
    observations += f.n;
    const double sigma2 = std::max(f.sse / f.n, 1e-300);
    out.log_likelihood += -0.5 * f.n * (std::log(2 * std::numbers::pi * sigma2) + 1);
  }
  out.aic = 2 * out.parameters - 2 * out.log_likelihood;
  out.bic = out.parameters * std::log(observations) - 2 * out.log_likelihood;
  return out;
}

}  // namespace flank::combat
