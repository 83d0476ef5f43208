// The HTTP API's handling, without sockets: routing, validation, limits, run lifecycle.
// A counting backend stands in for the engine here; test_report and the browser tests run
// the real one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "flank/core/error.hpp"
#include "flank/server/api.hpp"

namespace {

using flank::server::Api;
using flank::server::ApiLimits;
using flank::server::Request;
using flank::server::Response;
using flank::server::RunSpec;
using nlohmann::json;

// Runs "succeed" instantly unless `hold` is set, in which case they block until released;
// it records the peak number of simulations running at once.
class FakeBackend : public flank::server::Backend {
 public:
  json list_scenarios() override {
    return {{"scenarios", json::array({{{"id", "alpha"}, {"name", "Alpha"}}})}};
  }
  json scenario(const std::string& id) override {
    if (id != "alpha") throw flank::server::NotFound("no scenario " + id);
    return {{"id", "alpha"}, {"name", "Alpha"}};
  }
  void validate(const RunSpec& spec) override {
    if (spec.scenario != "alpha") throw flank::server::NotFound("no scenario " + spec.scenario);
    for (const auto& o : spec.overrides)
      if (o.rfind("bad", 0) == 0)
        throw flank::InputError(flank::Diagnostic{{"<override>", 1, 1}, "bad", "unknown key"});
  }
  json run(const RunSpec& spec, const flank::server::Progress& progress,
           const flank::server::Cancelled&) override {
    const int now = ++running;
    int peak_seen = peak.load();
    while (now > peak_seen && !peak.compare_exchange_weak(peak_seen, now)) {
    }
    {
      std::unique_lock lock(mutex);
      released.wait(lock, [&] { return !hold; });
    }
    progress(spec.replications, spec.replications);
    --running;
    ++runs;
    // A summary whose probability is a closed form of the request, so the test can check
    // that the summary served belongs to this run.
    return {{"format", "flank-summary-1"},
            {"replications", spec.replications},
            {"seed", spec.seed},
            {"objectives",
             json::array(
                 {{{"id", "x"}, {"ever", {{"p", 1.0 / static_cast<double>(spec.seed + 1)}}}}})}};
  }
  json timeline(const RunSpec& spec, std::uint64_t rep) override {
    return {{"format", "flank-timeline-1"}, {"replication", rep}, {"seed", spec.seed}};
  }
  json sweeps() override { return {{"sweeps", json::array()}}; }

  void release() {
    {
      std::lock_guard lock(mutex);
      hold = false;
    }
    released.notify_all();
  }

  std::atomic<int> running{0}, peak{0}, runs{0};
  std::mutex mutex;
  std::condition_variable released;
  bool hold = false;
};

Request get(std::string path, std::map<std::string, std::string> query = {}) {
  return {"GET", std::move(path), std::move(query), ""};
}
Request post(std::string path, std::string body) {
  return {"POST", std::move(path), {}, std::move(body), "", {{"content-type", "application/json"}}};
}
json body(const Response& r) {
  return json::parse(r.body);
}

TEST(Api, ListsAndDescribesScenarios) {
  Api api(std::make_shared<FakeBackend>());
  Response list = api.handle(get("/api/scenarios"));
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.content_type, "application/json");
  EXPECT_EQ(body(list)["scenarios"][0]["id"], "alpha");
  EXPECT_EQ(api.handle(get("/api/scenarios/alpha")).status, 200);
  Response missing = api.handle(get("/api/scenarios/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(body(missing)["error"].get<std::string>().find("nope"), std::string::npos);
}

TEST(Api, RunLifecycleServesItsOwnSummary) {
  auto backend = std::make_shared<FakeBackend>();
  Api api(backend);
  Response started = api.handle(post("/api/runs", R"({"scenario":"alpha","n":250,"seed":3})"));
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = body(started)["id"];
  ASSERT_TRUE(api.wait(id, 10));
  json status = body(api.handle(get("/api/runs/" + id)));
  EXPECT_EQ(status["status"], "done");
  EXPECT_EQ(status["n"], 250);
  EXPECT_EQ(status["progress"]["done"], 250);
  EXPECT_EQ(status["summary"]["replications"], 250);
  EXPECT_DOUBLE_EQ(status["summary"]["objectives"][0]["ever"]["p"].get<double>(), 0.25);

  json timeline = body(api.handle(get("/api/runs/" + id + "/timeline", {{"rep", "17"}})));
  EXPECT_EQ(timeline["replication"], 17);
  EXPECT_EQ(timeline["seed"], 3);
  EXPECT_EQ(api.handle(get("/api/runs/" + id + "/timeline", {{"rep", "250"}})).status, 400);
  EXPECT_EQ(api.handle(get("/api/runs/" + id + "/timeline", {{"rep", "-1"}})).status, 400);
  EXPECT_EQ(api.handle(get("/api/runs/" + id + "/timeline", {{"rep", "1x"}})).status, 400);
}

TEST(Api, UnknownRunsAndEndpointsAre404) {
  Api api(std::make_shared<FakeBackend>());
  EXPECT_EQ(api.handle(get("/api/runs/run-999")).status, 404);
  EXPECT_EQ(api.handle(get("/api/runs/run-999/timeline")).status, 404);
  EXPECT_EQ(api.handle(get("/api/nothing")).status, 404);
  EXPECT_EQ(api.handle(get("/api/runs/x/y/z")).status, 404);
  EXPECT_EQ(api.handle(post("/api/runs", R"({"scenario":"beta"})")).status, 404);
}

TEST(Api, WrongMethodsAre405) {
  Api api(std::make_shared<FakeBackend>());
  EXPECT_EQ(api.handle(get("/api/runs")).status, 405);
  EXPECT_EQ(api.handle(post("/api/scenarios", "{}")).status, 405);
  EXPECT_EQ(api.handle(Request{"DELETE", "/index.html", {}, ""}).status, 405);
}

TEST(Api, BadJsonAndBadFieldsAre400WithKeyPaths) {
  Api api(std::make_shared<FakeBackend>());
  Response r = api.handle(post("/api/runs", "{\"scenario\": \"alpha\", "));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(body(r)["error"].get<std::string>().find("not valid JSON"), std::string::npos);
  EXPECT_EQ(api.handle(post("/api/runs", "[1,2]")).status, 400);

  json bad =
      body(api.handle(post("/api/runs", R"({"scenario":"alpha","n":0,"seed":-4,"colour":1})")));
  std::set<std::string> paths;
  for (const auto& d : bad["diagnostics"]) paths.insert(d["path"]);
  EXPECT_EQ(paths, (std::set<std::string>{"n", "seed", "colour"}));

  EXPECT_EQ(api.handle(post("/api/runs", R"({"scenario":"alpha","n":100001})")).status, 400);
  EXPECT_EQ(api.handle(post("/api/runs", R"({"scenario":"alpha","n":2.5})")).status, 400);
  EXPECT_EQ(api.handle(post("/api/runs", R"({"n":10})")).status, 400);
  EXPECT_EQ(api.handle(post("/api/runs", R"({"scenario":"alpha","overrides":[3]})")).status, 400);
  Response override_error =
      api.handle(post("/api/runs", R"({"scenario":"alpha","overrides":["bad=1"]})"));
  EXPECT_EQ(override_error.status, 400);
  EXPECT_EQ(body(override_error)["diagnostics"][0]["file"], "<override>");
}

TEST(Api, LimitsAcceptTheMaximumAndRejectAbove) {
  Api api(std::make_shared<FakeBackend>());
  Response ok =
      api.handle(post("/api/runs", R"({"scenario":"alpha","n":100000,"overrides":{"x":1}})"));
  EXPECT_EQ(ok.status, 202) << ok.body;
  ASSERT_TRUE(api.wait(body(ok)["id"], 10));
  EXPECT_EQ(body(api.handle(get("/api/runs/" + body(ok)["id"].get<std::string>())))["overrides"][0],
            "x=1");
}

TEST(Api, BodiesOverOneMebibyteAre413) {
  Api api(std::make_shared<FakeBackend>());
  std::string big = R"({"scenario":"alpha","pad":")" + std::string(1 << 20, 'x') + "\"}";
  EXPECT_EQ(api.handle(post("/api/runs", big)).status, 413);
}

TEST(Api, AtMostTwoSimulationsRunAndTheQueueIsBounded) {
  auto backend = std::make_shared<FakeBackend>();
  backend->hold = true;
  ApiLimits limits;
  limits.max_queued = 3;
  Api api(backend, limits);
  std::vector<std::string> ids;
  auto start = [&] {
    Response r = api.handle(post("/api/runs", R"({"scenario":"alpha","n":10})"));
    if (r.status == 202) ids.push_back(body(r)["id"]);
    return r.status;
  };
  ASSERT_EQ(start(), 202);
  ASSERT_EQ(start(), 202);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (backend->running.load() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Two are running (held); three may wait; the next is refused.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(start(), 202) << i;
  EXPECT_EQ(backend->running.load(), 2);
  Response refused = api.handle(post("/api/runs", R"({"scenario":"alpha","n":10})"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(body(api.handle(get("/api/runs/" + ids[4])))["status"], "queued");
  backend->release();
  for (const auto& id : ids) ASSERT_TRUE(api.wait(id, 10)) << id;
  EXPECT_EQ(backend->peak.load(), 2);
  EXPECT_EQ(backend->runs.load(), 5);
}

TEST(Api, FinishedRunsBeyondTheLimitAreForgottenOldestFirst) {
  ApiLimits limits;
  limits.max_kept = 2;
  Api api(std::make_shared<FakeBackend>(), limits);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    Response r = api.handle(post("/api/runs", R"({"scenario":"alpha","n":1})"));
    ids.push_back(body(r)["id"]);
    ASSERT_TRUE(api.wait(ids.back(), 10));
  }
  EXPECT_EQ(api.handle(get("/api/runs/" + ids[0])).status, 404);
  EXPECT_EQ(api.handle(get("/api/runs/" + ids[3])).status, 200);
}

TEST(Static, TraversalAttemptsNeverReachTheFileSystem) {
  Api api(std::make_shared<FakeBackend>());
  for (const char* path :
       {"/../CMakeLists.txt", "/assets/../../etc/passwd", "/..%2f..%2fetc/passwd",
        "/assets\\..\\app.js", "//etc/passwd", "/etc/passwd", "/web/dist/index.html"}) {
    Response r = api.handle(get(path));
    EXPECT_TRUE(r.status == 400 || r.status == 404 ||
                (r.status == 503 && !flank::server::viewer_built()))
        << path << " -> " << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
}

TEST(Static, ServesTheEmbeddedViewer) {
  Api api(std::make_shared<FakeBackend>());
  Response index = api.handle(get("/"));
  if (!flank::server::viewer_built()) {
    EXPECT_EQ(index.status, 503);
    EXPECT_NE(index.body.find("not built"), std::string::npos);
    GTEST_SKIP() << "built with FLANK_WEB=OFF";
  }
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("assets/app.js"), std::string::npos);
  Response js = api.handle(get("/assets/app.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_GT(js.body.size(), 100'000u);  // d3, Plot and the Natural Earth borders
  EXPECT_EQ(api.handle(get("/assets/missing.js")).status, 404);
}

// The page carries its policy as a header too, where frame-ancestors works: the same
// directives as its <meta> element, and no framing by any site.
TEST(Static, ViewerPageSendsItsContentSecurityPolicyAsAHeader) {
  Api api(std::make_shared<FakeBackend>());
  if (!flank::server::viewer_built()) GTEST_SKIP() << "built with FLANK_WEB=OFF";
  auto policy_of = [](const Response& r) -> std::string {
    for (const auto& [k, v] : r.headers)
      if (k == "Content-Security-Policy") return v;
    return "";
  };
  for (const char* path : {"/", "/index.html"}) {
    const Response page = api.handle(get(path));
    ASSERT_EQ(page.status, 200) << path;
    const std::string header = policy_of(page);
    EXPECT_NE(header.find("frame-ancestors 'none'"), std::string::npos) << path << ": " << header;
    // The <meta> policy, with the HTML escaping of its quotes undone.
    const std::string marker = "http-equiv=\"Content-Security-Policy\" content=\"";
    const auto at = page.body.find(marker);
    ASSERT_NE(at, std::string::npos);
    std::string meta = page.body.substr(at + marker.size());
    meta = meta.substr(0, meta.find('"'));
    for (auto i = meta.find("&#39;"); i != std::string::npos; i = meta.find("&#39;"))
      meta.replace(i, 5, "'");
    EXPECT_EQ(header, meta + "; frame-ancestors 'none'") << path;
  }
  EXPECT_EQ(policy_of(api.handle(get("/assets/app.js"))), "");
  EXPECT_EQ(policy_of(api.handle(get("/api/scenarios"))), "");
}

// A backend that collects no ranking (the default run_ranked) leaves the field out.
TEST(Api, RunWithoutRankingHasNoRankingField) {
  auto backend = std::make_shared<FakeBackend>();
  Api api(backend);
  const Response started = api.handle(post("/api/runs", R"({"scenario":"alpha","n":3})"));
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = json::parse(started.body)["id"];
  ASSERT_TRUE(api.wait(id, 10));
  const json status = json::parse(api.handle(get("/api/runs/" + id)).body);
  EXPECT_EQ(status["status"], "done");
  EXPECT_TRUE(status.contains("summary"));
  EXPECT_FALSE(status.contains("ranking"));
}

}  // namespace
