#include "run_compare.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "flank/analysis/metrics.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/report/report.hpp"

namespace flank::cli {
namespace {

struct Wanted {
  std::string metric, label;
};

std::vector<Wanted> wanted_metrics(const Scenario& base) {
  std::vector<Wanted> out;
  const std::string& red = base.sides.size() > 0 ? base.sides[0].name : "red";
  const std::string& blue = base.sides.size() > 1 ? base.sides[1].name : "blue";
  const int horizon = static_cast<int>(std::floor(base.params.horizon_days + 1e-9));
  for (const auto& o : base.objectives) {
    // Ids, not names: names run to 70 characters ("Suwałki corridor closed (Belarus ...").
    const std::string& name = o.id;
    out.push_back({"p:" + o.id, fmt::format("P({}) within {} d", name, horizon)});
    if (horizon > 7) out.push_back({"p:" + o.id + ":day7", fmt::format("P({}) by day 7", name)});
    out.push_back({"p:" + o.id + ":end", fmt::format("P({}) still held at the end", name)});
    out.push_back({"median_hours:" + o.id,
                   fmt::format("median hours to {} (never = {} h)", name, horizon * 24)});
  }
  out.push_back({"escalation:any", "P(any escalation flag)"});
  out.push_back({"lost:red", "personnel lost, red (" + red + "), mean"});
  out.push_back({"lost:blue", "personnel lost, blue (" + blue + "), mean"});
  return out;
}

std::string value_text(const CompareRow& r, double v, double lo, double hi) {
  if (r.probability) return fmt::format("{:5.1f} % [{:4.1f}–{:4.1f}]", 100 * v, 100 * lo, 100 * hi);
  if (r.metric.rfind("median_hours:", 0) == 0) return fmt::format("{:.0f} h", v);
  return fmt::format("{:.0f} [{:.0f}–{:.0f}]", v, lo, hi);
}

std::string difference_text(const CompareRow& r) {
  const double k = r.probability ? 100 : 1;
  const int digits = r.probability ? 1 : 0;
  const char* unit = r.probability                             ? " points"
                     : r.metric.rfind("median_hours:", 0) == 0 ? " h"
                                                               : "";
  if (!r.paired)
    return fmt::format("{:+.{}f}{} (no interval for a quantile)", k * r.difference, digits, unit);
  // Both arms at 0 (or both at N) in every replication: the difference is exactly 0.
  const bool excludes_zero = r.difference_lo > 0 || r.difference_hi < 0;
  return fmt::format("{:+.{}f}{} [{:+.{}f}, {:+.{}f}]{}", k * r.difference, digits, unit,
                     k * r.difference_lo, digits, k * r.difference_hi, digits,
                     excludes_zero ? " *" : "");
}

}  // namespace

std::vector<CompareRow> compare_rows(const CompareArm& base, const CompareArm& variant) {
  const auto layout_b = analysis::layout_of(*base.scenario);
  const auto layout_v = analysis::layout_of(*variant.scenario);
  std::vector<CompareRow> rows;
  for (const auto& w : wanted_metrics(*base.scenario)) {
    const analysis::Metric m = analysis::parse_metric(w.metric);
    CompareRow r;
    r.metric = w.metric;
    r.label = w.label;
    r.probability = m.is_probability();
    try {
      const auto b = analysis::evaluate(m, layout_b, base.outcomes);
      const auto v = analysis::evaluate(m, layout_v, variant.outcomes);
      r.base = b.value, r.base_lo = b.lo, r.base_hi = b.hi;
      r.variant = v.value, r.variant_lo = v.lo, r.variant_hi = v.hi;
      r.difference = r.difference_lo = r.difference_hi = v.value - b.value;
      if (m.kind != analysis::Metric::Kind::HoursQuantile) {
        const auto d =
            analysis::paired_difference(m, layout_v, variant.outcomes, layout_b, base.outcomes);
        r.difference = d.mean, r.difference_lo = d.lo, r.difference_hi = d.hi;
        r.paired = true;
      }
    } catch (const std::invalid_argument&) {
      continue;  // the variant lacks this objective or rule: nothing to pair
    }
    rows.push_back(r);
  }
  return rows;
}

std::string compare_table(const CompareArm& base, const CompareArm& variant,
                          const std::vector<CompareRow>& rows) {
  auto arm = [](const CompareArm& a) {
    std::string s = a.scenario->id + " (hash " + report::hex64(a.scenario->hash) + ")";
    for (const auto& o : a.overrides) s += " --set " + o;
    return s;
  };
  std::string out = fmt::format("flank run --compare — {}\n", base.scenario->name);
  out += fmt::format("base:    {}\nvariant: {}\n", arm(base), arm(variant));
  out += fmt::format(
      "seed {}  replications {} per arm, common random numbers: replication j of both arms draws "
      "the same random streams\n\n",
      base.summary.seed, base.summary.replications);
  std::size_t width = 6;
  for (const auto& r : rows) width = std::max(width, r.label.size());
  out += fmt::format("  {:<{}}  {:<22}  {:<22}  {}\n", "metric", width, "base", "variant",
                     "variant − base, paired 95 % interval");
  for (const auto& r : rows)
    out += fmt::format("  {:<{}}  {:<22}  {:<22}  {}\n", r.label, width,
                       value_text(r, r.base, r.base_lo, r.base_hi),
                       value_text(r, r.variant, r.variant_lo, r.variant_hi), difference_text(r));
  out +=
      "\nIntervals: Wilson 95 % for each arm's probabilities, normal 95 % for means; the "
      "difference's interval is over the paired replications (* = excludes 0). They cover Monte "
      "Carlo noise only, not model error.\n";
  return out;
}

nlohmann::json compare_json(const CompareArm& base, const CompareArm& variant,
                            const std::vector<CompareRow>& rows) {
  auto arm = [](const CompareArm& a) {
    return nlohmann::json{{"ref", a.ref},
                          {"id", a.scenario->id},
                          {"name", a.scenario->name},
                          {"hash", report::hex64(a.scenario->hash)},
                          {"overrides", a.overrides}};
  };
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& r : rows)
    metrics.push_back(
        {{"metric", r.metric},
         {"label", r.label},
         {"base", {{"value", r.base}, {"lo", r.base_lo}, {"hi", r.base_hi}}},
         {"variant", {{"value", r.variant}, {"lo", r.variant_lo}, {"hi", r.variant_hi}}},
         {"difference",
          {{"value", r.difference},
           {"lo", r.difference_lo},
           {"hi", r.difference_hi},
           {"paired", r.paired}}}});
  return {{"format", "flank-comparison-1"},
          {"seed", base.summary.seed},
          {"replications", base.summary.replications},
          {"base", arm(base)},
          {"variant", arm(variant)},
          {"metrics", metrics}};
}

}  // namespace flank::cli
