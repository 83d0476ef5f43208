#pragma once
// Per-replication outcomes as one tidy table: a row per replication, a typed column per
// quantity (docs/formats.md "Per-replication outcomes"). `flank run --outcomes`, the store's
// `replication_outcomes` view, `flank results --replications` and the Python module's
// Run.outcomes are all this one table, so their columns cannot drift apart.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flank/analysis/metrics.hpp"
#include "flank/campaign/outcome.hpp"
#include "flank/store/store.hpp"

namespace flank::analysis {

struct Column {
  enum class Type : std::uint8_t { Integer, Real, Boolean };
  std::string name;
  Type type = Type::Real;
  std::vector<double> values;  // NaN when missing (an objective or a rule never reached)
};
const char* to_string(Column::Type type);

// Columns, in this order (ids from the layout, sides red/blue, categories as in scenarios):
//   replication; hour:<obj>, before_reinforcements:<obj>, held_at_end:<obj> per objective;
//   decision_hour, reinforcements_hour; territory:<side>:day<d>; lost:<side>,
//   power_lost:<side>, losses:<side>:<category>; escalation:any, escalation:<rule>,
//   escalation_hour:<rule>; isolated:<side>, captured:<side>, pockets:<side>,
//   regions_bypassed, engagements:<kind>.
std::vector<Column> replication_table(const OutcomeLayout& layout,
                                      std::span<const Outcome> outcomes);
OutcomeLayout layout_of(const Scenario& scenario);

// RFC 4180 CSV with a header row: integers and booleans (0/1) as integers, reals with
// round-trip precision, missing values as empty fields.
std::string replication_csv(std::span<const Column> columns);

// The store's plain-SQL copy (tables outcome_columns / outcome_values, view
// replication_outcomes). Points whose rows are absent (stores written before the table
// existed, or a sweep killed between its result and its rows) are filled from their stored
// chunks, so every finished point can be read without flank.
store::OutcomeRows outcome_rows(const OutcomeLayout& layout, std::span<const Outcome> outcomes);
void store_replications(store::Store& store, std::int64_t study, std::int64_t point,
                        const OutcomeLayout& layout, std::span<const Outcome> outcomes);
void ensure_replications(store::Store& store, std::int64_t study);
// Every finished point of the study, a row per (point, replication): the columns `point`
// and the union of the points' columns (empty where a point lacks one).
std::vector<Column> study_replications(store::Store& store, std::int64_t study);

}  // namespace flank::analysis
