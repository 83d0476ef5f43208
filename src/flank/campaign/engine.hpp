#pragma once
// The campaign engine: one replication of a compiled Scenario, stepped hour by hour.
//
// Model and data apart (STYLE.md): the Scenario is immutable and shared; an Engine owns the
// per-replication CampaignState, sized once in its constructor and reset for each replication,
// so the step loop allocates nothing and never looks anything up by string. An Engine is not
// thread-safe: the Monte Carlo runner keeps one per thread. The model's equations and its
// structural choices are documented in docs/model.md.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flank/campaign/outcome.hpp"
#include "flank/combat/combat.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::campaign {

// Codes are part of the timeline format (docs/formats.md): never renumber.
enum class UnitStatus : std::uint8_t {
  NotArrived = 0,
  Holding = 1,
  Moving = 2,
  Attacking = 3,
  Withdrawing = 4,
  Broken = 5,
  Destroyed = 6,
  Waiting = 7,
  NotReady = 8,
};

struct UnitState {
  UnitStatus status = UnitStatus::NotArrived;
  RegionId region = kNone;      // where the unit is (kNone before it arrives)
  RegionId toward = kNone;      // adjacent region it is moving into, kNone when not moving
  LinkId link = kNone;          // link it is moving along
  RegionId target = kNone;      // where doctrine sends it
  double progress_km = 0;       // along `link`
  double leg_km = 0;            // distance to cover on `link` (half of it when entering enemy land)
  double spare_hours = 0;       // of the last step, left over when its leg ended early
  double strength = 1;          // remaining fraction of initial personnel and power
  double personnel0 = 0;        // drawn for this replication
  double power0 = 0;            // combat power at full strength (before CEV, morale, supply)
  double supply = 1;            // supply state in [0, 1]
  double arrival_hour = 0;      // when it enters the theatre (0 for units present at the start)
  double ready_hour = 0;        // when it may move
  int axis = -1;                // doctrine axis it follows now (-1: none); may be reallocated
  double in_place_since = 0;    // when it came to stand where it is (posture: time in place)
  double advancing_since = -1;  // start of its current continuous advance (-1: not advancing)
  double halted_since = -1;     // start of its current halt while advancing_since is set
  double isolated_since = -1;   // when it was cut off from supply (-1: supplied)
  double endurance_hours = 0;   // drawn when it was cut off
  // Pushed out of a position by an assault: disorganised until reform_until (docs/model.md
  // "Displacement"); `displaced` marks the withdrawal that will end in a reform.
  double reform_until = -1;
  bool displaced = false;
  bool present_at_start = false;
  bool reserve = false;  // moves to threatened regions (otherwise holds its start region)
  bool broken = false;
  bool cut_off = false;  // no supply path this step
};

struct RegionState {
  SideId control = kBlue;
  double attack_progress_km = 0;   // attacker's advance across the region
  double attack_depth_km = 0;      // advance needed for control to change
  double attack_speed_kmh = 0;     // attacker's march speed when unopposed
  bool attack_river = false;       // the attack crossed a river to get here
  LinkId attack_link = kNone;      // the link the first attackers came along
  double crossing_ready_hour = 0;  // a blown bridge: the attack advances from this hour
  double noise_until = -1;         // engagement noise is redrawn from this hour
  double att_noise = 1, def_noise = 1;
  DefenceClass defence = DefenceClass::Hasty;     // of the current engagement
  EngagementKind kind = EngagementKind::Assault;  // of the current engagement
  bool defended = false;                          // the current engagement has met defenders
};

// Per-replication state. Public so tests can check invariants step by step.
struct CampaignState {
  int step = 0;  // steps completed
  double hour = 0;
  std::array<double, kSides> decision_hour{};
  std::array<bool, kSides> decided{};
  std::array<bool, kSides> halted{};  // offensive stopped past halt_loss_fraction
  std::vector<UnitState> units;
  std::vector<RegionState> regions;
  std::vector<double> link_tokens;     // throughput budget: brigades that may still enter
  std::vector<double> link_hour;       // when link_tokens was last brought up to date
  std::vector<std::uint8_t> supplied;  // [side * regions + region]
  std::array<double, kSides> air_availability{1, 1};
  std::vector<double> objective_hour;
  std::vector<std::uint8_t> escalation_seen;  // the rule's condition was checked as false once
  std::vector<std::uint8_t> escalation_held;  // the rule's condition held at some step
  // [side * regions + region]: kNone, or the region through which the side's axes go round
  // this one (bypassed: contained, not attacked through; docs/model.md "Bypass and masking").
  std::vector<RegionId> bypass_detour;
};

// Optional hour-by-hour record of one replication (the viewer's timeline).
struct EngagementRecord {
  RegionId region = kNone;
  std::vector<UnitId> attackers, defenders;
  double ratio = 0, att_loss = 0, def_loss = 0;
  DefenceClass defence = DefenceClass::Hasty;
  EngagementKind kind = EngagementKind::Assault;
};
struct FrameUnit {
  int region = -1;
  double strength = 1;
  int status = 0;
  int toward = -1;
  double progress = 0;
  bool cut_off = false;  // isolated from supply
};
struct Frame {
  double hour = 0;
  std::vector<SideId> control;
  std::vector<std::uint8_t> defence;  // per region: DefenceClass of its current engagement, or
                                      // 255 when not under attack
  std::vector<FrameUnit> units;
  std::vector<EngagementRecord> engagements;
};
struct Event {
  double hour = 0;
  std::string kind;  // objective | arrival | escalation | control | break | decision | overrun
                     // | pocket | surrender
  std::string text;
  RegionId region = kNone;  // where it happened, kNone when nowhere in particular
  int side = -1;            // the side it concerns (the one acting or affected), -1 both
  UnitId unit = kNone;      // the unit it concerns, kNone when none
};
struct Timeline {
  std::vector<double> personnel;  // drawn per unit
  std::vector<Frame> frames;
  std::vector<Event> events;
};

// The phases of one step, in the order docs/model.md "One step" lists them, for timing each
// phase apart (bench/bench_phases.cpp, docs/performance.md).
enum class Phase : std::uint8_t {
  Decisions,  // 1. decisions and air
  Arrivals,   // 2. arrivals and readiness
  Supply,     // 3. supply
  Isolation,  //    endurance, surrender, breakout; pockets
  Aggregate,  // 4. power, and the power free to move
  Doctrine,   // 5. targets and first legs (bypass and masking included)
  Movement,   // 6. movement
  Regroup,    //    power again, fighting units grouped by region
  Combat,     // 7. combat
  After,      // 8. halts, objectives, escalation, territory, timeline frame
  Count
};
std::string_view phase_name(Phase phase);

// Wall time spent in each phase, summed over the steps it was passed to.
struct PhaseClock {
  std::array<double, static_cast<int>(Phase::Count)> seconds{};
  std::int64_t steps = 0;
};

class Engine {
 public:
  // combat_model: name for combat::make_model; empty = the scenario's params.combat_model.
  explicit Engine(const Scenario& scenario, std::string_view combat_model = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs replication `replication` to the horizon. `outcome` is reused: after the first call
  // its vectors keep their capacity. `timeline` (may be null) receives every step.
  void run(std::uint64_t seed, std::uint64_t replication, Outcome& outcome,
           Timeline* timeline = nullptr);
  Outcome run(std::uint64_t seed, std::uint64_t replication);

  // Step-level access for tests: reset, then step() until it returns false.
  void reset(std::uint64_t seed, std::uint64_t replication, Timeline* timeline = nullptr);
  // Advances one step; false once the horizon is reached. With a clock, each phase's wall time
  // is added to it (two clock reads per phase: for benchmarks, not for production runs).
  bool step(PhaseClock* clock = nullptr);
  void finish(Outcome& outcome);
  const CampaignState& state() const { return state_; }
  const Scenario& scenario() const { return scenario_; }
  std::string_view combat_model_name() const;

  // Effective combat power of unit u now (power0 × strength × CEV × morale × supply factor).
  double effective_power(UnitId u) const;

  struct Impl;  // precomputed tables, scratch and streams (engine.cpp)

 private:
  const Scenario& scenario_;
  std::unique_ptr<Impl> impl_;
  CampaignState state_;
};

}  // namespace flank::campaign
