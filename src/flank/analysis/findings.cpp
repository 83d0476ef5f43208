#include "flank/analysis/findings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "flank/analysis/design.hpp"
#include "flank/analysis/metrics.hpp"
#include "flank/analysis/study_export.hpp"
#include "flank/core/error.hpp"
#include "flank/scenario/loader.hpp"

namespace flank::analysis {
namespace {

using Json = nlohmann::json;

std::string scenario_label(const std::string& ref) {
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> m;
    for (const auto& b : builtin_scenarios()) m["builtin:" + b.id] = b.name;
    return m;
  }();
  if (ref.empty()) return "built-in scenario";
  const auto it = names.find(ref);
  return it == names.end() ? ref : it->second;
}

std::string short_label(const std::string& ref) {
  return ref.starts_with("builtin:") ? ref.substr(8) : ref.empty() ? "eastern-flank-2023" : ref;
}

std::string describe(const std::string& name) {
  const Metric m = parse_metric(name);
  switch (m.kind) {
    case Metric::Kind::ObjectiveBy:
      return std::isfinite(m.hours)
                 ? fmt::format("P({} by day {})", m.item, static_cast<int>(m.hours / 24))
                 : fmt::format("P({} within the horizon)", m.item);
    case Metric::Kind::BeforeReinforcements:
      return fmt::format("P({} before Blue's main reinforcements)", m.item);
    case Metric::Kind::HeldAtEnd:
      return fmt::format("P({} still held at the end of the horizon)", m.item);
    case Metric::Kind::HoursQuantile:
      return fmt::format("{} % quantile of hours to {} (never = horizon)",
                         static_cast<int>(std::lround(m.q * 100)), m.item);
    case Metric::Kind::Territory:
      return fmt::format("{} share of territory, day {}", m.side == 0 ? "Red" : "Blue",
                         kTerritoryDays[m.day_index]);
    case Metric::Kind::PersonnelLost:
      return fmt::format("{} personnel lost (mean)", m.side == 0 ? "Red" : "Blue");
    case Metric::Kind::Captured:
      return fmt::format("{} personnel captured (mean)", m.side == 0 ? "Red" : "Blue");
    case Metric::Kind::Isolated:
      return fmt::format("{} personnel cut off from supply (mean)", m.side == 0 ? "Red" : "Blue");
    case Metric::Kind::Pockets:
      return fmt::format("{} pockets formed (mean)", m.side == 0 ? "Red" : "Blue");
    case Metric::Kind::EscalationAny:
      return "P(any escalation flag)";
    case Metric::Kind::Escalation:
      return fmt::format("P(escalation: {})", m.item);
  }
  return name;
}

bool is_probability(const std::string& name) {
  return parse_metric(name).is_probability();
}
bool is_hours(const std::string& name) {
  return parse_metric(name).kind == Metric::Kind::HoursQuantile;
}

std::string value_text(const std::string& metric, double v, double lo, double hi) {
  if (is_probability(metric))
    return fmt::format("{:.1f} % [{:.1f}, {:.1f}]", 100 * v, 100 * lo, 100 * hi);
  if (is_hours(metric)) return fmt::format("{:.0f} h ({:.1f} d)", v, v / 24);
  return fmt::format("{:.0f} [{:.0f}, {:.0f}]", v, lo, hi);
}

std::string diff_text(const std::string& metric, double d, double lo, double hi) {
  if (is_probability(metric))
    return fmt::format("{:+.1f} pts [{:+.1f}, {:+.1f}]", 100 * d, 100 * lo, 100 * hi);
  if (is_hours(metric)) return fmt::format("{:+.0f} h", d);
  return fmt::format("{:+.0f} [{:+.0f}, {:+.0f}]", d, lo, hi);
}

std::string significance(double lo, double hi) {
  return lo > 0 || hi < 0 ? " **" : "";
}

const store::MetricRow* find_metric(const store::PointResult& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

std::string first_comment_block(const std::string& yaml) {
  std::string out;
  std::size_t pos = 0;
  while (pos < yaml.size() && yaml[pos] == '#') {
    const auto end = yaml.find('\n', pos);
    std::string line = yaml.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    // Indented lines are usage examples, not description.
    if (!line.starts_with("  ")) out += line + "\n";
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

void study_header(std::string& md, const store::Study& s) {
  md += fmt::format("\n## {} (study {})\n\n", s.name, s.id);
  const std::string about = first_comment_block(s.design_yaml);
  if (!about.empty()) md += about + "\n";
  md += fmt::format("Scenario {} (`{}`, base hash `{}`), seed {}, {} replications per point{}.\n\n",
                    scenario_label(s.scenario), short_label(s.scenario), s.scenario_hash, s.seed,
                    s.replications, s.kind == "plan" ? " in the first batch" : "");
}

void render_variants(std::string& md, store::Store& db, const store::Study& s,
                     const std::vector<std::string>& outputs) {
  const auto comparisons = compare_variants(db, s.id);
  md += "Scenarios:\n\n";
  md += fmt::format("- `{}` (baseline): {}\n", short_label(s.scenario), scenario_label(s.scenario));
  for (const auto& p : db.points(s.id))
    if (p.role == "variant")
      md += fmt::format("- `{}`: {}\n", short_label(p.scenario), scenario_label(p.scenario));
  md +=
      "\nEach variant against the baseline on the same replications (common random numbers). "
      "Intervals: Wilson 95 % for probabilities, normal 95 % for means; the difference is "
      "paired over replications. ** marks a difference whose interval excludes zero.\n";
  for (const auto& metric : outputs) {
    md += fmt::format(
        "\n**{}** (`{}`)\n\n| scenario | value | difference from baseline |\n"
        "|---|---|---|\n",
        describe(metric), metric);
    bool base_done = false;
    for (const auto& c : comparisons) {
      if (c.metric != metric) continue;
      if (!base_done) {
        md += fmt::format("| {} (baseline) | {} | |\n", short_label(s.scenario),
                          value_text(metric, c.baseline, c.baseline_lo, c.baseline_hi));
        base_done = true;
      }
      md += fmt::format("| {} | {} | {}{} |\n", short_label(c.scenario),
                        value_text(metric, c.value, c.value_lo, c.value_hi),
                        diff_text(metric, c.difference, c.difference_lo, c.difference_hi),
                        is_hours(metric) ? "" : significance(c.difference_lo, c.difference_hi));
    }
  }
}

void render_points(std::string& md, store::Store& db, const store::Study& s,
                   const std::vector<std::string>& outputs) {
  const Design design = parse_design(s.design_yaml, s.name);
  md += "| ";
  for (const auto& f : design.factors) md += f.label + " | ";
  for (const auto& m : outputs) md += fmt::format("{} | ", describe(m));
  md += "\n|";
  for (std::size_t i = 0; i < design.factors.size() + outputs.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& p : db.points(s.id)) {
    const auto r = db.result(s.id, p.index);
    if (!r) continue;
    const auto factors = Json::parse(p.factors);
    md += "| ";
    for (const auto& f : factors) md += fmt::format("{:g} | ", f.get<double>());
    for (const auto& m : outputs) {
      const auto* v = find_metric(*r, m);
      md += (v ? value_text(m, v->value, v->lo, v->hi) : "") + " | ";
    }
    md += "\n";
  }
}

void render_sensitivity(std::string& md, store::Store& db, const store::Study& s) {
  const auto results = sensitivity(db, s.id);
  md +=
      "First-order (S1) and total (ST) Sobol indices: Saltelli (2010) and Jansen estimators, "
      "95 % bootstrap intervals over the base samples. Each design point is itself a Monte "
      "Carlo estimate, so its sampling noise inflates the variance and the indices are "
      "approximate. Tornado: each factor at its low and high end, the others at base.\n";
  for (const auto& r : results) {
    md += fmt::format("\n**{}** (`{}`), output variance {:.4g}\n\n", describe(r.metric), r.metric,
                      r.indices.variance);
    if (r.indices.variance <= 0) {
      md += "The output did not vary over the design: no factor matters for it here.\n";
      continue;
    }
    std::vector<std::size_t> order(r.factors.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
      return r.indices.total[a].value > r.indices.total[b].value;
    });
    md += "| rank | factor | S1 | ST |\n|---|---|---|---|\n";
    int rank = 0;
    for (auto i : order)
      md += fmt::format("| {} | {} | {:.2f} [{:.2f}, {:.2f}] | {:.2f} [{:.2f}, {:.2f}] |\n", ++rank,
                        r.factors[i], r.indices.first[i].value, r.indices.first[i].lo,
                        r.indices.first[i].hi, r.indices.total[i].value, r.indices.total[i].lo,
                        r.indices.total[i].hi);
    if (r.has_tornado) {
      md += fmt::format(
          "\nTornado (base {}):\n\n| factor | low → output | high → output | swing |\n"
          "|---|---|---|---|\n",
          is_probability(r.metric) ? fmt::format("{:.1f} %", 100 * r.tornado.base_output)
                                   : fmt::format("{:.0f}", r.tornado.base_output));
      const bool prob = is_probability(r.metric);
      for (const auto& b : r.tornado.bars)
        md += fmt::format(
            "| {} | {:g} → {} | {:g} → {} | {} |\n", b.factor, b.low_setting,
            prob ? fmt::format("{:.1f} %", 100 * b.output_at_low)
                 : fmt::format("{:.0f}", b.output_at_low),
            b.high_setting,
            prob ? fmt::format("{:.1f} %", 100 * b.output_at_high)
                 : fmt::format("{:.0f}", b.output_at_high),
            prob ? fmt::format("{:.1f} pts", 100 * b.swing()) : fmt::format("{:.0f}", b.swing()));
    }
  }
}

void render_plan(std::string& md, const store::Study& s) {
  const Json extra = Json::parse(s.extra);
  md += fmt::format(
      "Target `{}`, budget {}, search {}, {} replications in all. A posture meets "
      "the target only when the upper end of its Wilson 95 % interval is at or "
      "below it; postures near the line got more replications.\n\n",
      extra.value("target", ""),
      extra["budget"].is_null() ? "none" : fmt::format("{:g}", extra["budget"].get<double>()),
      extra.value("method", ""), extra.value("replications_run", 0));
  if (extra.contains("adversary") && extra["adversary"].is_string())
    md += fmt::format(
        "Against Red's best response: each posture's risk is that of the plan of `{}` that "
        "does best against it (`flank plan --adversary`).\n\n",
        extra["adversary"].get<std::string>());
  const auto posture = [](const Json& p) {
    std::string ids;
    for (const auto& id : p["chosen"]) ids += (ids.empty() ? "" : " + ") + id.get<std::string>();
    return ids.empty() ? std::string("(nothing added)") : ids;
  };
  if (extra["best"].is_null()) {
    md += "**No posture within the budget meets the target.**\n\n";
  } else {
    const auto& b = extra["best"];
    md += fmt::format(
        "**Cheapest posture meeting the target:** {} — cost {:g}, risk {:.1f} % "
        "[{:.1f}, {:.1f}] over {} replications.\n\n",
        posture(b), b["cost"].get<double>(), 100 * b["risk"]["p"].get<double>(),
        100 * b["risk"]["lo"].get<double>(), 100 * b["risk"]["hi"].get<double>(),
        b["replications"].get<std::uint64_t>());
  }
  md +=
      "Cost–risk frontier (each step buys a lower estimated risk):\n\n"
      "| cost | risk | replications | posture |\n|---|---|---|---|\n";
  for (const auto& p : extra["frontier"])
    md += fmt::format("| {:g} | {:.1f} % [{:.1f}, {:.1f}] | {} | {} |\n", p["cost"].get<double>(),
                      100 * p["risk"]["p"].get<double>(), 100 * p["risk"]["lo"].get<double>(),
                      100 * p["risk"]["hi"].get<double>(), p["replications"].get<std::uint64_t>(),
                      posture(p));
  md += "\nCandidates:\n\n| id | unit | start | cost |\n|---|---|---|---|\n";
  for (const auto& c : extra["candidates"])
    md += fmt::format("| {} | {} | {} | {:g} |\n", c["id"].get<std::string>(),
                      c["unit"].get<std::string>().empty() ? "(new)" : c["unit"].get<std::string>(),
                      c["start"].get<std::string>(), c["cost"].get<double>());
}

// A `flank game` study: the matrix with best responses marked, each option's worst case and
// Red's best response, the minimax option and the equilibrium with its bootstrap interval.
void render_game(std::string& md, const store::Study& s) {
  const Json g = Json::parse(s.extra);
  const std::string metric = g.value("payoff", "");
  const bool prob = is_probability(metric);
  const auto cell = [&](const Json& c) {
    return prob ? fmt::format("{:.1f} % [{:.1f}, {:.1f}]", 100 * c["mean"].get<double>(),
                              100 * c["lo"].get<double>(), 100 * c["hi"].get<double>())
                : fmt::format("{:.4g} [{:.4g}, {:.4g}]", c["mean"].get<double>(),
                              c["lo"].get<double>(), c["hi"].get<double>());
  };
  const auto list = [](const Json& a) {
    std::string out;
    for (const auto& x : a) out += (out.empty() ? "" : ", ") + x.get<std::string>();
    return out;
  };
  md += fmt::format(
      "Payoff `{}` ({}), Red wants it {}. {} replications run of {} for the full grid "
      "({} saved by racing out plans beaten everywhere after {} replications; marked *). "
      "Rows: Red's plans; columns: Blue's options; **bold**: Red's best response.\n\n",
      metric, describe(metric), g.value("red", "max") == "max" ? "high" : "low",
      g.value("replications_run", 0), g.value("replications_full", 0),
      g.value("replications_saved", 0), g.value("first_batch", 0));
  md += "| plan |";
  std::string rule = "|---|";
  for (const auto& o : g["options"]) md += " " + o["id"].get<std::string>() + " |", rule += "---|";
  md += "\n" + rule + "\n";
  for (const auto& p : g["plans"]) {
    md += "| " + p["id"].get<std::string>() + (p.value("dropped", false) ? "*" : "") + " |";
    for (std::size_t j = 0; j < p["cells"].size(); ++j) {
      const auto& br = g["options"][j]["best_responses"];
      const bool best =
          br.size() < g["plans"].size() && std::find(br.begin(), br.end(), p["id"]) != br.end();
      md += " " + (best ? "**" + cell(p["cells"][j]) + "**" : cell(p["cells"][j])) + " |";
    }
    md += "\n";
  }
  md += "\n| Blue option | cost | worst case | Red's best response |\n|---|---|---|---|\n";
  for (const auto& o : g["options"])
    md +=
        fmt::format("| {} | {:g} | {} | {} |\n", o["id"].get<std::string>(),
                    o["cost"].get<double>(), cell(o["worst_case"]),
                    o["best_responses"].size() == g["plans"].size() ? std::string("(all plans tie)")
                                                                    : list(o["best_responses"]));
  const auto& e = g["equilibrium"];
  const auto mix = [](const Json& m) {
    std::string out;
    for (const auto& [k, v] : m.items())
      if (v.get<double>() > 1e-9)
        out += fmt::format("{}{} {:.2f}", out.empty() ? "" : ", ", k, v.get<double>());
    return out;
  };
  md += fmt::format(
      "\n**Blue's minimax option:** {}. **Mixed equilibrium:** value {}, bootstrap 95 % "
      "[{}, {}] ({} resamples); Red mixes {}; Blue mixes {}.\n",
      list(g["minimax_options"]),
      prob ? fmt::format("{:.1f} %", 100 * e["value"].get<double>())
           : fmt::format("{:.4g}", e["value"].get<double>()),
      prob ? fmt::format("{:.1f}", 100 * e["lo"].get<double>())
           : fmt::format("{:.4g}", e["lo"].get<double>()),
      prob ? fmt::format("{:.1f}", 100 * e["hi"].get<double>())
           : fmt::format("{:.4g}", e["hi"].get<double>()),
      e.value("bootstrap", 0), mix(e["red"]), mix(e["blue"]));
}

std::string intro(const std::string& store_label, bool from_template) {
  return "Generated by `flank findings` from the results store `" + store_label +
         "` (see `scripts/gen-findings.sh`, which runs every study with modest replication "
         "counts and regenerates this file" +
         (from_template ? std::string(" from `docs/findings.template.md`") : std::string()) +
         "). Do not edit by hand" +
         (from_template ? std::string(": hand-written text belongs in the template") : "") +
         ". Every number below is a Monte Carlo estimate of the model in this repository, with "
         "its 95 % interval; it is only as good as the scenario's assumptions "
         "(docs/scenario-format.md, scenarios/).\n";
}

// The newest finished study of each name, in order of first appearance.
std::vector<store::Study> finished_studies(store::Store& db) {
  std::vector<store::Study> chosen;
  for (const auto& s : db.studies()) {
    if (s.status != "done") continue;
    auto it = std::find_if(chosen.begin(), chosen.end(), [&](auto& c) { return c.name == s.name; });
    if (it != chosen.end())
      *it = s;
    else
      chosen.push_back(s);
  }
  return chosen;
}

void render_study(std::string& md, store::Store& db, const store::Study& s) {
  study_header(md, s);
  if (s.kind == "plan") return render_plan(md, s);
  if (s.kind == "game") return render_game(md, s);
  const auto outputs = Json::parse(s.outputs).get<std::vector<std::string>>();
  const Design design = parse_design(s.design_yaml, s.name);
  if (!design.variants.empty() && design.factors.empty())
    render_variants(md, db, s, outputs);
  else if (design.kind == DesignKind::Saltelli)
    render_sensitivity(md, db, s);
  else
    render_points(md, db, s, outputs);
}

}  // namespace

std::string findings_markdown(store::Store& db, const std::string& store_label) {
  std::string md = "# Findings\n\n" + intro(store_label, false);
  const auto chosen = finished_studies(db);
  if (chosen.empty()) md += "\nNo finished studies in the store.\n";
  for (const auto& s : chosen) render_study(md, db, s);
  return md;
}

std::string findings_markdown(store::Store& db, const std::string& store_label,
                              const std::string& template_text, const std::string& template_file,
                              std::vector<std::string>* missing) {
  const auto chosen = finished_studies(db);
  // Studies named by the template are placed there; {{studies}} takes the rest.
  std::vector<std::string> named;
  std::vector<std::string> lines;
  {
    std::size_t pos = 0;
    while (pos <= template_text.size()) {
      const auto end = template_text.find('\n', pos);
      lines.push_back(template_text.substr(pos, end == std::string::npos ? end : end - pos));
      if (end == std::string::npos) break;
      pos = end + 1;
    }
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  }
  DiagnosticSink sink;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (!l.starts_with("{{") || !l.ends_with("}}")) continue;
    const std::string inner = l.substr(2, l.size() - 4);
    if (inner.starts_with("#")) continue;
    if (inner.starts_with("study ") && inner.size() > 6)
      named.push_back(inner.substr(6));
    else if (inner != "intro" && inner != "studies")
      sink.add({template_file, static_cast<int>(i + 1), 1}, l,
               "unknown placeholder (expected {{intro}}, {{study NAME}} or {{studies}})");
  }
  sink.throw_if_any();
  std::string md;
  for (const auto& l : lines) {
    const std::string inner =
        l.starts_with("{{") && l.ends_with("}}") ? l.substr(2, l.size() - 4) : std::string();
    if (inner.starts_with("#")) {
      continue;  // a comment for the template's reader
    } else if (inner == "intro") {
      md += intro(store_label, true);
    } else if (inner == "studies") {
      bool any = false;
      for (const auto& s : chosen)
        if (std::find(named.begin(), named.end(), s.name) == named.end()) {
          render_study(md, db, s);
          any = true;
        }
      if (!any && chosen.empty()) md += "\nNo finished studies in the store.\n";
    } else if (inner.starts_with("study ") && inner.size() > 6) {
      const std::string name = inner.substr(6);
      const auto it =
          std::find_if(chosen.begin(), chosen.end(), [&](auto& s) { return s.name == name; });
      if (it != chosen.end()) {
        render_study(md, db, *it);
      } else {
        md += "\n*(No finished study named `" + name + "` in the store.)*\n";
        if (missing) missing->push_back(name);
      }
    } else {
      md += l + "\n";
    }
  }
  return md;
}

}  // namespace flank::analysis
