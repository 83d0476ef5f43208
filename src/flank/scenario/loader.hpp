#pragma once
// Loading a scenario: read YAML (a file, or a built-in embedded under scenarios/), resolve
// `extends:`, apply `--set` overrides, validate everything (all problems reported at once,
// each with file, line, column and key path) and compile to the immutable flank::Scenario.
// The format is specified in docs/scenario-format.md.
#include <string>
#include <string_view>
#include <vector>

#include "flank/core/error.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank {

struct LoadOptions {
  std::vector<std::string> overrides;  // each "path=value", applied after extends
};

// ref: a file path, "builtin:<id>", or "" for the built-in default (eastern-flank-2023).
// Throws InputError listing every problem found.
Scenario load_scenario(std::string_view ref, const LoadOptions& options = {});
Scenario load_scenario_text(std::string_view yaml, std::string_view file_name,
                            const LoadOptions& options = {});

// The resolved document (after extends and overrides) as YAML, validated like a load.
std::string resolved_yaml(std::string_view ref, const LoadOptions& options = {});

struct BuiltinInfo {
  std::string id, name;
  std::string path;  // embedded path, e.g. "scenarios/eastern-flank-2023.yaml"
};
// Every embedded scenarios/**/*.yaml, sorted by id.
std::vector<BuiltinInfo> builtin_scenarios();

inline constexpr std::string_view kDefaultScenario = "eastern-flank-2023";

}  // namespace flank
