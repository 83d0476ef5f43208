// `flank game` and the plans file end to end: the built-in plans file loads, a one-plan game
// is the sweep of that scenario, thread count changes nothing, and a malformed plans file
// exits 2 naming file, line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../cli_shell.hpp"
#include "flank/analysis/red_plans.hpp"

namespace {

namespace fs = std::filesystem;

using Result = flank::test::ShellResult;
using flank::test::sh;

class GameCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("flank-game-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path dir_;
};

const char* kHeader =
    "study: t\n"
    "scenario: builtin:eastern-flank-2023\n"
    "candidates: builtin:posture-candidates\n"
    "payoff: p:vilnius:day7\n";

TEST(RedPlans, TheBuiltInPlansLoadAndEveryPlanIsSourced) {
  const auto f = flank::analysis::load_plans("builtin:red-plans");
  EXPECT_GE(f.plans.size(), 6u);
  EXPECT_GE(f.options.size(), 5u);
  for (const auto& p : f.plans) {
    EXPECT_FALSE(p.source.empty()) << p.id;
    EXPECT_FALSE(p.description.empty()) << p.id;
  }
  // Every plan resolves and compiles against every option (the builder throws otherwise).
  const flank::analysis::CellBuilder builder(f);
  for (std::size_t i = 0; i < f.plans.size(); ++i)
    EXPECT_NO_THROW(builder.build_cell(i, f.options.size() - 1)) << f.plans[i].id;
}

TEST_F(GameCli, OnePlanIsTheSweep) {
  const auto plans = write("one.yaml", std::string(kHeader) +
                                           "plans:\n"
                                           "  - {id: base, source: \"the scenario\", set: []}\n"
                                           "options:\n"
                                           "  - {id: today, posture: []}\n");
  const auto design = write("d.yaml",
                            "study: one\nscenario: builtin:eastern-flank-2023\n"
                            "outputs: [p:vilnius:day7]\nreplications: 40\nseed: 5\nchunk: 40\n");
  const auto store = (dir_ / "s.db").string();
  const Result game = sh("game --plans " + plans + " -n 40 --seed 5 --bootstrap 0 --json - -q");
  ASSERT_EQ(game.status, 0) << game.out;
  ASSERT_EQ(sh("sweep --design " + design + " --store " + store + " -q").status, 0);
  const Result exported = sh("results --store " + store + " --study 1 --json -");
  ASSERT_EQ(exported.status, 0);
  const auto g = nlohmann::json::parse(game.out);
  const auto s = nlohmann::json::parse(exported.out)["points"][0]["metrics"]["p:vilnius:day7"];
  const auto& cell = g["plans"][0]["cells"][0];
  EXPECT_EQ(cell["n"], 40);
  EXPECT_EQ(cell["mean"].get<double>(), s["value"].get<double>());
  EXPECT_EQ(cell["lo"].get<double>(), s["lo"].get<double>());
  EXPECT_EQ(cell["hi"].get<double>(), s["hi"].get<double>());
  EXPECT_EQ(g["equilibrium"]["value"].get<double>(), s["value"].get<double>());

  // Stored, the game exports through `flank results` with the same numbers.
  const auto games = (dir_ / "g.db").string();
  ASSERT_EQ(
      sh("game --plans " + plans + " -n 40 --seed 5 --bootstrap 0 -q --store " + games).status, 0);
  const Result back = sh("results --store " + games + " --study 1 --json -");
  ASSERT_EQ(back.status, 0);
  const auto e = nlohmann::json::parse(back.out);
  EXPECT_EQ(e["study"]["kind"], "game");
  EXPECT_EQ(e["points"][0]["metrics"]["p:vilnius:day7"]["value"].get<double>(),
            s["value"].get<double>());
  EXPECT_EQ(e["results"]["equilibrium"]["value"].get<double>(), s["value"].get<double>());

  // `flank findings` renders the game study.
  const auto md = (dir_ / "f.md").string();
  ASSERT_EQ(sh("findings --store " + games + " -o " + md).status, 0);
  std::ifstream in(md);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("## t (p:vilnius:day7)"), std::string::npos) << text;
  EXPECT_NE(text.find("**Mixed equilibrium:**"), std::string::npos) << text;
  EXPECT_NE(text.find("| base |"), std::string::npos) << text;
}

TEST_F(GameCli, ThreadCountChangesNothing) {
  const auto plans =
      write("two.yaml",
            std::string(kHeader) +
                "plans:\n"
                "  - {id: base, source: \"the scenario\"}\n"
                "  - {id: hold, source: \"assumption\", set: "
                "[\"doctrine.red.axes[kaliningrad].path=[gusev]\"]}\n"
                "  - {id: meek, source: \"assumption\", set: [\"doctrine.red.commit_ratio=4\"]}\n"
                "options:\n"
                "  - {id: today, posture: []}\n"
                "  - {id: uk, posture: [uk-bde-vilnius]}\n");
  const std::string args =
      "game --plans " + plans + " -n 24 --first-batch 12 --bootstrap 50 --json - -q";
  const Result one = sh(args + " --threads 1");
  const Result two = sh(args + " --threads 2");
  ASSERT_EQ(one.status, 0) << one.out;
  ASSERT_EQ(two.status, 0) << two.out;
  EXPECT_EQ(one.out, two.out);
  const auto j = nlohmann::json::parse(one.out);
  EXPECT_EQ(j["replications_full"], 3 * 2 * 24);
  EXPECT_EQ(j["replications_run"].get<int>() + j["replications_saved"].get<int>(), 3 * 2 * 24);
}

TEST_F(GameCli, MalformedPlansExitTwoNamingFileLineAndKey) {
  struct Case {
    std::string body, where, key;
  };
  const std::vector<Case> cases = {
      // An unknown key in a plan.
      {"plans:\n  - {id: a, source: s, colour: red}\noptions:\n  - {id: o, posture: []}\n",
       ":6:", "plans[0].colour"},
      // An override without '='.
      {"plans:\n  - {id: a, source: s, set: [\"doctrine.red.commit_ratio\"]}\noptions:\n"
       "  - {id: o, posture: []}\n",
       ":6:", "plans[0].set[0]"},
      // A plan without a source.
      {"plans:\n  - {id: a}\noptions:\n  - {id: o, posture: []}\n", ":6:", "plans[0].source"},
      // A posture candidate that does not exist.
      {"plans:\n  - {id: a, source: s}\noptions:\n  - {id: o, posture: [nope]}\n",
       ":8:", "options[0].posture[0]"},
      // An override naming a unit the scenario lacks: found when the plan is resolved, and
      // reported at the plan's line.
      {"plans:\n  - {id: a, source: s}\n  - {id: b, source: s, set: [\"units[no-such].cev=1\"]}\n"
       "options:\n  - {id: o, posture: []}\n",
       ":7:", "plans[1] (b)"},
      // A payoff that is not a metric.
      {"plans:\n  - {id: a, source: s}\noptions:\n  - {id: o, posture: []}\n", ":4:", "payoff"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string header = kHeader;
    if (i == cases.size() - 1) header.replace(header.find("p:vilnius:day7"), 14, "p:vilnius:week");
    const auto file = write("bad" + std::to_string(i) + ".yaml", header + cases[i].body);
    const Result r = sh("game --plans " + file + " -n 2 -q", true);
    EXPECT_EQ(r.status, 2) << i << ": " << r.out;
    EXPECT_NE(r.out.find(file + cases[i].where), std::string::npos) << i << ": " << r.out;
    EXPECT_NE(r.out.find(cases[i].key), std::string::npos) << i << ": " << r.out;
  }
}

}  // namespace
