#pragma once
// Candidate postures for the planner, read from a YAML file:
//
//   study: posture-suwalki
//   scenario: builtin:eastern-flank-2023
//   target: "p:suwalki-corridor:day7<=0.10"    # the --target flag overrides
//   budget: 1500                               # the --budget flag overrides
//   replications: 200                          # first batch per posture (-n overrides)
//   max_replications: 3200                     # cap of the sequential sampling
//   seed: 1
//   candidates:
//     - {id: abct-forward, unit: us-abct, start: suwalki, cost: 420}   # a scenario unit,
//                                                # stationed forward instead of arriving later
//     - id: pl-new-mech                          # or a new unit, present only when chosen
//       cost: 350
//       define: {id: pl-new-mech, name: "...", nation: PL, type: mech_bde, personnel: 3500,
//                equipment: {...}, cev: 1.0, start: sejny, source: "assumption: ..."}
//
// A posture is a subset of candidates. Unchosen scenario units keep their scenario role;
// chosen ones start in their `start` region at hour 0 (their arrival schedule is dropped).
// Unchosen defined units are absent.
#include <cstdint>
#include <string>
#include <vector>

#include "flank/analysis/metrics.hpp"
#include "flank/analysis/planner.hpp"
#include "flank/scenario/document.hpp"

namespace flank {
struct Scenario;
}

namespace flank::analysis {

struct PostureCandidate {
  std::string id;
  std::string unit;   // existing unit id, or "" for a defined one
  std::string start;  // region id; required for defined units unless `define` has start
  double cost = 0;
  doc::Node define;                               // the unit document (defined candidates)
  SourceLocation where, unit_where, start_where;  // in the candidates file
};

struct Target {
  Metric metric;
  double threshold = 0.1;
  std::string text;
};
// "p:<objective>[:day<d>]<=0.10": the metric must be a probability. Throws InputError.
Target parse_target(const std::string& text);

struct PostureFile {
  std::string name, file, text;
  std::string scenario;
  std::vector<PostureCandidate> candidates;
  std::string target;  // "" when the file does not set it
  double budget = -1;  // < 0 when the file does not set it
  std::uint64_t replications = 200, max_replications = 3200, seed = 1;
};

// Bounds of a candidates file (past them: InputError at the key). The planner holds a posture
// in 64 bits; costs are capped so that no sum of them overflows to infinity.
inline constexpr std::size_t kMaxCandidates = 63;
inline constexpr double kMaxCandidateCost = 1e12;

PostureFile load_postures(const std::string& path);
PostureFile parse_postures(std::string_view text, const std::string& file);

// Checks the candidates against the base scenario, at file:line:key: a `unit:` must be one of
// the scenario's Blue units (a Red unit "stationed forward" would be accepted and change the
// attacker), a `define:` must be a new unit of a Blue nation, every start region must exist,
// and no scenario unit may be the subject of two candidates.
void check_candidates(const PostureFile& file, const Scenario& base);

// The full scenario document (YAML) for a posture, built from the resolved base scenario.
// Throws InputError when a candidate names a unit the scenario does not have.
std::string posture_yaml(const doc::Node& resolved_base, const std::vector<PostureCandidate>& c,
                         const std::vector<bool>& chosen);

}  // namespace flank::analysis
