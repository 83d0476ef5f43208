#pragma once
// A small valid scenario exercising every section of the format; tests mutate its text to
// produce each kind of error at a known line and column.
#include <string>
#include <string_view>
#include <utility>

namespace flank::test {

inline constexpr std::string_view kSmallScenario = R"(flank: 1
id: small
name: "Small test scenario"
description: "Four regions, three units"
start: 2023-07-15T00:00:00Z
sources:
  - {id: S1, text: "Test source one", url: "https://example.org/1"}
  - {id: S2, text: "Test source two"}
parameters:
  step_hours: 2
  horizon_days: 20
  combat_model: dupuy
  noise_sigma: 0.3
  posture_factor: {attack: 1.0, hasty: 1.25, prepared: 1.5, fortified: 1.7, delay: 1.2, withdrawal: 1.1}
  terrain:
    forest: {defence: 1.4, advance: 0.6, movement: 0.7}
  road_speed: {motorway: 1.0, primary: 0.8}
  river_crossing_factor: 1.6
  surprise: {factor: 1.3, hours: 24}
  supply: {out_of_supply_factor: 0.4, recovery_per_day: 0.6, loss_per_day: 0.2}
  air:
    red: {sorties_per_day: 60, cas_share: 0.6, power_per_sortie: 0.02, air_defence: 0.7}
    blue: {sorties_per_day: 200, cas_share: 0.5}
  cost_units: "M EUR/yr"
  source: "S1"
sides:
  - {id: red, name: "Red side"}
  - {id: blue, name: "Blue side"}
nations:
  - {id: RA, name: Redland, side: red}
  - {id: BA, name: Blueland, side: blue}
regions:
  - {id: alpha, name: Alpha, country: RA, lat: 54.0, lon: 23.0, terrain: open, value: 1, source: "S1"}
  - {id: bravo, name: Bravo, country: BA, lat: 54.0, lon: 23.5, terrain: forest, source: "S1"}
  - {id: charlie, name: Charlie, country: BA, lat: 54.5, lon: 23.5, terrain: urban, urban: true, value: 5, source: "S2"}
  - {id: delta, name: Delta, country: BA, lat: 54.5, lon: 24.0, terrain: lakes, control: red, source: "S2"}
links:
  - {from: alpha, to: bravo, road: motorway, rail: true, throughput: 6, length_km: 40, source: "S1"}
  - {from: bravo, to: charlie, road: primary, river: Neman, throughput: 3, sinuosity: 1.0, source: "S1"}
  - {from: charlie, to: delta, road: minor, throughput: 2, length_km: 30, source: "S1"}
  - {from: alpha, to: charlie, road: track, throughput: 1, length_km: 100, source: "S1"}
equipment:
  - {id: tank, score: 1.0, source: "S1"}
  - {id: ifv, score: 0.5, source: "S1"}
unit_types:
  - {id: mech_bde, category: mechanised, road_march_kmh: 30, offroad_factor: 0.4, advance_factor: 1.1, personnel_score: 0.01, tracked: true, source: "S1"}
  - {id: light_bde, category: light_infantry, road_march_kmh: 40, offroad_factor: 0.8, personnel_score: 0.02, source: "S2"}
units:
  - id: red-1
    name: "Red 1st"
    nation: RA
    type: mech_bde
    personnel: {dist: triangular, min: 3000, mode: 4000, max: 5000}
    equipment: {tank: 90, ifv: 120}
    cev: 1.2
    readiness_hours: 12
    supply: 0.9
    morale: 0.8
    start: alpha
    axis: north
    cost: 0
    source: "S1"
  - id: blue-1
    nation: BA
    type: light_bde
    personnel: 2000
    start: bravo
    source: "S2"
  - id: blue-2
    name: "Blue reinforcement"
    nation: BA
    type: mech_bde
    personnel: {dist: normal, mean: 4000, sd: 500}
    equipment: {tank: 60}
    arrival: {region: delta, earliest_hour: 48, after_decision: true, delay_hours: {dist: uniform, min: 24, max: 72}}
    main_reinforcement: true
    cost: 150
    source: "S1, S2"
objectives:
  - {id: take-charlie, name: "Charlie taken", side: red, kind: capture, regions: [charlie], value: 5}
  - {id: corridor, side: red, kind: connect, from: [alpha], to: [delta], value: 10}
doctrine:
  red:
    axes:
      - {id: north, path: [alpha, charlie], weight: 2}
      - {id: south, path: [alpha, bravo]}
    commit_ratio: 1.8
    halt_loss_fraction: 0.45
    break_loss_fraction: 0.35
    counterattack_ratio: 2.5
    defence_posture: prepared
  blue:
    needs_decision: true
    decision_delay_hours: {dist: lognormal, median: 72, sigma: 0.5, max: 336}
    defence_posture: fortified
    source: "S2"
escalation:
  - {id: blue-in-redland, kind: enters_country, side: blue, countries: [RA], probability: 0.5, source: "S1"}
  - {id: delta-isolated, kind: isolated, side: red, regions: [delta], from: [alpha], probability: 0.25, source: "S1"}
  - {id: red-losses, kind: losses_above, side: red, threshold: 0.3, probability: 0.2, source: "S1"}
  - {id: corridor-closed, kind: objective_taken, objective: corridor, probability: 0.1, source: "S1"}
)";

// 1-based line and column of byte offset `at` in `text`.
inline std::pair<int, int> position_at(std::string_view text, std::size_t at) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at; ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return {line, static_cast<int>(at - line_start) + 1};
}

// 1-based line and column of the first occurrence of `needle` in `text` (0, 0 if absent).
inline std::pair<int, int> position_of(std::string_view text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  if (at == std::string_view::npos) return {0, 0};
  return position_at(text, at);
}

// `text` with the first occurrence of `from` replaced by `to`.
inline std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const std::size_t at = out.find(from);
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

}  // namespace flank::test
