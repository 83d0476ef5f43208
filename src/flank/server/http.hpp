#pragma once
// The HTTP/1.1 server under `flank serve`: a strict, bounded reader of requests in front of the
// API's plain functions (api.hpp).
//
// Why not cpp-httplib (Debian's 0.11.4, a compiled library whose limits are fixed at its build):
// it reads a request on a pool thread with a timeout per recv() only, so a client sending one
// byte every few seconds holds a thread forever (eight such held all eight threads); it has no
// cap per client, no bound on the number or total size of headers, no payload limit on chunked
// bodies, takes the first of conflicting Content-Length headers, and binds with SO_REUSEPORT so
// a second server on the same port "listens" and steals connections.
//
// Here one thread reads every connection without blocking until a request is complete (head and
// body, within a deadline for the whole request), and only complete requests reach the handler
// threads. Slow clients therefore cost a socket and a buffer, never a handler thread.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "flank/server/api.hpp"

namespace flank::server {

struct HttpLimits {
  std::size_t max_head_bytes = 16 * 1024;   // request line and all headers together (431)
  std::size_t max_target_bytes = 8 * 1024;  // the request target (414)
  std::size_t max_headers = 64;             // header lines (431)
  std::size_t max_body_bytes = 1 << 20;     // Content-Length or chunked, decoded (413)
  double request_seconds = 10;              // from a request's first byte to its last (408)
  double idle_seconds = 5;                  // a kept-alive connection waiting for its next request
  double write_seconds = 30;                // to send one response; a client not reading is dropped
  int max_connections = 512;                // open at once, beyond that new ones get 503
  int max_connections_per_client = 64;      // per peer address (503)
  int handler_threads = 8;                  // requests handled at once
  int max_requests_per_connection = 1000;
};

// Binding failed; the message says why (port in use, address not on this machine, ...).
struct BindError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The outcome of reading one request from the front of a buffer (exposed for tests and the
// fuzzer; the server calls it as bytes arrive).
struct ParseResult {
  enum class State { Incomplete, Complete, Error } state = State::Incomplete;
  Request request;                // when Complete
  std::size_t consumed = 0;       // bytes of the buffer the request took, when Complete
  bool keep_alive = false;        // HTTP/1.1 without "Connection: close"
  bool expects_continue = false;  // head complete with "Expect: 100-continue", body pending
  bool head_complete = false;     // when Incomplete: only the body is missing
  std::size_t needed = 0;         // when Incomplete with a Content-Length: the bytes it takes
  int status = 0;                 // when Error: 400, 413, 414, 431, 501, 505
  std::string message;            // when Error
};

// Where decoding a chunked body got to, so that the next call resumes there instead of decoding
// the whole buffer again (the server keeps one per connection; nullptr decodes from the start).
struct ChunkedProgress {
  std::size_t pos = 0;  // buffer offset of the next chunk's size line; 0 = not started
  std::string body;     // the chunks before it, decoded
};

ParseResult parse_request(std::string_view buffer, const HttpLimits& limits,
                          ChunkedProgress* resume = nullptr);

// "%2F" -> "/"; `plus_is_space` for query strings. Invalid escapes are kept as written.
std::string percent_decode(std::string_view text, bool plus_is_space);

// The bytes of a response as sent (no body for HEAD requests).
std::string serialize_response(const Response& response, bool keep_alive, bool head_only);

class HttpServer {
 public:
  using Handler = std::function<Response(const Request&)>;
  HttpServer(HttpLimits limits, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host` (an address or a name) on `port` (0 = any free port) without SO_REUSEPORT, so
  // a port another server holds is refused. Returns the port bound; throws BindError.
  int bind(const std::string& host, int port);
  // Serves until stop(); then waits for handlers in progress and closes every connection.
  void run();
  // From any thread, or a signal-handling thread.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace flank::server
