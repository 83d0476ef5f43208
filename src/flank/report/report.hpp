#pragma once
// Summaries and timelines as text: a readable table, JSON and CSV (docs/formats.md).
#include <nlohmann/json.hpp>
#include <string>

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
std::string summary_table(const mc::Summary& summary);

nlohmann::json outcome_json(const Scenario& scenario, const Outcome& outcome);
nlohmann::json timeline_json(const Scenario& scenario, std::uint64_t seed,
                             std::uint64_t replication, const campaign::Timeline& timeline,
                             const Outcome& outcome);

}  // namespace flank::report
