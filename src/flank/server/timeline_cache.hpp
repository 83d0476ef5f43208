#pragma once
// Timelines for GET /api/runs/{id}/timeline, computed on one thread of their own rather than
// on the HTTP threads, kept serialised in a cache bounded in bytes, and computed once however
// many requests ask for the same one. Eight concurrent requests computed on the HTTP threads
// took the server to 7 GB; here at most one timeline is being built at a time, at most
// `max_waiting` requests wait for one, and the rest are told to retry (503) while it is built.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "flank/server/api.hpp"

namespace flank::server {

struct TimelineCacheLimits {
  std::size_t budget_bytes = 64u << 20;  // serialised timelines kept (least recently used go)
  int max_pending = 8;                   // distinct timelines waiting to be built (beyond: 503)
  int max_waiting = 4;                   // requests waiting for one (beyond: 503 and retry)
  double wait_seconds = 30;              // a request waits this long, then gets 503 and retries
};

class TimelineCache {
 public:
  // Builds the timeline's JSON text; may throw (InputError -> 400, NotFound -> 404, else 500).
  using Compute = std::function<std::string()>;

  explicit TimelineCache(TimelineCacheLimits limits);
  ~TimelineCache();  // stops the builder thread after the timeline in progress
  TimelineCache(const TimelineCache&) = delete;
  TimelineCache& operator=(const TimelineCache&) = delete;

  Response get(const std::string& key, Compute compute);
  // Wakes every waiting request (they get 503) and refuses new ones; idempotent.
  void stop();

  struct Stats {
    std::size_t cached_bytes = 0, entries = 0;
    std::uint64_t built = 0, hits = 0, refused = 0;
  };
  Stats stats();

 private:
  struct Entry {
    enum class State { Pending, Ready, Failed } state = State::Pending;
    Compute compute;
    std::string body;
    int status = 200;
  };
  void build();
  void evict_locked();

  TimelineCacheLimits limits_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  std::list<std::string> recent_;  // ready entries, most recently used first
  std::deque<std::string> queue_;  // keys to build, oldest first
  std::size_t cached_bytes_ = 0;
  int waiting_ = 0;
  bool stopping_ = false;
  Stats stats_;
  std::thread builder_;
};

}  // namespace flank::server
