#include <gtest/gtest.h>

#include "flank/analysis/posture.hpp"
#include "flank/scenario/loader.hpp"

using namespace flank;
using namespace flank::analysis;

namespace {
const char* kCandidates = R"(
scenario: builtin:eastern-flank-2023
target: "p:vilnius<=0.2"
candidates:
  - {id: abct-forward, unit: us-abct, start: suwalki, cost: 420}
  - id: new-bde
    cost: 300
    define: {id: pl-test-bde, name: "Test brigade", nation: PL, type: mech_bde, personnel: 3000,
             equipment: {tank: 40, ifv: 80}, cev: 1.0, readiness_hours: 12, supply: 1.0,
             morale: 0.9, start: sejny, source: "assumption: test"}
)";
}  // namespace

TEST(Posture, ChosenUnitsAreStationedForwardAndDefinedUnitsAdded) {
  const auto file = parse_postures(kCandidates, "c.yaml");
  ASSERT_EQ(file.candidates.size(), 2u);
  DiagnosticSink sink;
  const auto base = doc::parse(resolved_yaml(file.scenario), "base", sink);
  ASSERT_TRUE(sink.empty());
  const Scenario none =
      load_scenario_text(posture_yaml(base, file.candidates, {false, false}), "n");
  const Scenario both = load_scenario_text(posture_yaml(base, file.candidates, {true, true}), "b");
  EXPECT_EQ(both.units.size(), none.units.size() + 1);
  const auto abct_none = none.units[none.find_unit("us-abct")];
  const auto abct_both = both.units[both.find_unit("us-abct")];
  EXPECT_EQ(abct_none.start, kNone);  // arrives after the decision by default
  EXPECT_EQ(abct_both.start, both.find_region("suwalki"));
  const UnitId added = both.find_unit("pl-test-bde");
  ASSERT_NE(added, kNone);
  EXPECT_EQ(both.units[added].start, both.find_region("sejny"));
  EXPECT_EQ(none.find_unit("pl-test-bde"), kNone);
}

TEST(Posture, TargetMustBeAProbabilityBound) {
  const auto t = parse_target("p:suwalki-corridor:day7<=0.10");
  EXPECT_DOUBLE_EQ(t.threshold, 0.10);
  EXPECT_DOUBLE_EQ(t.metric.hours, 168);
  EXPECT_THROW(parse_target("median_hours:vilnius<=100"), InputError);
  EXPECT_THROW(parse_target("p:vilnius>=0.1"), InputError);
  EXPECT_THROW(parse_target("p:vilnius<=1.5"), InputError);
}

TEST(Posture, CandidateErrorsNameTheirPath) {
  try {
    parse_postures("candidates:\n  - {id: a, unit: x}\n  - {id: a, unit: y, start: s, cost: 1}\n",
                   "bad.yaml");
    FAIL();
  } catch (const InputError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.format() + "\n";
    EXPECT_NE(all.find("candidates[0].cost"), std::string::npos) << all;
    EXPECT_NE(all.find("candidates[0].start"), std::string::npos) << all;
    EXPECT_NE(all.find("candidates[1].id"), std::string::npos) << all;
  }
}
