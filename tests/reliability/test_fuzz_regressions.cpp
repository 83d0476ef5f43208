// Inputs found by the fuzzers (fuzz/, scripts/fuzz.sh), kept as regression tests: each one
// once crashed, threw past its boundary or answered with invalid output.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "flank/core/error.hpp"
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

}  // namespace
}  // namespace flank
