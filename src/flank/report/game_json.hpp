#pragma once
// `flank report --game FILE`: the document `flank game --json` writes ("format":
// "flank-game-1"), read and checked before it reaches the viewer's payoff heat map. JSON
// syntax errors and every structural problem (a missing or mistyped field, a row with the
// wrong number of cells, an interval that does not contain its estimate, a best response or
// equilibrium weight naming no plan) are reported together, each naming file, line, column
// and field.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace flank::report {

// Throws InputError.
nlohmann::json parse_game_json(std::string_view text, const std::string& file);
nlohmann::json read_game_json(const std::string& path);

}  // namespace flank::report
