// The CLI behaves like a well-kept tool (issue 14 item 5): "did you mean", output paths checked
// before a run, `--csv -` alone on stdout, `run --compare` on common random numbers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../../apps/flank/suggest.hpp"
#include "../cli_shell.hpp"

namespace {

using flank::test::sh;
using nlohmann::json;

std::string scratch(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("flank-analyst-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

json read_json(const std::string& path) {
  std::ifstream f(path);
  return json::parse(f);
}

TEST(EditDistance, CountsTranspositionAsOneEdit) {
  EXPECT_EQ(flank::cli::edit_distance("shwo", "show"), 1u);
  EXPECT_EQ(flank::cli::edit_distance("runn", "run"), 1u);
  EXPECT_EQ(flank::cli::edit_distance("--sed", "--seed"), 1u);
  EXPECT_EQ(flank::cli::edit_distance("", "abc"), 3u);
  EXPECT_EQ(flank::cli::closest("runn", {"run", "report", "results"}),
            std::vector<std::string>{"run"});
  EXPECT_TRUE(flank::cli::closest("zzzzzz", {"run", "report"}).empty());
}

TEST(DidYouMean, MistypedSubcommand) {
  const auto r = sh("runn", true);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("unknown subcommand 'runn'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'run'?"), std::string::npos) << r.out;
}

TEST(DidYouMean, MistypedNestedSubcommand) {
  const auto r = sh("scenario shwo", true);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("did you mean 'show'?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'flank scenario'"), std::string::npos) << r.out;
}

TEST(DidYouMean, MistypedFlag) {
  const auto r = sh("run --sed 3 -n 1", true);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("unknown option '--sed' for 'flank run'; did you mean '--seed'"),
            std::string::npos)
      << r.out;
}

TEST(DidYouMean, NothingCloseSaysSoWithoutGuessing) {
  const auto r = sh("xyzzyplugh", true);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("unknown subcommand 'xyzzyplugh'"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("did you mean"), std::string::npos) << r.out;
}

TEST(Seeds, NegativeSeedRefused) {
  const auto r = sh("run --seed -1 -n 1", true);
  EXPECT_EQ(r.status, 2) << r.out;
}

// A run that would take minutes is refused at once when its output folder is missing.
TEST(OutputPaths, CheckedBeforeTheRun) {
  for (const std::string args :
       {"run -n 100000000 --json /nonexistent-flank-dir/out.json",
        "run -n 100000000 --csv /nonexistent-flank-dir/out.csv",
        "run -n 100000000 --outcomes /nonexistent-flank-dir/o.csv",
        "run -n 100000000 --timeline 0 /nonexistent-flank-dir/t.json",
        "report -n 100000000 -o /nonexistent-flank-dir/r.html",
        "sweep --design scenarios/designs/variants.yaml --store /nonexistent-flank-dir/s.db",
        "scenario export --geojson /nonexistent-flank-dir/m.geojson"}) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = sh(args, true);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("'/nonexistent-flank-dir' does not exist"), std::string::npos)
        << args << "\n"
        << r.out;
    EXPECT_LT(seconds, 10) << args;
  }
  const auto dir = sh("run -n 1 --json /tmp", true);
  EXPECT_EQ(dir.status, 2);
  EXPECT_NE(dir.out.find("is a folder"), std::string::npos) << dir.out;
}

TEST(Stdout, CsvDashWritesOnlyCsv) {
  const auto r = sh("run -n 3 --csv -");  // stderr dropped: the table goes there
  ASSERT_EQ(r.status, 0);
  ASSERT_EQ(r.out.rfind("metric,item,index,value,lo,hi,text\n", 0), 0u) << r.out.substr(0, 200);
  std::size_t start = 0;
  while (start < r.out.size()) {
    const auto end = r.out.find('\n', start);
    const std::string line = r.out.substr(start, end - start);
    EXPECT_GE(std::count(line.begin(), line.end(), ','), 6) << line;
    start = end + 1;
  }
  // Standard error alone, through a pipe (sh() sends the last command's stderr to /dev/null).
  const auto both = sh("run -n 3 --csv - 2>&1 >/dev/null | cat");
  EXPECT_NE(both.out.find("Objectives"), std::string::npos) << "the table goes to stderr";
  EXPECT_EQ(sh("run -n 3 --csv - --json -", true).status, 2);
}

TEST(Compare, SameScenarioGivesZeroDifferences) {
  const std::string file = scratch("same.json");
  // The variant is the base with a value set to what it already is: identical replications.
  const auto r =
      sh("run -n 40 --seed 5 --compare-set parameters.horizon_days=30 --json " + file, true);
  ASSERT_EQ(r.status, 0) << r.out;
  const json j = read_json(file);
  EXPECT_EQ(j["format"], "flank-comparison-1");
  EXPECT_EQ(j["replications"], 40);
  ASSERT_FALSE(j["metrics"].empty());
  for (const auto& m : j["metrics"]) {
    EXPECT_EQ(m["difference"]["value"], 0.0) << m["metric"];
    EXPECT_EQ(m["difference"]["lo"], 0.0) << m["metric"];
    EXPECT_EQ(m["difference"]["hi"], 0.0) << m["metric"];
  }
}

TEST(Compare, BaseArmIsThePlainRun) {
  const std::string cmp = scratch("cmp.json"), plain = scratch("plain.json");
  ASSERT_EQ(sh("run -n 60 --seed 3 --compare builtin:wagner-25k -q --json " + cmp).status, 0);
  ASSERT_EQ(sh("run -n 60 --seed 3 -q --json " + plain).status, 0);
  ASSERT_EQ(sh("run builtin:wagner-25k -n 60 --seed 3 -q --json " + plain + ".v").status, 0);
  const json c = read_json(cmp), base = read_json(plain), variant = read_json(plain + ".v");
  bool found = false;
  for (const auto& m : c["metrics"]) {
    if (m["metric"] != "p:vilnius") continue;
    found = true;
    for (const auto& o : base["objectives"]) {
      if (o["id"] == "vilnius") {
        EXPECT_DOUBLE_EQ(m["base"]["value"], o["ever"]["p"]);
      }
    }
    for (const auto& o : variant["objectives"]) {
      if (o["id"] == "vilnius") {
        EXPECT_DOUBLE_EQ(m["variant"]["value"], o["ever"]["p"]);
      }
    }
    EXPECT_TRUE(m["difference"]["paired"]);
    EXPECT_LE(m["difference"]["lo"], m["difference"]["value"]);
    EXPECT_GE(m["difference"]["hi"], m["difference"]["value"]);
  }
  EXPECT_TRUE(found);
  const auto table = sh("run -n 30 --compare wagner-25k");
  EXPECT_EQ(table.status, 0);
  EXPECT_NE(table.out.find("common random numbers"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("paired 95 % interval"), std::string::npos) << table.out;
}

}  // namespace
