// Replications per second on the built-in scenario (30 days, hourly steps), one engine alone
// and through the Monte Carlo runner at 1 and 2 threads. Results: docs/performance.md.
#include <benchmark/benchmark.h>

#include "flank/campaign/engine.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/loader.hpp"

namespace {

const flank::Scenario& builtin() {
  static const flank::Scenario scenario = flank::load_scenario("");
  return scenario;
}

void BM_EngineReplication(benchmark::State& state) {
  flank::campaign::Engine engine(builtin());
  flank::Outcome outcome;
  std::uint64_t rep = 0;
  for (auto _ : state) {
    engine.run(1, rep++, outcome);
    benchmark::DoNotOptimize(outcome.objective_hour.data());
  }
  state.counters["replications/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineReplication)->Unit(benchmark::kMillisecond);

void BM_Runner(benchmark::State& state) {
  const auto replications = static_cast<std::uint64_t>(state.range(1));
  for (auto _ : state) {
    flank::mc::RunConfig config;
    config.seed = 1;
    config.replications = replications;
    config.threads = static_cast<int>(state.range(0));
    benchmark::DoNotOptimize(flank::mc::run(builtin(), config));
  }
  state.counters["replications/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * replications), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Runner)
    ->ArgNames({"threads", "replications"})
    ->Args({1, 500})
    ->Args({2, 1000})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
