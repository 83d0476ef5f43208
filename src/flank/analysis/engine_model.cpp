// The sweep's link to the engine: scenario loading with overrides and the Monte Carlo runner.
#include <memory>
#include <optional>

#include "flank/analysis/sweep.hpp"
#include "flank/mc/runner.hpp"
#include "flank/mc/summary_fold.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"

namespace flank::analysis {
namespace {

class EngineModel final : public PointModel {
 public:
  explicit EngineModel(int threads) : threads_(threads) {}

  PointInfo info(const DesignPoint& point) override {
    const Scenario& s = scenario(point);
    PointInfo info;
    for (const auto& o : s.objectives) info.layout.objectives.push_back(o.id);
    for (const auto& e : s.escalation) info.layout.escalation.push_back(e.id);
    info.layout.horizon_hours = s.params.horizon_days * 24;
    info.scenario_id = s.id;
    info.scenario_hash = s.hash;
    return info;
  }

  std::vector<Outcome> run(const DesignPoint& point, std::uint64_t seed, std::uint64_t first,
                           std::uint64_t count) override {
    const Scenario& s = scenario(point);
    std::vector<Outcome> outcomes;
    outcomes.reserve(count);
    mc::RunConfig config;
    config.seed = seed;
    config.first_replication = first;
    config.replications = count;
    config.threads = threads_;
    config.on_outcome = [&](const Outcome& o) { outcomes.push_back(o); };
    mc::run(s, config);
    return outcomes;
  }

  std::string summary_json(const DesignPoint& point, std::uint64_t seed,
                           std::span<const Outcome> outcomes) override {
    auto j =
        report::summary_json(mc::summarise(scenario(point), seed, outcomes), report::RunInfo{});
    j.erase("run_info");  // the store's exports keep run information in one place
    return j.dump();
  }

 private:
  const Scenario& scenario(const DesignPoint& point) {
    if (!cached_ || cached_scenario_ != point.scenario || cached_overrides_ != point.overrides) {
      LoadOptions options;
      options.overrides = point.overrides;
      cached_.emplace(load_scenario(point.scenario, options));
      cached_scenario_ = point.scenario;
      cached_overrides_ = point.overrides;
    }
    return *cached_;
  }

  int threads_;
  std::optional<Scenario> cached_;
  std::string cached_scenario_;
  std::vector<std::string> cached_overrides_;
};

}  // namespace

std::unique_ptr<PointModel> make_engine_model(int threads) {
  return std::make_unique<EngineModel>(threads);
}

}  // namespace flank::analysis
