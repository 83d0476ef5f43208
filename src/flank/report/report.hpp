#pragma once
// Summaries and timelines as text: a readable table, JSON and CSV (docs/formats.md).
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flank/campaign/engine.hpp"
#include "flank/campaign/outcome.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::report {

// What varies between identical runs; reported under the one key `run_info`.
struct RunInfo {
  std::string flank_version = "0.1.0";
  int threads = 0;
  double wall_seconds = 0;
  std::string host;
  std::string date;  // ISO 8601 UTC
};
RunInfo current_run_info(const mc::Summary& summary);

std::string hex64(std::uint64_t v);

nlohmann::json summary_json(const mc::Summary& summary, const RunInfo& info);
// Inverse of summary_json for everything but run_info (round-trips exactly).
mc::Summary summary_from_json(const nlohmann::json& j);
std::string summary_csv(const mc::Summary& summary, const RunInfo& info);
// What the table says beyond the summary: the scenario's side names (in labels such as "before
// NATO reinforcements"; rows keep the ids red and blue) and the run's --set overrides (in the
// header, so a variant run is never mistaken for the base case).
struct TableLabels {
  std::array<std::string, kSides> sides{"red", "blue"};
  std::vector<std::string> overrides;
};
TableLabels table_labels(const Scenario& scenario, std::vector<std::string> overrides = {});
std::string summary_table(const mc::Summary& summary, const TableLabels& labels = {});

// Records the run's --set overrides (PATH=VALUE, as given) in a summary JSON under
// "overrides", so `flank report` can rebuild the same scenario; [] for the scenario as written.
void record_overrides(nlohmann::json& summary, const std::vector<std::string>& overrides);
// The same as CSV rows (metric "override", index 0, 1, ..., the text PATH=VALUE).
std::string overrides_csv(const std::vector<std::string>& overrides);

nlohmann::json outcome_json(const Scenario& scenario, const Outcome& outcome);
nlohmann::json timeline_json(const Scenario& scenario, std::uint64_t seed,
                             std::uint64_t replication, const campaign::Timeline& timeline,
                             const Outcome& outcome);

}  // namespace flank::report
