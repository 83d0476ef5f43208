#include "flank/report/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

namespace flank::report {
namespace {

using nlohmann::json;

const char* const kSideKey[kSides] = {"red", "blue"};
constexpr const char* kHourQuantileKeys[5] = {"q05", "q25", "q50", "q75", "q95"};
constexpr const char* kLossQuantileKeys[3] = {"q05", "q50", "q95"};

json interval(const mc::Interval& i) {
  return {{"p", i.p}, {"lo", i.lo}, {"hi", i.hi}};
}
mc::Interval interval_from(const json& j) {
  return {j.at("p").get<double>(), j.at("lo").get<double>(), j.at("hi").get<double>()};
}
json number_or_null(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}
double number_from(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}
json hour_or_null(double h) {
  return h < 0 ? json(nullptr) : json(h);
}
std::uint64_t parse_hex(const std::string& s) {
  return std::stoull(s, nullptr, 16);
}

// CSV numbers: shortest text that reads back to the same double.
std::string num(double v) {
  if (!std::isfinite(v)) return "";
  return fmt::format("{}", v);
}

std::string pct(double p) {
  return fmt::format("{:5.1f}%", 100 * p);
}
std::string ci(const mc::Interval& i) {
  return fmt::format("{} [{:4.1f}–{:4.1f}]", pct(i.p), 100 * i.lo, 100 * i.hi);
}
std::string hours_days(double h) {
  if (!std::isfinite(h)) return "—";
  return fmt::format("{:.0f} h ({:.1f} d)", h, h / 24);
}

}  // namespace

std::string hex64(std::uint64_t v) {
  return fmt::format("{:016x}", v);
}

RunInfo current_run_info(const mc::Summary& summary) {
  RunInfo info;
  info.threads = summary.threads;
  info.wall_seconds = summary.wall_seconds;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) info.host = host;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  info.date = date;
  return info;
}

namespace {

// The operational outcomes as JSON (summary means or one replication's values).
json operations_json(const Operations& ops) {
  json j, isolated, captured, pockets, engagements;
  for (int side = 0; side < kSides; ++side) {
    isolated[kSideKey[side]] = ops.personnel_isolated[side];
    captured[kSideKey[side]] = ops.personnel_captured[side];
    pockets[kSideKey[side]] = ops.pockets[side];
  }
  for (int k = 0; k < static_cast<int>(EngagementKind::Count); ++k)
    engagements[kEngagementKindNames[k]] = ops.engagements[k];
  return {{"personnel_isolated", isolated},
          {"personnel_captured", captured},
          {"pockets", pockets},
          {"regions_bypassed", ops.regions_bypassed},
          {"engagements", engagements}};
}

Operations operations_from(const json& j) {
  Operations ops;
  for (int side = 0; side < kSides; ++side) {
    ops.personnel_isolated[side] = j.at("personnel_isolated").at(kSideKey[side]);
    ops.personnel_captured[side] = j.at("personnel_captured").at(kSideKey[side]);
    ops.pockets[side] = j.at("pockets").at(kSideKey[side]);
  }
  ops.regions_bypassed = j.at("regions_bypassed");
  for (int k = 0; k < static_cast<int>(EngagementKind::Count); ++k)
    ops.engagements[k] = j.at("engagements").at(kEngagementKindNames[k]);
  return ops;
}

}  // namespace

json summary_json(const mc::Summary& s, const RunInfo& info) {
  json j;
  j["format"] = "flank-summary-1";
  j["scenario"] = {
      {"id", s.scenario_id}, {"name", s.scenario_name}, {"hash", hex64(s.scenario_hash)}};
  j["seed"] = s.seed;
  j["replications"] = s.replications;
  j["first_replication"] = s.first_replication;
  j["combat_model"] = s.combat_model;
  j["step_hours"] = s.step_hours;
  j["horizon_days"] = s.horizon_days;
  json objectives = json::array();
  for (const auto& o : s.objectives) {
    json by_day = json::array();
    for (const auto& i : o.by_day) by_day.push_back(interval(i));
    json hours;
    for (int k = 0; k < 5; ++k) hours[kHourQuantileKeys[k]] = number_or_null(o.hour_quantiles[k]);
    objectives.push_back(
        {{"id", o.id},
         {"name", o.name},
         {"achieved", o.achieved},
         {"ever", interval(o.ever)},
         {"before_reinforcements", interval(o.before_reinforcements)},
         {"held_at_end", interval(o.held_at_end)},
         {"by_day", by_day},
         {"hours", hours},
         {"median_hours_censored", number_or_null(o.median_hours_censored)},
         {"histogram", {{"bin_hours", mc::kHistogramBinHours}, {"counts", o.hour_histogram}}}});
  }
  j["objectives"] = objectives;
  json territory = {{"days", kTerritoryDays}};
  for (int side = 0; side < kSides; ++side) territory[kSideKey[side]] = s.territory_mean[side];
  j["territory"] = territory;
  json personnel, power;
  for (int side = 0; side < kSides; ++side) {
    json p = {{"mean", s.personnel_lost_mean[side]}};
    for (int k = 0; k < 3; ++k) p[kLossQuantileKeys[k]] = s.personnel_lost_quantiles[side][k];
    personnel[kSideKey[side]] = p;
    power[kSideKey[side]] = s.power_lost_fraction_mean[side];
  }
  json by_category = json::array();
  const std::size_t categories = s.category_names.size();
  for (std::size_t i = 0; i < s.losses_by_category_mean.size() && categories > 0; ++i)
    by_category.push_back({{"side", kSideKey[i / categories]},
                           {"category", s.category_names[i % categories]},
                           {"personnel_mean", s.losses_by_category_mean[i]}});
  j["losses"] = {
      {"personnel", personnel}, {"power_lost_fraction", power}, {"by_category", by_category}};
  json rules = json::array();
  for (std::size_t i = 0; i < s.escalation.size(); ++i) {
    json r = interval(s.escalation[i]);
    r["id"] = s.escalation_ids[i];
    r["name"] = s.escalation_names[i];
    rules.push_back(r);
  }
  j["escalation"] = {{"any", interval(s.any_escalation)}, {"rules", rules}};
  j["decision_hour_mean"] = s.decision_hour_mean;
  j["operations_mean"] = operations_json(s.operations_mean);
  j["run_info"] = {
      {"flank_version", info.flank_version},
      {"threads", info.threads},
      {"wall_seconds", info.wall_seconds},
      {"replications_per_second", info.wall_seconds > 0 ? s.replications / info.wall_seconds : 0.0},
      {"host", info.host},
      {"date", info.date}};
  return j;
}

mc::Summary summary_from_json(const json& j) {
  mc::Summary s;
  s.scenario_id = j.at("scenario").at("id");
  s.scenario_name = j.at("scenario").at("name");
  s.scenario_hash = parse_hex(j.at("scenario").at("hash"));
  s.seed = j.at("seed");
  s.replications = j.at("replications");
  s.first_replication = j.at("first_replication");
  s.combat_model = j.at("combat_model");
  s.step_hours = j.at("step_hours");
  s.horizon_days = j.at("horizon_days");
  for (const auto& o : j.at("objectives")) {
    mc::ObjectiveSummary os;
    os.id = o.at("id");
    os.name = o.at("name");
    os.achieved = o.at("achieved");
    os.ever = interval_from(o.at("ever"));
    os.before_reinforcements = interval_from(o.at("before_reinforcements"));
    // Absent from summaries written before flank recorded it.
    if (o.contains("held_at_end")) os.held_at_end = interval_from(o.at("held_at_end"));
    for (const auto& d : o.at("by_day")) os.by_day.push_back(interval_from(d));
    for (int k = 0; k < 5; ++k)
      os.hour_quantiles[k] = number_from(o.at("hours").at(kHourQuantileKeys[k]));
    // Absent from summaries written before flank recorded it.
    os.median_hours_censored = o.contains("median_hours_censored")
                                   ? number_from(o.at("median_hours_censored"))
                                   : std::numeric_limits<double>::quiet_NaN();
    os.hour_histogram = o.at("histogram").at("counts").get<std::vector<std::uint64_t>>();
    s.objectives.push_back(std::move(os));
  }
  for (int side = 0; side < kSides; ++side) {
    const auto t = j.at("territory").at(kSideKey[side]).get<std::vector<double>>();
    for (int k = 0; k < 4 && k < static_cast<int>(t.size()); ++k) s.territory_mean[side][k] = t[k];
    const auto& p = j.at("losses").at("personnel").at(kSideKey[side]);
    s.personnel_lost_mean[side] = p.at("mean");
    for (int k = 0; k < 3; ++k) s.personnel_lost_quantiles[side][k] = p.at(kLossQuantileKeys[k]);
    s.power_lost_fraction_mean[side] = j.at("losses").at("power_lost_fraction").at(kSideKey[side]);
  }
  for (const auto& c : j.at("losses").at("by_category")) {
    s.losses_by_category_mean.push_back(c.at("personnel_mean"));
    const std::string name = c.at("category");
    if (std::find(s.category_names.begin(), s.category_names.end(), name) == s.category_names.end())
      s.category_names.push_back(name);
  }
  for (const auto& r : j.at("escalation").at("rules")) {
    s.escalation_ids.push_back(r.at("id"));
    s.escalation_names.push_back(r.at("name"));
    s.escalation.push_back(interval_from(r));
  }
  s.any_escalation = interval_from(j.at("escalation").at("any"));
  s.decision_hour_mean = j.at("decision_hour_mean");
  // Absent from summaries written before the operational layer.
  if (j.contains("operations_mean")) s.operations_mean = operations_from(j.at("operations_mean"));
  if (j.contains("run_info")) {
    s.threads = j["run_info"].value("threads", 0);
    s.wall_seconds = j["run_info"].value("wall_seconds", 0.0);
  }
  return s;
}

std::string summary_csv(const mc::Summary& s, const RunInfo& info) {
  // `value`, `lo` and `hi` hold numbers only, so spreadsheets and pandas read them as numbers;
  // a text value (the scenario hash, the combat model, the host, the date) sits in `text`.
  std::string out = "metric,item,index,value,lo,hi,text\n";
  auto row = [&](std::string_view metric, std::string_view item, std::string_view index,
                 const std::string& value, const std::string& lo = "", const std::string& hi = "") {
    out += fmt::format("{},{},{},{},{},{},\n", metric, item, index, value, lo, hi);
  };
  auto text_row = [&](std::string_view metric, std::string_view item, std::string_view index,
                      const std::string& text) {
    out += fmt::format("{},{},{},,,,{}\n", metric, item, index, text);
  };
  auto row_i = [&](std::string_view metric, std::string_view item, std::string_view index,
                   const mc::Interval& i) {
    row(metric, item, index, num(i.p), num(i.lo), num(i.hi));
  };
  text_row("scenario", s.scenario_id, "hash", hex64(s.scenario_hash));
  row("run", "seed", "", std::to_string(s.seed));
  row("run", "replications", "", std::to_string(s.replications));
  row("run", "first_replication", "", std::to_string(s.first_replication));
  text_row("run", "combat_model", s.combat_model, s.combat_model);
  row("run", "step_hours", "", num(s.step_hours));
  row("run", "horizon_days", "", num(s.horizon_days));
  for (const auto& o : s.objectives) {
    row_i("objective_ever", o.id, "", o.ever);
    row_i("objective_before_reinforcements", o.id, "", o.before_reinforcements);
    row_i("objective_held_at_end", o.id, "", o.held_at_end);
    for (std::size_t d = 0; d < o.by_day.size(); ++d)
      row_i("objective_by_day", o.id, std::to_string(d), o.by_day[d]);
    constexpr int kQ[] = {5, 25, 50, 75, 95};
    for (int k = 0; k < 5; ++k)
      row("objective_hours_q", o.id, std::to_string(kQ[k]), num(o.hour_quantiles[k]));
    row("objective_median_hours_censored", o.id, "", num(o.median_hours_censored));
    for (std::size_t b = 0; b < o.hour_histogram.size(); ++b)
      row("objective_histogram", o.id, num(b * mc::kHistogramBinHours),
          std::to_string(o.hour_histogram[b]));
  }
  for (int side = 0; side < kSides; ++side) {
    for (int k = 0; k < 4; ++k)
      row("territory", kSideKey[side], std::to_string(kTerritoryDays[k]),
          num(s.territory_mean[side][k]));
    row("personnel_lost_mean", kSideKey[side], "", num(s.personnel_lost_mean[side]));
    constexpr int kQ[] = {5, 50, 95};
    for (int k = 0; k < 3; ++k)
      row("personnel_lost_q", kSideKey[side], std::to_string(kQ[k]),
          num(s.personnel_lost_quantiles[side][k]));
    row("power_lost_fraction_mean", kSideKey[side], "", num(s.power_lost_fraction_mean[side]));
  }
  const std::size_t categories = s.category_names.size();
  for (std::size_t i = 0; i < s.losses_by_category_mean.size() && categories > 0; ++i)
    row("losses_by_category_mean", kSideKey[i / categories], s.category_names[i % categories],
        num(s.losses_by_category_mean[i]));
  for (std::size_t i = 0; i < s.escalation.size(); ++i)
    row_i("escalation", s.escalation_ids[i], "", s.escalation[i]);
  row_i("escalation_any", "", "", s.any_escalation);
  row("decision_hour_mean", "", "", num(s.decision_hour_mean));
  const Operations& ops = s.operations_mean;
  for (int side = 0; side < kSides; ++side) {
    row("personnel_isolated_mean", kSideKey[side], "", num(ops.personnel_isolated[side]));
    row("personnel_captured_mean", kSideKey[side], "", num(ops.personnel_captured[side]));
    row("pockets_mean", kSideKey[side], "", num(ops.pockets[side]));
  }
  row("regions_bypassed_mean", "", "", num(ops.regions_bypassed));
  for (int k = 0; k < static_cast<int>(EngagementKind::Count); ++k)
    row("engagements_mean", kEngagementKindNames[k], "", num(ops.engagements[k]));
  text_row("run_info", "flank_version", "", info.flank_version);
  row("run_info", "threads", "", std::to_string(info.threads));
  row("run_info", "wall_seconds", "", num(info.wall_seconds));
  row("run_info", "replications_per_second", "",
      num(info.wall_seconds > 0 ? s.replications / info.wall_seconds : 0.0));
  text_row("run_info", "host", "", info.host);
  text_row("run_info", "date", "", info.date);
  return out;
}

TableLabels table_labels(const Scenario& scenario, std::vector<std::string> overrides) {
  TableLabels labels;
  for (int side = 0; side < kSides && side < static_cast<int>(scenario.sides.size()); ++side)
    if (!scenario.sides[side].name.empty()) labels.sides[side] = scenario.sides[side].name;
  labels.overrides = std::move(overrides);
  return labels;
}

void record_overrides(json& summary, const std::vector<std::string>& overrides) {
  summary["overrides"] = overrides;
}

std::string overrides_csv(const std::vector<std::string>& overrides) {
  std::string out;
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    std::string text = overrides[i];
    // CSV quoting: a value may hold commas or quotes (a list, a name).
    if (text.find_first_of(",\"\n") != std::string::npos) {
      std::string q = "\"";
      for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      text = q + "\"";
    }
    out += fmt::format("override,,{},,,,{}\n", i, text);
  }
  return out;
}

namespace {

// The days shown as rows and columns: 3, 7, 14 and 30 where they fall within the horizon,
// then the horizon itself, so a 10-day scenario shows days 3, 7 and 10, never a day 14 or 30
// it did not simulate.
std::vector<int> table_days(double horizon_days) {
  const int horizon = static_cast<int>(std::floor(horizon_days + 1e-9));
  std::vector<int> days;
  for (int d : kTerritoryDays)
    if (d < horizon) days.push_back(d);
  if (horizon >= 1) days.push_back(horizon);
  return days;
}

}  // namespace

std::string summary_table(const mc::Summary& s, const TableLabels& labels) {
  const std::string& blue = labels.sides[1];
  std::string out;
  out += fmt::format("flank run — {} ({})\n", s.scenario_name, s.scenario_id);
  out +=
      fmt::format("scenario hash {}  seed {}  replications {}  combat model {}  horizon {} d\n",
                  hex64(s.scenario_hash), s.seed, s.replications, s.combat_model, s.horizon_days);
  if (!labels.overrides.empty()) {
    std::string list;
    for (const auto& o : labels.overrides) list += (list.empty() ? "" : ", ") + o;
    out += fmt::format("overrides (--set): {}\n", list);
  }
  out += fmt::format("sides: red = {}, blue = {}\n\n", labels.sides[0], labels.sides[1]);
  const std::vector<int> days = table_days(s.horizon_days);
  out += "Objectives (probability achieved by day, 95 % Wilson interval)\n";
  for (const auto& o : s.objectives) {
    out += fmt::format("  {}\n", o.name.empty() ? o.id : o.name);
    for (int d : days)
      if (d < static_cast<int>(o.by_day.size()))
        out += fmt::format("    by day {:>2}: {}\n", d, ci(o.by_day[d]));
    out += fmt::format("    within horizon: {}   before {} reinforcements: {}\n", ci(o.ever), blue,
                       ci(o.before_reinforcements));
    out += fmt::format("    still held at the end: {}\n", ci(o.held_at_end));
    // Two medians that answer different questions, both named: among the runs where it fell,
    // and over all runs with "never" counted as the horizon (what sweeps call median_hours).
    if (o.achieved > 0)
      out += fmt::format("    time when achieved ({} of {} runs): median {}, 5–95 %: {} – {}\n",
                         o.achieved, s.replications, hours_days(o.hour_quantiles[2]),
                         hours_days(o.hour_quantiles[0]), hours_days(o.hour_quantiles[4]));
    else
      out += fmt::format("    time when achieved: never, in {} runs\n", s.replications);
    if (std::isfinite(o.median_hours_censored))
      out += fmt::format(
          "    median over all runs, never = horizon (sweeps' median_hours): {}{}\n",
          hours_days(o.median_hours_censored),
          2 * o.achieved < s.replications ? ", the horizon: it fell in fewer than half" : "");
  }
  // Territory is recorded at days 3, 7, 14 and 30; one past the horizon holds the state at the
  // end, so it is shown once, as the horizon's column.
  out += "\nTerritory (share of objective value held, mean)\n";
  out += "  day      ";
  std::vector<int> columns;
  for (int k = 0; k < 4; ++k) {
    const int d = kTerritoryDays[k];
    const bool last = k == 3 || kTerritoryDays[k] >= s.horizon_days - 1e-9;
    columns.push_back(k);
    out += fmt::format("{:>8}", last ? static_cast<int>(std::min<double>(d, s.horizon_days)) : d);
    if (last) break;
  }
  out += "\n";
  for (int side = 0; side < kSides; ++side) {
    out += fmt::format("  {:<9}", kSideKey[side]);
    for (int k : columns) out += fmt::format("{:>8}", pct(s.territory_mean[side][k]));
    out += "\n";
  }
  out += "\nLosses (personnel; mean, 5 / 50 / 95 %; share of combat power lost)\n";
  for (int side = 0; side < kSides; ++side)
    out += fmt::format("  {:<5} {:>9.0f}   {:>8.0f} / {:>8.0f} / {:>8.0f}   {}\n", kSideKey[side],
                       s.personnel_lost_mean[side], s.personnel_lost_quantiles[side][0],
                       s.personnel_lost_quantiles[side][1], s.personnel_lost_quantiles[side][2],
                       pct(s.power_lost_fraction_mean[side]));
  const std::size_t categories = s.category_names.size();
  for (std::size_t i = 0; i < s.losses_by_category_mean.size() && categories > 0; ++i)
    if (s.losses_by_category_mean[i] >= 0.5)
      out += fmt::format("    {:<5} {:<17} {:>9.0f}\n", kSideKey[i / categories],
                         s.category_names[i % categories], s.losses_by_category_mean[i]);
  out += "\nEscalation (flag raised within the horizon)\n";
  for (std::size_t i = 0; i < s.escalation.size(); ++i)
    out += fmt::format("  {:<48} {}\n",
                       s.escalation_names[i].empty() ? s.escalation_ids[i] : s.escalation_names[i],
                       ci(s.escalation[i]));
  out += fmt::format("  {:<48} {}\n", "any", ci(s.any_escalation));
  const Operations& ops = s.operations_mean;
  out += "\nManoeuvre (mean per campaign): personnel cut off from supply / captured, pockets\n";
  for (int side = 0; side < kSides; ++side)
    out +=
        fmt::format("  {:<5} {:>9.0f} / {:>8.0f}   {:>5.1f}\n", kSideKey[side],
                    ops.personnel_isolated[side], ops.personnel_captured[side], ops.pockets[side]);
  out += fmt::format(
      "  defended regions taken by assault {:.1f}, by overrun {:.1f}, after a siege {:.1f}; "
      "bypassed {:.1f}\n",
      ops.engagements[0], ops.engagements[1], ops.engagements[2], ops.regions_bypassed);
  out += fmt::format("\n{} political decision: mean {}\n", blue, hours_days(s.decision_hour_mean));
  return out;
}

json outcome_json(const Scenario& sc, const Outcome& o) {
  json objectives = json::array();
  for (std::size_t i = 0; i < sc.objectives.size() && i < o.objective_hour.size(); ++i)
    objectives.push_back({{"id", sc.objectives[i].id},
                          {"hour", hour_or_null(o.objective_hour[i])},
                          {"before_reinforcements", o.before_reinforcements[i] != 0},
                          {"held_at_end", i < o.held_at_end.size() && o.held_at_end[i] != 0}});
  json territory = {{"days", kTerritoryDays}};
  json personnel, power;
  for (int side = 0; side < kSides; ++side) {
    territory[kSideKey[side]] = o.territory[side];
    personnel[kSideKey[side]] = o.personnel_lost[side];
    power[kSideKey[side]] = o.power_lost_fraction[side];
  }
  json escalation = json::array();
  for (std::size_t i = 0; i < sc.escalation.size() && i < o.escalation.size(); ++i)
    escalation.push_back({{"id", sc.escalation[i].id},
                          {"raised", o.escalation[i] != 0},
                          {"hour", hour_or_null(o.escalation_hour[i])}});
  return {{"replication", o.replication},
          {"objectives", objectives},
          {"decision_hour", o.decision_hour},
          {"reinforcements_hour", hour_or_null(o.reinforcements_hour)},
          {"territory", territory},
          {"personnel_lost", personnel},
          {"power_lost_fraction", power},
          {"escalation", escalation},
          {"operations", operations_json(o.operations)}};
}

json timeline_json(const Scenario& sc, std::uint64_t seed, std::uint64_t replication,
                   const campaign::Timeline& tl, const Outcome& outcome) {
  json j;
  j["format"] = "flank-timeline-1";
  j["scenario"] = {
      {"id", sc.id}, {"name", sc.name}, {"start", sc.start_date}, {"hash", hex64(sc.hash)}};
  j["seed"] = seed;
  j["replication"] = replication;
  j["step_hours"] = sc.params.step_hours;
  j["sides"] = json::array();
  for (const auto& side : sc.sides) j["sides"].push_back({{"id", side.id}, {"name", side.name}});
  json regions = json::array();
  for (const auto& r : sc.regions)
    regions.push_back({{"id", r.id},
                       {"name", r.name},
                       {"lat", r.lat},
                       {"lon", r.lon},
                       {"country", r.country},
                       {"terrain", to_string(r.terrain)},
                       {"urban", r.urban},
                       {"value", r.objective_value}});
  j["regions"] = regions;
  json links = json::array();
  for (const auto& l : sc.links)
    links.push_back({{"a", l.a},
                     {"b", l.b},
                     {"road", to_string(l.road)},
                     {"rail", l.rail},
                     {"river", l.river},
                     {"length_km", l.length_km}});
  j["links"] = links;
  json units = json::array();
  for (std::size_t u = 0; u < sc.units.size(); ++u) {
    const Unit& unit = sc.units[u];
    units.push_back(
        {{"id", unit.id},
         {"name", unit.name},
         {"side", unit.side},
         {"nation", unit.nation < sc.nations.size() ? sc.nations[unit.nation].id : ""},
         {"type", sc.unit_types[unit.type].id},
         {"category", to_string(sc.unit_types[unit.type].category)},
         {"personnel", u < tl.personnel.size() ? tl.personnel[u] : unit.personnel.mean()}});
  }
  j["units"] = units;
  json objectives = json::array();
  for (const auto& o : sc.objectives) {
    json regs = json::array();
    for (RegionId r : o.regions) regs.push_back(r);
    for (RegionId r : o.to) regs.push_back(r);
    json item = {{"id", o.id},
                 {"name", o.name},
                 {"kind", o.kind == Objective::Kind::Capture ? "capture" : "connect"},
                 {"side", o.side},
                 {"regions", regs}};
    if (o.kind == Objective::Kind::Connect) {
      item["from"] = o.from;
      item["to"] = o.to;
    }
    objectives.push_back(item);
  }
  j["objectives"] = objectives;
  json frames = json::array();
  for (const auto& f : tl.frames) {
    json us = json::array(), cut_off = json::array();
    for (std::size_t i = 0; i < f.units.size(); ++i) {
      const auto& u = f.units[i];
      us.push_back({u.region, std::round(u.strength * 1e4) / 1e4, u.status, u.toward,
                    std::round(u.progress * 1e3) / 1e3});
      if (u.cut_off) cut_off.push_back(i);
    }
    json engagements = json::array();
    for (const auto& e : f.engagements)
      engagements.push_back({{"region", e.region},
                             {"attackers", e.attackers},
                             {"defenders", e.defenders},
                             {"ratio", e.ratio},
                             {"att_loss", e.att_loss},
                             {"def_loss", e.def_loss},
                             {"defence", to_string(e.defence)},
                             {"kind", kEngagementKindNames[static_cast<int>(e.kind)]}});
    frames.push_back({{"hour", f.hour},
                      {"control", f.control},
                      {"units", us},
                      {"engagements", engagements},
                      {"cut_off", cut_off}});
  }
  j["frames"] = frames;
  json events = json::array();
  for (const auto& e : tl.events)
    events.push_back({{"hour", e.hour},
                      {"kind", e.kind},
                      {"text", e.text},
                      {"region", e.region == kNone ? json(nullptr) : json(e.region)},
                      {"side", e.side < 0 ? json(nullptr) : json(e.side)},
                      {"unit", e.unit == kNone ? json(nullptr) : json(e.unit)}});
  j["events"] = events;
  j["outcome"] = outcome_json(sc, outcome);
  return j;
}

}  // namespace flank::report
