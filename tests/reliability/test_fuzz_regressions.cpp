// Inputs found by the fuzzers (fuzz/, scripts/fuzz.sh), kept as regression tests: each one
// once crashed, threw past its boundary or answered with invalid output.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "flank/core/error.hpp"
#include "flank/history/battles.hpp"
#include "flank/history/csv.hpp"
#include "flank/server/api.hpp"

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
  json run(const server::RunSpec&, const server::Progress&) override { return {}; }
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
  ASSERT_NO_THROW(response = api.handle({"POST", "/api/runs", {}, R"({"scenario":"\udc80"})"}));
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

}  // namespace
}  // namespace flank
