#include "flank/server/timeline_cache.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "flank/core/error.hpp"

namespace flank::server {
namespace {

Response error_text(int status, const std::string& message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
  return r;
}

Response busy(const std::string& message) {
  Response r = error_text(503, message);
  r.headers.emplace_back("Retry-After", "2");
  return r;
}

}  // namespace

TimelineCache::TimelineCache(TimelineCacheLimits limits) : limits_(limits) {
  builder_ = std::thread([this] { build(); });
}

TimelineCache::~TimelineCache() {
  stop();
  builder_.join();
}

void TimelineCache::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

TimelineCache::Stats TimelineCache::stats() {
  std::lock_guard lock(mutex_);
  Stats s = stats_;
  s.cached_bytes = cached_bytes_;
  s.entries = recent_.size();
  return s;
}

Response TimelineCache::get(const std::string& key, Compute compute) {
  std::unique_lock lock(mutex_);
  if (stopping_) return busy("the server is stopping");
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second->state == Entry::State::Ready) {
    ++stats_.hits;
    recent_.remove(key);
    recent_.push_front(key);
    Response r;
    r.body = it->second->body;
    return r;
  }
  std::shared_ptr<Entry> entry;
  if (it != entries_.end()) {
    entry = it->second;
  } else {
    if (static_cast<int>(queue_.size()) >= limits_.max_pending) {
      ++stats_.refused;
      return busy("too many timelines being built; retry shortly");
    }
    entry = std::make_shared<Entry>();
    entry->compute = std::move(compute);
    entries_.emplace(key, entry);
    queue_.push_back(key);
    changed_.notify_all();
  }
  if (waiting_ >= limits_.max_waiting) {
    ++stats_.refused;
    return busy("the timeline is being built; retry shortly");
  }
  ++waiting_;
  changed_.wait_for(lock, std::chrono::duration<double>(limits_.wait_seconds),
                    [&] { return stopping_ || entry->state != Entry::State::Pending; });
  --waiting_;
  switch (entry->state) {
    case Entry::State::Pending:
      return busy(stopping_ ? "the server is stopping"
                            : "the timeline is still being built; retry shortly");
    case Entry::State::Failed:
      return error_text(entry->status, entry->body);
    case Entry::State::Ready:
      break;
  }
  Response r;
  r.body = entry->body;
  return r;
}

void TimelineCache::build() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::string key = queue_.front();
    queue_.pop_front();
    std::shared_ptr<Entry> entry = entries_.at(key);
    Compute compute = std::move(entry->compute);
    lock.unlock();
    std::string body;
    int status = 200;
    try {
      body = compute();
    } catch (const InputError& e) {
      status = 400;
      body = e.what();
    } catch (const NotFound& e) {
      status = 404;
      body = e.what();
    } catch (const std::exception& e) {
      status = 500;
      body = e.what();
    }
    lock.lock();
    entry->status = status;
    entry->body = std::move(body);
    if (status == 200) {
      entry->state = Entry::State::Ready;
      cached_bytes_ += entry->body.size();
      recent_.push_front(key);
      ++stats_.built;
      evict_locked();
    } else {
      entry->state = Entry::State::Failed;
      entries_.erase(key);  // waiters hold the entry; a later request tries again
    }
    changed_.notify_all();
  }
}

void TimelineCache::evict_locked() {
  // Waiting requests hold their entry, so dropping it from the table never takes a body from
  // under them; an entry larger than the whole budget is served once and not kept.
  while (cached_bytes_ > limits_.budget_bytes && !recent_.empty()) {
    const std::string key = recent_.back();
    recent_.pop_back();
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    cached_bytes_ -= it->second->body.size();
    entries_.erase(it);
  }
}

}  // namespace flank::server
