#include "flank/analysis/sweep.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "flank/analysis/outcome_codec.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/core/error.hpp"

namespace flank::analysis {
namespace {

using Json = nlohmann::ordered_json;

Json interval(const MetricValue& v) {
  return Json{{"p", v.value}, {"lo", v.lo}, {"hi", v.hi}};
}

Json number_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

std::string hex(std::uint64_t h) {
  return fmt::format("{:016x}", h);
}

}  // namespace

std::string layout_json(const PointInfo& info) {
  Json j;
  j["scenario_id"] = info.scenario_id;
  j["scenario_hash"] = hex(info.scenario_hash);
  j["objectives"] = info.layout.objectives;
  j["escalation"] = info.layout.escalation;
  j["horizon_hours"] = info.layout.horizon_hours;
  return j.dump();
}

OutcomeLayout parse_layout(const std::string& text) {
  const auto j = Json::parse(text);
  OutcomeLayout l;
  l.objectives = j.at("objectives").get<std::vector<std::string>>();
  l.escalation = j.at("escalation").get<std::vector<std::string>>();
  l.horizon_hours = j.at("horizon_hours").get<double>();
  return l;
}

std::string point_summary_json(const PointInfo& info, std::span<const Outcome> outcomes) {
  const auto& l = info.layout;
  Json j;
  j["format"] = "flank-point-summary-1";
  j["scenario"] = {{"id", info.scenario_id}, {"hash", hex(info.scenario_hash)}};
  j["replications"] = outcomes.size();
  Json objectives = Json::array();
  for (const auto& id : l.objectives) {
    Json o;
    o["id"] = id;
    o["ever"] = interval(evaluate(parse_metric("p:" + id), l, outcomes));
    o["before_reinforcements"] =
        interval(evaluate(parse_metric("p:" + id + ":before_reinforcements"), l, outcomes));
    o["held_at_end"] = interval(evaluate(parse_metric("p:" + id + ":end"), l, outcomes));
    Json by_day;
    for (int d : kTerritoryDays)
      by_day[std::to_string(d)] =
          interval(evaluate(parse_metric(fmt::format("p:{}:day{}", id, d)), l, outcomes));
    o["by_day"] = by_day;
    Json hours;
    for (int q : {5, 25, 50, 75, 95})
      hours[fmt::format("q{:02}", q)] = number_or_null(
          evaluate(parse_metric(fmt::format("q{}_hours:{}", q, id)), l, outcomes).value);
    o["hours_censored_at_horizon"] = hours;
    objectives.push_back(o);
  }
  j["objectives"] = objectives;
  Json territory;
  territory["days"] = kTerritoryDays;
  for (int side = 0; side < kSides; ++side) {
    const char* name = side == 0 ? "red" : "blue";
    Json values = Json::array();
    for (int d : kTerritoryDays)
      values.push_back(
          evaluate(parse_metric(fmt::format("territory:{}:day{}", name, d)), l, outcomes).value);
    territory[name] = values;
  }
  j["territory"] = territory;
  j["personnel_lost_mean"] = {{"red", evaluate(parse_metric("lost:red"), l, outcomes).value},
                              {"blue", evaluate(parse_metric("lost:blue"), l, outcomes).value}};
  Json esc;
  esc["any"] = interval(evaluate(parse_metric("escalation:any"), l, outcomes));
  Json rules = Json::array();
  for (const auto& id : l.escalation) {
    Json r = interval(evaluate(parse_metric("escalation:" + id), l, outcomes));
    r["id"] = id;
    rules.push_back(r);
  }
  esc["rules"] = rules;
  j["escalation"] = esc;
  double decision = 0;
  for (const auto& o : outcomes) decision += o.decision_hour;
  j["decision_hour_mean"] =
      outcomes.empty() ? 0.0 : decision / static_cast<double>(outcomes.size());
  return j.dump();
}

std::string PointModel::summary_json(const DesignPoint& point, std::uint64_t,
                                     std::span<const Outcome> outcomes) {
  return point_summary_json(info(point), outcomes);
}

Sweep::Sweep(const Design& design, store::Store& store, PointModel& model,
             const SweepOptions& options)
    : design_(design), store_(store), model_(model), options_(options), points_(expand(design)) {
  std::vector<store::Point> rows;
  for (const auto& p : points_) {
    Json overrides = p.overrides;
    Json factors = p.factors;
    rows.push_back({static_cast<std::int64_t>(p.index), p.scenario, p.role, overrides.dump(),
                    factors.dump(), "pending"});
  }
  // Outputs must name ids the scenario has; better said now than after the runs.
  {
    PointInfo info;
    try {
      info = model.info(points_.front());
    } catch (const InputError& e) {
      // Say which design produced the scenario the loader rejected.
      auto diagnostics = e.diagnostics();
      std::string overrides;
      for (const auto& o : points_.front().overrides) overrides += " --set " + o;
      diagnostics.push_back({{design.file, 0, 0},
                             "",
                             "in the first design point: scenario '" +
                                 (points_.front().scenario.empty() ? std::string("(built-in)")
                                                                   : points_.front().scenario) +
                                 "'" + overrides});
      throw InputError(diagnostics);
    }
    Outcome probe;
    probe.objective_hour.assign(info.layout.objectives.size(), kNever);
    probe.before_reinforcements.assign(info.layout.objectives.size(), 0);
    probe.held_at_end.assign(info.layout.objectives.size(), 0);
    probe.escalation.assign(info.layout.escalation.size(), 0);
    DiagnosticSink sink;
    for (std::size_t i = 0; i < design.outputs.size(); ++i) {
      try {
        per_replication(design.outputs[i], info.layout, probe);
      } catch (const std::invalid_argument& e) {
        sink.add(i < design.output_where.size() ? design.output_where[i]
                                                : SourceLocation{design.file, 0, 0},
                 fmt::format("outputs[{}]", i), e.what());
      }
    }
    sink.throw_if_any();
    // The study records the base scenario's hash, without any point's overrides.
    DesignPoint base;
    base.scenario = design.scenario;
    scenario_hash_ =
        points_.front().overrides.empty() ? info.scenario_hash : model.info(base).scenario_hash;
  }
  if (options.resume) {
    if (auto s = store.find_study("sweep", design.text, options.seed, options.replications)) {
      const auto stored = store.points(s->id);
      bool same = stored.size() == rows.size() && s->chunk == options.chunk;
      for (std::size_t i = 0; same && i < rows.size(); ++i)
        same = stored[i].scenario == rows[i].scenario && stored[i].overrides == rows[i].overrides;
      if (!same)
        throw InputError(Diagnostic{{design.file, 0, 0},
                                    "",
                                    fmt::format("study {} in the store has different points or "
                                                "chunk size; cannot resume it",
                                                s->id)});
      study_ = s->id;
      resumed_ = true;
      return;
    }
  }
  store::Study s;
  s.name = design.name;
  s.kind = "sweep";
  s.design_yaml = design.text;
  s.scenario = design.scenario;
  s.scenario_hash = hex(scenario_hash_);
  s.seed = options.seed;
  s.replications = options.replications;
  s.chunk = options.chunk;
  Json outputs = Json::array();
  for (const auto& m : design.outputs) outputs.push_back(m.name);
  s.outputs = outputs.dump();
  study_ = store.create_study(s, rows);
}

std::vector<WorkUnit> Sweep::pending() {
  std::vector<WorkUnit> units;
  for (const auto& p : points_) {
    const auto done = store_.chunk_firsts(study_, static_cast<std::int64_t>(p.index));
    std::size_t d = 0;
    for (std::uint64_t first = 0; first < options_.replications; first += options_.chunk) {
      while (d < done.size() && done[d] < first) ++d;
      if (d < done.size() && done[d] == first) continue;
      units.push_back({p.index, first, std::min(options_.chunk, options_.replications - first)});
    }
  }
  return units;
}

std::vector<std::uint8_t> compute_unit(PointModel& model, const DesignPoint& point,
                                       std::uint64_t seed, const WorkUnit& unit) {
  const auto outcomes = model.run(point, seed, unit.first, unit.count);
  if (outcomes.size() != unit.count)
    throw std::runtime_error(fmt::format("point {}: expected {} outcomes, got {}", point.index,
                                         unit.count, outcomes.size()));
  return encode_outcomes(outcomes);
}

std::vector<std::uint8_t> Sweep::compute(const WorkUnit& unit) {
  return compute_unit(model_, points_.at(unit.point), options_.seed, unit);
}

void Sweep::store(const WorkUnit& unit, const std::vector<std::uint8_t>& encoded) {
  store_.put_chunk(study_, static_cast<std::int64_t>(unit.point),
                   {unit.first, unit.count, encoded});
}

void Sweep::finish() {
  const auto rows = store_.points(study_);
  bool all_done = true;
  for (const auto& row : rows) {
    if (row.status == "done") continue;
    const auto chunks = store_.chunks(study_, row.index);
    std::uint64_t n = 0;
    for (const auto& c : chunks) n += c.count;
    if (n != options_.replications) {
      all_done = false;
      continue;
    }
    std::vector<Outcome> outcomes;
    outcomes.reserve(n);
    for (const auto& c : chunks) {
      auto part = decode_outcomes(c.outcomes);
      outcomes.insert(outcomes.end(), std::make_move_iterator(part.begin()),
                      std::make_move_iterator(part.end()));
    }
    const auto& point = points_.at(static_cast<std::size_t>(row.index));
    const PointInfo info = model_.info(point);
    store::PointResult r;
    r.replications = n;
    r.layout = layout_json(info);
    r.summary = model_.summary_json(point, options_.seed, outcomes);
    for (const auto& m : design_.outputs) {
      const auto v = evaluate(m, info.layout, outcomes);
      r.metrics.push_back({m.name, v.value, v.lo, v.hi, v.n});
    }
    store_.put_result(study_, row.index, r);
    store_replications(store_, study_, row.index, info.layout, outcomes);
  }
  if (all_done) store_.set_study_status(study_, "done");
}

void Sweep::run(const std::function<void(std::size_t, std::size_t)>& progress) {
  const auto units = pending();
  for (std::size_t i = 0; i < units.size(); ++i) {
    store(units[i], compute(units[i]));
    if (progress) progress(i + 1, units.size());
  }
  finish();
}

}  // namespace flank::analysis
