#pragma once
// The `flank serve` JSON API and static viewer, as plain functions of a request so they can
// be tested and fuzzed without sockets (apps/flank/cmd_serve.cpp only adapts cpp-httplib).
//
//   GET  /api/scenarios                 built-in scenarios
//   GET  /api/scenarios/{id}            one scenario: counts, sources, assumptions
//   POST /api/runs                      {scenario, n, seed, overrides} -> {id}
//   GET  /api/runs/{id}                 status and progress, then the summary JSON
//   GET  /api/runs/{id}/timeline?rep=R  one replication replayed hour by hour
//   GET  /api/sweeps                    sweep and planner results from the store, if any
//   GET  /, /assets/...                 the viewer, only from the embedded table
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flank::server {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query string
  std::map<std::string, std::string> query;
  std::string body;
  std::string client = {};  // the peer's address; rate limits are per client ("" is one client)
  // As received, names in lower case, in order (http.cpp); repeated names are kept.
  std::vector<std::pair<std::string, std::string>> headers = {};

  // The first value of header `name` (lower case), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return &v;
    return nullptr;
  }
  std::size_t header_count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& h : headers) n += h.first == name;
    return n;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What POST /api/runs asks for, validated.
struct RunSpec {
  std::string scenario;
  std::uint64_t replications = 1000;
  std::uint64_t seed = 1;
  std::vector<std::string> overrides;  // "path=value", as `--set`
};

// A scenario, run or timeline that does not exist (HTTP 404). Bad input is flank::InputError
// (HTTP 400).
struct NotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A finished run as GET /api/runs/{id} serves it: the summary (docs/formats.md §1) and, when
// the backend collects it, the ranking of the replications by the hour one objective fell
// (docs/viewer.md: {"objective": id, "hours": [hour or null, ...] in replication order}),
// else null.
struct RunResult {
  nlohmann::json summary;
  nlohmann::json ranking;
};

using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;
// Polled by the engine's threads during a run, between replications: true means stop now (the
// run then throws). Thread-safe; may be empty.
using Cancelled = std::function<bool()>;

// The engine as the API sees it. The library backend (backend.hpp) calls the loader, the
// Monte Carlo runner and the report writers; tests substitute their own.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual nlohmann::json list_scenarios() = 0;
  virtual nlohmann::json scenario(const std::string& id) = 0;  // NotFound
  // Loads and compiles the scenario with its overrides; throws InputError or NotFound. Called
  // on the request thread so that a bad request fails at once, not later in the queue.
  virtual void validate(const RunSpec& spec) = 0;
  virtual nlohmann::json run(const RunSpec& spec, const Progress& progress,
                             const Cancelled& cancelled) = 0;
  // What the API calls: run() with the ranking when the backend can collect it (null here).
  virtual RunResult run_ranked(const RunSpec& spec, const Progress& progress,
                               const Cancelled& cancelled) {
    return {run(spec, progress, cancelled), nullptr};
  }
  virtual nlohmann::json timeline(const RunSpec& spec, std::uint64_t replication) = 0;
  virtual nlohmann::json sweeps() = 0;
};

struct ApiLimits {
  std::size_t max_body_bytes = 1 << 20;
  std::uint64_t max_replications = 100'000;
  int max_running = 2;           // simulations at once
  int max_queued = 8;            // waiting beyond that; more gets 429
  std::size_t max_kept = 64;     // finished runs kept in memory (oldest dropped first)
  double max_run_seconds = 600;  // a simulation still running after this fails (checked between
                                 // replications, so it stops within one replication per thread)
  // POST /api/runs compiles the scenario on the request thread; beyond this rate per client
  // (with bursts of twice as many) it answers 429 before any work, so no client can keep the
  // cores busy or starve the others; all clients together get max_posts_per_second_all.
  double max_posts_per_second = 20;
  double max_posts_per_second_all = 80;
  // GET .../timeline: built off the HTTP threads, cached (timeline_cache.hpp).
  std::size_t timeline_cache_bytes = 64u << 20;
  int max_timelines_pending = 8;
  int max_timeline_waiters = 4;
  double timeline_wait_seconds = 30;
};

class Api {
 public:
  explicit Api(std::shared_ptr<Backend> backend, ApiLimits limits = {});
  ~Api();  // stop(), then waits for the simulations to wind up

  // Cancels running simulations (they stop within one replication per thread), drops queued
  // ones and releases requests waiting for timelines; idempotent, from any thread.
  void stop();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  Response handle(const Request& request);

  // For tests: blocks until run `id` is done or failed (or the timeout passes); true if so.
  bool wait(const std::string& id, double timeout_seconds);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The viewer's files (web/dist) from the embedded table; 404 for anything else, 400 for
// paths that try to leave it, 503 when the viewer was not built into this binary.
Response serve_static(const std::string& path);

bool viewer_built();

}  // namespace flank::server
