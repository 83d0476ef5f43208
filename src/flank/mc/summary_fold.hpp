#pragma once
// The fold from replication outcomes to a run Summary, shared by mc::run (which streams
// outcomes as they are computed) and the results store (which rebuilds a sweep point's summary
// from stored outcomes). One fold in one place keeps the two bit-identical: replications are
// summed in chunks of kFoldChunk consecutive indices and chunks are merged in index order, so
// every floating-point sum is the same whatever the thread count.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flank/campaign/outcome.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::mc {

inline constexpr std::uint64_t kFoldChunk = 32;

// Sums of outcomes: counts, means and bounded histograms (objective hours at step resolution,
// personnel lost in bins of 1/2000 of the side's mean total), so memory does not grow with
// the replication count.
class SummaryFold {
 public:
  explicit SummaryFold(const Scenario& scenario);

  void add(const Outcome& outcome);
  void merge(const SummaryFold& other);
  void clear();
  std::uint64_t count() const { return n_; }

  // The summary of everything added. Fills the scenario and the statistics; the caller sets
  // what the fold cannot know (seed, first replication, combat model, threads, wall time).
  Summary summary(const Scenario& scenario) const;

 private:
  std::string scenario_file_;  // names the file in a non-finite outcome's error
  int steps_;
  double step_hours_;
  std::array<double, kSides> personnel_bin_{};
  std::uint64_t n_ = 0;
  std::vector<std::uint64_t> ever_, before_, held_;  // per objective
  std::vector<std::uint32_t> hour_hist_;             // [objective * (steps + 1) + step]
  std::array<std::array<double, 4>, kSides> territory_{};
  std::array<double, kSides> personnel_{}, power_lost_{};
  std::vector<std::uint32_t> personnel_hist_;  // [side * kPersonnelBins + bin]
  std::vector<double> by_category_;
  std::vector<std::uint64_t> escalation_;
  std::uint64_t any_escalation_ = 0;
  double decision_hour_ = 0;
  Operations operations_{};  // sums
};

// Throws InputError naming the replication and the field when any number of `o` is NaN or
// infinite: folding one would cast NaN to a histogram index (it wrote out of bounds) or print
// null in the JSON. The loader's bounds keep the engine finite; this is the second wall.
void require_finite(const Outcome& o, const std::string& scenario_file);

// The summary of replications [0, outcomes.size()) given in order, folded exactly as mc::run
// folds them, so it equals `flank run -n outcomes.size()` for the same scenario and seed.
Summary summarise(const Scenario& scenario, std::uint64_t seed, std::span<const Outcome> outcomes);

}  // namespace flank::mc
