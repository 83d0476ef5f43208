// Issue 13 item 7: what a web page the user visits can make `flank serve` do. Host must name
// the server (DNS rebinding), a foreign Origin is refused, POST /api/runs takes JSON only, and
// the token is required beyond loopback and optional on it. Also item 10's timeline cache.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "flank/server/access.hpp"
#include "flank/server/api.hpp"
#include "flank/server/timeline_cache.hpp"

namespace {

using flank::server::access_policy_for;
using flank::server::AccessPolicy;
using flank::server::check_access;
using flank::server::Request;
using flank::server::Response;
using nlohmann::json;

Request get(std::string path, std::vector<std::pair<std::string, std::string>> headers,
            std::map<std::string, std::string> query = {}) {
  return {"GET", std::move(path), std::move(query), "", "", std::move(headers)};
}

// The status check_access answers with, or 0 when the request may go on.
int verdict(const AccessPolicy& policy, const Request& request) {
  const auto r = check_access(policy, request);
  return r ? r->status : 0;
}

TEST(Access, HostMustNameTheServer) {
  const AccessPolicy loopback = access_policy_for("127.0.0.1", 8642);
  for (const char* host : {"127.0.0.1:8642", "localhost:8642", "LOCALHOST:8642", "[::1]:8642",
                           "127.0.0.1", "localhost"})
    EXPECT_EQ(verdict(loopback, get("/api/scenarios", {{"host", host}})), 0) << host;
  // A rebinding page reaches 127.0.0.1 under its own name, or the wrong port is named.
  for (const char* host : {"attacker.example:8642", "attacker.example", "127.0.0.1:8643",
                           "127.0.0.1.attacker.example:8642", ""})
    EXPECT_EQ(verdict(loopback, get("/api/scenarios", {{"host", host}})), 403) << host;
  EXPECT_EQ(verdict(loopback, get("/", {})), 400) << "no Host";
  EXPECT_EQ(verdict(loopback, get("/", {{"host", "localhost"}, {"host", "evil"}})), 400);
  const AccessPolicy lan = access_policy_for("192.168.1.5", 80);
  EXPECT_EQ(verdict(lan, get("/", {{"host", "192.168.1.5:80"}})), 0);
  EXPECT_EQ(verdict(lan, get("/", {{"host", "localhost:80"}})), 403);
  EXPECT_TRUE(access_policy_for("0.0.0.0", 80).hosts.empty()) << "a wildcard answers any name";
}

TEST(Access, ForeignOriginsAndCrossSiteFetchesAreRefused) {
  const AccessPolicy policy = access_policy_for("127.0.0.1", 8642);
  const auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
    extra.emplace_back("host", "127.0.0.1:8642");
    return verdict(policy, get("/api/runs/run-1", std::move(extra)));
  };
  EXPECT_EQ(with({{"origin", "http://127.0.0.1:8642"}}), 0);
  EXPECT_EQ(with({{"origin", "http://evil.example"}}), 403);
  EXPECT_EQ(with({{"origin", "http://localhost:8642"}}), 403) << "another origin, same machine";
  EXPECT_EQ(with({{"origin", "http://127.0.0.1:3000"}}), 403);
  EXPECT_EQ(with({{"origin", "null"}}), 403);
  EXPECT_EQ(with({{"sec-fetch-site", "cross-site"}}), 403);
  EXPECT_EQ(with({{"sec-fetch-site", "same-site"}}), 403);
  EXPECT_EQ(with({{"sec-fetch-site", "same-origin"}}), 0);
  EXPECT_EQ(with({{"sec-fetch-site", "none"}}), 0);
}

TEST(Access, TokenIsRequiredBeyondLoopbackAndOptionalOnIt) {
  AccessPolicy policy = access_policy_for("0.0.0.0", 8642);
  policy.token = flank::server::random_token();
  EXPECT_EQ(policy.token.size(), 48u);
  EXPECT_NE(policy.token, flank::server::random_token());
  policy.token_required = true;
  const std::string cookie = flank::server::token_cookie_name(8642);
  const auto api = [&](std::vector<std::pair<std::string, std::string>> headers,
                       std::map<std::string, std::string> query = {}) {
    headers.emplace_back("host", "10.0.0.2:8642");
    return verdict(policy, get("/api/scenarios", std::move(headers), std::move(query)));
  };
  EXPECT_EQ(api({}), 401);
  EXPECT_EQ(api({}, {{"token", "wrong"}}), 401);
  EXPECT_EQ(api({}, {{"token", policy.token}}), 0);
  EXPECT_EQ(api({{"authorization", "Bearer " + policy.token}}), 0);
  EXPECT_EQ(api({{"authorization", "Bearer " + policy.token + "x"}}), 401);
  EXPECT_EQ(api({{"cookie", "a=b; " + cookie + "=" + policy.token}}), 0);
  EXPECT_EQ(api({{"cookie", "flank-token-1=" + policy.token}}), 401) << "another port's cookie";

  // Opening the printed URL turns the token into a cookie and takes it out of the address.
  const auto opened = check_access(
      policy, get("/", {{"host", "10.0.0.2:8642"}}, {{"token", policy.token}, {"rep", "3"}}));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->status, 303);
  std::map<std::string, std::string> headers(opened->headers.begin(), opened->headers.end());
  EXPECT_EQ(headers["Location"], "/?rep=3");
  EXPECT_EQ(headers["Set-Cookie"],
            cookie + "=" + policy.token + "; Path=/; HttpOnly; SameSite=Strict");

  // On loopback the same checks pass without a token, and a stale cookie is ignored.
  policy = access_policy_for("127.0.0.1", 8642);
  policy.token = "fresh";
  EXPECT_EQ(verdict(policy, get("/api/scenarios", {{"host", "localhost:8642"}})), 0);
  EXPECT_EQ(verdict(policy, get("/api/scenarios",
                                {{"host", "localhost:8642"}, {"cookie", cookie + "=stale"}})),
            0);
}

class QuietBackend : public flank::server::Backend {
 public:
  json list_scenarios() override { return json::array(); }
  json scenario(const std::string&) override { return json::object(); }
  void validate(const flank::server::RunSpec&) override {}
  json run(const flank::server::RunSpec&, const flank::server::Progress&,
           const flank::server::Cancelled&) override {
    return json::object();
  }
  json timeline(const flank::server::RunSpec&, std::uint64_t rep) override {
    ++timelines;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return {{"replication", rep}};
  }
  json sweeps() override { return json::array(); }
  std::atomic<int> timelines{0};
};

Request post(std::string body, std::vector<std::pair<std::string, std::string>> headers) {
  return {"POST", "/api/runs", {}, std::move(body), "", std::move(headers)};
}

TEST(Access, RunRequestsMustBeJson) {
  flank::server::Api api(std::make_shared<QuietBackend>());
  const std::string body = R"({"scenario":"x","n":1})";
  // What a form or a no-preflight fetch from another site can send.
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonx", ""})
    EXPECT_EQ(api.handle(post(body, {{"content-type", type}})).status, 415) << type;
  EXPECT_EQ(api.handle(post(body, {})).status, 415) << "no Content-Type";
  EXPECT_EQ(api.handle(post(body, {{"content-type", "Application/JSON; charset=utf-8"}})).status,
            202);
}

// Issue 13 item 11: a number beyond double answered 500.
TEST(Access, NumbersBeyondDoubleAre400) {
  flank::server::Api api(std::make_shared<QuietBackend>());
  for (const char* body : {R"({"scenario":"x","n":1e400})", R"({"scenario":"x","seed":-1e400})",
                           R"({"scenario":"x","overrides":{"a":1e999}})"}) {
    const Response r = api.handle(post(body, {{"content-type", "application/json"}}));
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_TRUE(json::accept(r.body));
  }
}

TEST(TimelineCache, ConcurrentRequestsShareOneBuildAndLaterOnesHitTheCache) {
  auto backend = std::make_shared<QuietBackend>();
  flank::server::ApiLimits limits;
  limits.max_timeline_waiters = 8;
  flank::server::Api api(backend, limits);
  const Response started =
      api.handle(post(R"({"scenario":"x","n":4})", {{"content-type", "application/json"}}));
  ASSERT_EQ(started.status, 202);
  const std::string id = json::parse(started.body)["id"];
  ASSERT_TRUE(api.wait(id, 10));
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      const Response r = api.handle({"GET", "/api/runs/" + id + "/timeline", {{"rep", "2"}}, ""});
      ok += r.status == 200 && json::parse(r.body)["replication"] == 2;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(backend->timelines.load(), 1);
  EXPECT_EQ(api.handle({"GET", "/api/runs/" + id + "/timeline", {{"rep", "2"}}, ""}).status, 200);
  EXPECT_EQ(backend->timelines.load(), 1);
}

TEST(TimelineCache, WaitersAreBoundedAndTheBudgetEvicts) {
  flank::server::TimelineCache cache(
      {.budget_bytes = 250, .max_pending = 8, .max_waiting = 2, .wait_seconds = 30});
  std::atomic<int> built{0};
  const auto slow = [&](std::string text) {
    return [&built, text] {
      ++built;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return text;
    };
  };
  std::vector<std::thread> clients;
  std::atomic<int> answered{0}, busy{0};
  for (int i = 0; i < 6; ++i)
    clients.emplace_back([&, i] {
      const Response r = cache.get("k" + std::to_string(i), slow(std::string(100, 'a' + i)));
      answered += r.status == 200;
      busy += r.status == 503;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), 2) << "two waited";
  EXPECT_EQ(busy.load(), 4) << "the others were told to retry, not held";
  // Those four are being built all the same; after them only two 100-byte bodies fit in 250.
  for (int i = 0; i < 100 && cache.stats().built < 6; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto stats = cache.stats();
  EXPECT_EQ(stats.built, 6u);
  EXPECT_LE(stats.cached_bytes, 250u);
  EXPECT_EQ(stats.entries, 2u);
  // Which two survive above depends on the order the threads queued in; built one after the
  // other, the two newest are kept and an older one is evicted.
  cache.get("k6", slow(std::string(100, 'g')));
  cache.get("k7", slow(std::string(100, 'h')));
  EXPECT_EQ(cache.get("k7", slow("rebuilt")).body, std::string(100, 'h')) << "newest kept";
  EXPECT_EQ(cache.get("k6", slow("rebuilt")).body, std::string(100, 'g')) << "second newest kept";
  EXPECT_EQ(cache.stats().built, 8u);
  EXPECT_EQ(cache.stats().entries, 2u);
}

TEST(TimelineCache, StopReleasesWaiters) {
  flank::server::TimelineCache cache({});
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cache.stop();
  });
  const auto start = std::chrono::steady_clock::now();
  const Response r = cache.get("k", [] {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    return std::string("late");
  });
  EXPECT_EQ(r.status, 503);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.5);
  stopper.join();
}

}  // namespace
