// The answer converges as the step shrinks (docs/model.md "Convergence"). Labelled slow: two
// runs of 1,500 replications of the built-in scenario.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "flank/mc/runner.hpp"
#include "flank/scenario/loader.hpp"

namespace flank {
namespace {

// The answer converges as the step shrinks: P(Vilnius) on the built-in scenario at 1 h and at
// 0.5 h agree within Monte Carlo noise (docs/model.md "Convergence").
TEST(Convergence, VilniusProbabilityAgreesAtOneHourAndHalfHourSteps) {
  const int n = 1500;
  auto p_vilnius = [&](double step) {
    LoadOptions options;
    options.overrides = {"parameters.step_hours=" + std::to_string(step)};
    const Scenario sc = load_scenario("", options);
    mc::RunConfig config;
    config.replications = n;
    config.seed = 11;
    const mc::Summary s = mc::run(sc, config);
    for (const auto& o : s.objectives)
      if (o.id == "vilnius") return o.ever.p;
    return -1.0;
  };
  const double hour = p_vilnius(1), half = p_vilnius(0.5);
  const double se = std::sqrt(hour * (1 - hour) / n + half * (1 - half) / n);
  EXPECT_LT(std::abs(hour - half), 3 * se) << hour << " vs " << half;
}

}  // namespace
}  // namespace flank
