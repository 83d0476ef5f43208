#include "flank/server/backend.hpp"

#include <list>
#include <mutex>
#include <vector>

#include "flank/analysis/study_export.hpp"
#include "flank/campaign/engine.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/server/scenario_info.hpp"
#include "flank/store/store.hpp"

namespace flank::server {
namespace {

using nlohmann::json;

class LibraryBackend : public Backend {
 public:
  explicit LibraryBackend(LibraryBackendOptions options) : options_(std::move(options)) {}

  json list_scenarios() override {
    json list = json::array();
    for (const auto& b : builtin_scenarios())
      list.push_back({{"id", b.id}, {"name", b.name}, {"path", b.path}});
    return {{"scenarios", list}, {"default", std::string(kDefaultScenario)}};
  }

  json scenario(const std::string& id) override {
    auto compiled = compile({id, 0, 0, {}});
    json info = scenario_info(*compiled, "builtin:" + id, {});
    return {{"scenario", info}, {"validation", validation_summary(compiled->params.combat_model)}};
  }

  void validate(const RunSpec& spec) override { compile(spec); }

  json run(const RunSpec& spec, const Progress& progress, const Cancelled& cancelled) override {
    return run_ranked(spec, progress, cancelled).summary;
  }

  // The ranking is of Vilnius, or the first objective, as the viewer's typicality line; its
  // hours arrive through on_outcome and are placed by the outcome's own replication index,
  // whatever order the runner reports them in.
  RunResult run_ranked(const RunSpec& spec, const Progress& progress,
                       const Cancelled& cancelled) override {
    auto compiled = compile(spec);
    mc::RunConfig config;
    config.seed = spec.seed;
    config.replications = spec.replications;
    config.threads = options_.threads;
    config.progress = progress;
    config.cancelled = cancelled;
    std::size_t objective = 0;
    for (std::size_t k = 0; k < compiled->objectives.size(); ++k)
      if (compiled->objectives[k].id == "vilnius") objective = k;
    std::vector<double> hours;
    if (!compiled->objectives.empty()) {
      hours.assign(spec.replications, kNever);
      config.on_outcome = [&](const Outcome& o) {
        const std::uint64_t i = o.replication - config.first_replication;
        if (i < hours.size() && objective < o.objective_hour.size())
          hours[i] = o.objective_hour[objective];
      };
    }
    RunResult result{summary_json(mc::run(*compiled, config)), nullptr};
    if (!compiled->objectives.empty()) {
      json list = json::array();
      for (double h : hours) list.push_back(h < 0 ? json(nullptr) : json(h));
      result.ranking = {{"objective", compiled->objectives[objective].id}, {"hours", list}};
    }
    return result;
  }

  json timeline(const RunSpec& spec, std::uint64_t replication) override {
    return timeline_json(*compile(spec), spec.seed, replication);
  }

  json sweeps() override {
    if (options_.store_path.empty())
      return {{"format", "flank-sweeps-1"}, {"store", nullptr}, {"studies", json::array()}};
    return sweeps_json(options_.store_path);
  }

 private:
  // Requests name built-in scenarios only, so nothing on this machine's disk is read on a
  // client's behalf. Compiled scenarios are cached by (id, overrides).
  std::shared_ptr<const Scenario> compile(const RunSpec& spec) {
    bool known = false;
    for (const auto& b : builtin_scenarios()) known = known || b.id == spec.scenario;
    if (!known) throw NotFound("no built-in scenario '" + spec.scenario + "' (GET /api/scenarios)");
    std::string key = spec.scenario;
    for (const auto& o : spec.overrides) key += '\n' + o;
    std::lock_guard lock(mutex_);
    for (auto it = cache_.begin(); it != cache_.end(); ++it)
      if (it->first == key) {
        cache_.splice(cache_.begin(), cache_, it);
        return cache_.front().second;
      }
    LoadOptions load;
    load.overrides = spec.overrides;
    auto compiled =
        std::make_shared<const Scenario>(load_scenario("builtin:" + spec.scenario, load));
    cache_.emplace_front(key, compiled);
    if (cache_.size() > 16) cache_.pop_back();
    return compiled;
  }

  LibraryBackendOptions options_;
  std::mutex mutex_;
  std::list<std::pair<std::string, std::shared_ptr<const Scenario>>> cache_;
};

}  // namespace

std::shared_ptr<Backend> make_library_backend(const LibraryBackendOptions& options) {
  return std::make_shared<LibraryBackend>(options);
}

// The engine's writers (src/flank/report/report.hpp) define the formats; the server only
// runs what they serialise.
json summary_json(const mc::Summary& summary) {
  return report::summary_json(summary, report::current_run_info(summary));
}

json timeline_json(const Scenario& scenario, std::uint64_t seed, std::uint64_t replication) {
  campaign::Engine engine(scenario);
  campaign::Timeline timeline;
  Outcome outcome;
  engine.run(seed, replication, outcome, &timeline);
  return report::timeline_json(scenario, seed, replication, timeline, outcome);
}

json sweeps_json(const std::string& store_path) {
  store::Store store(store_path, store::Access::Read);
  json studies = json::array();
  for (const auto& s : store.studies())
    studies.push_back(json::parse(analysis::export_json(store, s.id)));
  return {{"format", "flank-sweeps-1"}, {"store", store_path}, {"studies", studies}};
}

}  // namespace flank::server
