// Fuzzes the `flank serve` request handlers without sockets. Input: first line
// "METHOD PATH[?key=value&...]", the rest is the body. Api::handle must answer every request
// with a response (never throw, never crash), with a status in 200..599, and every JSON
// answer must be valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "flank/core/error.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/server/api.hpp"
#include "tests/scenario/small_scenario.hpp"

namespace {

using nlohmann::json;
namespace server = flank::server;

// Behaves like the library backend at its edges (NotFound naming the id, InputError from
// the loader) but runs nothing, so the fuzzer spends its time in the request handling.
class StubBackend : public server::Backend {
 public:
  json list_scenarios() override { return json::array({{{"id", "small"}}}); }
  json scenario(const std::string& id) override {
    if (id != "small") throw server::NotFound("no built-in scenario '" + id + "'");
    return {{"id", id}};
  }
  void validate(const server::RunSpec& spec) override {
    if (spec.scenario != "small")
      throw server::NotFound("no built-in scenario '" + spec.scenario + "'");
    flank::LoadOptions options;
    options.overrides = spec.overrides;
    (void)flank::load_scenario_text(flank::test::kSmallScenario, "small.yaml", options);
  }
  json run(const server::RunSpec& spec, const server::Progress& progress,
           const server::Cancelled&) override {
    progress(spec.replications, spec.replications);
    return {{"replications", spec.replications}, {"overrides", spec.overrides}};
  }
  json timeline(const server::RunSpec& spec, std::uint64_t replication) override {
    return {{"scenario", spec.scenario}, {"replication", replication}};
  }
  json sweeps() override { return json::array(); }
};

server::Api& api() {
  static server::Api instance(std::make_shared<StubBackend>(),
                              server::ApiLimits{.max_body_bytes = 4096,
                                                .max_replications = 1000,
                                                .max_running = 1,
                                                .max_queued = 4,
                                                .max_kept = 8,
                                                .max_run_seconds = 600,
                                                // Unlimited: the fuzzer wants every POST validated.
                                                .max_posts_per_second = 0,
                                                .max_posts_per_second_all = 0});
  return instance;
}

server::Request decode(std::string_view input) {
  server::Request request;
  request.headers = {{"content-type", "application/json"}};  // so POST bodies reach validation
  std::size_t eol = input.find('\n');
  std::string_view head = input.substr(0, eol);
  request.body = eol == std::string_view::npos ? "" : std::string(input.substr(eol + 1));
  const std::size_t space = head.find(' ');
  request.method = std::string(head.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "" : head.substr(space + 1);
  const std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const std::size_t eq = pair.find('=');
      request.query[std::string(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto request = decode(std::string_view(reinterpret_cast<const char*>(data), size));
  server::Response response;
  try {
    response = api().handle(request);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Api::handle threw: %s\n", e.what());
    std::abort();
  }
  if (response.status < 200 || response.status > 599) {
    std::fprintf(stderr, "bad HTTP status %d\n", response.status);
    std::abort();
  }
  if (response.content_type == "application/json" && !json::accept(response.body)) {
    std::fprintf(stderr, "invalid JSON answer: %s\n", response.body.c_str());
    std::abort();
  }
  return 0;
}
