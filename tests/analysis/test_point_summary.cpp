#include <gtest/gtest.h>

#include "flank/analysis/sweep.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"

using namespace flank;

// A sweep point's summary, folded from its outcomes stored in chunks, is the summary
// `flank run` gives for the same scenario, seed and replications, byte for byte.
TEST(PointSummary, ChunkedOutcomesFoldToTheRunnersSummary) {
  const Scenario scenario = load_scenario("builtin:eastern-flank-2023");
  const std::uint64_t seed = 5, n = 70;  // not a multiple of the runner's 32-block
  mc::RunConfig config;
  config.seed = seed;
  config.replications = n;
  config.threads = 2;
  auto expected = report::summary_json(mc::run(scenario, config), {});
  expected.erase("run_info");

  auto model = analysis::make_engine_model(2);
  analysis::DesignPoint point;
  point.scenario = "builtin:eastern-flank-2023";
  std::vector<Outcome> outcomes;
  for (auto [first, count] : {std::pair<std::uint64_t, std::uint64_t>{0, 25}, {25, 45}}) {
    auto part = model->run(point, seed, first, count);
    outcomes.insert(outcomes.end(), part.begin(), part.end());
  }
  ASSERT_EQ(outcomes.size(), n);
  EXPECT_EQ(model->summary_json(point, seed, outcomes), expected.dump());
}
