#include "flank/server/backend.hpp"

#include <cmath>
#include <cstdio>
#include <list>
#include <mutex>

#include "flank/analysis/study_export.hpp"
#include "flank/campaign/engine.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/server/scenario_info.hpp"
#include "flank/store/store.hpp"

namespace flank::server {
namespace {

using nlohmann::json;

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

json interval(const mc::Interval& i) {
  return {{"p", i.p}, {"lo", i.lo}, {"hi", i.hi}};
}
json number_or_null(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}
json hour_or_null(double h) {
  return h < 0 ? json(nullptr) : json(h);
}

const char* side_key(int side) {
  return side == kRed ? "red" : "blue";
}

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

  json run(const RunSpec& spec, const Progress& progress) override {
    auto compiled = compile(spec);
    mc::RunConfig config;
    config.seed = spec.seed;
    config.replications = spec.replications;
    config.threads = options_.threads;
    config.progress = progress;
    return summary_json(mc::run(*compiled, config));
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

// docs/formats.md §1.
json summary_json(const mc::Summary& s) {
  json objectives = json::array();
  for (const auto& o : s.objectives) {
    json by_day = json::array();
    for (const auto& d : o.by_day) by_day.push_back(interval(d));
    static constexpr const char* kQ[] = {"q05", "q25", "q50", "q75", "q95"};
    json hours = json::object();
    for (int i = 0; i < 5; ++i) hours[kQ[i]] = number_or_null(o.hour_quantiles[i]);
    objectives.push_back(
        {{"id", o.id},
         {"name", o.name},
         {"ever", interval(o.ever)},
         {"before_reinforcements", interval(o.before_reinforcements)},
         {"by_day", by_day},
         {"hours", hours},
         {"histogram", {{"bin_hours", mc::kHistogramBinHours}, {"counts", o.hour_histogram}}}});
  }
  json territory{{"days", json::array()}};
  for (int d : kTerritoryDays) territory["days"].push_back(d);
  json personnel = json::object();
  json power = json::object();
  for (int side = 0; side < kSides; ++side) {
    territory[side_key(side)] = s.territory_mean[side];
    personnel[side_key(side)] = {{"mean", s.personnel_lost_mean[side]},
                                 {"q05", s.personnel_lost_quantiles[side][0]},
                                 {"q50", s.personnel_lost_quantiles[side][1]},
                                 {"q95", s.personnel_lost_quantiles[side][2]}};
    power[side_key(side)] = s.power_lost_fraction_mean[side];
  }
  json by_category = json::array();
  const std::size_t categories = s.category_names.size();
  for (std::size_t i = 0; categories && i < s.losses_by_category_mean.size(); ++i)
    by_category.push_back({{"side", side_key(static_cast<int>(i / categories))},
                           {"category", s.category_names[i % categories]},
                           {"personnel_mean", s.losses_by_category_mean[i]}});
  json rules = json::array();
  for (std::size_t i = 0; i < s.escalation.size(); ++i) {
    json r = interval(s.escalation[i]);
    r["id"] = i < s.escalation_ids.size() ? s.escalation_ids[i] : std::to_string(i);
    r["name"] = i < s.escalation_names.size() ? json(s.escalation_names[i]) : r["id"];
    rules.push_back(r);
  }
  return {
      {"format", "flank-summary-1"},
      {"scenario",
       {{"id", s.scenario_id}, {"name", s.scenario_name}, {"hash", hex16(s.scenario_hash)}}},
      {"seed", s.seed},
      {"replications", s.replications},
      {"first_replication", s.first_replication},
      {"combat_model", s.combat_model},
      {"step_hours", s.step_hours},
      {"horizon_days", s.horizon_days},
      {"objectives", objectives},
      {"territory", territory},
      {"losses",
       {{"personnel", personnel}, {"power_lost_fraction", power}, {"by_category", by_category}}},
      {"escalation", {{"any", interval(s.any_escalation)}, {"rules", rules}}},
      {"decision_hour_mean", s.decision_hour_mean},
      {"run_info", {{"threads", s.threads}, {"wall_seconds", s.wall_seconds}}}};
}

// docs/formats.md §3.
json timeline_json(const Scenario& scenario, std::uint64_t seed, std::uint64_t replication) {
  campaign::Engine engine(scenario);
  campaign::Timeline timeline;
  Outcome outcome;
  engine.run(seed, replication, outcome, &timeline);

  json regions = json::array();
  for (const auto& r : scenario.regions)
    regions.push_back({{"id", r.id},
                       {"name", r.name},
                       {"lat", r.lat},
                       {"lon", r.lon},
                       {"country", r.country},
                       {"terrain", to_string(r.terrain)},
                       {"urban", r.urban},
                       {"value", r.objective_value}});
  json links = json::array();
  for (const auto& l : scenario.links)
    links.push_back({{"a", l.a},
                     {"b", l.b},
                     {"road", to_string(l.road)},
                     {"rail", l.rail},
                     {"river", l.river},
                     {"length_km", l.length_km}});
  json units = json::array();
  for (std::size_t i = 0; i < scenario.units.size(); ++i) {
    const auto& u = scenario.units[i];
    const auto& type = scenario.unit_types[u.type];
    units.push_back(
        {{"id", u.id},
         {"name", u.name},
         {"side", u.side},
         {"nation", u.nation < scenario.nations.size() ? scenario.nations[u.nation].id : ""},
         {"type", type.id},
         {"category", to_string(type.category)},
         {"personnel",
          i < timeline.personnel.size() ? timeline.personnel[i] : u.personnel.mean()}});
  }
  json objectives = json::array();
  for (const auto& o : scenario.objectives) {
    json regions_of = json::array();
    for (auto r : o.regions) regions_of.push_back(r);
    for (auto r : o.to) regions_of.push_back(r);
    objectives.push_back({{"id", o.id},
                          {"name", o.name},
                          {"kind", o.kind == Objective::Kind::Capture ? "capture" : "connect"},
                          {"side", o.side},
                          {"regions", regions_of}});
  }
  json frames = json::array();
  for (const auto& f : timeline.frames) {
    json us = json::array();
    for (const auto& u : f.units)
      us.push_back({u.region, u.strength, u.status, u.toward, u.progress});
    json es = json::array();
    for (const auto& e : f.engagements)
      es.push_back({{"region", e.region},
                    {"attackers", e.attackers},
                    {"defenders", e.defenders},
                    {"ratio", e.ratio},
                    {"att_loss", e.att_loss},
                    {"def_loss", e.def_loss}});
    frames.push_back(
        {{"hour", f.hour}, {"control", f.control}, {"units", us}, {"engagements", es}});
  }
  json events = json::array();
  for (const auto& e : timeline.events)
    events.push_back({{"hour", e.hour}, {"kind", e.kind}, {"text", e.text}});
  json outcome_objectives = json::array();
  for (std::size_t i = 0; i < scenario.objectives.size() && i < outcome.objective_hour.size(); ++i)
    outcome_objectives.push_back(
        {{"id", scenario.objectives[i].id},
         {"hour", hour_or_null(outcome.objective_hour[i])},
         {"before_reinforcements",
          i < outcome.before_reinforcements.size() && outcome.before_reinforcements[i]}});
  json sides = json::array();
  for (const auto& s : scenario.sides) sides.push_back({{"id", s.id}, {"name", s.name}});
  return {{"format", "flank-timeline-1"},
          {"scenario",
           {{"id", scenario.id},
            {"name", scenario.name},
            {"start", scenario.start_date},
            {"hash", hex16(scenario.hash)}}},
          {"seed", seed},
          {"replication", replication},
          {"step_hours", scenario.params.step_hours},
          {"sides", sides},
          {"regions", regions},
          {"links", links},
          {"units", units},
          {"objectives", objectives},
          {"frames", frames},
          {"events", events},
          {"outcome",
           {{"objectives", outcome_objectives},
            {"decision_hour", outcome.decision_hour},
            {"reinforcements_hour", hour_or_null(outcome.reinforcements_hour)},
            {"personnel_lost",
             {{"red", outcome.personnel_lost[kRed]}, {"blue", outcome.personnel_lost[kBlue]}}}}}};
}

json sweeps_json(const std::string& store_path) {
  store::Store store(store_path);
  json studies = json::array();
  for (const auto& s : store.studies())
    studies.push_back(json::parse(analysis::export_json(store, s.id)));
  return {{"format", "flank-sweeps-1"}, {"store", store_path}, {"studies", studies}};
}

}  // namespace flank::server
