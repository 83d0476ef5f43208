// `flank report --game FILE` takes `flank game --json` output; a malformed one exits 2 naming
// file, line, column and field, before anything is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../cli_shell.hpp"
#include "flank/core/error.hpp"
#include "flank/report/game_json.hpp"
#include "flank/server/api.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using flank::test::sh;

const char* kPlans =
    "study: report\n"
    "scenario: builtin:eastern-flank-2023\n"
    "candidates: builtin:posture-candidates\n"
    "payoff: p:vilnius:day7\n"
    "bootstrap: 10\n"
    "plans:\n"
    "  - {id: base, source: \"the scenario\"}\n"
    "  - {id: meek, source: \"assumption\", set: [\"doctrine.red.commit_ratio=6\"]}\n"
    "options:\n"
    "  - {id: today, posture: []}\n"
    "  - {id: uk, posture: [uk-bde-vilnius]}\n";

class GameReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("flank-game-report-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "plans.yaml") << kPlans;
    const auto r = sh("game --plans " + (dir_ / "plans.yaml").string() + " -n 6 --json - -q");
    ASSERT_EQ(r.status, 0);
    game_ = new Json(Json::parse(r.out));
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    delete game_;
  }
  static std::string write(const std::string& name, const std::string& text) {
    const auto p = (dir_ / name).string();
    std::ofstream(p) << text;
    return p;
  }
  static inline fs::path dir_;
  static inline Json* game_ = nullptr;
};

// The 1-based line of the n-th (0-based) occurrence of `needle`.
int line_of(const std::string& text, const std::string& needle, int nth = 0) {
  std::size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string::npos; ++i) at = text.find(needle, at + 1);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

TEST_F(GameReport, AGameJsonIsAccepted) {
  if (!flank::server::viewer_built()) GTEST_SKIP() << "viewer not built (FLANK_WEB=OFF)";
  EXPECT_EQ((*game_)["format"], "flank-game-1");
  EXPECT_NO_THROW(flank::report::parse_game_json(game_->dump(2), "g.json"));
  const auto file = write("good.json", game_->dump(2));
  const auto html = (dir_ / "r.html").string();
  const auto r = sh("report --run test-duel -n 4 --game " + file + " -o " + html, true);
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream in(html);
  std::stringstream text;
  text << in.rdbuf();
  const auto games = text.str().find("\"games\":[{");
  ASSERT_NE(games, std::string::npos);
  EXPECT_NE(text.str().find("\"format\":\"flank-game-1\"", games), std::string::npos);
}

TEST_F(GameReport, MalformedGameJsonExitsTwoNamingFileLineAndField) {
  struct Case {
    std::string name;
    std::function<void(Json&)> edit;
    std::string field;
    std::string needle;  // the line reported is the one holding this text (-1: not checked)
    int nth = 0;
  };
  const std::vector<Case> cases = {
      {"no-format", [](Json& j) { j.erase("format"); }, "format", ""},
      {"row-short", [](Json& j) { j["plans"][1]["cells"].erase(1); }, "plans[1].cells",
       "\"cells\": [", 1},
      {"interval", [](Json& j) { j["plans"][0]["cells"][0]["lo"] = 2.0; }, "plans[0].cells[0]", ""},
      {"best-response",
       [](Json& j) { j["options"][0]["best_responses"] = Json::array({"nobody"}); },
       "options[0].best_responses[0]", "\"nobody\""},
      {"weights",
       [](Json& j) {
         j["equilibrium"]["red"]["base"] = 0.3;
         j["equilibrium"]["red"]["meek"] = 0.3;
       },
       "equilibrium.red", ""},
      {"mean-text", [](Json& j) { j["options"][1]["worst_case"]["mean"] = "high"; },
       "options[1].worst_case.mean", "\"high\""},
      {"red", [](Json& j) { j["red"] = "maybe"; }, "red", "\"maybe\""},
  };
  for (const auto& c : cases) {
    Json j = *game_;
    c.edit(j);
    const std::string text = j.dump(2);
    const auto file = write(c.name + ".json", text);
    const auto r = sh("report --run test-duel -n 4 --game " + file + " -o " +
                          (dir_ / (c.name + ".html")).string(),
                      true);
    EXPECT_EQ(r.status, 2) << c.name << ": " << r.out;
    EXPECT_NE(r.out.find(file + ":"), std::string::npos) << c.name << ": " << r.out;
    EXPECT_NE(r.out.find(c.field + ":"), std::string::npos) << c.name << ": " << r.out;
    if (!c.needle.empty()) {
      EXPECT_NE(r.out.find(file + ":" + std::to_string(line_of(text, c.needle, c.nth)) + ":"),
                std::string::npos)
          << c.name << ": " << r.out;
    }
    EXPECT_FALSE(fs::exists(dir_ / (c.name + ".html"))) << c.name;
  }
  // Not JSON at all: the syntax error's line and column.
  const auto broken =
      write("broken.json", "{\n  \"format\": \"flank-game-1\",\n  \"plans\": [\n}\n");
  const auto r =
      sh("report --run test-duel -n 4 --game " + broken + " -o " + (dir_ / "broken.html").string(),
         true);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(broken + ":4:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not valid JSON"), std::string::npos) << r.out;
}

}  // namespace
