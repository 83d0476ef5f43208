#include "flank/game/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "flank/core/rng.hpp"
#include "flank/mc/runner.hpp"

namespace flank::game {
namespace {

CellEstimate summarise(const std::vector<double>& v, bool probability) {
  CellEstimate c;
  c.n = v.size();
  if (v.empty()) return c;
  double sum = 0, sum_sq = 0;
  for (double x : v) sum += x, sum_sq += x * x;
  const double n = static_cast<double>(v.size());
  if (probability) {
    // The same Wilson interval as run summaries and sweeps (metrics.cpp).
    const auto w = mc::wilson(static_cast<std::uint64_t>(std::llround(sum)), c.n);
    c.mean = w.p, c.lo = w.lo, c.hi = w.hi;
    return c;
  }
  c.mean = sum / n;
  const double var = n > 1 ? std::max(0.0, (sum_sq - n * c.mean * c.mean) / (n - 1)) : 0;
  const double half = 1.959963984540054 * std::sqrt(var / n);
  c.lo = c.mean - half, c.hi = c.mean + half;
  return c;
}

// True when plan k beats plan i (for Red) against every option, paired replication by
// replication over the first n values, by more than z standard errors. An option against
// which the two plans gave identical values in every replication (both always fail against
// a strong posture, say) is a tie and does not count either way; at least one option must
// be a clear win. (Identical over n paired replications means the plans differ there in at
// most about 3/n of replications, the rule of three's 95 % bound.)
bool clearly_beats(const std::vector<std::vector<double>>& values, std::size_t k, std::size_t i,
                   std::size_t options, std::uint64_t n, double sign, double z) {
  bool any = false;
  for (std::size_t j = 0; j < options; ++j) {
    const auto& a = values[k * options + j];
    const auto& b = values[i * options + j];
    double sum = 0, sum_sq = 0;
    for (std::uint64_t r = 0; r < n; ++r) {
      const double d = sign * (a[r] - b[r]);
      sum += d, sum_sq += d * d;
    }
    if (sum_sq == 0) continue;  // identical in every replication: a tie
    const double nn = static_cast<double>(n);
    const double mean = sum / nn;
    const double var = n > 1 ? std::max(0.0, (sum_sq - nn * mean * mean) / (nn - 1)) : 0;
    if (!(mean > 0 && mean - z * std::sqrt(var / nn) > 0)) return false;
    any = true;
  }
  return any;
}

}  // namespace

Matrix oriented(const Matrix& payoff, bool red_maximises) {
  return red_maximises ? payoff : payoff.negated();
}

GameEstimate estimate_game(std::size_t plans, std::size_t options, const CellSampler& sample,
                           const EstimateOptions& o) {
  if (plans == 0 || options == 0) throw std::invalid_argument("game: no plans or no options");
  if (o.replications == 0) throw std::invalid_argument("game: replications must be positive");
  GameEstimate g;
  g.plans = plans, g.options = options;
  g.dropped.assign(plans, false);
  g.dropped_by.assign(plans, 0);
  g.replications_full = plans * options * o.replications;
  const double sign = o.red_maximises ? 1 : -1;
  std::vector<std::vector<double>> values(plans * options);
  const auto run = [&](std::size_t i, std::size_t j, std::uint64_t first, std::uint64_t count) {
    auto v = sample(i, j, first, count);
    if (v.size() != count) throw std::runtime_error("game: sampler returned a wrong count");
    auto& cell = values[i * options + j];
    cell.insert(cell.end(), v.begin(), v.end());
    g.replications_run += count;
  };

  const bool racing = plans > 1 && o.first_batch > 0 && o.first_batch < o.replications;
  const std::uint64_t first = racing ? o.first_batch : o.replications;
  const auto run_phase = [&](const std::vector<CellRange>& ranges) {
    if (o.prepare && !ranges.empty()) o.prepare(ranges);
    for (const auto& r : ranges) run(r.plan, r.option, r.first, r.count);
  };
  std::vector<CellRange> phase;
  for (std::size_t i = 0; i < plans; ++i)
    for (std::size_t j = 0; j < options; ++j) phase.push_back({i, j, 0, first});
  run_phase(phase);
  if (racing) {
    // Decided on the first batch only, before any more replications, so the verdict does not
    // depend on the order cells are run in.
    for (std::size_t i = 0; i < plans; ++i)
      for (std::size_t k = 0; k < plans && !g.dropped[i]; ++k)
        if (k != i && clearly_beats(values, k, i, options, first, sign, o.race_z)) {
          g.dropped[i] = true;
          g.dropped_by[i] = k;
        }
    phase.clear();
    for (std::size_t i = 0; i < plans; ++i)
      if (!g.dropped[i])
        for (std::size_t j = 0; j < options; ++j)
          phase.push_back({i, j, first, o.replications - first});
    run_phase(phase);
  }

  g.payoff = Matrix(plans, options);
  g.cells.resize(plans * options);
  for (std::size_t c = 0; c < values.size(); ++c) {
    g.cells[c] = summarise(values[c], o.probability);
    g.payoff(c / options, c % options) = g.cells[c].mean;
  }
  const Matrix red = oriented(g.payoff, o.red_maximises);
  g.pure = analyse_pure(red);
  g.mixed = solve_mixed(red);
  g.mixed.value *= sign;

  // Percentile bootstrap of the equilibrium value. Cells with the full count share one draw
  // of indices, cells raced out at the first batch share another.
  g.bootstrap = o.bootstrap;
  g.value_lo = g.value_hi = g.mixed.value;
  if (o.bootstrap > 0) {
    std::vector<double> boot;
    boot.reserve(o.bootstrap);
    std::vector<std::uint64_t> full(o.replications), part(first);
    Matrix m(plans, options);
    for (std::uint64_t b = 0; b < o.bootstrap; ++b) {
      RandomStream rng(o.seed, b, Purpose::Analysis);
      const auto draw = [&](std::vector<std::uint64_t>& idx) {
        const auto n = static_cast<double>(idx.size());
        for (auto& x : idx)
          x = std::min<std::uint64_t>(idx.size() - 1,
                                      static_cast<std::uint64_t>(rng.uniform() * n));
      };
      draw(full);
      if (racing) draw(part);
      for (std::size_t c = 0; c < values.size(); ++c) {
        const auto& idx = values[c].size() == o.replications ? full : part;
        double sum = 0;
        for (auto r : idx) sum += values[c][r];
        m(c / options, c % options) = sum / static_cast<double>(idx.size());
      }
      boot.push_back(sign * solve_mixed(oriented(m, o.red_maximises)).value);
    }
    std::sort(boot.begin(), boot.end());
    const auto at = [&](double q) {
      const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(boot.size() - 1)));
      return boot[k];
    };
    g.value_lo = at(0.025);
    g.value_hi = at(0.975);
  }
  return g;
}

}  // namespace flank::game
