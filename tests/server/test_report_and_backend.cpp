// The HTML report is self-contained and cannot be broken out of by its data; the library
// backend answers the API from the real engine.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "flank/report/html_report.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/server/api.hpp"
#include "flank/server/backend.hpp"
#include "flank/server/scenario_info.hpp"
#include "flank/server/web_assets.hpp"

namespace {

using nlohmann::json;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto i = text.find(what); i != std::string::npos; i = text.find(what, i + 1)) ++n;
  return n;
}

flank::report::HtmlReportData sample() {
  flank::report::HtmlReportData data;
  data.title = "Test <report>";
  data.summary = {{"format", "flank-summary-1"}, {"marker", "summary-marker-6271"}};
  // Hostile text in the data must stay data.
  data.scenario = {{"name", "</script><script>alert(1)</script><!-- x"},
                   {"sources", json::array({{{"id", "S1"}, {"url", "https://example.org/a"}}})}};
  data.timeline = {{"format", "flank-timeline-1"}, {"marker", "timeline-marker-9153"}};
  return data;
}

TEST(HtmlReport, IsSelfContainedAndCarriesTheData) {
  if (!flank::server::viewer_built()) {
    EXPECT_THROW(flank::report::html_report(sample()), std::runtime_error);
    GTEST_SKIP() << "viewer not built (FLANK_WEB=OFF)";
  }
  const std::string html = flank::report::html_report(sample());
  EXPECT_NE(html.find("summary-marker-6271"), std::string::npos);
  EXPECT_NE(html.find("timeline-marker-9153"), std::string::npos);
  // No external references of any kind: src/href/url() to http(s) or protocol-relative.
  const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//)",
                            std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, external));
  EXPECT_EQ(count(html, "<script src"), 0u);
  EXPECT_EQ(count(html, "<link rel=\"stylesheet\""), 0u);
  // Exactly the two inline scripts end; the hostile name could not close one early.
  std::string lower = html;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(count(lower, "</script"), 2u);
  EXPECT_EQ(count(lower, "<!--"), 0u);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  // Only the bundle runs: script-src names its hash and allows no other inline script.
  const std::regex script_src(R"(script-src ([^;"]*)[;"])");
  std::smatch policy;
  ASSERT_TRUE(std::regex_search(html, policy, script_src));
  EXPECT_EQ(policy[1].str(),
            "'sha256-" + std::string(*flank::web_file("assets/app.js.sha256")) + "'");
  const std::string module_open = "<script type=\"module\">";
  const auto js_begin = html.find(module_open) + module_open.size();
  EXPECT_EQ(html.substr(js_begin, html.find("</script>", js_begin) - js_begin),
            std::string(*flank::web_file("assets/app.js")))
      << "the inline script is exactly the hashed bundle";
  EXPECT_NE(html.find("<title>Test &lt;report&gt;</title>"), std::string::npos);
  // The data block parses back to what went in.
  const std::string open = "<script type=\"application/json\" id=\"flank-data\">";
  const auto begin = html.find(open) + open.size();
  const json back = json::parse(html.substr(begin, html.find("</script>", begin) - begin));
  EXPECT_EQ(back["scenario"]["name"], "</script><script>alert(1)</script><!-- x");
  EXPECT_EQ(back["summary"]["marker"], "summary-marker-6271");
}

TEST(HtmlReport, WritesTheWholeFileOrNothing) {
  if (!flank::server::viewer_built()) GTEST_SKIP() << "viewer not built (FLANK_WEB=OFF)";
  const auto dir =
      std::filesystem::temp_directory_path() / ("flank-report-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "report.html").string();
  flank::report::write_html_report(path, sample());
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), flank::report::html_report(sample()));
  // A failed write (no such folder) leaves no file behind.
  EXPECT_THROW(flank::report::write_html_report((dir / "missing" / "r.html").string(), sample()),
               std::exception);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing"));
  std::filesystem::remove_all(dir);
}

TEST(LibraryBackend, TimelineHasOneFramePerStepAndValidIndices) {
  const auto scenario = flank::load_scenario("builtin:eastern-flank-2023");
  const json t = flank::server::timeline_json(scenario, 1, 0);
  EXPECT_EQ(t["format"], "flank-timeline-1");
  ASSERT_EQ(t["frames"].size(), static_cast<std::size_t>(scenario.steps()));
  const std::size_t regions = t["regions"].size(), units = t["units"].size();
  EXPECT_EQ(regions, scenario.regions.size());
  for (const auto& f : t["frames"]) {
    ASSERT_EQ(f["control"].size(), regions);
    ASSERT_EQ(f["units"].size(), units);
    for (const auto& u : f["units"]) {
      const int region = u[0];
      ASSERT_TRUE(region >= -1 && region < static_cast<int>(regions));
      ASSERT_GE(u[1].get<double>(), 0.0);
      ASSERT_LE(u[1].get<double>(), 1.0);
    }
  }
  // Same seed and replication: the same replay (a pure function of its inputs).
  EXPECT_EQ(flank::server::timeline_json(scenario, 1, 0)["frames"].back(), t["frames"].back());
}

TEST(LibraryBackend, ScenarioInfoListsSourcesAndAssumptions) {
  const auto scenario = flank::load_scenario("builtin:eastern-flank-2023");
  const json info = flank::server::scenario_info(scenario, "builtin:eastern-flank-2023", {});
  EXPECT_EQ(info["sources"].size(), scenario.sources.size());
  EXPECT_GT(info["sources"].size(), 50u);
  EXPECT_FALSE(info["assumptions"].empty());
  for (const auto& a : info["assumptions"])
    EXPECT_NE(a["text"].get<std::string>().find("assumption"), std::string::npos);
  EXPECT_TRUE(info["region_sources"].contains("suwalki"));
  EXPECT_EQ(info["unit_sources"].size(), scenario.units.size());
}

TEST(LibraryBackend, ApiRunsTheRealEngine) {
  flank::server::Api api(flank::server::make_library_backend({}));
  auto get = [&](const std::string& path) { return api.handle({"GET", path, {}, ""}); };
  const json list = json::parse(get("/api/scenarios").body);
  bool found = false;
  for (const auto& s : list["scenarios"]) found = found || s["id"] == "eastern-flank-2023";
  EXPECT_TRUE(found);
  const json described = json::parse(get("/api/scenarios/eastern-flank-2023").body);
  EXPECT_EQ(described["scenario"]["id"], "eastern-flank-2023");
  EXPECT_EQ(get("/api/scenarios/..%2f..%2fetc").status, 404);
  EXPECT_EQ(get("/api/scenarios/../../CMakeLists.txt").status, 404);

  // A scenario path instead of a built-in id is refused: requests never read local files.
  EXPECT_EQ(api.handle({"POST",
                        "/api/runs",
                        {},
                        R"({"scenario":"scenarios/eastern-flank-2023.yaml"})",
                        "",
                        {{"content-type", "application/json"}}})
                .status,
            404);
  const auto bad = api.handle({"POST",
                               "/api/runs",
                               {},
                               R"({"scenario":"eastern-flank-2023","overrides":["no.such.key=1"]})",
                               "",
                               {{"content-type", "application/json"}}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_FALSE(json::parse(bad.body)["diagnostics"].empty());

  const auto started = api.handle({"POST",
                                   "/api/runs",
                                   {},
                                   R"({"scenario":"eastern-flank-2023","n":40,"seed":5})",
                                   "",
                                   {{"content-type", "application/json"}}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = json::parse(started.body)["id"];
  ASSERT_TRUE(api.wait(id, 120));
  const json status = json::parse(get("/api/runs/" + id).body);
  ASSERT_EQ(status["status"], "done") << status.dump();
  const json& summary = status["summary"];
  EXPECT_EQ(summary["replications"], 40);
  EXPECT_EQ(summary["seed"], 5);
  for (const auto& o : summary["objectives"]) {
    const double p = o["ever"]["p"];
    // Wilson intervals contain the estimate; the estimate is a count out of 40.
    EXPECT_LE(o["ever"]["lo"].get<double>(), p);
    EXPECT_GE(o["ever"]["hi"].get<double>(), p);
    EXPECT_NEAR(p * 40, std::round(p * 40), 1e-9);
    EXPECT_EQ(o["by_day"].back()["p"], p);  // by the horizon = ever
  }
  const json t =
      json::parse(api.handle({"GET", "/api/runs/" + id + "/timeline", {{"rep", "3"}}, ""}).body);
  EXPECT_EQ(t["replication"], 3);
  EXPECT_EQ(t["seed"], 5);
}

// GET /api/runs/{id} lists the hour Vilnius fell in each replication, in replication order:
// every entry is the hour of that replication replayed alone, and the falls it counts are the
// summary's.
TEST(LibraryBackend, RankingGivesEachReplicationsHourOfTheObjective) {
  flank::server::Api api(flank::server::make_library_backend({"", 2}));
  const auto started = api.handle({"POST",
                                   "/api/runs",
                                   {},
                                   R"({"scenario":"eastern-flank-2023","n":30,"seed":7})",
                                   "",
                                   {{"content-type", "application/json"}}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = json::parse(started.body)["id"];
  ASSERT_TRUE(api.wait(id, 120));
  const json status = json::parse(api.handle({"GET", "/api/runs/" + id, {}, ""}).body);
  ASSERT_TRUE(status.contains("ranking")) << status.dump().substr(0, 300);
  const json& ranking = status["ranking"];
  EXPECT_EQ(ranking["objective"], "vilnius");
  ASSERT_EQ(ranking["hours"].size(), 30u);
  std::size_t fell = 0;
  for (std::size_t rep = 0; rep < 30; ++rep) {
    const json t = json::parse(
        api.handle({"GET", "/api/runs/" + id + "/timeline", {{"rep", std::to_string(rep)}}, ""})
            .body);
    json replayed = nullptr;
    for (const auto& o : t["outcome"]["objectives"])
      if (o["id"] == "vilnius") replayed = o["hour"];
    EXPECT_EQ(ranking["hours"][rep], replayed) << "replication " << rep;
    fell += !replayed.is_null();
  }
  for (const auto& o : status["summary"]["objectives"])
    if (o["id"] == "vilnius") {
      EXPECT_NEAR(o["ever"]["p"].get<double>() * 30, static_cast<double>(fell), 1e-9);
    }
  EXPECT_GT(fell, 0u) << "Vilnius falls in some of 30 replications of the built-in scenario";
  EXPECT_LT(fell, 30u) << "and holds in others, so the ranking has both";
}

// The API's time limit and shutdown stop a run between replications (mc::RunConfig::cancelled);
// a hook that never fires leaves the results as they were.
TEST(LibraryBackend, CancellationStopsWithinAWaveAndChangesNothingOtherwise) {
  const flank::Scenario scenario = flank::load_scenario("builtin:eastern-flank-2023");
  flank::mc::RunConfig config;
  config.seed = 11;
  config.replications = 64;
  config.threads = 2;
  const json plain = flank::server::summary_json(flank::mc::run(scenario, config));
  std::atomic<int> polls{0};
  config.cancelled = [&] {
    ++polls;
    return false;
  };
  json hooked = flank::server::summary_json(flank::mc::run(scenario, config));
  EXPECT_GE(polls.load(), 64);
  json a = plain, b = hooked;
  a.erase("run_info");
  b.erase("run_info");
  EXPECT_EQ(a, b);
  // Asked to stop after the 5th replication started: far fewer than one wave (8 or more chunks
  // of replications) are run.
  std::atomic<int> started{0};
  config.replications = 100'000;
  config.cancelled = [&] { return ++started > 5; };
  EXPECT_THROW(flank::mc::run(scenario, config), flank::mc::Cancelled);
  EXPECT_LT(started.load(), 5 + 2 * 2);
}

}  // namespace
