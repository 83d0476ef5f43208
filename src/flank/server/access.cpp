#include "flank/server/access.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace flank::server {
namespace {

Response refusal(int status, const std::string& message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
  return r;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

bool is_wildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]";
}

// Compares in time independent of where the strings differ, so a token cannot be guessed
// one character at a time from response times.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::string> cookie_value(const Request& request, const std::string& name) {
  for (const auto& [k, v] : request.headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
        return std::string(pair.substr(name.size() + 1));
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return std::nullopt;
}

bool is_api(const std::string& path) {
  return path == "/api" || path.starts_with("/api/");
}

// The query string without `token`, for the redirect that takes it out of the address bar.
std::string query_without_token(const Request& request) {
  std::string out;
  for (const auto& [k, v] : request.query) {
    if (k == "token") continue;
    out += (out.empty() ? "?" : "&");
    for (const std::string* part : {&k, &v}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out.push_back(static_cast<char>(c));
        } else {
          static const char* hex = "0123456789ABCDEF";
          out += {'%', hex[c >> 4], hex[c & 15]};
        }
      }
      if (part == &k) out.push_back('=');
    }
  }
  return out;
}

}  // namespace

std::string token_cookie_name(int port) {
  // Cookies are not kept apart by port: the port in the name keeps two servers' tokens apart.
  return "flank-token-" + std::to_string(port);
}

AccessPolicy access_policy_for(const std::string& host, int port) {
  AccessPolicy policy;
  policy.port = port;
  const std::string p = ":" + std::to_string(port);
  if (is_wildcard(host)) return policy;
  const std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  policy.hosts.push_back(lower(bracketed) + p);
  // Loopback names, with the port and without (tools that leave it out mean this server all
  // the same; a rebinding page's Host carries its own domain name, never these).
  if (is_loopback(host))
    for (const std::string name : {"localhost", "127.0.0.1", "[::1]"})
      for (const std::string& value : {name + p, name})
        if (std::find(policy.hosts.begin(), policy.hosts.end(), value) == policy.hosts.end())
          policy.hosts.push_back(value);
  return policy;
}

std::string random_token() {
  unsigned char bytes[24];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) throw std::runtime_error("no random source for the access token");
    got += static_cast<std::size_t>(n);
  }
  std::string out;
  static const char* hex = "0123456789abcdef";
  for (unsigned char b : bytes) out += {hex[b >> 4], hex[b & 15]};
  return out;
}

std::optional<Response> check_access(const AccessPolicy& policy, const Request& request) {
  // Host (RFC 9110 §7.2): one, naming this server.
  if (request.header_count("host") > 1) return refusal(400, "more than one Host header");
  const std::string* host = request.header("host");
  if (!policy.hosts.empty()) {
    if (!host) return refusal(400, "a Host header is required");
    if (std::find(policy.hosts.begin(), policy.hosts.end(), lower(*host)) == policy.hosts.end())
      return refusal(403, "this server does not answer to Host \"" + *host +
                              "\" (open it by the address it printed)");
  }
  // Origin: a browser's statement of which page sent the request; only this server's own pages
  // may use it. "null" (sandboxed frames, file: pages) is foreign too.
  if (request.header_count("origin") > 1) return refusal(400, "more than one Origin header");
  if (const std::string* origin = request.header("origin")) {
    const bool own = host && lower(*origin) == "http://" + lower(*host);
    if (!own)
      return refusal(403, "requests from other web pages are refused (Origin " + *origin + ")");
  }
  // Fetch metadata: refuse cross-site API calls even from browsers that omit Origin on GET.
  if (const std::string* site = request.header("sec-fetch-site");
      site && is_api(request.path) && *site != "same-origin" && *site != "none")
    return refusal(403, "requests from other web pages are refused (Sec-Fetch-Site " + *site + ")");

  if (policy.token.empty()) return std::nullopt;
  const std::string cookie = token_cookie_name(policy.port);
  bool valid = false;
  auto from_query = request.query.find("token");
  const bool in_query = from_query != request.query.end();
  if (in_query) valid = same_secret(from_query->second, policy.token);
  if (!valid)
    if (const std::string* auth = request.header("authorization");
        auth && auth->size() > 7 && lower(auth->substr(0, 7)) == "bearer ")
      valid = same_secret(auth->substr(7), policy.token);
  if (!valid)
    if (auto value = cookie_value(request, cookie)) valid = same_secret(*value, policy.token);

  if (valid && in_query && !is_api(request.path) &&
      (request.method == "GET" || request.method == "HEAD")) {
    // The token leaves the address bar (and the history, and Referer headers) for a cookie
    // that only this origin's own requests carry.
    Response r;
    r.status = 303;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", request.path + query_without_token(request));
    r.headers.emplace_back("Set-Cookie",
                           cookie + "=" + policy.token + "; Path=/; HttpOnly; SameSite=Strict");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  if (!valid && policy.token_required) {
    Response r = refusal(401,
                         "a token is required: open the address flank serve printed "
                         "(…/?token=...), or send \"Authorization: Bearer <token>\"");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  // On loopback the token is optional: a missing or stale one (an earlier server on this port)
  // is ignored rather than locking the user out.
  return std::nullopt;
}

}  // namespace flank::server
