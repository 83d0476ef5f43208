// Overrides visible (issue 14 item 6) and statistics labelled honestly (item 7).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../cli_shell.hpp"
#include "flank/server/api.hpp"

namespace {

using flank::test::sh;
using nlohmann::json;

std::string scratch(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("flank-analyst-labels-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

json read_json(const std::string& path) {
  std::ifstream f(path);
  return json::parse(f);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

const std::string kDelay = "doctrine.blue.decision_delay_hours=336";

TEST(Overrides, RecordedInJsonAndCsvAndTable) {
  const std::string j = scratch("set.json"), c = scratch("set.csv");
  const auto r = sh("run -n 5 --set " + kDelay + " --json " + j + " --csv " + c, true);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("overrides (--set): " + kDelay), std::string::npos) << r.out;
  EXPECT_EQ(read_json(j)["overrides"], json::array({kDelay}));
  EXPECT_NE(read_text(c).find("override,,0,,,," + kDelay + "\n"), std::string::npos);
  const std::string plain = scratch("plain.json");
  ASSERT_EQ(sh("run -n 5 -q --json " + plain).status, 0);
  EXPECT_EQ(read_json(plain)["overrides"], json::array());
}

TEST(Overrides, ReportRebuildsTheRunScenario) {
  if (!flank::server::viewer_built()) GTEST_SKIP() << "viewer not built (FLANK_WEB=OFF)";
  const std::string j = scratch("rep.json"), html = scratch("rep.html");
  ASSERT_EQ(sh("run -n 5 -q --set " + kDelay + " --json " + j).status, 0);
  const auto r = sh("report " + j + " -o " + html, true);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("has changed"), std::string::npos) << r.out;
  const std::string page = read_text(html);
  EXPECT_NE(page.find("<title>flank report: Eastern flank, July 2023: Belarus, Wagner and the "
                      "Suwałki corridor (with --set " +
                      kDelay + ")</title>"),
            std::string::npos);
  // The embedded scenario is the overridden one: its hash is the run's.
  const std::string hash = read_json(j)["scenario"]["hash"];
  EXPECT_NE(page.find("\"hash\":\"" + hash + "\""), std::string::npos);
}

TEST(Report, WithoutArgumentsRunsTheBuiltIn) {
  if (!flank::server::viewer_built()) GTEST_SKIP() << "viewer not built (FLANK_WEB=OFF)";
  const std::string html = scratch("plain.html");
  const auto r = sh("report -n 10 -o " + html, true);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(std::filesystem::exists(html));
}

// Issue 13 item 6: a RUN.json's scenario id is text anyone may write, never a path.
TEST(Report, ScenarioIdIsNeverOpenedAsAPath) {
  if (!flank::server::viewer_built()) GTEST_SKIP() << "viewer not built (FLANK_WEB=OFF)";
  const std::string j = scratch("evil.json");
  ASSERT_EQ(sh("run -n 3 -q --json " + j).status, 0);
  for (const std::string id :
       {"../../etc/passwd", "/etc/passwd", "scenarios/eastern-flank-2023.yaml"}) {
    json doc = read_json(j);
    doc["scenario"]["id"] = id;
    std::ofstream(j) << doc.dump();
    const auto r = sh("report " + j + " -o " + scratch("evil.html"), true);
    EXPECT_EQ(r.status, 2) << id << ": " << r.out;
    EXPECT_NE(r.out.find("is not a built-in scenario"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--scenario FILE"), std::string::npos) << r.out;
  }
  // Given explicitly, the file is used.
  const auto ok =
      sh("report " + j + " --scenario scenarios/eastern-flank-2023.yaml -o " + scratch("ok.html"),
         true);
  EXPECT_EQ(ok.status, 0) << ok.out;
}

TEST(Labels, BothMediansNamedAndAgreeingWithSweeps) {
  const std::string j = scratch("m.json");
  const auto r = sh("run -n 40 --json " + j, true);
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("time when achieved ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("median over all runs, never = horizon (sweeps' median_hours)"),
            std::string::npos)
      << r.out;
  const json doc = read_json(j);
  for (const auto& o : doc["objectives"]) {
    const double h = o["median_hours_censored"];
    if (2 * o["achieved"].get<int>() < 40) {
      EXPECT_EQ(h, 720.0) << o["id"];
    } else {
      EXPECT_LE(h, 720.0) << o["id"];
    }
  }
}

TEST(Labels, ZeroOfNIntervalIsZeroToUpperBound) {
  const std::string j = scratch("z.json");
  ASSERT_EQ(sh("run -n 20 -q --json " + j).status, 0);
  bool seen = false;
  const json doc = read_json(j);
  for (const auto& o : doc["objectives"]) {
    if (o["achieved"] != 0) continue;
    seen = true;
    EXPECT_EQ(o["ever"]["lo"], 0.0);
    EXPECT_GT(o["ever"]["hi"], 0.1);  // 16.1 % for 0/20
  }
  EXPECT_TRUE(seen);
}

TEST(Labels, DaysFollowTheHorizon) {
  const auto r = sh("run -n 5 --set parameters.horizon_days=10", true);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("by day 10:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("by day 14:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("by day 30:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  day             3       7      10\n"), std::string::npos) << r.out;
}

TEST(Labels, SideNamesComeFromTheScenario) {
  const auto r = sh("run -n 3 --set 'sides[blue].name=Allies'", true);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("before Allies reinforcements"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Allies political decision"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("NATO political decision"), std::string::npos) << r.out;
}

}  // namespace
