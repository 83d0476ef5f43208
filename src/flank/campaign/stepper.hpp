#pragma once
// Internal to the campaign engine (not part of the public API): the engine's precomputed
// tables and scratch (Engine::Impl) and the step's phases (Stepper), shared by the files that
// implement them. One file per phase of docs/model.md's "One step":
//   setup.cpp       Impl's static tables; Engine::reset (per-replication draws)
//   decisions.cpp   1. decisions and air, 2. arrivals and readiness
//   supply.cpp      3. supply, and the isolation test (connected) objectives and rules use
//   isolation.cpp   3. isolated units' endurance, surrender and breakout; pockets
//   posture.cpp     7. a defence's class from force-to-space and time in place
//   aggregate.cpp   4. effective power, and the per-region sums doctrine and combat read
//   doctrine.cpp    5. doctrine: targets, routes and the first leg of each move
//   bypass.cpp      5a. bypass and masking of defended cities (called from doctrine)
//   movement.cpp    6. movement, interdiction, withdrawals
//   resolution.cpp  7. combat, close air support, breaks
//   objectives.cpp  8. after the step: halts, objectives, territory; the timeline frame
//   escalation.cpp  8. after the step: escalation rules
//   engine.cpp      Engine's public methods; Engine::step lists the phases in order
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flank/campaign/engine.hpp"
#include "flank/core/rng.hpp"

namespace flank::campaign {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline bool alive(UnitStatus s) {
  return s != UnitStatus::NotArrived && s != UnitStatus::Destroyed;
}
// Present in its region and able to fight there (defend, or attack when in enemy land).
inline bool fighting(const UnitState& u) {
  return !u.broken && (u.status == UnitStatus::Holding || u.status == UnitStatus::Waiting ||
                       u.status == UnitStatus::NotReady || u.status == UnitStatus::Attacking);
}
inline int idx(SideId s, int r, int regions) {
  return s * regions + r;
}

struct Engine::Impl {
  struct UnitStatic {
    SideId side = kRed;
    int category = 0;
    int axis = -1;  // index into axes, -1 = none
    double march_kmh = 0, advance_factor = 1, cev = 1, morale = 1, armour_share = 0;
    double base_power = 0, personnel_mean = 0;
    bool scheduled = false;
  };
  struct AxisStatic {
    std::string id;
    SideId side = kRed;
    std::vector<RegionId> path;
    std::vector<int> pos;  // per region: index in path, -1 when not on it
  };

  const Scenario& sc;
  std::unique_ptr<combat::CombatModel> model;
  int R = 0, U = 0, O = 0, E = 0, steps = 0;
  double dt = 1;

  std::vector<int> country_side;  // per region: side whose nation owns the country, -1 none
  std::vector<std::uint32_t> adj_begin;
  std::vector<RegionId> adj_region;
  std::vector<LinkId> adj_link;
  std::vector<std::uint8_t> link_river;
  std::vector<UnitStatic> us;
  std::vector<AxisStatic> axes;
  std::vector<std::uint8_t> is_guard;  // [side * R + r]: side defends r against enemy axes
  std::array<std::vector<RegionId>, kSides> guard_list;            // the same, as ascending lists
  std::vector<std::vector<std::uint8_t>> escalation_country_mask;  // per rule, per region
  double total_value = 0;
  std::vector<double> region_weight;  // objective value, or 1 each when no region has value

  // Scratch, sized once.
  std::vector<double> power;  // per unit: effective power, refreshed by aggregate()
  std::vector<std::uint32_t> region_begin, region_fill;  // fighting units by region (CSR)
  std::vector<UnitId> region_units;
  std::vector<double> present_power;  // [side * R + r] fighting units' effective power
  std::vector<double> free_power;     // [side * R + r] units free to move
  std::vector<double> reserve_power;  // [side * R + r] free reserves (they counterattack)
  std::vector<double> deficit;        // per region, for the defending side's reserves
  std::vector<std::uint8_t> under_attack;
  std::vector<RegionId> counterattack_target;      // per region, for the side being processed
  std::vector<std::uint64_t> counterattack_stamp;  // per region: `stamp` when it was computed
  std::uint64_t stamp = 0;                         // one per assign_targets call, never reset
  std::array<std::vector<UnitId>, kSides> reserve_units;  // per side: reserves (never on an axis)
  std::vector<double> incoming;         // per region: enemy axis power still to pass through it
  std::vector<RegionId> candidates;     // guarded regions a reserve may be sent to, this call
  std::vector<int> axis_target_index;   // per axis: first path index not held
  std::vector<double> axis_power;       // per axis: effective power of its units
  std::vector<int> axis_index_seen;     // per axis: target index at the last step
  std::vector<double> axis_moved_hour;  // per axis: when that index last changed
  std::array<int, kSides> bypassed{};   // regions the side has bypassed so far
  std::vector<double> mask_power;       // [side * R + r]: power containing bypassed r
  std::vector<RegionId> masking;        // per unit: the bypassed region it contains
  std::vector<std::uint8_t> objective_region;  // [side * R + r]: in one of side's objectives
  std::vector<RegionId> queue;
  std::vector<std::uint8_t> visited;
  std::vector<UnitId> attackers, defenders;
  std::array<int, kSides> moving_units{};
  int engagements = 0;
  std::array<double, kSides> initial_power{};
  std::array<double, kSides> power_now{};  // Σ power0 × strength, kept up to date by lose()
  std::vector<std::uint8_t> free;          // per unit: free to move this step
  std::vector<std::uint8_t> fighting_now;  // per unit: fighting(), as of the last aggregate()
  std::array<std::vector<UnitId>, kSides> side_units;
  std::vector<std::uint8_t> isolated_now;  // per escalation rule (Isolated kind)

  std::vector<double> frontage_km;                      // per region (docs/model.md "Posture")
  std::vector<std::uint8_t> supply_source;              // [side * R + r]
  std::vector<std::uint8_t> pocket_now, pocket_before;  // [side * R + r]: side's forces cut off
  int cut_off_units = 0;           // alive units with no supply path, as of this step's supply()
  bool any_isolated = false;       // some alive unit's endurance clock may be running
  bool any_pocket_before = false;  // pocket_before has an entry set
  double next_arrival_hour = 0;    // arrivals(): no unit is due to arrive or be ready before
  Operations operations;           // outcome accumulators
  std::optional<RandomStream> combat_rng, air_rng, escalation_rng, movement_rng, isolation_rng;
  bool control_changed = true;  // this step: objectives and isolation rules look again
  // Control changed since supply was last traced. Kept apart from control_changed, which is
  // cleared at the end of the step in which a region fell, before the next step's supply runs
  // (until v2 supply was therefore traced only at hour 0).
  bool supply_dirty = true;
  Timeline* timeline = nullptr;

  // Outcome accumulators.
  std::array<std::array<double, 4>, kSides> territory{};
  int territory_recorded = 0;
  std::array<double, kSides> personnel_lost{};
  std::vector<double> losses_by_category;
  std::vector<double> escalation_hour;
  double reinforcements_hour = kNever;

  // Static tables from the scenario (setup.cpp).
  explicit Impl(const Scenario& s, std::string_view model_name);
};

// A unit's effective power (docs/model.md "One step", 4): the one formula aggregate() and
// Engine::effective_power share.
inline double effective_power(const Engine::Impl::UnitStatic& st, const UnitState& unit,
                              const Parameters& p, double hour) {
  const double oos = p.out_of_supply_factor;
  const double cohesion = hour < unit.reform_until ? p.ops.disorganised_power_factor : 1.0;
  return unit.power0 * unit.strength * st.cev * st.morale * (oos + (1 - oos) * unit.supply) *
         cohesion;
}

// The engine's step functions, kept out of the public header: they see Engine internals
// through these references only. Built afresh for each call of Engine::reset, step and finish.
struct Stepper {
  const Scenario& sc;
  Engine::Impl& m;
  CampaignState& s;
  const Engine& engine;

  const Parameters& p() const { return sc.params; }
  SideId control(int r) const { return s.regions[r].control; }

  // `text` is a callable returning the event's text, called only when a timeline is recorded:
  // without one the hot loop builds no strings (and allocates nothing).
  template <class Text>
  void emit(const char* kind, Text&& text, RegionId region = kNone, int side = -1,
            UnitId unit = kNone) {
    if (m.timeline)
      m.timeline->events.push_back({s.hour + m.dt, kind, std::string(text()), region, side, unit});
  }

  // Inline here: doctrine and movement call link_between, and movement and combat call lose,
  // in their per-unit loops.
  LinkId link_between(RegionId a, RegionId b) const {
    for (std::uint32_t k = m.adj_begin[a]; k < m.adj_begin[a + 1]; ++k)
      if (m.adj_region[k] == b) return m.adj_link[k];
    return kNone;
  }

  void lose(UnitId u, double fraction) {
    auto& unit = s.units[u];
    const double lost = unit.strength * std::clamp(fraction, 0.0, 1.0);
    m.personnel_lost[m.us[u].side] += unit.personnel0 * lost;
    m.losses_by_category[m.us[u].side * static_cast<int>(UnitCategory::Count) + m.us[u].category] +=
        unit.personnel0 * lost;
    unit.strength -= lost;
    m.power_now[m.us[u].side] -= unit.power0 * lost;
    if (unit.strength < 0) unit.strength = 0;
  }

  // 1, 2 (decisions.cpp)
  void decisions_and_air();
  void arrivals();

  // 3 (supply.cpp)
  void supply();
  bool connected(SideId side, const std::vector<RegionId>& from, const std::vector<RegionId>& to);
  void bfs(SideId side, const std::vector<RegionId>& sources_list, bool use_sources_list);

  // 3b (isolation.cpp)
  void isolation();
  void capture(UnitId u, double fraction);  // lose(), counted as prisoners
  // 4 (aggregate.cpp)
  void aggregate(bool for_doctrine);

  // 5 (doctrine.cpp)
  void doctrine();
  void assign_targets(SideId side);
  void reallocate(UnitId u);
  bool may_enter(SideId side, RegionId r) const;
  RegionId route(SideId side, RegionId from, RegionId to) const;
  RegionId nearest_own(RegionId from, SideId side, RegionId avoid) const;
  bool passed(int axis, int i) const;
  int axis_front(int axis) const;

  // 5a (bypass.cpp)
  void bypass();
  void assign_masks(SideId side);
  RegionId axis_hop(UnitId u) const;

  // 6 (movement.cpp)
  void movement();
  double speed_kmh(UnitId u, LinkId l, RegionId into) const;
  double interdiction_sorties_per_unit(SideId side) const;
  void start_leg(UnitId u, LinkId l, RegionId into, bool entering_enemy);
  void withdraw(UnitId u, RegionId from);
  void finish_withdrawal(UnitId u);
  void advance_clock(UnitId u);

  // 7 (resolution.cpp)
  void combat();
  void fight(RegionId r);
  double close_support(SideId side) const;
  void check_breaks(RegionId r, const std::vector<UnitId>& list);
  DefenceClass defence(RegionId r) const;  // posture.cpp, of m.defenders
  void take_region(RegionId r, SideId att_side);

  // 8, after the step (objectives.cpp)
  void halts(const std::array<double, kSides>& lost);
  void objectives();
  void territory();
  bool objective_holds(int o);
  std::array<double, kSides> power_lost_fractions() const;
  void record_territory(int k);
  void record_frame();

  // 8, after the step (escalation.cpp)
  void escalation(const std::array<double, kSides>& lost);
  void refresh_isolation();
};

}  // namespace flank::campaign
