#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "flank/analysis/design.hpp"

using namespace flank;
using namespace flank::analysis;

TEST(Design, FullFactorialCrossesAllLevels) {
  const auto d = parse_design(R"(
study: t
design: full_factorial
factors:
  - {path: doctrine.blue.decision_delay_hours, levels: [0, 72, 168]}
  - {path: "units[wg-1].personnel", range: [2000, 8000], integer: true, steps: 4}
outputs: [p:corridor:day7]
replications: 50
seed: 9
)",
                              "t.yaml");
  EXPECT_EQ(d.name, "t");
  EXPECT_EQ(d.replications, 50u);
  EXPECT_EQ(d.seed, 9u);
  const auto pts = expand(d);
  ASSERT_EQ(pts.size(), 12u);
  EXPECT_EQ(pts[0].overrides[0], "doctrine.blue.decision_delay_hours=0");
  EXPECT_EQ(pts[0].overrides[1], "units[wg-1].personnel=2000");
  EXPECT_EQ(pts[1].overrides[1], "units[wg-1].personnel=4000");
  EXPECT_EQ(pts[11].overrides[0], "doctrine.blue.decision_delay_hours=168");
  EXPECT_EQ(pts[11].overrides[1], "units[wg-1].personnel=8000");
  std::set<std::vector<double>> distinct;
  for (const auto& p : pts) distinct.insert(p.factors);
  EXPECT_EQ(distinct.size(), 12u);
}

TEST(Design, LatinHypercubeStratifiesEachFactor) {
  const auto d = parse_design(R"(
design: {kind: latin_hypercube, points: 10}
factors:
  - {path: a.x, range: [0, 10]}
  - {path: a.y, range: [100, 200]}
outputs: [lost:red]
)",
                              "lhs.yaml");
  const auto pts = expand(d);
  ASSERT_EQ(pts.size(), 10u);
  std::set<int> x_strata, y_strata;
  for (const auto& p : pts) {
    x_strata.insert(static_cast<int>(p.factors[0]));
    y_strata.insert(static_cast<int>((p.factors[1] - 100) / 10));
  }
  EXPECT_EQ(x_strata.size(), 10u);
  EXPECT_EQ(y_strata.size(), 10u);
  EXPECT_EQ(expand(d)[3].overrides, pts[3].overrides);  // reproducible
}

TEST(Design, SaltelliAddsTornadoPointsAtBaseLowAndHigh) {
  const auto d = parse_design(R"(
design: {kind: saltelli, base_samples: 8}
factors:
  - {path: a.x, range: [0, 10], base: 4}
  - {path: a.y, levels: [low, mid, high]}
outputs: [p:c]
)",
                              "s.yaml");
  const auto pts = expand(d);
  ASSERT_EQ(pts.size(), 8u * 4 + 1 + 4);
  EXPECT_EQ(pts[0].role, "saltelli");
  const auto& base = pts[32];
  EXPECT_EQ(base.role, "tornado-base");
  EXPECT_EQ(base.overrides[0], "a.x=4");
  EXPECT_EQ(base.overrides[1], "a.y=mid");
  EXPECT_EQ(pts[33].role, "tornado-low:0");
  EXPECT_EQ(pts[33].overrides[0], "a.x=0");
  EXPECT_EQ(pts[34].overrides[0], "a.x=10");
  EXPECT_EQ(pts[35].overrides[1], "a.y=low");
  EXPECT_EQ(pts[36].overrides[1], "a.y=high");
  for (int i = 0; i < 32; ++i) {
    EXPECT_GE(pts[i].factors[0], 0);
    EXPECT_LT(pts[i].factors[0], 10);
  }
}

TEST(Design, VariantsBecomePointsAfterTheBaseline) {
  const auto d = parse_design(R"(
scenario: builtin:eastern-flank-2023
variants: [builtin:wagner-25k, builtin:uk-today]
outputs: [p:suwalki-corridor:day7]
)",
                              "v.yaml");
  const auto pts = expand(d);
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_EQ(pts[0].role, "baseline");
  EXPECT_EQ(pts[0].scenario, "builtin:eastern-flank-2023");
  EXPECT_EQ(pts[2].role, "variant");
  EXPECT_EQ(pts[2].scenario, "builtin:uk-today");
  EXPECT_TRUE(pts[1].overrides.empty());
}

TEST(Design, ErrorsNameLineAndKeyPath) {
  try {
    parse_design(
        "design: full_factorial\nfactors:\n  - {path: a.b, range: [5, 1]}\n"
        "outputs: [p:x:week]\nbogus: 1\n",
        "bad.yaml");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    std::vector<std::string> paths;
    for (const auto& d : e.diagnostics()) {
      paths.push_back(d.path);
      EXPECT_EQ(d.where.file, "bad.yaml");
      EXPECT_GT(d.where.line, 0);
    }
    EXPECT_NE(std::find(paths.begin(), paths.end(), "factors[0].range"), paths.end());
    EXPECT_NE(std::find(paths.begin(), paths.end(), "outputs[0]"), paths.end());
    EXPECT_NE(std::find(paths.begin(), paths.end(), "bogus"), paths.end());
  }
}
