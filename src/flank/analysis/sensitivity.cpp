#include "flank/analysis/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "flank/analysis/sobol.hpp"
#include "flank/core/rng.hpp"

namespace flank::analysis {

std::vector<std::vector<double>> saltelli_sample(int factors, int base_samples) {
  if (factors < 1 || 2 * factors > SobolSequence::kMaxDimensions)
    throw std::invalid_argument("Saltelli design: 1..8 factors supported");
  if (base_samples < 2) throw std::invalid_argument("Saltelli design: base samples must be ≥ 2");
  const SobolSequence sobol(2 * factors);
  const auto n = static_cast<std::size_t>(base_samples);
  const auto k = static_cast<std::size_t>(factors);
  std::vector<std::vector<double>> rows(n * (k + 2), std::vector<double>(k));
  std::vector<double> point(2 * k);
  for (std::size_t j = 0; j < n; ++j) {
    sobol.point(static_cast<std::uint32_t>(j + 1), point.data());
    for (std::size_t c = 0; c < k; ++c) {
      rows[j][c] = point[c];          // A
      rows[n + j][c] = point[k + c];  // B
    }
    for (std::size_t i = 0; i < k; ++i) {
      auto& ab = rows[(2 + i) * n + j];
      for (std::size_t c = 0; c < k; ++c) ab[c] = c == i ? point[k + c] : point[c];
    }
  }
  return rows;
}

namespace {

// Indices from the base rows listed in `rows` (indices into [0, N)), possibly repeated.
void estimate(std::size_t k, std::size_t n, const std::vector<double>& y,
              const std::vector<std::size_t>& rows, std::vector<double>& first,
              std::vector<double>& total, double& variance) {
  const double m = static_cast<double>(rows.size());
  double sum = 0, sum_sq = 0;
  for (std::size_t j : rows) {
    sum += y[j] + y[n + j];
    sum_sq += y[j] * y[j] + y[n + j] * y[n + j];
  }
  const double mean = sum / (2 * m);
  variance = sum_sq / (2 * m) - mean * mean;
  first.assign(k, 0);
  total.assign(k, 0);
  for (std::size_t i = 0; i < k; ++i) {
    const double* ab = &y[(2 + i) * n];
    double s1 = 0, st = 0;
    for (std::size_t j : rows) {
      // Centring f_B leaves the estimator's expectation unchanged (E[f_ABi − f_A] = 0) but
      // removes the mean² term from its variance, which dominates when the output is a
      // probability far from zero.
      const double fa = y[j], fb = y[n + j] - mean;
      s1 += fb * (ab[j] - fa);
      st += (fa - ab[j]) * (fa - ab[j]);
    }
    // A constant output has no variance to apportion: every index is zero.
    first[i] = variance > 0 ? s1 / m / variance : 0;
    total[i] = variance > 0 ? st / (2 * m) / variance : 0;
  }
}

double percentile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

SobolIndices sobol_indices(int factors, int base_samples, const std::vector<double>& y,
                           int bootstrap, std::uint64_t seed) {
  const auto k = static_cast<std::size_t>(factors);
  const auto n = static_cast<std::size_t>(base_samples);
  if (y.size() != n * (k + 2))
    throw std::invalid_argument("Sobol indices: expected N(k+2) outputs");
  std::vector<std::size_t> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = j;
  std::vector<double> first, total;
  SobolIndices out;
  estimate(k, n, y, rows, first, total, out.variance);
  out.first.resize(k);
  out.total.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    out.first[i] = {first[i], first[i], first[i]};
    out.total[i] = {total[i], total[i], total[i]};
  }
  if (bootstrap <= 0) return out;

  RandomStream rng(seed, 0, Purpose::Analysis);
  std::vector<std::vector<double>> boot_first(k), boot_total(k);
  double variance = 0;
  for (int b = 0; b < bootstrap; ++b) {
    for (auto& r : rows) r = static_cast<std::size_t>(rng.uniform() * static_cast<double>(n));
    estimate(k, n, y, rows, first, total, variance);
    for (std::size_t i = 0; i < k; ++i) {
      boot_first[i].push_back(first[i]);
      boot_total[i].push_back(total[i]);
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    out.first[i].lo = percentile(boot_first[i], 0.025);
    out.first[i].hi = percentile(boot_first[i], 0.975);
    out.total[i].lo = percentile(boot_total[i], 0.025);
    out.total[i].hi = percentile(boot_total[i], 0.975);
  }
  return out;
}

double TornadoBar::swing() const {
  return std::abs(output_at_high - output_at_low);
}

Tornado make_tornado(double base_output, std::vector<TornadoBar> bars) {
  std::stable_sort(bars.begin(), bars.end(),
                   [](const TornadoBar& a, const TornadoBar& b) { return a.swing() > b.swing(); });
  return {base_output, std::move(bars)};
}

}  // namespace flank::analysis
