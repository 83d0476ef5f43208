#include "flank/mc/runner.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "flank/campaign/engine.hpp"
#include "flank/core/error.hpp"
#include "flank/core/parse.hpp"
#include "flank/mc/summary_fold.hpp"

namespace flank::mc {
namespace {

struct Chunk {
  explicit Chunk(const Scenario& scenario) : fold(scenario) {}
  SummaryFold fold;
  std::vector<Outcome> outcomes;  // kept only when the caller wants on_outcome
};

}  // namespace

Interval wilson(std::uint64_t successes, std::uint64_t n, double z) {
  if (n == 0) return {0, 0, 1};
  const double nn = static_cast<double>(n), p = static_cast<double>(successes) / nn;
  const double z2 = z * z, denom = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  // At 0 or n successes the bound is exactly 0 or 1; rounding would leave a speck.
  return {p, successes == 0 ? 0.0 : std::max(0.0, centre - half),
          successes == n ? 1.0 : std::min(1.0, centre + half)};
}

void Signature::mix(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    hash_ ^= (v >> (8 * i)) & 0xff;
    hash_ *= 1099511628211ull;
  }
}

void Signature::add(const Outcome& o) {
  auto d = [&](double x) { mix(std::bit_cast<std::uint64_t>(x)); };
  mix(o.replication);
  for (double h : o.objective_hour) d(h);
  for (auto b : o.before_reinforcements) mix(b);
  for (auto b : o.held_at_end) mix(b);
  d(o.decision_hour);
  d(o.reinforcements_hour);
  for (const auto& side : o.territory)
    for (double t : side) d(t);
  for (double x : o.personnel_lost) d(x);
  for (double x : o.power_lost_fraction) d(x);
  for (double x : o.losses_by_category) d(x);
  for (auto e : o.escalation) mix(e);
  for (double h : o.escalation_hour) d(h);
  const Operations& ops = o.operations;
  for (int side = 0; side < kSides; ++side) {
    d(ops.personnel_isolated[side]);
    d(ops.personnel_captured[side]);
    d(ops.pockets[side]);
  }
  d(ops.regions_bypassed);
  for (double e : ops.engagements) d(e);
}

Summary run(const Scenario& scenario, const RunConfig& config) {
  const auto started = std::chrono::steady_clock::now();
  // The wave below holds 4 chunks per thread: `--threads 2147483647` sized it past memory and
  // crashed (SIGSEGV). Every front end (run, bench, game, serve) reaches this check.
  if (config.threads > 0 && static_cast<std::uint64_t>(config.threads) > kMaxThreads)
    throw InputError(Diagnostic{
        {},
        "--threads",
        fmt::format("expected 0 (all cores) to {} threads, got {}", kMaxThreads, config.threads)});
  const int threads = config.threads > 0 ? config.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  tbb::enumerable_thread_specific<std::unique_ptr<campaign::Engine>> engines;
  const bool keep = static_cast<bool>(config.on_outcome);

  // Chunks of kFoldChunk consecutive replications, merged in index order (summary_fold.hpp).
  const std::uint64_t total = config.replications;
  const std::uint64_t chunks = (total + kFoldChunk - 1) / kFoldChunk;
  const std::uint64_t wave = std::max<std::uint64_t>(8, 4ull * threads);
  std::vector<Chunk> buffer;
  const std::uint64_t buffered = std::min(wave, std::max<std::uint64_t>(chunks, 1));
  buffer.reserve(buffered);
  for (std::uint64_t i = 0; i < buffered; ++i) buffer.emplace_back(scenario);
  SummaryFold all(scenario);
  std::atomic<bool> stop{false};

  for (std::uint64_t first_chunk = 0; first_chunk < chunks; first_chunk += wave) {
    const std::uint64_t count = std::min(wave, chunks - first_chunk);
    arena.execute([&] {
      tbb::parallel_for(std::uint64_t{0}, count, [&](std::uint64_t i) {
        auto& engine = engines.local();
        if (!engine) engine = std::make_unique<campaign::Engine>(scenario, config.combat_model);
        Chunk& chunk = buffer[i];
        chunk.fold.clear();
        const std::uint64_t begin = (first_chunk + i) * kFoldChunk;
        const std::uint64_t end = std::min(total, begin + kFoldChunk);
        chunk.outcomes.resize(keep ? end - begin : 1);
        for (std::uint64_t r = begin; r < end; ++r) {
          if (config.cancelled && (stop.load(std::memory_order_relaxed) || config.cancelled())) {
            stop.store(true, std::memory_order_relaxed);
            return;
          }
          Outcome& o = chunk.outcomes[keep ? r - begin : 0];
          engine->run(config.seed, config.first_replication + r, o);
          chunk.fold.add(o);
        }
      });
    });
    if (stop)
      throw Cancelled("run cancelled after " + std::to_string(first_chunk * kFoldChunk) + " of " +
                      std::to_string(total) + " replications");
    for (std::uint64_t i = 0; i < count; ++i) {
      all.merge(buffer[i].fold);
      if (keep)
        for (const Outcome& o : buffer[i].outcomes) config.on_outcome(o);
    }
    if (config.progress)
      config.progress(std::min(total, (first_chunk + count) * kFoldChunk), total);
  }

  Summary s = all.summary(scenario);
  s.seed = config.seed;
  s.first_replication = config.first_replication;
  std::string model_name;
  for (auto& e : engines)
    if (e && model_name.empty()) model_name = std::string(e->combat_model_name());
  if (model_name.empty())
    model_name = config.combat_model.empty() ? scenario.params.combat_model : config.combat_model;
  s.combat_model = model_name;
  s.threads = threads;
  s.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return s;
}

}  // namespace flank::mc
