// The HTTP layer under `flank serve` (src/flank/server/http.hpp): the strict request reader,
// and the server over real loopback sockets with short limits: slow clients cost no handler
// thread, a whole request has a deadline, connections per client are capped, a busy port is
// refused.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "flank/server/http.hpp"

namespace {

using flank::server::HttpLimits;
using flank::server::HttpServer;
using flank::server::parse_request;
using flank::server::ParseResult;
using flank::server::Request;
using flank::server::Response;
using State = ParseResult::State;
using Clock = std::chrono::steady_clock;

const std::string kHead = "POST /api/runs?x=1&y=a%20b HTTP/1.1\r\nHost: 127.0.0.1:1\r\n";

TEST(HttpParse, ReadsARequestWithItsBodyAndQuery) {
  const std::string text = kHead + "Content-Length: 5\r\nX-A: one\r\n\r\nhelloGET";
  const ParseResult r = parse_request(text, {});
  ASSERT_EQ(r.state, State::Complete) << r.message;
  EXPECT_EQ(r.request.method, "POST");
  EXPECT_EQ(r.request.path, "/api/runs");
  EXPECT_EQ(r.request.query.at("y"), "a b");
  EXPECT_EQ(r.request.body, "hello");
  ASSERT_NE(r.request.header("x-a"), nullptr);
  EXPECT_EQ(*r.request.header("x-a"), "one");
  EXPECT_EQ(r.consumed, text.size() - 3) << "a pipelined request after it is left alone";
  EXPECT_TRUE(r.keep_alive);
  // Any prefix of it is incomplete, never an error.
  for (std::size_t n = 0; n < text.size() - 3; ++n)
    EXPECT_EQ(parse_request(std::string_view(text).substr(0, n), {}).state, State::Incomplete) << n;
}

TEST(HttpParse, ConflictingOrAmbiguousLengthsAreRefused) {
  auto status = [](const std::string& headers) {
    const ParseResult r = parse_request(kHead + headers + "\r\nhello", {});
    return r.state == State::Error ? r.status : 0;
  };
  EXPECT_EQ(status("Content-Length: 5\r\nContent-Length: 6\r\n"), 400);
  EXPECT_EQ(status("Content-Length: 5\r\nContent-Length: 5\r\n"), 0) << "identical repeats agree";
  EXPECT_EQ(status("Content-Length: 5, 6\r\n"), 400);
  EXPECT_EQ(status("Content-Length: -5\r\n"), 400);
  EXPECT_EQ(status("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400);
  EXPECT_EQ(status("Transfer-Encoding: gzip, chunked\r\n"), 501);
  EXPECT_EQ(status("Content-Length : 5\r\n"), 400) << "whitespace before the colon";
  EXPECT_EQ(status("X-A: 1\r\n folded\r\n"), 400) << "obsolete line folding";
  EXPECT_EQ(status("Host: second\r\n"), 400) << "two Host headers";
  EXPECT_EQ(status("Content-Length: 99999999999999999999999\r\n"), 400);
  const ParseResult no_host = parse_request("GET / HTTP/1.1\r\n\r\n", {});
  EXPECT_EQ(no_host.status, 400);
  EXPECT_EQ(parse_request("GET / HTTP/2.0\r\nHost: a\r\n\r\n", {}).status, 505);
  EXPECT_EQ(parse_request("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", {}).status, 400);
}

TEST(HttpParse, HeadsAreBoundedInSizeAndCount) {
  HttpLimits limits;
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (std::size_t i = 0; i < limits.max_headers; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parse_request(many + "\r\n", limits).status, 431);
  // Without an end of head in sight, the reader gives up at the limit instead of buffering on.
  const std::string endless = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(20'000, 'h');
  EXPECT_EQ(parse_request(endless, limits).status, 431);
  EXPECT_EQ(parse_request("GET /" + std::string(9000, 'a'), limits).status, 414);
  const std::string fits = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(15'000, 'h');
  EXPECT_EQ(parse_request(fits + "\r\n\r\n", limits).state, State::Complete);
}

std::string chunked(const std::string& body, std::size_t piece) {
  std::string out;
  char size[32];
  for (std::size_t i = 0; i < body.size(); i += piece) {
    const std::string part = body.substr(i, piece);
    std::snprintf(size, sizeof size, "%zx", part.size());
    out += std::string(size) + "\r\n" + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST(HttpParse, ChunkedBodiesAreDecodedAndBoundedLikeOthers) {
  const std::string head = kHead + "Transfer-Encoding: chunked\r\n\r\n";
  const std::string text = head + chunked("{\"scenario\":\"x\"}", 5);
  ParseResult r = parse_request(text, {});
  ASSERT_EQ(r.state, State::Complete) << r.message;
  EXPECT_EQ(r.request.body, "{\"scenario\":\"x\"}");
  EXPECT_EQ(r.consumed, text.size());
  // Fed a byte at a time with the server's resume state, the result is the same.
  flank::server::ChunkedProgress progress;
  ParseResult last;
  for (std::size_t n = 1; n <= text.size(); ++n)
    last = parse_request(std::string_view(text).substr(0, n), {}, &progress);
  ASSERT_EQ(last.state, State::Complete);
  EXPECT_EQ(last.request.body, r.request.body);
  // 1 MiB + 1 byte in small chunks is refused as soon as the sizes add up past the limit.
  HttpLimits limits;
  const std::string big = head + chunked(std::string(limits.max_body_bytes + 1, 'x'), 60'000);
  r = parse_request(big, limits);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(parse_request(head + "fffffffffffffffff\r\n", limits).status, 400);
  EXPECT_EQ(parse_request(head + "ffffffff\r\n", limits).status, 413) << "declared size alone";
  // Exactly the limit is accepted.
  r = parse_request(head + chunked(std::string(limits.max_body_bytes, 'x'), 70'000), limits);
  EXPECT_EQ(r.state, State::Complete);
}

// A loopback client socket; -1 if it cannot connect.
int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// Reads until the peer closes (or the receive timeout); the status of the first answer, 0 if
// there was none.
int read_status(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.find("\r\n\r\n") != std::string::npos) break;
  }
  return text.rfind("HTTP/1.1 ", 0) == 0 && text.size() > 12 ? std::stoi(text.substr(9, 3)) : 0;
}

void send_text(int fd, const std::string& text) {
  (void)send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

// An HttpServer answering 200 "ok" on its own thread.
class TestServer {
 public:
  explicit TestServer(HttpLimits limits)
      : server_(limits, [this](const Request&) {
          ++handled;
          Response r;
          r.body = "{\"ok\":true}";
          return r;
        }) {
    port_ = server_.bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_.run(); });
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  HttpServer& server() { return server_; }
  std::atomic<int> handled{0};

 private:
  HttpServer server_;
  int port_ = 0;
  std::thread thread_;
};

int probe(int port, double* seconds) {
  const auto start = Clock::now();
  const int fd = connect_to(port);
  send_text(fd, "GET /probe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const int status = read_status(fd);
  close(fd);
  *seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return status;
}

// Issue 13 item 9: eight slow connections used to hold cpp-httplib's eight threads. Here twice
// as many slow clients as handler threads, each sending a byte every 0.5 s, do not delay a
// probe, and each gets 408 when its whole-request deadline passes.
TEST(HttpServer, SlowClientsDoNotHoldHandlerThreads) {
  HttpLimits limits;
  limits.handler_threads = 2;
  limits.request_seconds = 3;
  TestServer server(limits);
  const std::string request = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n";
  constexpr int kSlow = 4 * 2;
  std::vector<int> slow;
  for (int i = 0; i < kSlow; ++i) slow.push_back(connect_to(server.port()));
  const auto start = Clock::now();
  std::atomic<bool> done{false};
  std::thread dripper([&] {
    for (std::size_t at = 0; !done && at < request.size(); ++at) {
      for (int fd : slow) send_text(fd, request.substr(at, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  double seconds = 0;
  EXPECT_EQ(probe(server.port(), &seconds), 200);
  EXPECT_LT(seconds, 0.5) << "the probe waited for the slow clients";
  for (int fd : slow) EXPECT_EQ(read_status(fd), 408);
  const double deadline = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(deadline, 2.5);
  EXPECT_LT(deadline, 6) << "the whole-request deadline did not cut the slow clients off";
  done = true;
  dripper.join();
  for (int fd : slow) close(fd);
  EXPECT_EQ(server.handled.load(), 1);
}

TEST(HttpServer, ConnectionsPerClientAreCapped) {
  HttpLimits limits;
  limits.max_connections_per_client = 4;
  TestServer server(limits);
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) held.push_back(connect_to(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int extra = connect_to(server.port());
  EXPECT_EQ(read_status(extra), 503);
  close(extra);
  close(held.back());
  held.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  double seconds = 0;
  EXPECT_EQ(probe(server.port(), &seconds), 200) << "a freed slot is usable again";
  for (int fd : held) close(fd);
}

TEST(HttpServer, KeepAliveAndPipelinedRequestsAreAnswered) {
  TestServer server({});
  const int fd = connect_to(server.port());
  send_text(fd,
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n"
            "Connection: close\r\n\r\n");
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
    text.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  std::size_t answers = 0;
  for (auto i = text.find("HTTP/1.1 200"); i != std::string::npos;
       i = text.find("HTTP/1.1 200", i + 1))
    ++answers;
  EXPECT_EQ(answers, 2u) << text;
}

// Issue 15 item 7: cpp-httplib bound with SO_REUSEPORT, so a second server "listened" on the
// same port and took part of the connections.
TEST(HttpServer, ABusyPortIsRefusedWithAClearMessage) {
  TestServer first({});
  HttpServer second({}, [](const Request&) { return Response{}; });
  try {
    second.bind("127.0.0.1", first.port());
    FAIL() << "bound a port another server listens on";
  } catch (const flank::server::BindError& e) {
    EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
  }
  EXPECT_THROW(second.bind("192.0.2.1", 0), flank::server::BindError) << "not this machine's";
}

}  // namespace
