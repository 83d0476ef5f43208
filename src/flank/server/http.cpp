// The connection side of the HTTP server (http.hpp): one reader thread polls every socket,
// a fixed pool of handler threads runs complete requests and writes the answers.
#include "flank/server/http.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace flank::server {
namespace {

using Clock = std::chrono::steady_clock;

const char* reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Status";
  }
}

Response error(int status, const std::string& message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
  return r;
}

std::string peer_address(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof text);
  }
  std::string s = text;
  if (s.starts_with("::ffff:")) s.erase(0, 7);  // an IPv4 client of a dual-stack socket
  return s;
}

// Sends what the socket takes now, without waiting: for short error answers before closing.
void send_now(int fd, const std::string& bytes) {
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

// Sends all of `bytes` before `deadline`; false if the peer went away or did not read in time.
bool send_all(int fd, std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0 &&
        errno != EINTR)
      return false;
  }
  return true;
}

struct Connection {
  int fd = -1;
  std::string client;
  std::string in;              // bytes received and not yet consumed by a request
  Clock::time_point deadline;  // for the current request, or the idle wait between requests
  bool in_request = true;      // the current request has begun (a new connection has)
  bool sent_continue = false;
  bool draining = false;  // answered with an error: read and discard until closed
  // Parsing again only when it can give a new answer keeps a client sending one byte at a time
  // from making the reader rescan its buffer for every byte.
  std::size_t parsed_size = 0;  // buffer size at the last parse
  std::size_t needed = 0;       // bytes a Content-Length body needs
  bool head_complete = false;
  ChunkedProgress chunked;
  std::size_t drained = 0;
  int served = 0;
};

}  // namespace

std::string serialize_response(const Response& response, bool keep_alive, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) +
                    "\r\nContent-Type: " + response.content_type +
                    "\r\nContent-Length: " + std::to_string(response.body.size()) +
                    "\r\nX-Content-Type-Options: nosniff\r\nConnection: " +
                    (keep_alive ? "keep-alive" : "close") + "\r\n";
  for (const auto& [k, v] : response.headers) out += k + ": " + v + "\r\n";
  out += "\r\n";
  if (!head_only) out += response.body;
  return out;
}

struct HttpServer::State {
  HttpLimits limits;
  Handler handler;
  int listen_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};

  std::mutex mutex;  // guards everything below
  std::condition_variable work_ready;
  std::deque<std::pair<std::unique_ptr<Connection>, ParseResult>> work;
  std::vector<std::unique_ptr<Connection>> returned;  // kept alive, back to the reader
  std::map<std::string, int> per_client;
  int open = 0;

  void wake() {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd, &one, sizeof one);
  }

  void close_connection(std::unique_ptr<Connection> c) {
    ::close(c->fd);
    std::lock_guard lock(mutex);
    --open;
    if (--per_client[c->client] <= 0) per_client.erase(c->client);
  }

  // Answers an error and lets the peer finish sending (discarding it) before closing, so the
  // answer is read instead of lost to a reset.
  void refuse(Connection& c, int status, const std::string& message) {
    send_now(c.fd, serialize_response(error(status, message), false, false));
    ::shutdown(c.fd, SHUT_WR);
    c.draining = true;
    c.in.clear();
    c.deadline = Clock::now() + std::chrono::seconds(2);
  }

  bool worth_parsing(const Connection& c) const {
    const std::size_t size = c.in.size();
    if (c.parsed_size == 0) return true;
    if (!c.head_complete) {
      if (size > limits.max_head_bytes) return true;  // to answer 431
      // Only a new end of head ("\r\n\r\n") among the new bytes changes the answer.
      const std::size_t from = c.parsed_size >= 3 ? c.parsed_size - 3 : 0;
      return c.in.find("\r\n\r\n", from) != std::string::npos;
    }
    if (c.needed > 0) return size >= c.needed;
    // Chunked: decoding resumes where it stopped, and can only progress past a line end.
    return c.in.find('\n', c.parsed_size) != std::string::npos;
  }

  // Returns true when the connection left the reader (handed to a handler thread).
  bool advance(std::unique_ptr<Connection>& c) {
    if (c->draining) return false;
    if (!c->in_request && !c->in.empty()) {
      c->in_request = true;
      c->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(limits.request_seconds));
    }
    if (!worth_parsing(*c)) return false;
    ParseResult parsed = parse_request(c->in, limits, &c->chunked);
    c->parsed_size = c->in.size();
    c->head_complete = parsed.head_complete;
    c->needed = parsed.needed;
    switch (parsed.state) {
      case ParseResult::State::Incomplete:
        // Chunk framing can inflate a body many times over; beyond this it is not a request.
        if (c->in.size() > limits.max_head_bytes + 4 * limits.max_body_bytes) {
          refuse(*c, 413, "request larger than the limit of the body and head");
          return false;
        }
        if (parsed.expects_continue && !c->sent_continue) {
          send_now(c->fd, "HTTP/1.1 100 Continue\r\n\r\n");
          c->sent_continue = true;
        }
        return false;
      case ParseResult::State::Error:
        refuse(*c, parsed.status, parsed.message);
        return false;
      case ParseResult::State::Complete:
        break;
    }
    parsed.request.client = c->client;
    {
      std::lock_guard lock(mutex);
      work.emplace_back(std::move(c), std::move(parsed));
    }
    work_ready.notify_one();
    return true;
  }

  void accept_all(std::vector<std::unique_ptr<Connection>>& reading) {
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN: all taken; other errors: try again at the next poll
      // Without TCP_NODELAY a keep-alive answer meets Nagle's algorithm and the client's
      // delayed ACK: ~40 ms per request (scripts/loadtest.sh).
      const int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<Connection>();
      c->fd = fd;
      c->client = peer_address(addr);
      c->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(limits.request_seconds));
      std::string refusal;
      {
        std::lock_guard lock(mutex);
        if (open >= limits.max_connections)
          refusal = "too many connections; retry shortly";
        else if (per_client[c->client] >= limits.max_connections_per_client)
          refusal = "too many connections from " + c->client + " (at most " +
                    std::to_string(limits.max_connections_per_client) + ")";
        if (refusal.empty()) {
          ++open;
          ++per_client[c->client];
        } else if (per_client[c->client] == 0) {
          per_client.erase(c->client);
        }
      }
      if (!refusal.empty()) {
        Response r = error(503, refusal);
        r.headers.emplace_back("Retry-After", "1");
        send_now(fd, serialize_response(r, false, false));
        ::close(fd);
        continue;
      }
      reading.push_back(std::move(c));
    }
  }

  void handle_requests() {
    for (;;) {
      std::unique_ptr<Connection> c;
      ParseResult parsed;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return stopping || !work.empty(); });
        if (stopping) return;
        c = std::move(work.front().first);
        parsed = std::move(work.front().second);
        work.pop_front();
      }
      Response response;
      try {
        response = handler(parsed.request);
      } catch (const std::exception& e) {
        response = error(500, e.what());
      }
      const bool keep = parsed.keep_alive && ++c->served < limits.max_requests_per_connection &&
                        !stopping && response.status < 500;
      const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(limits.write_seconds));
      const bool sent = send_all(
          c->fd, serialize_response(response, keep, parsed.request.method == "HEAD"), deadline);
      c->in.erase(0, parsed.consumed);
      c->in_request = false;
      c->sent_continue = false;
      c->parsed_size = 0;
      c->head_complete = false;
      c->needed = 0;
      c->chunked = {};
      if (!sent || !keep) {
        close_connection(std::move(c));
        continue;
      }
      c->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(limits.idle_seconds));
      {
        std::lock_guard lock(mutex);
        returned.push_back(std::move(c));
      }
      wake();
    }
  }

  // Reads from a readable connection; false when it is to be closed.
  bool receive(Connection& c) {
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n == 0) return false;
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      if (c.draining) {
        c.drained += static_cast<std::size_t>(n);
        if (c.drained > 8 * limits.max_body_bytes) return false;
        continue;
      }
      c.in.append(buffer, static_cast<std::size_t>(n));
      // More than a whole request can hold is an error the parser reports; stop reading here.
      if (c.in.size() > limits.max_head_bytes * 2 + limits.max_body_bytes * 2) return true;
      if (static_cast<std::size_t>(n) < sizeof buffer) return true;
    }
  }

  void read_loop() {
    std::vector<std::unique_ptr<Connection>> reading;
    std::vector<pollfd> fds;
    while (!stopping) {
      {
        std::vector<std::unique_ptr<Connection>> back;
        {
          std::lock_guard lock(mutex);
          back.swap(returned);
        }
        for (auto& c : back) {
          // A pipelined request may already be in the buffer.
          if (!advance(c)) reading.push_back(std::move(c));
        }
      }
      const auto now = Clock::now();
      auto next = now + std::chrono::seconds(1);
      for (const auto& c : reading) next = std::min(next, c->deadline);
      fds.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      bool listening = false;
      {
        std::lock_guard lock(mutex);
        listening = open < limits.max_connections + 16;  // a few more to answer 503 to
      }
      fds.push_back({listening ? listen_fd : -1, POLLIN, 0});
      for (const auto& c : reading) fds.push_back({c->fd, POLLIN, 0});
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
      if (::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait, 0) + 1)) < 0 &&
          errno != EINTR)
        break;
      if (fds[0].revents) {
        std::uint64_t count = 0;
        (void)!::read(wake_fd, &count, sizeof count);
      }
      const std::size_t polled = reading.size();
      for (std::size_t i = 0; i < polled; ++i) {
        auto& c = reading[i];
        if (!fds[i + 2].revents) continue;
        if (!receive(*c)) {
          close_connection(std::move(c));
          continue;
        }
        if (advance(c)) continue;  // moved to a handler
      }
      if (fds[1].revents) accept_all(reading);
      const auto after = Clock::now();
      for (auto& c : reading) {
        if (!c || c->deadline > after) continue;
        if (c->in_request && !c->draining && !c->in.empty()) {
          refuse(*c, 408,
                 "request not received within " +
                     std::to_string(static_cast<int>(limits.request_seconds)) + " s");
          continue;
        }
        close_connection(std::move(c));  // idle, silent or done draining
      }
      std::erase_if(reading, [](const auto& c) { return !c; });
    }
    for (auto& c : reading) close_connection(std::move(c));
  }
};

HttpServer::HttpServer(HttpLimits limits, Handler handler) : state_(std::make_unique<State>()) {
  state_->limits = limits;
  state_->handler = std::move(handler);
  state_->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (state_->wake_fd < 0) throw std::runtime_error("eventfd: " + std::string(strerror(errno)));
}

HttpServer::~HttpServer() {
  if (state_->listen_fd >= 0) ::close(state_->listen_fd);
  ::close(state_->wake_fd);
}

int HttpServer::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string where =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
    throw BindError("cannot listen on " + where + ": " + gai_strerror(rc));
  const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::freeaddrinfo(found);
    throw BindError("cannot listen on " + where + ": " + strerror(errno));
  }
  // SO_REUSEADDR lets a restarted server bind while old connections sit in TIME_WAIT; on Linux
  // it still refuses a port another socket listens on. SO_REUSEPORT (cpp-httplib's default)
  // would let a second server share the port and take part of its connections.
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  const int bound = ::bind(fd, found->ai_addr, found->ai_addrlen);
  const int bind_errno = errno;
  ::freeaddrinfo(found);
  if (bound != 0 || ::listen(fd, 128) != 0) {
    const int e = bound != 0 ? bind_errno : errno;
    ::close(fd);
    if (e == EADDRINUSE)
      throw BindError("cannot listen on " + where +
                      ": the port is already in use (another flank serve?); choose another "
                      "with --port, or --port 0 for any free port");
    if (e == EADDRNOTAVAIL)
      throw BindError("cannot listen on " + where + ": not an address of this machine");
    if (e == EACCES)
      throw BindError("cannot listen on " + where +
                      ": permission denied (ports below 1024 need privileges)");
    throw BindError("cannot listen on " + where + ": " + strerror(e));
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (state_->listen_fd >= 0) ::close(state_->listen_fd);
  state_->listen_fd = fd;
  return addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(addr).sin6_port)
                                    : ntohs(reinterpret_cast<sockaddr_in&>(addr).sin_port);
}

void HttpServer::run() {
  if (state_->listen_fd < 0) throw std::logic_error("HttpServer::run before bind");
  std::vector<std::thread> handlers;
  for (int i = 0; i < std::max(1, state_->limits.handler_threads); ++i)
    handlers.emplace_back([s = state_.get()] { s->handle_requests(); });
  state_->read_loop();
  state_->work_ready.notify_all();
  for (auto& t : handlers) t.join();
  std::deque<std::pair<std::unique_ptr<Connection>, ParseResult>> left;
  std::vector<std::unique_ptr<Connection>> back;
  {
    std::lock_guard lock(state_->mutex);
    left.swap(state_->work);
    back.swap(state_->returned);
  }
  for (auto& [c, parsed] : left) state_->close_connection(std::move(c));
  for (auto& c : back) state_->close_connection(std::move(c));
  ::close(state_->listen_fd);
  state_->listen_fd = -1;
}

void HttpServer::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->work_ready.notify_all();
  state_->wake();
}

}  // namespace flank::server
