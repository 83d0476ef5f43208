#pragma once
// `flank plan --adversary PLANS`: each posture is scored against every Red plan of a plans
// file (src/flank/analysis/red_plans.hpp) on the same replications, and its risk is that of
// Red's best response to it.
#include <string>
#include <vector>

#include "flank/analysis/planner.hpp"
#include "flank/analysis/posture.hpp"

namespace flank::cli {

struct Adversary {
  analysis::AdversaryEvaluator evaluate;
  std::vector<std::string> plan_ids;
  std::string study;
};

// Loads the plans file and checks every plan against the unchanged posture now, so a bad file
// fails before the search starts (InputError: exit status 2).
Adversary make_adversary(const std::string& plans_ref,
                         const std::vector<analysis::PostureCandidate>& candidates,
                         const analysis::Target& target, std::uint64_t seed, int threads);

}  // namespace flank::cli
