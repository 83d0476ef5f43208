#include "flank/server/api.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "flank/core/error.hpp"
#include "flank/server/timeline_cache.hpp"
#include "flank/server/web_assets.hpp"

namespace flank::server {
namespace {

using nlohmann::json;

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  // Request paths are decoded bytes and may echo back in messages: invalid UTF-8 is replaced
  // rather than letting dump() throw from inside the error handler.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response error_response(int status, const std::string& message) {
  return json_response(status, json{{"error", message}});
}

Response input_error_response(const InputError& e) {
  json diagnostics = json::array();
  for (const auto& d : e.diagnostics())
    diagnostics.push_back({{"file", d.where.file},
                           {"line", d.where.line},
                           {"column", d.where.column},
                           {"path", d.path},
                           {"message", d.message},
                           {"text", d.format()}});
  return json_response(400, json{{"error", e.what()}, {"diagnostics", diagnostics}});
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string::npos ? path.size() : j;
    if (end > i) parts.push_back(path.substr(i, end - i));
    i = end;
  }
  return parts;
}

// "application/json", optionally with parameters ("; charset=utf-8"), in any letter case.
bool is_json_media_type(const std::string* content_type) {
  if (!content_type) return false;
  std::string type = content_type->substr(0, content_type->find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json";
}

bool parse_u64(const std::string& text, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

Diagnostic request_diagnostic(std::string path, std::string message) {
  return Diagnostic{{"<request body>", 0, 0}, std::move(path), std::move(message)};
}

// A JSON number that is a whole non-negative value up to `max` (JSON has no integer type,
// so 1000.0 is accepted and 1000.5 is not).
bool whole_number(const json& v, std::uint64_t max, std::uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<std::uint64_t>();
  } else if (v.is_number_integer()) {
    if (v.get<std::int64_t>() < 0) return false;
    out = static_cast<std::uint64_t>(v.get<std::int64_t>());
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d >= 0) || d > static_cast<double>(max) ||
        d != static_cast<double>(static_cast<std::uint64_t>(d)))
      return false;
    out = static_cast<std::uint64_t>(d);
  } else {
    return false;
  }
  return out <= max;
}

RunSpec parse_run_spec(const json& body, const ApiLimits& limits) {
  DiagnosticSink sink;
  RunSpec spec;
  if (!body.is_object()) throw InputError(request_diagnostic("", "expected a JSON object"));
  for (const auto& [key, value] : body.items())
    if (key != "scenario" && key != "n" && key != "seed" && key != "overrides")
      sink.add(request_diagnostic(key, "unknown key (expected scenario, n, seed, overrides)"));
  if (!body.contains("scenario") || !body["scenario"].is_string() ||
      body["scenario"].get<std::string>().empty())
    sink.add(
        request_diagnostic("scenario", "required: a built-in scenario id (GET /api/scenarios)"));
  else
    spec.scenario = body["scenario"].get<std::string>();
  if (body.contains("n") && (!whole_number(body["n"], limits.max_replications, spec.replications) ||
                             spec.replications == 0))
    sink.add(request_diagnostic("n", "replications must be a whole number from 1 to " +
                                         std::to_string(limits.max_replications)));
  if (body.contains("seed") && !whole_number(body["seed"], std::uint64_t{1} << 53, spec.seed))
    sink.add(request_diagnostic("seed", "seed must be a whole number from 0 to 2^53"));
  if (body.contains("overrides")) {
    const json& o = body["overrides"];
    if (o.is_array()) {
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (o[i].is_string() && o[i].get<std::string>().find('=') != std::string::npos)
          spec.overrides.push_back(o[i].get<std::string>());
        else
          sink.add(request_diagnostic("overrides[" + std::to_string(i) + "]",
                                      "expected a string \"path=value\""));
      }
    } else if (o.is_object()) {
      for (const auto& [key, value] : o.items())
        spec.overrides.push_back(key + "=" +
                                 (value.is_string() ? value.get<std::string>() : value.dump()));
    } else if (!o.is_null()) {
      sink.add(request_diagnostic(
          "overrides", "expected a list of \"path=value\" strings or an object {path: value}"));
    }
  }
  sink.throw_if_any();
  return spec;
}

const char* content_type_for(std::string_view path) {
  auto ends = [&](std::string_view s) { return path.ends_with(s); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

// The policy of the viewer's <meta> element (VIEWER_CSP in web/vite.config.js), sent as a
// header as well so that it can say what a <meta> policy cannot (frame-ancestors is ignored
// there; MDN, "CSP: frame-ancestors"): no other site may show the viewer in a frame, where a
// page could trick a click on its Run button while the token's cookie is sent.
constexpr const char* kViewerPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

bool viewer_built() {
  return web_file("index.html").has_value();
}

Response serve_static(const std::string& path) {
  // Only exact names from the embedded table are served, so nothing outside it can be
  // reached; traversal-looking requests are refused explicitly all the same.
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos || path.find("//") != std::string::npos)
    return error_response(400, "invalid path");
  if (!viewer_built()) {
    Response r;
    r.status = 503;
    r.content_type = "text/html; charset=utf-8";
    r.body =
        "<!doctype html><title>flank</title><h1>The viewer was not built into this binary</h1>"
        "<p>It was configured with FLANK_WEB=OFF or without node/npm. The JSON API under "
        "<code>/api/</code> works; rebuild with node and npm installed to get the viewer.</p>";
    return r;
  }
  std::string relative = path.empty() || path == "/" ? "index.html" : path.substr(1);
  auto data = web_file(relative);
  if (!data) return error_response(404, "not found: " + path);
  Response r;
  r.content_type = content_type_for(relative);
  r.body.assign(data->data(), data->size());
  r.headers.emplace_back("Cache-Control", relative == "index.html" ? "no-cache" : "max-age=300");
  if (relative == "index.html") r.headers.emplace_back("Content-Security-Policy", kViewerPolicy);
  return r;
}

struct Api::State {
  enum class Status { Queued, Running, Done, Failed };
  struct Job {
    std::string id;
    RunSpec spec;
    Status status = Status::Queued;
    std::atomic<std::uint64_t> done{0};
    std::atomic<std::uint64_t> total{0};
    std::string summary;  // serialised once, served many times
    std::string ranking;  // likewise; "" when the backend gave none
    std::string error;
  };

  std::shared_ptr<Backend> backend;
  ApiLimits limits;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, std::shared_ptr<Job>> jobs;
  std::deque<std::string> order;  // ids, oldest first, for eviction
  std::deque<std::shared_ptr<Job>> queue;
  std::uint64_t next_id = 1;
  bool stopping = false;
  // Token buckets for POST /api/runs, one per client and one for all, guarded by `mutex`.
  struct Bucket {
    double tokens = -1;  // -1: not started (full bucket)
    std::chrono::steady_clock::time_point refill{};
    // Takes one token if there is one; refills at `rate` per second up to twice that.
    bool take(double rate, std::chrono::steady_clock::time_point now) {
      if (!(rate > 0)) return true;
      const double burst = 2 * rate;
      tokens = tokens < 0
                   ? burst
                   : std::min(burst,
                              tokens + rate * std::chrono::duration<double>(now - refill).count());
      refill = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    }
  };
  static constexpr std::size_t kMaxTrackedClients = 4096;
  std::map<std::string, Bucket> client_posts;
  Bucket all_posts;
  std::atomic<bool> cancel{false};  // set on shutdown: running simulations stop at once
  std::vector<std::thread> workers;
  std::unique_ptr<TimelineCache> timelines;

  static const char* name(Status s) {
    switch (s) {
      case Status::Queued:
        return "queued";
      case Status::Running:
        return "running";
      case Status::Done:
        return "done";
      case Status::Failed:
        return "failed";
    }
    return "?";
  }

  void work() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        job = queue.front();
        queue.pop_front();
        job->status = Status::Running;
      }
      std::string summary, ranking, error;
      bool ok = false;
      const auto started = std::chrono::steady_clock::now();
      const auto out_of_time = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >
               limits.max_run_seconds;
      };
      try {
        job->total = job->spec.replications;
        // Polled between replications by the engine's threads: shutdown and the time limit
        // take effect within one replication, not at the end of a wave.
        const Cancelled cancelled = [&] { return cancel.load() || out_of_time(); };
        const RunResult result = backend->run_ranked(
            job->spec,
            [&](std::uint64_t done, std::uint64_t total) {
              job->done = done;
              job->total = total;
            },
            cancelled);
        summary = result.summary.dump();
        if (!result.ranking.is_null()) ranking = result.ranking.dump();
        ok = true;
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!ok && cancel)
        error = "the server is stopping";
      else if (!ok && out_of_time())
        error = "time limit of " + std::to_string(static_cast<int>(limits.max_run_seconds)) +
                " s exceeded; ask for fewer replications";
      {
        std::lock_guard lock(mutex);
        job->summary = std::move(summary);
        job->ranking = std::move(ranking);
        job->error = std::move(error);
        job->status = ok ? Status::Done : Status::Failed;
        if (ok) job->done = job->total.load();
      }
      changed.notify_all();
    }
  }

  // Drops the oldest finished runs past the limit; called with the mutex held.
  void evict() {
    std::size_t finished = 0;
    for (const auto& id : order) {
      auto it = jobs.find(id);
      if (it != jobs.end() &&
          (it->second->status == Status::Done || it->second->status == Status::Failed))
        ++finished;
    }
    for (auto it = order.begin(); it != order.end() && finished > limits.max_kept;) {
      auto job = jobs.find(*it);
      if (job != jobs.end() &&
          (job->second->status == Status::Done || job->second->status == Status::Failed)) {
        jobs.erase(job);
        it = order.erase(it);
        --finished;
      } else {
        ++it;
      }
    }
  }

  bool admit_post(const std::string& client) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    // A bucket idle for a few seconds is full again, the same as a new one: forget those
    // before the table grows without bound under many addresses.
    if (client_posts.size() >= kMaxTrackedClients)
      std::erase_if(client_posts, [&](const auto& entry) {
        return now - entry.second.refill > std::chrono::seconds(5);
      });
    if (client_posts.size() >= kMaxTrackedClients) return false;
    if (!client_posts[client].take(limits.max_posts_per_second, now)) return false;
    return all_posts.take(limits.max_posts_per_second_all, now);
  }

  Response start_run(const Request& request) {
    // A page on another site can send text/plain or a form without asking first; a JSON body
    // needs a CORS preflight this server never grants, so requiring it stops cross-site runs.
    if (!is_json_media_type(request.header("content-type")))
      return error_response(415, "POST /api/runs takes Content-Type: application/json");
    if (!admit_post(request.client)) {
      Response r = error_response(429, "too many run requests; retry in a second");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    json body;
    try {
      body = json::parse(request.body);
    } catch (const json::exception& e) {
      // parse_error, and out_of_range for numbers beyond double ("n": 1e400).
      return error_response(400, std::string("request body is not valid JSON: ") + e.what());
    }
    RunSpec spec = parse_run_spec(body, limits);
    backend->validate(spec);
    auto job = std::make_shared<Job>();
    {
      std::lock_guard lock(mutex);
      if (static_cast<int>(queue.size()) >= limits.max_queued) {
        Response r = error_response(429, "too many simulations waiting (" +
                                             std::to_string(limits.max_running) +
                                             " run at once); retry when one finishes");
        r.headers.emplace_back("Retry-After", "5");
        return r;
      }
      job->id = "run-" + std::to_string(next_id++);
      job->spec = std::move(spec);
      job->total = job->spec.replications;
      jobs[job->id] = job;
      order.push_back(job->id);
      queue.push_back(job);
      evict();
    }
    changed.notify_all();
    Response r = json_response(
        202, json{{"id", job->id}, {"status", "queued"}, {"url", "api/runs/" + job->id}});
    r.headers.emplace_back("Location", "/api/runs/" + job->id);
    return r;
  }

  std::shared_ptr<Job> find(const std::string& id) {
    std::lock_guard lock(mutex);
    auto it = jobs.find(id);
    if (it == jobs.end()) throw NotFound("no run " + id);
    return it->second;
  }

  Response run_status(const std::string& id) {
    auto job = find(id);
    std::lock_guard lock(mutex);
    // The summary is spliced in as already-serialised text to avoid re-parsing it per poll.
    json head{{"id", job->id},
              {"status", name(job->status)},
              {"scenario", job->spec.scenario},
              {"n", job->spec.replications},
              {"seed", job->spec.seed},
              {"overrides", job->spec.overrides},
              {"progress", {{"done", job->done.load()}, {"total", job->total.load()}}}};
    if (job->status == Status::Failed) head["error"] = job->error;
    std::string text = head.dump(-1, ' ', false, json::error_handler_t::replace);
    if (job->status == Status::Done) {
      text.pop_back();
      text += ",\"summary\":" + job->summary;
      if (!job->ranking.empty()) text += ",\"ranking\":" + job->ranking;
      text += '}';
    }
    Response r;
    r.body = std::move(text);
    return r;
  }

  Response run_timeline(const std::string& id, const Request& request) {
    auto job = find(id);
    std::uint64_t rep = 0;
    if (auto it = request.query.find("rep");
        it != request.query.end() && !parse_u64(it->second, rep))
      return error_response(400, "rep must be a whole number");
    if (rep >= job->spec.replications)
      return error_response(400, "rep must be below the run's replication count " +
                                     std::to_string(job->spec.replications));
    // Timelines are the same for every run of the same inputs: keyed by those, not the run id.
    std::string key =
        job->spec.scenario + '\n' + std::to_string(job->spec.seed) + '\n' + std::to_string(rep);
    for (const auto& o : job->spec.overrides) key += '\n' + o;
    return timelines->get(key, [backend = backend, spec = job->spec, rep] {
      return backend->timeline(spec, rep).dump(-1, ' ', false, json::error_handler_t::replace);
    });
  }
};

Api::Api(std::shared_ptr<Backend> backend, ApiLimits limits) : state_(std::make_unique<State>()) {
  state_->backend = std::move(backend);
  state_->limits = limits;
  state_->timelines = std::make_unique<TimelineCache>(
      TimelineCacheLimits{limits.timeline_cache_bytes, limits.max_timelines_pending,
                          limits.max_timeline_waiters, limits.timeline_wait_seconds});
  for (int i = 0; i < std::max(1, limits.max_running); ++i)
    state_->workers.emplace_back([s = state_.get()] { s->work(); });
}

void Api::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    state_->cancel = true;
  }
  state_->changed.notify_all();
  state_->timelines->stop();
}

Api::~Api() {
  stop();
  for (auto& t : state_->workers) t.join();
}

bool Api::wait(const std::string& id, double timeout_seconds) {
  std::unique_lock lock(state_->mutex);
  auto it = state_->jobs.find(id);
  if (it == state_->jobs.end()) return false;
  auto job = it->second;
  return state_->changed.wait_for(lock, std::chrono::duration<double>(timeout_seconds), [&] {
    return job->status == State::Status::Done || job->status == State::Status::Failed;
  });
}

Response Api::handle(const Request& request) {
  try {
    const auto parts = split_path(request.path);
    if (parts.empty() || parts[0] != "api") {
      if (request.method != "GET" && request.method != "HEAD")
        return error_response(405, "method not allowed");
      return serve_static(request.path);
    }
    if (request.body.size() > state_->limits.max_body_bytes)
      return error_response(413, "request body larger than " +
                                     std::to_string(state_->limits.max_body_bytes) + " bytes");
    const bool get = request.method == "GET" || request.method == "HEAD";
    const std::size_t n = parts.size();
    if (n == 2 && parts[1] == "scenarios") {
      if (!get) return error_response(405, "use GET");
      return json_response(200, state_->backend->list_scenarios());
    }
    if (n == 3 && parts[1] == "scenarios") {
      if (!get) return error_response(405, "use GET");
      return json_response(200, state_->backend->scenario(parts[2]));
    }
    if (n == 2 && parts[1] == "runs") {
      if (request.method != "POST") return error_response(405, "use POST to start a run");
      return state_->start_run(request);
    }
    if (n == 3 && parts[1] == "runs") {
      if (!get) return error_response(405, "use GET");
      return state_->run_status(parts[2]);
    }
    if (n == 4 && parts[1] == "runs" && parts[3] == "timeline") {
      if (!get) return error_response(405, "use GET");
      return state_->run_timeline(parts[2], request);
    }
    if (n == 2 && parts[1] == "sweeps") {
      if (!get) return error_response(405, "use GET");
      return json_response(200, state_->backend->sweeps());
    }
    return error_response(404, "no such API endpoint: " + request.path);
  } catch (const InputError& e) {
    return input_error_response(e);
  } catch (const NotFound& e) {
    return error_response(404, e.what());
  } catch (const std::exception& e) {
    return error_response(500, e.what());
  }
}

}  // namespace flank::server
