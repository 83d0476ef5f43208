// `flank serve`: the map viewer and its JSON API (src/flank/server/api.hpp) over HTTP
// (src/flank/server/http.hpp), behind the access checks of src/flank/server/access.hpp.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "command.hpp"
#include "flank/core/error.hpp"
#include "flank/server/access.hpp"
#include "flank/server/api.hpp"
#include "flank/server/backend.hpp"
#include "flank/server/http.hpp"
#include "flank/store/store.hpp"

namespace {

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

struct ServeOptions {
  int port = 8642;
  std::string host = "127.0.0.1";
  std::string store;
  int threads = 0;
  std::string token;  // "" = a random one
  bool no_token = false;
  bool require_token = false;
};

int serve(const ServeOptions& o) {
  using namespace flank::server;
  // Signals are taken by one thread with sigwait so that Ctrl-C stops the server cleanly
  // (running simulations are abandoned, the socket closes) instead of killing it mid-write.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const bool loopback = is_loopback(o.host);
  if (o.no_token && !loopback)
    throw flank::InputError(flank::Diagnostic{
        {"<command line>", 0, 0},
        "--no-token",
        "a server listening beyond loopback (--host " + o.host + ") always requires its token"});
  if (!o.token.empty() &&
      (o.token.size() < 16 ||
       o.token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                 "qrstuvwxyz0123456789-._~") != std::string::npos))
    throw flank::InputError(
        flank::Diagnostic{{"<command line>", 0, 0},
                          "--token",
                          "a token is at least 16 characters of letters, digits and - . _ ~"});
  // Opening a store creates it; a mistyped --store should say so instead.
  if (!o.store.empty() && !std::filesystem::exists(o.store))
    throw flank::InputError(
        flank::Diagnostic{{o.store, 0, 0},
                          "--store",
                          "no such results store (create one with flank sweep or flank plan)"});
  // Checked now, not at the first request: a foreign or damaged store is exit 2 at start.
  if (!o.store.empty()) flank::store::Store check(o.store, flank::store::Access::Read);

  ApiLimits limits;
  HttpLimits http_limits;
  http_limits.max_body_bytes = limits.max_body_bytes;
  // Handler threads: the simulations run on their own threads, timelines on one more; these
  // only answer requests, so a few more than the cores is plenty.
  http_limits.handler_threads =
      static_cast<int>(std::max(4u, std::thread::hardware_concurrency()) + 2);

  // Bind before anything else so a busy port fails at once and clearly.
  std::unique_ptr<Api> api;
  AccessPolicy access;
  HttpServer http(http_limits, [&](const Request& request) {
    if (auto refused = check_access(access, request)) return *refused;
    return api->handle(request);
  });
  int port = 0;
  try {
    port = http.bind(o.host, o.port);
  } catch (const BindError& e) {
    std::fprintf(stderr, "flank serve: %s\n", e.what());
    return flank::cli::kExitFailure;
  }
  access = access_policy_for(o.host, port);
  if (!o.no_token) access.token = o.token.empty() ? random_token() : o.token;
  access.token_required = !o.no_token && (!loopback || o.require_token);

  LibraryBackendOptions backend_options;
  backend_options.store_path = o.store;
  backend_options.threads = o.threads;
  api = std::make_unique<Api>(make_library_backend(backend_options), limits);

  if (!loopback)
    std::fprintf(stderr,
                 "flank serve: WARNING: listening on %s, not on loopback: anyone who can reach "
                 "this machine and holds the token can start simulations, and the traffic "
                 "(token included) is not encrypted.\n",
                 o.host.c_str());
  const std::string shown_host =
      o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::printf("flank serve: listening on http://%s:%d/%s%s\n", shown_host.c_str(), port,
              access.token.empty() ? "" : ("?token=" + access.token).c_str(),
              viewer_built() ? "" : "  (viewer not built: JSON API only)");
  std::fflush(stdout);

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    // Simulations and timeline waits first, so no handler thread is left waiting on them.
    api->stop();
    http.stop();
  });
  http.run();
  // Wake the stopper if the server ended by itself.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return flank::cli::kExitOk;
}

flank::cli::Register reg{
    {"serve", [](CLI::App& app) {
       auto* cmd = app.add_subcommand("serve", "Serve the map viewer and the JSON API over HTTP");
       auto o = std::make_shared<ServeOptions>();
       cmd->add_option("--port", o->port, "TCP port (0 = any free port)")
           ->capture_default_str()
           ->check(CLI::Range(0, 65535));
       cmd->add_option("--host", o->host, "Address to bind; loopback unless you mean otherwise")
           ->capture_default_str();
       cmd->add_option("--store", o->store, "SQLite results store whose sweeps and plans to show");
       cmd->add_option("--threads", o->threads, "Threads per simulation (0 = all)")
           ->check(CLI::NonNegativeNumber);
       cmd->add_option("--token", o->token,
                       "Access token (default: a random one, printed in the URL); pass it as "
                       "?token=, as a cookie set by opening that URL, or as Authorization: Bearer");
       auto* no_token = cmd->add_flag("--no-token", o->no_token, "No token at all (loopback only)");
       cmd->add_flag("--require-token", o->require_token,
                     "Require the token on loopback too (always required beyond loopback)")
           ->excludes(no_token);
       no_token->excludes("--token");
       return [o] { return serve(*o); };
     }}};

}  // namespace
