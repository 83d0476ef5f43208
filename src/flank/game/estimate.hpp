#pragma once
// Estimating a matrix game by Monte Carlo: every cell (Red plan i, Blue option j) is run on
// the same seed and replication indices (common random numbers), so the differences between
// cells, which decide best responses, are far less noisy than the cells themselves.
//
// Racing: after a first batch on every cell, a plan is dropped when another plan beats it
// against every Blue option by a clear margin (the paired per-replication difference's 99 %
// normal interval lies above zero for each option). A dropped plan is then no best response
// at any option and has no weight in the equilibrium, so its cells keep the first batch and
// the remaining replications go to the other plans.
//
// The equilibrium value gets a percentile bootstrap interval: replication indices are
// resampled (one draw shared by all cells, keeping the pairing), the matrix is rebuilt and the
// game re-solved.
#include <cstdint>
#include <functional>
#include <vector>

#include "flank/game/matrix_game.hpp"

namespace flank::game {

// Per-replication payoffs of cell (plan, option) for replications [first, first + count), in
// replication order. Must be a pure function of its arguments.
using CellSampler = std::function<std::vector<double>(std::size_t plan, std::size_t option,
                                                      std::uint64_t first, std::uint64_t count)>;

// Replications [first, first + count) of cell (plan, option).
struct CellRange {
  std::size_t plan = 0, option = 0;
  std::uint64_t first = 0, count = 0;
};

struct EstimateOptions {
  std::uint64_t replications = 200;    // per cell
  std::uint64_t first_batch = 0;       // 0 or ≥ replications: no racing
  std::uint64_t bootstrap = 200;       // resamples; 0: no interval
  std::uint64_t seed = 1;              // of the bootstrap's resampling
  bool probability = true;             // payoffs are 0/1: Wilson intervals
  bool red_maximises = true;           // else Red wants the payoff low
  double race_z = 2.5758293035489004;  // 99 % two-sided
  // Called before each phase (the first batch on every cell, then the rest on the plans left)
  // with every range the sampler is about to be asked for, so a caller can compute them all
  // at once (spread over MPI ranks, or skip those a results store already has); may be empty.
  std::function<void(const std::vector<CellRange>&)> prepare;
};

struct CellEstimate {
  double mean = 0, lo = 0, hi = 0;
  std::uint64_t n = 0;
};

struct GameEstimate {
  std::size_t plans = 0, options = 0;
  std::vector<CellEstimate> cells;      // row-major, plans × options
  std::vector<bool> dropped;            // plans raced out after the first batch
  std::vector<std::size_t> dropped_by;  // the plan that beat it (if dropped)
  std::uint64_t replications_run = 0;   // over all cells
  std::uint64_t replications_full = 0;  // plans × options × replications
  Matrix payoff;                        // cell means, in the metric's own units
  PureAnalysis pure;                    // on the Red-oriented matrix (Red maximises)
  MixedEquilibrium mixed;               // value in the metric's own units
  double value_lo = 0, value_hi = 0;    // bootstrap 95 % percentile interval
  std::uint64_t bootstrap = 0;
  const CellEstimate& cell(std::size_t i, std::size_t j) const { return cells[i * options + j]; }
};

// The Red-oriented matrix: the payoff, negated when Red wants it low.
Matrix oriented(const Matrix& payoff, bool red_maximises);

GameEstimate estimate_game(std::size_t plans, std::size_t options, const CellSampler& sample,
                           const EstimateOptions& o);

}  // namespace flank::game
