#pragma once
// What the viewer and the HTML report show about a scenario besides results: its counts,
// the `sources:` list, each region's, link's and unit's `source:` text, and every modelling
// assumption (a `source:` that says "assumption"), with its key path. Also the combat model's
// validation summary (data/calibration/*.yaml) as JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "flank/scenario/scenario.hpp"

namespace flank::server {

// `ref` and `overrides` as for load_scenario(); `scenario` is what they compile to.
nlohmann::json scenario_info(const Scenario& scenario, std::string_view ref,
                             const std::vector<std::string>& overrides);

// The embedded data/calibration/<model>.yaml as JSON, or null when it is absent.
nlohmann::json validation_summary(std::string_view combat_model = "dupuy");

// YAML to JSON: scalars that parse as numbers or booleans become those, the rest strings.
nlohmann::json yaml_text_to_json(std::string_view yaml);

}  // namespace flank::server
