// `flank serve` over real sockets: loopback by default, a warning elsewhere, bounded request
// sizes, no way out of the embedded viewer, bounded simulations, clean shutdown while a
// simulation runs, and a results store read safely while a sweep writes it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "flank/core/error.hpp"
#include "flank/server/api.hpp"
#include "subprocess.hpp"

namespace flank {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::Child;
using test::ProcessResult;
using test::read_text;
using test::TempDir;

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection refused, reset or timed out)
  std::string body;
};

// A deliberately small HTTP/1.1 client over a raw socket, so requests go out byte for byte
// as written (no path normalisation, no size checks of its own). One request per connection.
HttpAnswer http(int port, const std::string& method, const std::string& target,
                const std::string& body = "", const std::string& extra_headers = "") {
  HttpAnswer answer;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return answer;
  timeval timeout{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return answer;
  }
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers;
  if (!body.empty() || method == "POST")
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on an oversized request; read its answer
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buffer[65536];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return answer;
  answer.status = std::stoi(response.substr(9, 3));
  const std::size_t head_end = response.find("\r\n\r\n");
  if (head_end != std::string::npos) answer.body = response.substr(head_end + 4);
  return answer;
}

// A running `flank serve` on an ephemeral port.
class Server {
 public:
  explicit Server(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{FLANK_BINARY, "serve", "--port", "0", "--threads", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    child_ = std::make_unique<Child>(args, dir_.path(), "serve");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    const std::regex listening(R"(listening on http://([^ /]+):(\d+)/)");
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string out = read_text(dir_ / "serve.out");
      if (std::regex_search(out, m, listening)) {
        host_ = m[1];
        port_ = std::stoi(m[2]);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "flank serve did not start: " << read_text(dir_ / "serve.err");
  }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  HttpAnswer get(const std::string& target, const std::string& headers = "") const {
    return http(port_, "GET", target, "", headers);
  }
  HttpAnswer post(const std::string& target, const std::string& body) const {
    return http(port_, "POST", target, body);
  }
  // Sends SIGTERM and waits; the result holds stderr.
  ProcessResult stop(double timeout_seconds) {
    child_->kill(SIGTERM);
    return child_->wait(timeout_seconds);
  }
  std::string err() const { return read_text(dir_ / "serve.err"); }

 private:
  TempDir dir_;
  std::unique_ptr<Child> child_;
  std::string host_;
  int port_ = 0;
};

TEST(ServeHardening, ListensOnLoopbackByDefaultAndWarnsOtherwise) {
  {
    Server server;
    EXPECT_EQ(server.host(), "127.0.0.1");
    EXPECT_EQ(server.err().find("WARNING"), std::string::npos) << server.err();
  }
  Server open({"--host", "0.0.0.0"});
  EXPECT_EQ(open.host(), "0.0.0.0");
  EXPECT_NE(open.err().find("WARNING"), std::string::npos) << open.err();
}

TEST(ServeHardening, NoPathReachesTheFileSystem) {
  Server server;
  for (const std::string path :
       {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd", "/assets/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "//etc/passwd", "/etc/passwd", "/index.html%00.js", "/api/../../etc/passwd",
        "/api/scenarios/..%2f..%2f..%2fetc%2fpasswd", "/api/scenarios/%2fetc%2fpasswd",
        "/..%c0%af..%c0%afetc/passwd", "/%252e%252e/%252e%252e/etc/passwd"}) {
    const HttpAnswer r = server.get(path);
    EXPECT_NE(r.status, 200) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
  // A POST cannot name a file either: only built-in scenario ids are accepted.
  const HttpAnswer r = server.post("/api/runs", R"({"scenario": "/etc/passwd", "n": 1})");
  EXPECT_EQ(r.status, 404) << r.body;
  const HttpAnswer e = server.post("/api/runs", R"({"scenario": "test-duel", "n": 1,
      "overrides": ["extends=/etc/passwd"]})");
  EXPECT_EQ(e.status, 400) << e.body;
}

TEST(ServeHardening, OversizedRequestsAreRefused) {
  Server server;
  HttpAnswer r = server.post("/api/runs", std::string(2u << 20, 'x'));
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  // A huge URI or header is refused by the HTTP layer before any handler runs.
  r = server.get("/api/scenarios/" + std::string(100'000, 'a'));
  EXPECT_TRUE(r.status == 0 || r.status >= 400) << r.status;
  r = server.get("/api/scenarios", "X-Padding: " + std::string(100'000, 'h') + "\r\n");
  EXPECT_TRUE(r.status == 0 || r.status >= 400) << r.status;
  // The server still answers afterwards.
  r = server.get("/api/scenarios");
  EXPECT_EQ(r.status, 200);
}

TEST(ServeHardening, SimulationsAreBoundedInSizeAndNumber) {
  Server server;
  HttpAnswer r = server.post("/api/runs", R"({"scenario": "test-duel", "n": 100001})");
  EXPECT_EQ(r.status, 400) << r.body;
  r = server.post("/api/runs", R"({"scenario": "test-duel", "n": 1e30})");
  EXPECT_EQ(r.status, 400) << r.body;
  // Beyond 2 running and 8 queued, the server says "later" instead of piling up work.
  int accepted = 0, refused = 0;
  for (int i = 0; i < 14; ++i) {
    r = server.post("/api/runs", R"({"scenario": "eastern-flank-2023", "n": 100000})");
    accepted += r.status == 202;
    refused += r.status == 429;
  }
  EXPECT_LE(accepted, 10);
  EXPECT_GE(refused, 4);
  // And with all that queued, SIGTERM still stops it promptly: running simulations are
  // abandoned at the next wave of replications.
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult stopped = server.stop(60);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(stopped.timed_out);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  // Finishing the two running simulations would take hours under the sanitizers; abandoning
  // them costs at most one wave of replications each (seconds in a release build).
  EXPECT_LT(seconds, 120) << "shutdown waited for the simulations to finish";
}

server::Request post_json(std::string body, std::string client = "") {
  return {"POST",          "/api/runs",       {},
          std::move(body), std::move(client), {{"content-type", "application/json"}}};
}

// A backend whose runs never end by themselves: only the time limit or shutdown stops them.
class EndlessBackend : public server::Backend {
 public:
  json list_scenarios() override { return json::array(); }
  json scenario(const std::string&) override { return json::object(); }
  void validate(const server::RunSpec&) override {}
  json run(const server::RunSpec& spec, const server::Progress& progress,
           const server::Cancelled& cancelled) override {
    for (std::uint64_t done = 0;; done = (done + 1) % spec.replications) {
      if (cancelled()) throw std::runtime_error("cancelled");
      progress(done, spec.replications);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  json timeline(const server::RunSpec&, std::uint64_t) override { return json::object(); }
  json sweeps() override { return json::array(); }
};

TEST(ServeHardening, SimulationsHaveATimeLimit) {
  server::ApiLimits limits;
  limits.max_run_seconds = 0.3;
  server::Api api(std::make_shared<EndlessBackend>(), limits);
  const auto r = api.handle(post_json(R"({"scenario": "x", "n": 10})"));
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json::parse(r.body)["id"];
  ASSERT_TRUE(api.wait(id, 30));
  const auto status = json::parse(api.handle({"GET", "/api/runs/" + id, {}, ""}).body);
  EXPECT_EQ(status["status"], "failed");
  EXPECT_NE(status["error"].get<std::string>().find("time limit"), std::string::npos) << status;
}

// Validating a run request compiles the scenario on the request thread: past the rate limit
// the answer is 429 before any of that work.
class InvalidBackend : public EndlessBackend {
 public:
  void validate(const server::RunSpec&) override {
    ++validations;
    throw InputError(Diagnostic{{"<override>", 0, 0}, "x", "invalid"});
  }
  std::atomic<int> validations{0};
};

TEST(ServeHardening, RunRequestsAreRateLimitedBeforeValidation) {
  auto backend = std::make_shared<InvalidBackend>();
  server::ApiLimits limits;
  limits.max_posts_per_second = 10;  // bursts of 20
  server::Api api(backend, limits);
  int invalid = 0, limited = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = api.handle(post_json(R"({"scenario": "x"})"));
    invalid += r.status == 400;
    limited += r.status == 429;
  }
  // 200 requests arrive within well under a second: about 20 get through.
  EXPECT_GE(invalid, 20);
  EXPECT_LE(invalid, 40);
  EXPECT_EQ(invalid + limited, 200);
  EXPECT_EQ(backend->validations.load(), invalid);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(api.handle(post_json(R"({"scenario": "x"})")).status, 400) << "the bucket refills";
}

// One client flooding run requests must not lock the others out: the limit is per client,
// with a larger one for everyone together.
TEST(ServeHardening, OneClientsFloodDoesNotStarveAnother) {
  auto backend = std::make_shared<InvalidBackend>();
  server::ApiLimits limits;
  limits.max_posts_per_second = 10;      // bursts of 20 per client
  limits.max_posts_per_second_all = 30;  // bursts of 60 for all
  server::Api api(backend, limits);
  const auto post = [&](const std::string& client) {
    return api.handle(post_json(R"({"scenario": "x"})", client)).status;
  };
  int flood_admitted = 0;
  for (int i = 0; i < 200; ++i) flood_admitted += post("10.0.0.1") == 400;
  EXPECT_GE(flood_admitted, 20);
  EXPECT_LE(flood_admitted, 40);
  EXPECT_EQ(post("10.0.0.1"), 429);
  EXPECT_EQ(post("10.0.0.2"), 400) << "a second client still gets through";
  // Many clients together stop at the shared limit.
  int many_admitted = 0;
  for (int c = 0; c < 100; ++c) many_admitted += post("10.0.1." + std::to_string(c)) == 400;
  EXPECT_LE(flood_admitted + 1 + many_admitted, 2 * 30 + 10);
  EXPECT_LT(many_admitted, 100);
}

TEST(ServeHardening, ShutdownAbandonsRunningSimulations) {
  const auto start = std::chrono::steady_clock::now();
  {
    server::Api api(std::make_shared<EndlessBackend>());
    for (int i = 0; i < 4; ++i)
      ASSERT_EQ(api.handle(post_json(R"({"scenario": "x", "n": 10})")).status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10);
}

// Many clients at once, while `flank sweep` writes the store the server reads: every answer
// is a well-formed success, and the sweep's results are complete afterwards.
TEST(ServeHardening, ConcurrentClientsWhileASweepWritesTheStore) {
  TempDir dir;
  std::ofstream(dir / "design.yaml") << R"(study: concurrent
scenario: builtin:test-duel
design: full_factorial
factors:
  - {path: parameters.noise_sigma, levels: [0.1, 0.2, 0.3]}
outputs: [p:take-west]
replications: 3000
seed: 9
chunk: 50
)";
  const std::string store = (dir / "results.db").string();
  // The store exists (with its schema) before the server opens it.
  Child first({FLANK_BINARY, "sweep", "--design", (dir / "design.yaml").string(), "--store", store,
               "-q", "--threads", "1", "-n", "50"},
              dir.path(), "first");
  ASSERT_EQ(first.wait(120).exit_code, 0);
  Server server({"--store", store});
  Child sweep({FLANK_BINARY, "sweep", "--design", (dir / "design.yaml").string(), "--store", store,
               "-q", "--threads", "1", "--seed", "10"},
              dir.path(), "sweep");
  std::atomic<int> ok{0}, bad{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const HttpAnswer r = server.get(t % 2 ? "/api/sweeps" : "/api/scenarios");
        if (r.status == 200 && json::accept(r.body))
          ++ok;
        else
          ++bad;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(ok.load(), 240);
  const ProcessResult swept = sweep.wait(600);
  EXPECT_EQ(swept.exit_code, 0) << swept.err;
  const HttpAnswer r = server.get("/api/sweeps");
  ASSERT_EQ(r.status, 200);
  const auto sweeps = json::parse(r.body);
  EXPECT_EQ(sweeps["studies"].size(), 2u) << r.body.substr(0, 500);
}

}  // namespace
}  // namespace flank
