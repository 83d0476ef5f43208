#pragma once
// Posture planner: which Blue units, placed where, keep Red's chance of an objective below a
// target at least cost. The risk of a posture is a Monte Carlo probability, so it is known only
// within sampling noise; a posture "meets" the target only when the upper end of its Wilson
// 95 % interval is at or below it. Postures whose interval straddles the target get more
// replications (doubling) until it no longer does or a cap is reached. Every posture is run
// on the same replication indices (common random numbers), which makes comparisons between
// postures far sharper than their separate intervals suggest.
//
// Search: exact enumeration of all affordable postures when there are few candidates, else
// greedy by marginal risk reduction per cost followed by a local search (drop and swap moves).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "flank/analysis/metrics.hpp"

namespace flank::analysis {

struct Candidate {
  std::string id;
  double cost = 0;
};

// Number of replications in [first, first + count) in which Red achieved the objective under
// the posture (chosen[i]: candidate i is deployed). Must be a pure function of its arguments.
using PostureEvaluator = std::function<std::uint64_t(const std::vector<bool>& chosen,
                                                     std::uint64_t first, std::uint64_t count)>;
// Against an adversary: the same count for each of Red's plans (all on the same replications).
// A posture's risk is then that of Red's best response to it, the plan with the most
// successes; since every plan has the same n, its Wilson interval is the highest of all, so
// "meets" means the upper bound is under the target for every plan.
using AdversaryEvaluator = std::function<std::vector<std::uint64_t>(
    const std::vector<bool>& chosen, std::uint64_t first, std::uint64_t count)>;

struct PlannerOptions {
  double target = 0.1;    // maximum acceptable risk
  double budget = 1e300;  // maximum total cost
  std::uint64_t initial_replications = 200;
  std::uint64_t max_replications = 3200;  // per posture
  std::size_t exact_limit = 12;           // enumerate when candidates ≤ this ...
  std::size_t max_enumerated = 4096;      // ... and affordable postures ≤ this
};

enum class Verdict : std::uint8_t { Meets, Fails, Unsure };
const char* to_string(Verdict);

struct PostureEstimate {
  std::vector<bool> chosen;
  double cost = 0;
  std::uint64_t successes = 0, n = 0;
  Wilson risk;
  Verdict verdict = Verdict::Unsure;
  std::vector<std::uint64_t> plan_successes;  // per Red plan (one entry without an adversary)
  std::size_t best_response = 0;              // the plan with the most successes
};

struct PlanResult {
  std::string method;                      // "exact" or "greedy+local"
  std::optional<PostureEstimate> best;     // cheapest posture that meets the target
  std::vector<PostureEstimate> frontier;   // cost ascending, risk strictly descending
  std::vector<PostureEstimate> evaluated;  // every posture looked at, in evaluation order
  std::uint64_t replications_run = 0;
};

PlanResult plan(const std::vector<Candidate>& candidates, const PostureEvaluator& evaluate,
                const PlannerOptions& options);
PlanResult plan(const std::vector<Candidate>& candidates, const AdversaryEvaluator& evaluate,
                const PlannerOptions& options);

}  // namespace flank::analysis
