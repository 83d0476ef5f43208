#include "flank/mc/runner.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "flank/campaign/engine.hpp"

namespace flank::mc {
namespace {

// Replications are folded in fixed chunks of consecutive indices; chunks are combined in
// index order. The chunking depends only on the replication range, so every floating-point
// sum is the same whatever the thread count.
constexpr std::uint64_t kChunk = 32;
constexpr int kPersonnelBins = 4000;
constexpr double kPersonnelBinsPerTotal = 2000;  // bin width = mean side total / 2000

struct Accumulator {
  std::uint64_t n = 0;
  std::vector<std::uint64_t> ever, before;  // per objective
  std::vector<std::uint32_t> hour_hist;     // [objective * (steps + 1) + step]
  std::array<std::array<double, 4>, kSides> territory{};
  std::array<double, kSides> personnel{}, power_lost{};
  std::vector<std::uint32_t> personnel_hist;  // [side * kPersonnelBins + bin]
  std::vector<double> by_category;
  std::vector<std::uint64_t> escalation;
  std::uint64_t any_escalation = 0;
  double decision_hour = 0;

  void init(std::size_t objectives, int steps, std::size_t categories, std::size_t rules) {
    ever.assign(objectives, 0);
    before.assign(objectives, 0);
    hour_hist.assign(objectives * (steps + 1), 0);
    personnel_hist.assign(kSides * kPersonnelBins, 0);
    by_category.assign(categories, 0);
    escalation.assign(rules, 0);
  }
  void clear() {
    n = 0;
    std::fill(ever.begin(), ever.end(), 0);
    std::fill(before.begin(), before.end(), 0);
    std::fill(hour_hist.begin(), hour_hist.end(), 0);
    std::fill(personnel_hist.begin(), personnel_hist.end(), 0);
    std::fill(by_category.begin(), by_category.end(), 0.0);
    std::fill(escalation.begin(), escalation.end(), 0);
    territory = {};
    personnel = power_lost = {};
    any_escalation = 0;
    decision_hour = 0;
  }

  void add(const Outcome& o, int steps, double step_hours,
           const std::array<double, kSides>& personnel_bin) {
    ++n;
    for (std::size_t i = 0; i < ever.size(); ++i) {
      const double h = o.objective_hour[i];
      if (h < 0) continue;
      ++ever[i];
      before[i] += o.before_reinforcements[i];
      const long bin = std::clamp<long>(std::lround(h / step_hours), 0, steps);
      ++hour_hist[i * (steps + 1) + bin];
    }
    for (int s = 0; s < kSides; ++s) {
      for (int k = 0; k < 4; ++k) territory[s][k] += o.territory[s][k];
      personnel[s] += o.personnel_lost[s];
      power_lost[s] += o.power_lost_fraction[s];
      const double b = personnel_bin[s] > 0 ? o.personnel_lost[s] / personnel_bin[s] : 0;
      const int bin = static_cast<int>(std::clamp(b, 0.0, kPersonnelBins - 1.0));
      ++personnel_hist[s * kPersonnelBins + bin];
    }
    for (std::size_t i = 0; i < by_category.size() && i < o.losses_by_category.size(); ++i)
      by_category[i] += o.losses_by_category[i];
    bool any = false;
    for (std::size_t i = 0; i < escalation.size(); ++i) {
      escalation[i] += o.escalation[i];
      any = any || o.escalation[i];
    }
    any_escalation += any;
    decision_hour += o.decision_hour;
  }

  void merge(const Accumulator& c) {
    n += c.n;
    for (std::size_t i = 0; i < ever.size(); ++i) ever[i] += c.ever[i], before[i] += c.before[i];
    for (std::size_t i = 0; i < hour_hist.size(); ++i) hour_hist[i] += c.hour_hist[i];
    for (std::size_t i = 0; i < personnel_hist.size(); ++i)
      personnel_hist[i] += c.personnel_hist[i];
    for (int s = 0; s < kSides; ++s) {
      for (int k = 0; k < 4; ++k) territory[s][k] += c.territory[s][k];
      personnel[s] += c.personnel[s];
      power_lost[s] += c.power_lost[s];
    }
    for (std::size_t i = 0; i < by_category.size(); ++i) by_category[i] += c.by_category[i];
    for (std::size_t i = 0; i < escalation.size(); ++i) escalation[i] += c.escalation[i];
    any_escalation += c.any_escalation;
    decision_hour += c.decision_hour;
  }
};

// Smallest value x of the histogram with F(x) ≥ q (inverse empirical CDF).
template <typename Count>
double quantile(const Count* hist, int bins, std::uint64_t total, double q, double bin_width,
                double offset) {
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  const double need = q * static_cast<double>(total);
  std::uint64_t cum = 0;
  for (int b = 0; b < bins; ++b) {
    cum += hist[b];
    if (static_cast<double>(cum) >= need - 1e-9 && cum > 0) return b * bin_width + offset;
  }
  return (bins - 1) * bin_width + offset;
}

struct Chunk {
  Accumulator acc;
  std::vector<Outcome> outcomes;  // kept only when the caller wants on_outcome
};

}  // namespace

Interval wilson(std::uint64_t successes, std::uint64_t n, double z) {
  if (n == 0) return {0, 0, 1};
  const double nn = static_cast<double>(n), p = static_cast<double>(successes) / nn;
  const double z2 = z * z, denom = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
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
  d(o.decision_hour);
  d(o.reinforcements_hour);
  for (const auto& side : o.territory)
    for (double t : side) d(t);
  for (double x : o.personnel_lost) d(x);
  for (double x : o.power_lost_fraction) d(x);
  for (double x : o.losses_by_category) d(x);
  for (auto e : o.escalation) mix(e);
  for (double h : o.escalation_hour) d(h);
}

Summary run(const Scenario& scenario, const RunConfig& config) {
  const auto started = std::chrono::steady_clock::now();
  const int steps = scenario.steps();
  const double step_hours = scenario.params.step_hours;
  const std::size_t O = scenario.objectives.size(), E = scenario.escalation.size();
  const std::size_t C = kSides * static_cast<std::size_t>(UnitCategory::Count);

  std::array<double, kSides> personnel_bin{};
  for (const auto& u : scenario.units) personnel_bin[u.side] += u.personnel.mean();
  for (auto& b : personnel_bin) b /= kPersonnelBinsPerTotal;

  const int threads = config.threads > 0 ? config.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  tbb::enumerable_thread_specific<std::unique_ptr<campaign::Engine>> engines;
  const bool keep = static_cast<bool>(config.on_outcome);

  const std::uint64_t total = config.replications;
  const std::uint64_t chunks = (total + kChunk - 1) / kChunk;
  const std::uint64_t wave = std::max<std::uint64_t>(8, 4ull * threads);
  std::vector<Chunk> buffer(std::min(wave, std::max<std::uint64_t>(chunks, 1)));
  for (auto& c : buffer) c.acc.init(O, steps, C, E);
  Accumulator all;
  all.init(O, steps, C, E);

  std::string model_name;
  for (std::uint64_t first_chunk = 0; first_chunk < chunks; first_chunk += wave) {
    const std::uint64_t count = std::min(wave, chunks - first_chunk);
    arena.execute([&] {
      tbb::parallel_for(std::uint64_t{0}, count, [&](std::uint64_t i) {
        auto& engine = engines.local();
        if (!engine) engine = std::make_unique<campaign::Engine>(scenario, config.combat_model);
        Chunk& chunk = buffer[i];
        chunk.acc.clear();
        const std::uint64_t begin = (first_chunk + i) * kChunk;
        const std::uint64_t end = std::min(total, begin + kChunk);
        chunk.outcomes.resize(keep ? end - begin : 1);
        for (std::uint64_t r = begin; r < end; ++r) {
          Outcome& o = chunk.outcomes[keep ? r - begin : 0];
          engine->run(config.seed, config.first_replication + r, o);
          chunk.acc.add(o, steps, step_hours, personnel_bin);
        }
      });
    });
    for (std::uint64_t i = 0; i < count; ++i) {
      all.merge(buffer[i].acc);
      if (keep)
        for (const Outcome& o : buffer[i].outcomes) config.on_outcome(o);
    }
    if (config.progress) config.progress(std::min(total, (first_chunk + count) * kChunk), total);
  }
  for (auto& e : engines)
    if (e && model_name.empty()) model_name = std::string(e->combat_model_name());
  if (model_name.empty())
    model_name = config.combat_model.empty() ? scenario.params.combat_model : config.combat_model;

  Summary s;
  s.scenario_id = scenario.id;
  s.scenario_name = scenario.name;
  s.scenario_hash = scenario.hash;
  s.seed = config.seed;
  s.replications = total;
  s.first_replication = config.first_replication;
  s.combat_model = model_name;
  s.step_hours = step_hours;
  s.horizon_days = scenario.params.horizon_days;
  const double n = static_cast<double>(std::max<std::uint64_t>(all.n, 1));
  const int days = static_cast<int>(std::ceil(steps * step_hours / 24.0 - 1e-9));
  for (std::size_t i = 0; i < O; ++i) {
    ObjectiveSummary os;
    os.id = scenario.objectives[i].id;
    os.name = scenario.objectives[i].name;
    os.achieved = all.ever[i];
    os.ever = wilson(all.ever[i], all.n);
    os.before_reinforcements = wilson(all.before[i], all.n);
    const std::uint32_t* hist = &all.hour_hist[i * (steps + 1)];
    std::uint64_t cum = 0;
    int step = 0;
    for (int d = 0; d <= days; ++d) {
      for (; step <= steps && step * step_hours <= 24.0 * d + 1e-9; ++step) cum += hist[step];
      os.by_day.push_back(wilson(cum, all.n));
    }
    constexpr double kQ[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5; ++k)
      os.hour_quantiles[k] = quantile(hist, steps + 1, all.ever[i], kQ[k], step_hours, 0);
    const int bins = static_cast<int>(std::ceil(steps * step_hours / kHistogramBinHours)) + 1;
    os.hour_histogram.assign(bins, 0);
    for (int b = 0; b <= steps; ++b)
      os.hour_histogram[std::min(bins - 1,
                                 static_cast<int>(b * step_hours / kHistogramBinHours))] += hist[b];
    s.objectives.push_back(std::move(os));
  }
  for (int side = 0; side < kSides; ++side) {
    for (int k = 0; k < 4; ++k) s.territory_mean[side][k] = all.territory[side][k] / n;
    s.personnel_lost_mean[side] = all.personnel[side] / n;
    s.power_lost_fraction_mean[side] = all.power_lost[side] / n;
    constexpr double kQ[] = {0.05, 0.5, 0.95};
    for (int k = 0; k < 3; ++k)
      s.personnel_lost_quantiles[side][k] =
          all.n == 0 ? 0
                     : quantile(&all.personnel_hist[side * kPersonnelBins], kPersonnelBins, all.n,
                                kQ[k], personnel_bin[side], 0.5 * personnel_bin[side]);
  }
  s.losses_by_category_mean.resize(C);
  for (std::size_t i = 0; i < C; ++i) s.losses_by_category_mean[i] = all.by_category[i] / n;
  for (int c = 0; c < static_cast<int>(UnitCategory::Count); ++c)
    s.category_names.emplace_back(to_string(static_cast<UnitCategory>(c)));
  for (std::size_t i = 0; i < E; ++i) {
    s.escalation_ids.push_back(scenario.escalation[i].id);
    s.escalation_names.push_back(scenario.escalation[i].name);
    s.escalation.push_back(wilson(all.escalation[i], all.n));
  }
  s.any_escalation = wilson(all.any_escalation, all.n);
  s.decision_hour_mean = all.decision_hour / n;
  s.threads = threads;
  s.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return s;
}

}  // namespace flank::mc
