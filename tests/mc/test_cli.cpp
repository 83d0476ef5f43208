// `flank run` and `flank bench` end to end: the JSON round-trips, only run_info varies between
// identical runs, bad input exits 2, and the bench signature matches the recorded one at 1
// and 2 threads.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../cli_shell.hpp"
#include "flank/report/report.hpp"

namespace flank {
namespace {

using Result = test::ShellResult;
using test::sh;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Cli, RunJsonRoundTripsAndOnlyRunInfoVaries) {
  const Result a = sh("run -n 64 --seed 3 --threads 1 --json - --quiet");
  const Result b = sh("run -n 64 --seed 3 --threads 2 --json -");
  ASSERT_EQ(a.status, 0);
  ASSERT_EQ(b.status, 0);
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["format"], "flank-summary-1");
  EXPECT_EQ(ja["replications"], 64);
  EXPECT_EQ(ja["run_info"]["threads"], 1);
  EXPECT_EQ(jb["run_info"]["threads"], 2);
  ja.erase("run_info");
  jb.erase("run_info");
  EXPECT_EQ(ja.dump(), jb.dump());  // byte for byte without run_info

  // Reading the JSON back gives a Summary that writes the same JSON.
  const mc::Summary s = report::summary_from_json(ja);
  nlohmann::json again = report::summary_json(s, {});
  again.erase("run_info");
  // The run's --set overrides are the CLI's record, not part of the Summary (none here).
  EXPECT_EQ(ja["overrides"], nlohmann::json::array());
  report::record_overrides(again, {});
  EXPECT_EQ(again.dump(), ja.dump());
  EXPECT_EQ(s.replications, 64u);
  ASSERT_FALSE(s.objectives.empty());
  EXPECT_EQ(s.objectives[0].by_day.size(), static_cast<std::size_t>(s.horizon_days) + 1);
}

TEST(Cli, CsvHasOnlyRunInfoRowsThatVary) {
  const std::string dir = ::testing::TempDir();
  ASSERT_EQ(sh("run -n 32 --threads 1 --quiet --csv " + dir + "a.csv").status, 0);
  ASSERT_EQ(sh("run -n 32 --threads 2 --quiet --csv " + dir + "b.csv").status, 0);
  auto strip = [](const std::string& text) {
    std::stringstream in(text);
    std::string out, line;
    while (std::getline(in, line))
      if (line.rfind("run_info,", 0) != 0) out += line + "\n";
    return out;
  };
  const std::string a = read(dir + "a.csv"), b = read(dir + "b.csv");
  EXPECT_EQ(a.rfind("metric,item,index,value,lo,hi,text\n", 0), 0u);
  EXPECT_NE(a, b);  // threads differ in run_info
  EXPECT_EQ(strip(a), strip(b));
}

TEST(Cli, TimelineReplaysTheReplication) {
  const std::string path = ::testing::TempDir() + "timeline.json";
  ASSERT_EQ(sh("run -n 4 --seed 2 --quiet --timeline 3 " + path).status, 0);
  const auto t = nlohmann::json::parse(read(path));
  EXPECT_EQ(t["format"], "flank-timeline-1");
  EXPECT_EQ(t["replication"], 3);
  const std::size_t regions = t["regions"].size(), units = t["units"].size();
  ASSERT_GT(t["frames"].size(), 0u);
  for (const auto& f : t["frames"]) {
    ASSERT_EQ(f["control"].size(), regions);
    ASSERT_EQ(f["units"].size(), units);
    for (const auto& u : f["units"]) {
      ASSERT_GE(u[0].get<int>(), -1);
      ASSERT_LT(u[0].get<int>(), static_cast<int>(regions));
      ASSERT_GE(u[1].get<double>(), 0.0);
      ASSERT_LE(u[1].get<double>(), 1.0);
    }
  }
  for (const auto& l : t["links"]) ASSERT_LT(l["a"].get<std::size_t>(), regions);
}

TEST(Cli, BadInputExitsWithStatusTwo) {
  EXPECT_EQ(sh("run no-such-file.yaml -n 2").status, 2);
  EXPECT_EQ(sh("run -n 2 --combat no-such-model").status, 2);
  EXPECT_EQ(sh("run -n 0").status, 2);
  EXPECT_EQ(sh("run -n 2 --set parameters.no_such_key=3").status, 2);
  EXPECT_EQ(sh("run -n 2 --timeline x /tmp/x.json").status, 2);
}

// The behaviour signature recorded in bench/signature.txt, at 1 and 2 threads.
TEST(Cli, BenchSignatureMatchesTheRecordedOne) {
  for (int threads : {1, 2}) {
    const Result r = sh("bench --check --replications 200 --threads " + std::to_string(threads) +
                        " --signature-file bench/signature.txt");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("signature OK"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace flank
