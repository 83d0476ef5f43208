// Inputs found by the fuzzers (fuzz/, scripts/fuzz.sh), kept as regression tests: each one
// once crashed, threw past its boundary or answered with invalid output.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "flank/core/error.hpp"
#include "flank/history/battles.hpp"
#include "flank/history/csv.hpp"
#include "flank/server/api.hpp"
#include "subprocess.hpp"

namespace flank {
namespace {

using nlohmann::json;

class NotFoundBackend : public server::Backend {
 public:
  json list_scenarios() override { return json::array(); }
  json scenario(const std::string& id) override {
    throw server::NotFound("no built-in scenario '" + id + "'");
  }
  void validate(const server::RunSpec& spec) override {
    throw server::NotFound("no built-in scenario '" + spec.scenario + "'");
  }
  json run(const server::RunSpec&, const server::Progress&, const server::Cancelled&) override {
    return {};
  }
  json timeline(const server::RunSpec&, std::uint64_t) override { return {}; }
  json sweeps() override { return json::array(); }
};

// fuzz_server_api: "GET /api/runs/r\xed999..." — the decoded path echoed into the 404 message
// made nlohmann::json::dump throw (invalid UTF-8) from inside Api::handle's catch handler,
// so the exception escaped the request handler.
TEST(FuzzRegression, InvalidUtf8InPathAnswers404WithValidJson) {
  server::Api api(std::make_shared<NotFoundBackend>());
  for (const std::string path : {"/api/runs/r\xed\x39\x39\x39", "/api/scenarios/\xff\xfe",
                                 "/api/runs/\xc3/timeline", "/api/nothing-\x80"}) {
    server::Response response;
    ASSERT_NO_THROW(response = api.handle({"GET", path, {}, ""})) << path;
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_TRUE(json::accept(response.body)) << response.body;
  }
}

TEST(FuzzRegression, InvalidUtf8InScenarioIdOfPostAnswersWithValidJson) {
  server::Api api(std::make_shared<NotFoundBackend>());
  // JSON escapes can encode a lone surrogate, which parses to bytes that are not UTF-8.
  server::Response response;
  ASSERT_NO_THROW(response = api.handle({"POST",
                                         "/api/runs",
                                         {},
                                         R"({"scenario":"\udc80"})",
                                         "",
                                         {{"content-type", "application/json"}}}));
  EXPECT_GE(response.status, 400);
  EXPECT_LT(response.status, 500);
  EXPECT_TRUE(json::accept(response.body)) << response.body;
}

// fuzz_battle_table: a CDB90 start_datetime whose first four characters are not a year made
// std::stod throw std::invalid_argument, so `flank validate` exited 1 with "flank: stod"
// instead of 2 with the cell's location.
TEST(FuzzRegression, NonNumericBattleYearIsAnInputErrorAtTheCell) {
  const std::string csv =
      "isqno,name,stra,strd,post1,terra1,wx1,start_datetime\n"
      "1,Somewhere,1000,900,HD,RMD,DSTTC,1944-06-06\n"
      "2,Elsewhere,1000,900,HD,RMD,DSTTC,abcd-01-01\n";
  const auto table = history::CsvTable::parse(csv, "battles.csv");
  try {
    (void)history::read_battles(table, history::BattleFormat::Cdb90);
    ADD_FAILURE() << "no error for the year 'abcd'";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const auto& d = e.diagnostics()[0];
    EXPECT_EQ(d.where.file, "battles.csv");
    EXPECT_EQ(d.where.line, 3);
    const std::size_t at = csv.find("abcd");
    EXPECT_EQ(d.where.column, static_cast<int>(at - csv.rfind('\n', at)));
    EXPECT_EQ(d.path, "start_datetime");
  }
}

// The loader cases run `flank scenario check` in a child process: before the fix they looped
// forever while allocating (yaml-cpp 0.7's LoadAll, jbeder/yaml-cpp#1040), and a child can be
// killed when it does not answer, where an in-process call would take the test run down.
test::ProcessResult check_scenario(const test::TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {FLANK_BINARY, "scenario", "check"});
  return test::run_process(args, 120, dir.path());
}

// fuzz_scenario_loader (53 bytes): a stray ',' before the first key made yaml-cpp's LoadAll
// return empty documents forever without consuming the text; it went past 2 GB.
TEST(FuzzRegression, StrayCommaInAScenarioFileIsASyntaxErrorAtItsPosition) {
  for (const std::string& text :
       {std::string(",flank: 1\na: &a [3, 2, {x: a*}]\nb: &b {k: *a, j: *a}\n"), std::string(","),
        std::string("flank: 1\nid: x\n---\n,\n")}) {
    test::TempDir dir;
    std::ofstream(dir / "bad.yaml") << text;
    const auto r = check_scenario(dir, {(dir / "bad.yaml").string()});
    ASSERT_FALSE(r.timed_out) << text;
    EXPECT_EQ(r.exit_code, 2) << text << "\n" << r.err;
    EXPECT_NE(r.err.find("bad.yaml:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("YAML syntax error"), std::string::npos) << r.err;
  }
}

// fuzz_overrides: the value of `--set` goes through the same parser, and
// "[1rd]{remove: true}, ..." reached the same loop after its first document.
TEST(FuzzRegression, OverrideValueWithTwoDocumentsIsRefusedNamingTheOverride) {
  test::TempDir dir;
  const std::string assignment = "units[x].personnel=[1rd]{remove: true}, mxa:80 00}";
  const auto r = check_scenario(dir, {"builtin:eastern-flank-2023", "--set", assignment});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--set " + assignment), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("only one YAML document"), std::string::npos) << r.err;
}

// Found while fixing the above: an alias inside the node it names is a cycle. The event
// parser hands it over before the node ends; it must be refused, not copied half-built.
TEST(FuzzRegression, AliasInsideItsOwnAnchorIsRefusedAsACycle) {
  test::TempDir dir;
  std::ofstream(dir / "cycle.yaml") << "flank: 1\nid: x\nloop: &a [1, {b: *a}]\n";
  const auto r = check_scenario(dir, {(dir / "cycle.yaml").string()});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cycle.yaml:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("loop[1].b: an alias refers to the node that contains it"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace flank
