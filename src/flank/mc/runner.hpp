#pragma once
// Monte Carlo over replications (oneTBB). Results are a pure function of
// (scenario, seed, replication range): never of the thread or rank count.
#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "flank/campaign/outcome.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::mc {

struct RunConfig {
  std::uint64_t seed = 1;
  std::uint64_t first_replication = 0;  // replications [first, first + count)
  std::uint64_t replications = 1000;
  int threads = 0;           // 0 = all hardware threads
  std::string combat_model;  // overrides the scenario's params.combat_model if set
  // Called from the runner's thread with (done, total); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // Called once per finished replication, in replication order; may be empty. Lets stores
  // persist per-replication outcomes without the runner holding them all.
  std::function<void(const Outcome&)> on_outcome;
  // Polled by the worker threads before each replication; may be empty. Once it returns true,
  // each thread stops after the replication it is running and run() throws Cancelled. It must
  // be thread-safe. Results are unchanged when it never returns true.
  std::function<bool()> cancelled;
};

// Thrown by run() when RunConfig::cancelled asked it to stop.
struct Cancelled : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Interval {
  double p = 0, lo = 0, hi = 0;  // estimate and Wilson 95 % interval
};

struct ObjectiveSummary {
  std::string id, name;
  std::vector<Interval> by_day;  // index d = probability achieved by end of day d
                                 // (d = 0..horizon_days)
  Interval ever;                 // within the horizon
  Interval before_reinforcements;
  Interval held_at_end;                    // the objective's condition still holds at the horizon
  std::array<double, 5> hour_quantiles{};  // 5/25/50/75/95 % of hours, among replications
                                           // where it fell; NaN when it never fell
  std::vector<std::uint64_t> hour_histogram;  // 12-hour bins over the horizon
  std::uint64_t achieved = 0;                 // replications in which it fell
  // Median hour over all replications, a replication where it never fell counting as the
  // horizon (right-censored): the number sweeps report as median_hours:<objective>. Equal to
  // the horizon when it fell in fewer than half.
  double median_hours_censored = 0;
};

inline constexpr double kHistogramBinHours = 12;

struct Summary {
  std::string scenario_id, scenario_name;
  std::uint64_t scenario_hash = 0;
  std::uint64_t seed = 0, replications = 0;
  std::string combat_model;
  std::vector<ObjectiveSummary> objectives;
  std::array<std::array<double, 4>, kSides> territory_mean{};  // at kTerritoryDays
  std::array<double, kSides> personnel_lost_mean{};
  std::array<std::array<double, 3>, kSides> personnel_lost_quantiles{};  // 5/50/95 %
  std::vector<double> losses_by_category_mean;
  std::vector<std::string> escalation_ids, escalation_names;
  std::vector<Interval> escalation;
  Interval any_escalation;
  double decision_hour_mean = 0;
  Operations operations_mean;  // per-replication operational outcomes, averaged

  std::uint64_t first_replication = 0;
  double step_hours = 1, horizon_days = 30;
  std::array<double, kSides> power_lost_fraction_mean{};
  std::vector<std::string> category_names;  // UnitCategory names, for losses_by_category
  // Varying between identical runs (reported under run_info, never compared):
  int threads = 0;
  double wall_seconds = 0;
};

// Runs the replications and returns the streaming summary. Memory does not grow with the
// replication count (quantiles from bounded histograms or P² sketches, stated in the code).
Summary run(const Scenario& scenario, const RunConfig& config);

Interval wilson(std::uint64_t successes, std::uint64_t n, double z = 1.959963984540054);

// 64-bit signature of outcomes in replication order (FNV-1a over their fields' bit
// patterns): `flank bench` prints it; any change in behaviour changes it.
class Signature {
 public:
  void add(const Outcome& outcome);
  std::uint64_t value() const { return hash_; }

 private:
  void mix(std::uint64_t v);
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace flank::mc
