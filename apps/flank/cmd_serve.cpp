// `flank serve`: the map viewer and its JSON API (src/flank/server/api.hpp) over HTTP.
#include <httplib.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "command.hpp"
#include "flank/core/error.hpp"
#include "flank/server/api.hpp"
#include "flank/server/backend.hpp"

namespace {

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

struct ServeOptions {
  int port = 8642;
  std::string host = "127.0.0.1";
  std::string store;
  int threads = 0;
};

int serve(const ServeOptions& o) {
  using namespace flank::server;
  // Signals are taken by one thread with sigwait so that Ctrl-C stops the server cleanly
  // (running simulations finish, the socket closes) instead of killing it mid-write.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Opening a store creates it; a mistyped --store should say so instead.
  if (!o.store.empty() && !std::filesystem::exists(o.store))
    throw flank::InputError(
        flank::Diagnostic{{o.store, 0, 0},
                          "--store",
                          "no such results store (create one with flank sweep or flank plan)"});
  LibraryBackendOptions backend_options;
  backend_options.store_path = o.store;
  backend_options.threads = o.threads;
  Api api(make_library_backend(backend_options));

  httplib::Server http;
  ApiLimits limits;
  http.set_payload_max_length(limits.max_body_bytes);
  // Without TCP_NODELAY the header and body writes of a keep-alive answer meet Nagle's algorithm
  // and the client's delayed ACK: every request took ~40 ms (scripts/loadtest.sh).
  http.set_tcp_nodelay(true);
  auto handler = [&api](const httplib::Request& req, httplib::Response& res) {
    Request request;
    request.method = req.method;
    request.path = req.path;
    for (const auto& [k, v] : req.params) request.query.emplace(k, v);
    request.body = req.body;
    request.client = req.remote_addr;
    Response response = api.handle(request);
    res.status = response.status;
    for (const auto& [k, v] : response.headers) res.set_header(k, v);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(std::move(response.body), response.content_type);
  };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Patch(".*", handler);
  http.Delete(".*", handler);
  http.Options(".*", handler);

  if (!is_loopback(o.host))
    std::fprintf(stderr,
                 "flank serve: WARNING: listening on %s, not on loopback: anyone who can reach "
                 "this machine can start simulations. There is no authentication.\n",
                 o.host.c_str());
  int port = o.port;
  if (port == 0) {
    port = http.bind_to_any_port(o.host);
    if (port < 0) throw std::runtime_error("cannot bind to " + o.host);
  } else if (!http.bind_to_port(o.host, port)) {
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(port) +
                             " (in use? try --port 0 for any free port)");
  }
  std::printf("flank serve: listening on http://%s:%d/%s\n",
              o.host.find(':') != std::string::npos ? ("[" + o.host + "]").c_str() : o.host.c_str(),
              port, viewer_built() ? "" : "  (viewer not built: JSON API only)");
  std::fflush(stdout);

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    http.stop();
  });
  const bool ok = http.listen_after_bind();
  // Wake the stopper if the server ended by itself.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? flank::cli::kExitOk : flank::cli::kExitFailure;
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
       return [o] { return serve(*o); };
     }}};

}  // namespace
