#pragma once
// `flank run --compare VARIANT`: the base scenario and a variant on common random numbers,
// printed as paired differences (the analysis library's sweep comparison, without a design
// file or a store).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flank/campaign/outcome.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::cli {

struct CompareArm {
  std::string ref;  // as given: a file, builtin:<id> or a built-in id
  const Scenario* scenario = nullptr;
  mc::Summary summary;
  std::vector<Outcome> outcomes;
  std::vector<std::string> overrides;
};

struct CompareRow {
  std::string metric, label;
  double base = 0, base_lo = 0, base_hi = 0;
  double variant = 0, variant_lo = 0, variant_hi = 0;
  double difference = 0, difference_lo = 0, difference_hi = 0;
  bool probability = false, paired = false;
};

// The rows for the metrics both arms define: per objective P(within the horizon), P(by day 7)
// when the horizon reaches it, P(held at the end) and the censored median hour; any escalation;
// personnel lost per side. Replication j of both arms is paired.
std::vector<CompareRow> compare_rows(const CompareArm& base, const CompareArm& variant);
std::string compare_table(const CompareArm& base, const CompareArm& variant,
                          const std::vector<CompareRow>& rows);
nlohmann::json compare_json(const CompareArm& base, const CompareArm& variant,
                            const std::vector<CompareRow>& rows);

}  // namespace flank::cli
