#pragma once
// Named output metrics computed exactly from per-replication outcomes, so sweeps, sensitivity
// analysis, the planner and findings all speak of the same numbers:
//
//   p:<objective>                       P(objective achieved within the horizon)
//   p:<objective>:day<d>                P(achieved at or before hour 24·d)  (docs/formats.md)
//   p:<objective>:before_reinforcements P(achieved before Blue's main reinforcements arrived)
//   p:<objective>:end                   P(its condition still holds at the horizon)
//   median_hours:<objective>            median hour achieved; runs where it never fell count
//   q<NN>_hours:<objective>             as the horizon (right-censored), so the value is
//                                       defined even when most runs never reach it
//   territory:<red|blue>:day<3|7|14|30> mean share of objective value held
//   lost:<red|blue>                     mean personnel lost
//   captured:<red|blue>                 mean personnel captured (pockets and overruns)
//   isolated:<red|blue>                 mean personnel cut off from supply
//   pockets:<red|blue>                  mean pockets formed (regions of the side cut off)
//   escalation:any | escalation:<rule>  P(escalation flag raised)
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flank/campaign/outcome.hpp"
#include "flank/mc/runner.hpp"

namespace flank::analysis {

// What a point's outcomes mean: the ids behind their index positions.
struct OutcomeLayout {
  std::vector<std::string> objectives;  // Outcome::objective_hour[i] ↔ objectives[i]
  std::vector<std::string> escalation;  // Outcome::escalation[i] ↔ escalation[i]
  double horizon_hours = 0;
};

struct Metric {
  enum class Kind : std::uint8_t {
    ObjectiveBy,           // probability, by hour `hours` (infinite = ever)
    BeforeReinforcements,  // probability
    HeldAtEnd,             // probability: the objective still holds at the horizon
    HoursQuantile,         // quantile `q` of the censored hour
    Territory,             // mean
    PersonnelLost,         // mean
    Captured,              // mean
    Isolated,              // mean
    Pockets,               // mean
    EscalationAny,         // probability
    Escalation,            // probability
  };
  std::string name;  // as written
  Kind kind = Kind::ObjectiveBy;
  std::string item;   // objective or escalation rule id
  double hours = 0;   // ObjectiveBy
  double q = 0.5;     // HoursQuantile
  int side = 0;       // Territory, PersonnelLost, Captured, Isolated, Pockets
  int day_index = 0;  // Territory: index into kTerritoryDays

  bool is_probability() const;
};

// Throws std::invalid_argument with a message naming the expected forms.
Metric parse_metric(std::string_view name);

struct MetricValue {
  double value = 0;
  double lo = 0, hi = 0;        // Wilson 95 % for probabilities; normal-theory 95 % for means;
                                // equal to value for quantiles
  std::uint64_t successes = 0;  // probabilities only
  std::uint64_t n = 0;
};

// Throws std::invalid_argument when the metric names an id the layout does not have.
MetricValue evaluate(const Metric& metric, const OutcomeLayout& layout,
                     std::span<const Outcome> outcomes);
// The metric's contribution of one replication (an indicator for probabilities, the value for
// means; quantiles have none and return the censored hour). Used for paired comparisons
// under common random numbers.
double per_replication(const Metric& metric, const OutcomeLayout& layout, const Outcome& o);

// Variant − baseline of a mean or probability metric over replications paired by index, as
// common random numbers pair them (replication j of both arms draws the same streams): the
// mean of the per-replication differences with a normal 95 % interval. Pairing removes the
// noise both arms share, so the interval is much narrower than from two independent runs.
// Both spans must have the same length (at least 1); not defined for quantile metrics.
struct PairedDifference {
  double mean = 0, lo = 0, hi = 0;
};
PairedDifference paired_difference(const Metric& metric, const OutcomeLayout& variant_layout,
                                   std::span<const Outcome> variant,
                                   const OutcomeLayout& baseline_layout,
                                   std::span<const Outcome> baseline);

// Probabilities carry the run summaries' Wilson score interval (mc::wilson).
using Wilson = mc::Interval;

}  // namespace flank::analysis
