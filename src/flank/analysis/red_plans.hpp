#pragma once
// Red's courses of action and Blue's options for `flank game` and `flank plan --adversary`,
// read from a YAML file (docs/scenario-format.md "Red plans"):
//
//   study: red-plans
//   scenario: builtin:eastern-flank-2023
//   candidates: posture-candidates.yaml   # Blue's posture candidates (posture.hpp)
//   payoff: p:vilnius:day7                # any metric of docs/analysis.md but quantiles
//   red: max                              # Red wants it high (max) or low (min)
//   replications: 200                     # per cell (-n overrides)
//   first_batch: 50                       # racing: replications before dropping plans
//   bootstrap: 200                        # resamples for the equilibrium's interval
//   chunk: 50                             # replications per stored chunk (--store, --mpi)
//   seed: 1
//   plans:
//     - id: corridor-all-in
//       description: "..."
//       source: "RAND RR-1253 (Shlapak & Johnson 2016) ...; assumption: weights"
//       variant: builtin:wagner-integrated    # optional: a scenario to start from
//       set: ["doctrine.red.axes[suwalki].weight=5"]   # --set overrides, in order
//   # or `plans: builtin:red-plans`: the plans of another plans file
//   options:
//     - {id: today, description: "...", posture: []}
//     - {id: uk-forward, posture: [uk-bde-vilnius], set: ["doctrine.blue.decision_delay_hours=24"]}
//     - {id: summit, variant: builtin:vilnius-decisions, cost: 750}   # a Blue variant's units
//
// A cell (plan, option) is the plan's scenario (its variant, or `scenario`, resolved, with its
// overrides), then Blue's posture applied as the planner does (posture_yaml), then the
// option's variant merged as `extends:` merges (its own `extends:` is not followed), then the
// option's overrides. Every cell is run on the same seed and replication indices.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flank/analysis/metrics.hpp"
#include "flank/analysis/posture.hpp"
#include "flank/core/error.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::analysis {

struct RedPlan {
  std::string id, description, source;
  std::string variant;           // resolved scenario ref, "" = the file's scenario
  std::vector<std::string> set;  // "path=value"
  SourceLocation where;
};

struct BlueOption {
  std::string id, description;
  std::vector<bool> chosen;  // over PlansFile::candidates.candidates
  std::string variant;       // resolved ref of a variant merged on top (its `extends` ignored)
  std::vector<std::string> set;
  double cost = 0;  // the chosen candidates' costs plus the option's own `cost:`
  SourceLocation where;
};

struct PlansFile {
  std::string name, file, text;
  std::string scenario;  // resolved ref, "" = built-in default
  PostureFile candidates;
  Metric payoff;
  SourceLocation payoff_where;
  bool red_maximises = true;
  std::vector<RedPlan> plans;
  std::vector<BlueOption> options;
  std::uint64_t replications = 200, first_batch = 0, bootstrap = 200, seed = 1;
  std::uint64_t chunk = 50;  // the unit of work stored and shipped between MPI ranks
};

// Throws InputError naming file, line, column and key for every problem found.
PlansFile parse_plans(std::string_view text, const std::string& file);
// A file path or builtin:<name> (scenarios/designs/<name>.yaml).
PlansFile load_plans(const std::string& ref);

// Builds cell scenarios. Each plan's document is resolved once; errors in a plan (a bad
// variant or override) are reported at the plan's line in the plans file.
class CellBuilder {
 public:
  explicit CellBuilder(const PlansFile& file);
  // The compiled scenario of plan `plan` against a posture (and extra Blue overrides).
  Scenario build(std::size_t plan, const std::vector<PostureCandidate>& candidates,
                 const std::vector<bool>& chosen, const std::vector<std::string>& blue_set = {},
                 const std::string& blue_variant = "") const;
  Scenario build_cell(std::size_t plan, std::size_t option) const;

 private:
  const PlansFile& file_;
  std::vector<doc::Node> plan_docs_;
};

}  // namespace flank::analysis
