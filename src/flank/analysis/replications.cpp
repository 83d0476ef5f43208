#include "flank/analysis/replications.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "flank/analysis/outcome_codec.hpp"
#include "flank/analysis/sweep.hpp"

namespace flank::analysis {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kSideKeys[kSides] = {"red", "blue"};

double hour_or_missing(double h) {
  return h < 0 ? kMissing : h;
}

// Appends one column whose value for outcome o is f(o).
template <class F>
void add(std::vector<Column>& cols, std::string name, Column::Type type,
         std::span<const Outcome> outcomes, F f) {
  Column c{std::move(name), type, {}};
  c.values.reserve(outcomes.size());
  for (const auto& o : outcomes) c.values.push_back(f(o));
  cols.push_back(std::move(c));
}

template <class V>
double at_or_missing(const V& v, std::size_t i) {
  return i < v.size() ? static_cast<double>(v[i]) : kMissing;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

const char* to_string(Column::Type type) {
  switch (type) {
    case Column::Type::Integer:
      return "integer";
    case Column::Type::Boolean:
      return "boolean";
    case Column::Type::Real:
      break;
  }
  return "real";
}

OutcomeLayout layout_of(const Scenario& scenario) {
  OutcomeLayout l;
  for (const auto& o : scenario.objectives) l.objectives.push_back(o.id);
  for (const auto& e : scenario.escalation) l.escalation.push_back(e.id);
  l.horizon_hours = scenario.params.horizon_days * 24;
  return l;
}

std::vector<Column> replication_table(const OutcomeLayout& layout,
                                      std::span<const Outcome> outcomes) {
  using T = Column::Type;
  std::vector<Column> cols;
  add(cols, "replication", T::Integer, outcomes,
      [](const Outcome& o) { return static_cast<double>(o.replication); });
  for (std::size_t i = 0; i < layout.objectives.size(); ++i) {
    const std::string& id = layout.objectives[i];
    add(cols, "hour:" + id, T::Real, outcomes,
        [i](const Outcome& o) { return hour_or_missing(at_or_missing(o.objective_hour, i)); });
    add(cols, "before_reinforcements:" + id, T::Boolean, outcomes,
        [i](const Outcome& o) { return at_or_missing(o.before_reinforcements, i); });
    add(cols, "held_at_end:" + id, T::Boolean, outcomes,
        [i](const Outcome& o) { return at_or_missing(o.held_at_end, i); });
  }
  add(cols, "decision_hour", T::Real, outcomes, [](const Outcome& o) { return o.decision_hour; });
  add(cols, "reinforcements_hour", T::Real, outcomes,
      [](const Outcome& o) { return hour_or_missing(o.reinforcements_hour); });
  for (int s = 0; s < kSides; ++s)
    for (int d = 0; d < 4; ++d)
      add(cols, fmt::format("territory:{}:day{}", kSideKeys[s], kTerritoryDays[d]), T::Real,
          outcomes, [s, d](const Outcome& o) { return o.territory[s][d]; });
  for (int s = 0; s < kSides; ++s) {
    add(cols, fmt::format("lost:{}", kSideKeys[s]), T::Real, outcomes,
        [s](const Outcome& o) { return o.personnel_lost[s]; });
    add(cols, fmt::format("power_lost:{}", kSideKeys[s]), T::Real, outcomes,
        [s](const Outcome& o) { return o.power_lost_fraction[s]; });
  }
  constexpr int kCategories = static_cast<int>(UnitCategory::Count);
  for (int s = 0; s < kSides; ++s)
    for (int c = 0; c < kCategories; ++c) {
      const std::size_t i = static_cast<std::size_t>(s * kCategories + c);
      add(cols, fmt::format("losses:{}:{}", kSideKeys[s], to_string(static_cast<UnitCategory>(c))),
          T::Real, outcomes,
          [i](const Outcome& o) { return at_or_missing(o.losses_by_category, i); });
    }
  add(cols, "escalation:any", T::Boolean, outcomes, [](const Outcome& o) {
    for (auto e : o.escalation)
      if (e) return 1.0;
    return 0.0;
  });
  for (std::size_t i = 0; i < layout.escalation.size(); ++i) {
    add(cols, "escalation:" + layout.escalation[i], T::Boolean, outcomes,
        [i](const Outcome& o) { return at_or_missing(o.escalation, i); });
    add(cols, "escalation_hour:" + layout.escalation[i], T::Real, outcomes,
        [i](const Outcome& o) { return hour_or_missing(at_or_missing(o.escalation_hour, i)); });
  }
  for (int s = 0; s < kSides; ++s) {
    add(cols, fmt::format("isolated:{}", kSideKeys[s]), T::Real, outcomes,
        [s](const Outcome& o) { return o.operations.personnel_isolated[s]; });
    add(cols, fmt::format("captured:{}", kSideKeys[s]), T::Real, outcomes,
        [s](const Outcome& o) { return o.operations.personnel_captured[s]; });
    add(cols, fmt::format("pockets:{}", kSideKeys[s]), T::Real, outcomes,
        [s](const Outcome& o) { return o.operations.pockets[s]; });
  }
  add(cols, "regions_bypassed", T::Real, outcomes,
      [](const Outcome& o) { return o.operations.regions_bypassed; });
  for (int k = 0; k < static_cast<int>(EngagementKind::Count); ++k)
    add(cols, fmt::format("engagements:{}", kEngagementKindNames[k]), T::Real, outcomes,
        [k](const Outcome& o) { return o.operations.engagements[k]; });
  return cols;
}

std::string replication_csv(std::span<const Column> columns) {
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c)
    out += (c ? "," : "") + csv_field(columns[c].name);
  out += '\n';
  const std::size_t rows = columns.empty() ? 0 : columns[0].values.size();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out += ',';
      const double v = columns[c].values[r];
      if (std::isnan(v)) continue;
      if (columns[c].type == Column::Type::Real)
        out += fmt::format("{}", v);  // shortest text that reads back as the same double
      else
        out += fmt::format("{}", static_cast<long long>(v));
    }
    out += '\n';
  }
  return out;
}

store::OutcomeRows outcome_rows(const OutcomeLayout& layout, std::span<const Outcome> outcomes) {
  const auto table = replication_table(layout, outcomes);
  store::OutcomeRows rows;
  for (const auto& o : outcomes) rows.replications.push_back(o.replication);
  // The replication is the rows' key, not a value column.
  for (std::size_t c = 1; c < table.size(); ++c)
    rows.columns.push_back({table[c].name, to_string(table[c].type), table[c].values});
  return rows;
}

void store_replications(store::Store& store, std::int64_t study, std::int64_t point,
                        const OutcomeLayout& layout, std::span<const Outcome> outcomes) {
  store.put_outcomes(study, point, outcome_rows(layout, outcomes));
}

namespace {

// A finished point's rows built from its stored chunks; false when the point has no result.
bool rows_from_chunks(store::Store& store, std::int64_t study, std::int64_t point,
                      store::OutcomeRows& rows) {
  const auto result = store.result(study, point);
  if (!result) return false;
  std::vector<Outcome> outcomes;
  for (const auto& c : store.chunks(study, point)) {
    auto part = decode_outcomes(c.outcomes);
    outcomes.insert(outcomes.end(), std::make_move_iterator(part.begin()),
                    std::make_move_iterator(part.end()));
  }
  rows = outcome_rows(parse_layout(result->layout), outcomes);
  return true;
}

}  // namespace

void ensure_replications(store::Store& store, std::int64_t study) {
  // A read-only store cannot cache the rows; study_replications builds them in memory.
  if (store.read_only()) return;
  for (const auto& p : store.points(study)) {
    if (p.status != "done" || store.has_outcomes(study, p.index)) continue;
    store::OutcomeRows rows;
    if (rows_from_chunks(store, study, p.index, rows)) store.put_outcomes(study, p.index, rows);
  }
}

std::vector<Column> study_replications(store::Store& store, std::int64_t study) {
  ensure_replications(store, study);
  std::vector<Column> cols{{"point", Column::Type::Integer, {}},
                           {"replication", Column::Type::Integer, {}}};
  std::map<std::string, std::size_t> index;
  std::size_t rows = 0;
  for (const auto& p : store.points(study)) {
    store::OutcomeRows stored;
    if (store.has_outcomes(study, p.index))
      stored = store.outcomes(study, p.index);
    else if (!store.read_only() || p.status != "done" ||
             !rows_from_chunks(store, study, p.index, stored))
      continue;
    const std::size_t n = stored.replications.size();
    for (const auto& sc : stored.columns) {
      if (index.count(sc.name)) continue;
      Column::Type t = Column::Type::Real;
      if (sc.type == "integer") t = Column::Type::Integer;
      if (sc.type == "boolean") t = Column::Type::Boolean;
      index[sc.name] = cols.size();
      cols.push_back({sc.name, t, std::vector<double>(rows, kMissing)});
    }
    for (std::size_t r = 0; r < n; ++r) {
      cols[0].values.push_back(static_cast<double>(p.index));
      cols[1].values.push_back(static_cast<double>(stored.replications[r]));
    }
    for (std::size_t c = 2; c < cols.size(); ++c) cols[c].values.resize(rows + n, kMissing);
    for (const auto& sc : stored.columns) {
      if (sc.values.size() != n) throw std::runtime_error("store: ragged outcome column");
      std::copy(sc.values.begin(), sc.values.end(), cols[index[sc.name]].values.begin() + rows);
    }
    rows += n;
  }
  return cols;
}

}  // namespace flank::analysis
