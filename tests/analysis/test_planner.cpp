#include <gtest/gtest.h>

#include <cmath>

#include "flank/analysis/planner.hpp"
#include "flank/core/rng.hpp"

using namespace flank;
using namespace flank::analysis;

namespace {
// Synthetic campaign: Red succeeds in replication j when u_j < p(posture), with u_j the same
// for every posture (common random numbers). p = 0.6 · Π (1 − r_i) over deployed units.
struct Synthetic {
  std::vector<Candidate> candidates{{"a", 3}, {"b", 4}, {"c", 5}, {"d", 2}, {"e", 6}, {"f", 1}};
  std::vector<double> reduction{0.5, 0.6, 0.9, 0.2, 0.3, 0.05};

  double risk(const std::vector<bool>& chosen) const {
    double p = 0.6;
    for (std::size_t i = 0; i < chosen.size(); ++i)
      if (chosen[i]) p *= 1 - reduction[i];
    return p;
  }
  PostureEvaluator evaluator() const {
    return [this](const std::vector<bool>& chosen, std::uint64_t first, std::uint64_t count) {
      const double p = risk(chosen);
      std::uint64_t hits = 0;
      for (std::uint64_t j = first; j < first + count; ++j)
        hits += RandomStream(7, j, Purpose::Analysis).uniform() < p;
      return hits;
    };
  }
  // Brute force on the exact risk.
  std::pair<double, std::vector<bool>> cheapest(double target) const {
    double best = 1e300;
    std::vector<bool> arg;
    const std::size_t k = candidates.size();
    for (unsigned m = 0; m < (1u << k); ++m) {
      std::vector<bool> c(k);
      double cost = 0;
      for (std::size_t i = 0; i < k; ++i)
        if ((c[i] = (m >> i & 1) != 0)) cost += candidates[i].cost;
      if (risk(c) <= target && cost < best) {
        best = cost;
        arg = c;
      }
    }
    return {best, arg};
  }
};
}  // namespace

// The true optimum for target 0.10 is {c} at cost 5 (risk 0.6·0.1 = 0.06); every cheaper
// posture has risk ≥ 0.24, far enough from the target for the sequential test.
TEST(Planner, ExactEnumerationFindsTheKnownOptimum) {
  const Synthetic s;
  const auto [cost, truth] = s.cheapest(0.10);
  ASSERT_EQ(cost, 5);
  PlannerOptions o;
  o.target = 0.10;
  o.initial_replications = 400;
  o.max_replications = 12800;
  const auto r = plan(s.candidates, s.evaluator(), o);
  EXPECT_EQ(r.method, "exact");
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.best->chosen, truth);
  EXPECT_EQ(r.best->cost, 5);
  EXPECT_EQ(r.best->verdict, Verdict::Meets);
  EXPECT_LE(r.best->risk.hi, 0.10);
}

TEST(Planner, GreedyWithLocalSearchReachesTheOptimum) {
  const Synthetic s;
  PlannerOptions o;
  o.target = 0.10;
  o.exact_limit = 0;
  o.initial_replications = 400;
  o.max_replications = 12800;
  const auto r = plan(s.candidates, s.evaluator(), o);
  EXPECT_EQ(r.method, "greedy+local");
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.best->cost, s.cheapest(0.10).first);
  EXPECT_LE(s.risk(r.best->chosen), 0.10);
}

TEST(Planner, FrontierIsMonotoneAndBudgetIsRespected) {
  const Synthetic s;
  PlannerOptions o;
  o.target = 0.01;  // unreachable within the budget
  o.budget = 8;
  const auto r = plan(s.candidates, s.evaluator(), o);
  EXPECT_FALSE(r.best);
  ASSERT_GE(r.frontier.size(), 2u);
  for (std::size_t i = 1; i < r.frontier.size(); ++i) {
    EXPECT_GT(r.frontier[i].cost, r.frontier[i - 1].cost);
    EXPECT_LT(r.frontier[i].risk.p, r.frontier[i - 1].risk.p);
  }
  for (const auto& e : r.evaluated) EXPECT_LE(e.cost, 8);
  EXPECT_EQ(r.frontier.front().cost, 0);
}

// A posture whose true risk sits just below the target needs more replications before the
// upper bound clears it; one that clearly fails stops at the first batch.
TEST(Planner, SequentialSamplingAddsReplicationsOnlyWhereNeeded) {
  std::vector<Candidate> c{{"x", 1}};
  auto eval = [](const std::vector<bool>& chosen, std::uint64_t first, std::uint64_t count) {
    const double p = chosen[0] ? 0.08 : 0.5;
    std::uint64_t hits = 0;
    for (std::uint64_t j = first; j < first + count; ++j)
      hits += RandomStream(3, j, Purpose::Analysis).uniform() < p;
    return hits;
  };
  PlannerOptions o;
  o.target = 0.10;
  o.initial_replications = 100;
  o.max_replications = 25600;
  const auto r = plan(c, eval, o);
  ASSERT_TRUE(r.best);
  EXPECT_TRUE(r.best->chosen[0]);
  EXPECT_GT(r.best->n, 100u);
  EXPECT_EQ(r.evaluated[0].n, 100u);  // the empty posture clearly fails
  EXPECT_EQ(r.evaluated[0].verdict, Verdict::Fails);
}
