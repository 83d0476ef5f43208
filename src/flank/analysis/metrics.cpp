#include "flank/analysis/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "flank/core/parse.hpp"

namespace flank::analysis {
namespace {

constexpr const char* kForms =
    "expected p:<objective>[:day<d>|:before_reinforcements|:end], median_hours:<objective>, "
    "q<NN>_hours:<objective>, territory:<red|blue>:day<3|7|14|30>, lost:<red|blue>, "
    "captured:<red|blue>, isolated:<red|blue>, pockets:<red|blue>, "
    "escalation:any or escalation:<rule>";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

int parse_side(std::string_view s) {
  if (s == "red") return 0;
  if (s == "blue") return 1;
  return -1;
}

std::size_t find_index(const std::vector<std::string>& ids, const std::string& id,
                       const char* what) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  if (it == ids.end()) {
    std::string known;
    for (const auto& k : ids) known += (known.empty() ? "" : ", ") + k;
    throw std::invalid_argument(std::string("unknown ") + what + " '" + id + "' (known: " + known +
                                ")");
  }
  return static_cast<std::size_t>(it - ids.begin());
}

double censored_hour(double hour, double horizon) {
  return hour < 0 ? horizon : hour;
}

}  // namespace

bool Metric::is_probability() const {
  return kind == Kind::ObjectiveBy || kind == Kind::BeforeReinforcements ||
         kind == Kind::HeldAtEnd || kind == Kind::EscalationAny || kind == Kind::Escalation;
}

Metric parse_metric(std::string_view name) {
  Metric m;
  m.name = std::string(name);
  const auto parts = split(name, ':');
  const auto bad = [&] {
    return std::invalid_argument("bad metric '" + std::string(name) + "': " + kForms);
  };
  if (parts.size() < 2 || parts[1].empty()) throw bad();
  const std::string_view head = parts[0];
  if (head == "p") {
    m.item = std::string(parts[1]);
    m.kind = Metric::Kind::ObjectiveBy;
    m.hours = std::numeric_limits<double>::infinity();
    if (parts.size() == 3) {
      double day = 0;
      if (parts[2] == "before_reinforcements") {
        m.kind = Metric::Kind::BeforeReinforcements;
      } else if (parts[2] == "end") {
        m.kind = Metric::Kind::HeldAtEnd;
      } else if (parts[2] == "ever") {
      } else if (parts[2].starts_with("day") && parse_finite(parts[2].substr(3), day) && day >= 0) {
        m.hours = 24 * day;
      } else {
        throw bad();
      }
    } else if (parts.size() != 2) {
      throw bad();
    }
    return m;
  }
  if (head == "median_hours" ||
      (head.size() > 7 && head.front() == 'q' && head.ends_with("_hours"))) {
    if (parts.size() != 2) throw bad();
    m.kind = Metric::Kind::HoursQuantile;
    m.item = std::string(parts[1]);
    if (head != "median_hours") {
      double pct = 0;
      if (!parse_finite(head.substr(1, head.size() - 7), pct) || pct <= 0 || pct >= 100)
        throw bad();
      m.q = pct / 100;
    }
    return m;
  }
  if (head == "territory") {
    if (parts.size() != 3 || !parts[2].starts_with("day")) throw bad();
    m.kind = Metric::Kind::Territory;
    m.side = parse_side(parts[1]);
    double day = 0;
    if (m.side < 0 || !parse_finite(parts[2].substr(3), day)) throw bad();
    const auto it =
        std::find(std::begin(kTerritoryDays), std::end(kTerritoryDays), static_cast<int>(day));
    if (it == std::end(kTerritoryDays) || day != static_cast<int>(day)) throw bad();
    m.day_index = static_cast<int>(it - std::begin(kTerritoryDays));
    return m;
  }
  if (head == "lost" || head == "captured" || head == "isolated" || head == "pockets") {
    if (parts.size() != 2) throw bad();
    m.kind = head == "lost"       ? Metric::Kind::PersonnelLost
             : head == "captured" ? Metric::Kind::Captured
             : head == "isolated" ? Metric::Kind::Isolated
                                  : Metric::Kind::Pockets;
    m.side = parse_side(parts[1]);
    if (m.side < 0) throw bad();
    return m;
  }
  if (head == "escalation") {
    if (parts.size() != 2) throw bad();
    m.kind = parts[1] == "any" ? Metric::Kind::EscalationAny : Metric::Kind::Escalation;
    m.item = std::string(parts[1]);
    return m;
  }
  throw bad();
}

double per_replication(const Metric& m, const OutcomeLayout& layout, const Outcome& o) {
  switch (m.kind) {
    case Metric::Kind::ObjectiveBy: {
      const double h = o.objective_hour[find_index(layout.objectives, m.item, "objective")];
      return h >= 0 && h <= m.hours ? 1 : 0;
    }
    case Metric::Kind::BeforeReinforcements: {
      const auto i = find_index(layout.objectives, m.item, "objective");
      return o.objective_hour[i] >= 0 && o.before_reinforcements[i] ? 1 : 0;
    }
    case Metric::Kind::HeldAtEnd: {
      const auto i = find_index(layout.objectives, m.item, "objective");
      return i < o.held_at_end.size() && o.held_at_end[i] ? 1 : 0;
    }
    case Metric::Kind::HoursQuantile:
      return censored_hour(o.objective_hour[find_index(layout.objectives, m.item, "objective")],
                           layout.horizon_hours);
    case Metric::Kind::Territory:
      return o.territory[m.side][m.day_index];
    case Metric::Kind::PersonnelLost:
      return o.personnel_lost[m.side];
    case Metric::Kind::Captured:
      return o.operations.personnel_captured[m.side];
    case Metric::Kind::Isolated:
      return o.operations.personnel_isolated[m.side];
    case Metric::Kind::Pockets:
      return o.operations.pockets[m.side];
    case Metric::Kind::EscalationAny:
      return std::any_of(o.escalation.begin(), o.escalation.end(), [](auto f) { return f != 0; })
                 ? 1
                 : 0;
    case Metric::Kind::Escalation:
      return o.escalation[find_index(layout.escalation, m.item, "escalation rule")] ? 1 : 0;
  }
  return 0;
}

MetricValue evaluate(const Metric& m, const OutcomeLayout& layout,
                     std::span<const Outcome> outcomes) {
  MetricValue out;
  out.n = outcomes.size();
  if (outcomes.empty()) return out;
  if (m.kind == Metric::Kind::HoursQuantile) {
    std::vector<double> hours;
    hours.reserve(outcomes.size());
    for (const auto& o : outcomes) hours.push_back(per_replication(m, layout, o));
    std::sort(hours.begin(), hours.end());
    // Inverse empirical CDF: the smallest h with F(h) ≥ q (as docs/formats.md).
    const auto rank = static_cast<std::size_t>(std::ceil(m.q * static_cast<double>(hours.size())));
    out.value = hours[std::clamp<std::size_t>(rank, 1, hours.size()) - 1];
    out.lo = out.hi = out.value;
    return out;
  }
  double sum = 0, sum_sq = 0;
  for (const auto& o : outcomes) {
    const double v = per_replication(m, layout, o);
    sum += v;
    sum_sq += v * v;
  }
  const double n = static_cast<double>(outcomes.size());
  if (m.is_probability()) {
    out.successes = static_cast<std::uint64_t>(std::llround(sum));
    const auto w = mc::wilson(out.successes, out.n);
    out.value = w.p;
    out.lo = w.lo;
    out.hi = w.hi;
    return out;
  }
  out.value = sum / n;
  const double var = n > 1 ? std::max(0.0, (sum_sq - n * out.value * out.value) / (n - 1)) : 0;
  const double half = 1.959963984540054 * std::sqrt(var / n);
  out.lo = out.value - half;
  out.hi = out.value + half;
  return out;
}

PairedDifference paired_difference(const Metric& m, const OutcomeLayout& layout,
                                   std::span<const Outcome> outcomes,
                                   const OutcomeLayout& layout_base,
                                   std::span<const Outcome> base_outcomes) {
  double sum = 0, sum_sq = 0;
  for (std::size_t j = 0; j < outcomes.size(); ++j) {
    const double d =
        per_replication(m, layout, outcomes[j]) - per_replication(m, layout_base, base_outcomes[j]);
    sum += d;
    sum_sq += d * d;
  }
  const double n = static_cast<double>(outcomes.size());
  const double mean = sum / n;
  const double var = n > 1 ? std::max(0.0, (sum_sq - n * mean * mean) / (n - 1)) : 0;
  const double half = 1.959963984540054 * std::sqrt(var / n);
  return {mean, mean - half, mean + half};
}

}  // namespace flank::analysis
