// The planner against an adversary: a posture counts only if it meets the target against
// Red's best plan for it. Synthetic risks: with candidates {cheap, dear}, the cheap one stops
// plan 0 but not plan 1, the dear one stops both.
#include <gtest/gtest.h>

#include "flank/analysis/planner.hpp"

namespace {

using namespace flank::analysis;

// Risk of plan k under a posture, and deterministic hit counts at that rate.
double risk(const std::vector<bool>& chosen, std::size_t k) {
  if (chosen[1]) return 0.01;
  if (chosen[0]) return k == 0 ? 0.01 : 0.40;
  return 0.5;
}

std::vector<std::uint64_t> hits(const std::vector<bool>& chosen, std::uint64_t first,
                                std::uint64_t count) {
  std::vector<std::uint64_t> out;
  for (std::size_t k = 0; k < 2; ++k) {
    const double p = risk(chosen, k);
    // Replication r succeeds when its fractional position falls under p: exact rates.
    std::uint64_t h = 0;
    for (std::uint64_t r = first; r < first + count; ++r)
      h += static_cast<double>(r % 100) < p * 100 ? 1 : 0;
    out.push_back(h);
  }
  return out;
}

TEST(AdversaryPlanner, MeetsTheTargetAgainstRedsBestPlan) {
  const std::vector<Candidate> c{{"cheap", 100}, {"dear", 300}};
  PlannerOptions o;
  o.target = 0.1;
  o.initial_replications = 200;
  o.max_replications = 800;
  const AdversaryEvaluator adversary = hits;
  const auto r = plan(c, adversary, o);
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.best->chosen, (std::vector<bool>{false, true}));
  // Against plan 0 alone the cheap candidate would do.
  const PostureEvaluator plan0 = [](const std::vector<bool>& chosen, std::uint64_t first,
                                    std::uint64_t count) { return hits(chosen, first, count)[0]; };
  const auto fixed = plan(c, plan0, o);
  ASSERT_TRUE(fixed.best);
  EXPECT_EQ(fixed.best->chosen, (std::vector<bool>{true, false}));
  // The cheap posture's risk is plan 1's, its best response.
  for (const auto& e : r.evaluated)
    if (e.chosen == std::vector<bool>{true, false}) {
      EXPECT_EQ(e.best_response, 1u);
      EXPECT_NEAR(e.risk.p, 0.40, 1e-12);
      EXPECT_EQ(e.plan_successes.size(), 2u);
    }
  // Replications are counted per plan.
  EXPECT_EQ(r.replications_run % 2, 0u);
  EXPECT_GT(r.replications_run, fixed.replications_run);
}

}  // namespace
