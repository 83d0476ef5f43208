#include "flank/analysis/study_export.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "flank/analysis/design.hpp"
#include "flank/analysis/metrics.hpp"
#include "flank/analysis/outcome_codec.hpp"
#include "flank/analysis/sweep.hpp"

namespace flank::analysis {
namespace {

using Json = nlohmann::ordered_json;

std::vector<Outcome> load_outcomes(store::Store& store, std::int64_t study, std::int64_t point) {
  std::vector<Outcome> out;
  for (const auto& c : store.chunks(study, point)) {
    auto part = decode_outcomes(c.outcomes);
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  return out;
}

std::vector<std::string> outputs_of(const store::Study& s) {
  return Json::parse(s.outputs).get<std::vector<std::string>>();
}

const store::MetricRow* find_metric(const store::PointResult& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

Json metric_json(const store::MetricRow& m) {
  return Json{{"value", m.value}, {"lo", m.lo}, {"hi", m.hi}, {"n", m.n}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string num(double v) {
  return std::isfinite(v) ? fmt::format("{}", v) : "";
}

}  // namespace

std::vector<Comparison> compare_variants(store::Store& store, std::int64_t study) {
  const auto s = store.study(study);
  if (!s) return {};
  const auto points = store.points(study);
  const store::Point* base = nullptr;
  for (const auto& p : points)
    if (p.role == "baseline") base = &p;
  if (!base) return {};
  const auto base_result = store.result(study, base->index);
  if (!base_result) return {};
  const auto layout_base = parse_layout(base_result->layout);
  const auto base_outcomes = load_outcomes(store, study, base->index);
  std::vector<Comparison> out;
  for (const auto& p : points) {
    if (p.role != "variant") continue;
    const auto r = store.result(study, p.index);
    if (!r) continue;
    const auto layout = parse_layout(r->layout);
    const auto outcomes = load_outcomes(store, study, p.index);
    for (const auto& name : outputs_of(*s)) {
      const Metric m = parse_metric(name);
      const auto* bv = find_metric(*base_result, name);
      const auto* vv = find_metric(*r, name);
      if (!bv || !vv) continue;
      Comparison c;
      c.metric = name;
      c.scenario = p.scenario;
      c.baseline = bv->value;
      c.baseline_lo = bv->lo;
      c.baseline_hi = bv->hi;
      c.value = vv->value;
      c.value_lo = vv->lo;
      c.value_hi = vv->hi;
      c.difference = c.value - c.baseline;
      c.difference_lo = c.difference_hi = c.difference;
      if (m.kind != Metric::Kind::HoursQuantile && outcomes.size() == base_outcomes.size() &&
          !outcomes.empty()) {
        // Common random numbers pair replication j of both runs.
        const PairedDifference d =
            paired_difference(m, layout, outcomes, layout_base, base_outcomes);
        c.difference_lo = d.lo;
        c.difference_hi = d.hi;
      }
      out.push_back(c);
    }
  }
  return out;
}

std::vector<SensitivityResult> sensitivity(store::Store& store, std::int64_t study, int bootstrap) {
  const auto s = store.study(study);
  if (!s || s->kind != "sweep") return {};
  const Design design = parse_design(s->design_yaml, s->name);
  if (design.kind != DesignKind::Saltelli) return {};
  const auto points = store.points(study);
  const auto k = design.factors.size();
  const auto n = static_cast<std::size_t>(design.base_samples);
  std::vector<SensitivityResult> out;
  for (const auto& name : outputs_of(*s)) {
    SensitivityResult r;
    r.metric = name;
    for (const auto& f : design.factors) r.factors.push_back(f.label);
    std::vector<double> y;
    std::map<std::string, double> tornado_values;
    bool complete = true;
    for (const auto& p : points) {
      const auto res = store.result(study, p.index);
      const auto* m = res ? find_metric(*res, name) : nullptr;
      if (p.role == "saltelli") {
        if (!m) {
          complete = false;
          break;
        }
        y.push_back(m->value);
      } else if (m && p.role.starts_with("tornado")) {
        tornado_values[p.role] = m->value;
      }
    }
    if (!complete || y.size() != n * (k + 2)) continue;
    r.indices = sobol_indices(static_cast<int>(k), static_cast<int>(n), y, bootstrap, s->seed);
    if (tornado_values.count("tornado-base")) {
      std::vector<TornadoBar> bars;
      for (std::size_t i = 0; i < k; ++i) {
        const auto lo = tornado_values.find(fmt::format("tornado-low:{}", i));
        const auto hi = tornado_values.find(fmt::format("tornado-high:{}", i));
        if (lo == tornado_values.end() || hi == tornado_values.end()) continue;
        bars.push_back({design.factors[i].label, design.factors[i].low_setting().second,
                        design.factors[i].high_setting().second, lo->second, hi->second});
      }
      r.has_tornado = true;
      r.tornado = make_tornado(tornado_values["tornado-base"], bars);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string export_json(store::Store& store, std::int64_t study) {
  const auto s = store.study(study);
  if (!s) throw std::runtime_error(fmt::format("no study {} in the store", study));
  const auto outputs = outputs_of(*s);
  Json j;
  j["format"] = "flank-study-1";
  j["study"] = {{"id", s->id},
                {"name", s->name},
                {"kind", s->kind},
                {"scenario", s->scenario},
                {"scenario_hash", s->scenario_hash},
                {"seed", s->seed},
                {"replications", s->replications},
                {"chunk", s->chunk},
                {"outputs", outputs},
                {"status", s->status}};
  j["design"] = s->design_yaml;
  Json points = Json::array();
  for (const auto& p : store.points(study)) {
    Json pj;
    pj["index"] = p.index;
    pj["scenario"] = p.scenario;
    pj["role"] = p.role;
    pj["overrides"] = Json::parse(p.overrides);
    pj["factors"] = Json::parse(p.factors);
    pj["status"] = p.status;
    if (const auto r = store.result(study, p.index)) {
      pj["replications"] = r->replications;
      Json metrics;
      for (const auto& name : outputs)
        if (const auto* m = find_metric(*r, name)) metrics[name] = metric_json(*m);
      pj["metrics"] = metrics;
      pj["summary"] = Json::parse(r->summary);
    }
    points.push_back(pj);
  }
  j["points"] = points;
  if (s->kind == "sweep") {
    Json analysis;
    Json comparisons = Json::array();
    for (const auto& c : compare_variants(store, study))
      comparisons.push_back({{"metric", c.metric},
                             {"scenario", c.scenario},
                             {"baseline", {c.baseline, c.baseline_lo, c.baseline_hi}},
                             {"variant", {c.value, c.value_lo, c.value_hi}},
                             {"difference", {c.difference, c.difference_lo, c.difference_hi}}});
    if (!comparisons.empty()) analysis["comparisons"] = comparisons;
    Json sens = Json::array();
    for (const auto& r : sensitivity(store, study)) {
      Json sj;
      sj["metric"] = r.metric;
      sj["variance"] = r.indices.variance;
      Json factors = Json::array();
      for (std::size_t i = 0; i < r.factors.size(); ++i)
        factors.push_back(
            {{"factor", r.factors[i]},
             {"first", {r.indices.first[i].value, r.indices.first[i].lo, r.indices.first[i].hi}},
             {"total", {r.indices.total[i].value, r.indices.total[i].lo, r.indices.total[i].hi}}});
      sj["indices"] = factors;
      if (r.has_tornado) {
        Json bars = Json::array();
        for (const auto& b : r.tornado.bars)
          bars.push_back({{"factor", b.factor},
                          {"low", b.low_setting},
                          {"high", b.high_setting},
                          {"output_at_low", b.output_at_low},
                          {"output_at_high", b.output_at_high}});
        sj["tornado"] = {{"base", r.tornado.base_output}, {"bars", bars}};
      }
      sens.push_back(sj);
    }
    if (!sens.empty()) analysis["sensitivity"] = sens;
    if (!analysis.empty()) j["analysis"] = analysis;
  }
  if (s->extra != "{}" && !s->extra.empty()) j["results"] = Json::parse(s->extra);
  j["run_info"] = {{"created", s->created}};
  return j.dump(1) + "\n";
}

std::string export_csv(store::Store& store, std::int64_t study) {
  const auto s = store.study(study);
  if (!s) throw std::runtime_error(fmt::format("no study {} in the store", study));
  std::vector<std::string> labels;
  if (s->kind == "sweep") {
    for (const auto& f : parse_design(s->design_yaml, s->name).factors) labels.push_back(f.label);
  }
  std::string out = "study,point,role,scenario";
  for (const auto& l : labels) out += "," + csv_field(l);
  out += ",metric,value,lo,hi,n\n";
  const auto outputs = outputs_of(*s);
  for (const auto& p : store.points(study)) {
    const auto r = store.result(study, p.index);
    if (!r) continue;
    const auto factors = Json::parse(p.factors);
    std::string prefix =
        fmt::format("{},{},{},{}", s->id, p.index, csv_field(p.role), csv_field(p.scenario));
    for (std::size_t i = 0; i < labels.size(); ++i)
      prefix += "," + (i < factors.size() ? num(factors[i].get<double>()) : std::string());
    for (const auto& name : outputs)
      if (const auto* m = find_metric(*r, name))
        out += fmt::format("{},{},{},{},{},{}\n", prefix, csv_field(name), num(m->value),
                           num(m->lo), num(m->hi), m->n);
  }
  return out;
}

}  // namespace flank::analysis
