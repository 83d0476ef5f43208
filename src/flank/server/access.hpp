#pragma once
// Who may use a `flank serve`: checks made before any route, so that a web page the user
// happens to visit cannot drive the local server.
//
//  - Host must name the server (the bound address, or localhost for loopback): a page on
//    attacker.example whose name is re-pointed at 127.0.0.1 (DNS rebinding) sends
//    "Host: attacker.example" and is refused.
//  - Origin, when sent, must be this server's own: browsers send it with every POST and every
//    cross-origin fetch, so a foreign page is refused even where Host looks right.
//  - A token (random, printed in the URL as Jupyter does) is required when the server listens
//    beyond loopback and optional on loopback. It is accepted from ?token=..., from
//    "Authorization: Bearer ..." or from the cookie flank-token-<port>; opening a page with
//    ?token= sets that cookie and redirects to the same page without it, so the viewer's own
//    requests carry it with no change to the viewer.
#include <optional>
#include <string>
#include <vector>

#include "flank/server/api.hpp"

namespace flank::server {

struct AccessPolicy {
  // Accepted Host header values, each "name:port" (e.g. "127.0.0.1:8642"); empty = any Host
  // (a server bound to a wildcard address cannot know every name it is reached by; the
  // token protects it).
  std::vector<std::string> hosts;
  std::string token;  // "" = no token
  bool token_required = false;
  int port = 0;  // names the cookie, so servers on different ports keep different tokens
};

// The Host values a server bound to `host`:`port` answers to: the address itself and, for
// loopback, localhost, 127.0.0.1 and [::1] (with or without the port); any for a wildcard
// address.
AccessPolicy access_policy_for(const std::string& host, int port);

// The refusal for a request that may not proceed (400, 401, 403), a redirect that turns a
// ?token= into a cookie (303), or nothing when the request may go on to its route.
std::optional<Response> check_access(const AccessPolicy& policy, const Request& request);

// 48 hexadecimal digits from the system's random source.
std::string random_token();

std::string token_cookie_name(int port);

}  // namespace flank::server
