#pragma once
// What one replication produces. Plain numbers, fixed size per scenario, so runners can
// aggregate in a stream and stores can persist them without knowing the engine.
#include <array>
#include <cstdint>
#include <vector>

#include "flank/scenario/scenario.hpp"

namespace flank {

inline constexpr double kNever = -1;  // objective hours when it never fell

// Days at which territory is reported (DESIGN.md §3).
inline constexpr int kTerritoryDays[] = {3, 7, 14, 30};

// How each engagement ended, by what decided it (docs/model.md "Operational resolution").
// Codes index Operations::engagements and the JSON's keys: never renumber.
enum class EngagementKind : std::uint8_t { Assault, Overrun, Siege, Count };
inline constexpr const char* kEngagementKindNames[] = {"assault", "overrun", "siege"};

// The operational layer's per-replication outcomes.
struct Operations {
  std::array<double, kSides> personnel_isolated{};  // cut off from supply (per onset)
  std::array<double, kSides> personnel_captured{};  // surrendered in pockets or overruns
  std::array<double, kSides> pockets{};             // regions with the side's forces cut off
  double regions_bypassed = 0;  // defended regions an axis went around (0: no bypass rule yet)
  // Defended regions taken, by what decided the attack.
  std::array<double, static_cast<int>(EngagementKind::Count)> engagements{};
};

struct Outcome {
  std::uint64_t replication = 0;
  std::vector<double> objective_hour;               // per objective: hour achieved, or kNever
  std::vector<std::uint8_t> before_reinforcements;  // per objective: 1 if it fell before Blue's
                                                    // main reinforcements all arrived
  std::vector<std::uint8_t> held_at_end;  // per objective: 1 if it still holds at the horizon
                                          // (a city taken on day 18 may be retaken by day 30)
  double decision_hour = 0;               // Blue's political decision, drawn
  double reinforcements_hour = kNever;    // when Blue's last main reinforcement arrived
  std::array<std::array<double, 4>, kSides> territory{};  // objective-value share held, per
                                                          // side, at kTerritoryDays
  std::array<double, kSides> personnel_lost{};
  std::array<double, kSides> power_lost_fraction{};  // of initial combat power
  std::vector<double> losses_by_category;  // [side * UnitCategory::Count + category]: personnel
  std::vector<std::uint8_t> escalation;    // per escalation rule: 1 if raised
  std::vector<double> escalation_hour;     // per rule: hour raised or kNever
  Operations operations;
};

}  // namespace flank
