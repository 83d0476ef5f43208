// Cost of each phase of the step (docs/model.md "One step") on the built-in scenario: one
// benchmark per phase, whose time is the phase's wall time per step, averaged over whole
// replications (seed 1, replications 0, 1, 2, ...). A regression shows up in its phase.
// Results: docs/performance.md "Per-phase cost".
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "flank/campaign/engine.hpp"
#include "flank/scenario/loader.hpp"

namespace {

using flank::campaign::Phase;

const flank::Scenario& builtin() {
  static const flank::Scenario scenario = flank::load_scenario("");
  return scenario;
}

// Manual time is per step, so Google Benchmark's time-based stopping would run ~10^6
// replications: a fixed count instead.
constexpr int kReplications = 100;

// Runs whole replications with a phase clock; the iteration's time is `phase`'s seconds per
// step (Phase::Count: the whole step).
void BM_Phase(benchmark::State& state, Phase phase) {
  flank::campaign::Engine engine(builtin());
  std::uint64_t rep = 0;
  for (auto _ : state) {
    flank::campaign::PhaseClock clock;
    engine.reset(1, rep++);
    while (engine.step(&clock)) {
    }
    double seconds = 0;
    for (int k = 0; k < static_cast<int>(Phase::Count); ++k)
      if (phase == Phase::Count || k == static_cast<int>(phase)) seconds += clock.seconds[k];
    state.SetIterationTime(seconds / static_cast<double>(clock.steps));
  }
}

// The clock's own cost: one lap (a steady_clock read and an add), which every phase's figure
// above includes once.
void BM_ClockLap(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point t0 = Clock::now();
  double sum = 0;
  for (auto _ : state) {
    const Clock::time_point t = Clock::now();
    sum += std::chrono::duration<double>(t - t0).count();
    t0 = t;
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_ClockLap)->Unit(benchmark::kNanosecond);

const bool registered = [] {
  for (int k = 0; k <= static_cast<int>(Phase::Count); ++k) {
    const auto phase = static_cast<Phase>(k);
    const std::string name =
        phase == Phase::Count ? "BM_Step/all" : "BM_Phase/" + std::string(phase_name(phase));
    benchmark::RegisterBenchmark(name.c_str(), BM_Phase, phase)
        ->UseManualTime()
        ->Iterations(kReplications)
        ->Unit(benchmark::kNanosecond);
  }
  return true;
}();

}  // namespace
