// Engine setup: the static tables built once per Engine from the scenario (Impl's
// constructor) and the per-replication draws that reset() makes (docs/model.md "Initial draws").
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "flank/campaign/operations.hpp"
#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

Engine::Impl::Impl(const Scenario& s, std::string_view model_name) : sc(s) {
  model = combat::make_model(model_name.empty() ? std::string_view(sc.params.combat_model)
                                                : model_name);
  R = static_cast<int>(sc.regions.size());
  U = static_cast<int>(sc.units.size());
  O = static_cast<int>(sc.objectives.size());
  E = static_cast<int>(sc.escalation.size());
  dt = sc.params.step_hours;
  steps = sc.steps();

  country_side.assign(R, -1);
  for (int r = 0; r < R; ++r)
    for (const auto& n : sc.nations)
      if (n.id == sc.regions[r].country) country_side[r] = n.side;

  adj_begin.assign(R + 1, 0);
  for (int r = 0; r < R; ++r) adj_begin[r + 1] = adj_begin[r] + sc.regions[r].links.size();
  adj_region.resize(adj_begin[R]);
  adj_link.resize(adj_begin[R]);
  for (int r = 0; r < R; ++r) {
    std::uint32_t k = adj_begin[r];
    for (LinkId l : sc.regions[r].links) {
      adj_link[k] = l;
      adj_region[k++] = sc.links[l].other(static_cast<RegionId>(r));
    }
  }
  link_river.resize(sc.links.size());
  for (std::size_t l = 0; l < sc.links.size(); ++l) link_river[l] = !sc.links[l].river.empty();

  EquipmentId tank = kNone, ifv = kNone;
  for (std::size_t e = 0; e < sc.equipment.size(); ++e) {
    if (sc.equipment[e].id == "tank") tank = static_cast<EquipmentId>(e);
    if (sc.equipment[e].id == "ifv") ifv = static_cast<EquipmentId>(e);
  }

  for (int s = 0; s < kSides; ++s)
    for (const auto& a : sc.doctrine[s].axes) {
      AxisStatic ax;
      ax.id = a.id;
      ax.side = static_cast<SideId>(s);
      ax.path = a.path;
      ax.pos.assign(R, -1);
      for (std::size_t i = 0; i < a.path.size(); ++i)
        if (ax.pos[a.path[i]] < 0) ax.pos[a.path[i]] = static_cast<int>(i);
      axes.push_back(std::move(ax));
    }
  std::array<int, kSides> axis_offset{0, static_cast<int>(sc.doctrine[0].axes.size())};

  us.resize(U);
  std::vector<int> axis_count(axes.size(), 0);
  for (int u = 0; u < U; ++u) {
    const Unit& unit = sc.units[u];
    const UnitType& type = sc.unit_types[unit.type];
    UnitStatic& st = us[u];
    st.side = unit.side;
    st.category = static_cast<int>(type.category);
    st.march_kmh = type.road_march_kmh;
    st.advance_factor = type.advance_factor;
    st.cev = unit.cev;
    st.morale = unit.morale;
    st.personnel_mean = unit.personnel.mean();
    double equipment_power = 0, armour_power = 0;
    for (std::size_t e = 0; e < unit.equipment.size() && e < sc.equipment.size(); ++e) {
      const double p = unit.equipment[e] * sc.equipment[e].score;
      equipment_power += p;
      if (e == tank || e == ifv) armour_power += p;
    }
    st.base_power = unit.base_power > 0
                        ? unit.base_power
                        : equipment_power + st.personnel_mean * type.personnel_score;
    st.armour_share = st.base_power > 0 ? std::min(1.0, armour_power / st.base_power) : 0;
    st.scheduled = unit.start == kNone;
    const auto& side_axes = sc.doctrine[unit.side].axes;
    for (std::size_t a = 0; a < side_axes.size(); ++a)
      if (!unit.axis.empty() && side_axes[a].id == unit.axis)
        st.axis = axis_offset[unit.side] + static_cast<int>(a);
    if (st.axis >= 0) ++axis_count[st.axis];
  }
  // Units without an axis on a side that has axes are spread over them by weight, in unit
  // order: each goes to the axis with the smallest (units + 1) / weight.
  for (int u = 0; u < U; ++u) {
    const Unit& unit = sc.units[u];
    const auto& side_axes = sc.doctrine[unit.side].axes;
    if (us[u].axis >= 0 || side_axes.empty() || !unit.axis.empty()) continue;
    int best = -1;
    double best_load = kInf;
    for (std::size_t a = 0; a < side_axes.size(); ++a) {
      const int ai = axis_offset[unit.side] + static_cast<int>(a);
      const double w = side_axes[a].weight > 0 ? side_axes[a].weight : 1e-9;
      const double load = (axis_count[ai] + 1) / w;
      if (load < best_load) best_load = load, best = ai;
    }
    us[u].axis = best;
    ++axis_count[best];
  }

  // A side guards its own land on the enemy's axes and the regions the enemy must capture.
  is_guard.assign(kSides * R, 0);
  for (const auto& ax : axes)
    for (RegionId r : ax.path) {
      const SideId defender = static_cast<SideId>(1 - ax.side);
      if (sc.regions[r].initial_control == defender) is_guard[idx(defender, r, R)] = 1;
    }
  for (const auto& o : sc.objectives) {
    const SideId defender = static_cast<SideId>(1 - o.side);
    auto mark = [&](const std::vector<RegionId>& rs) {
      for (RegionId r : rs)
        if (sc.regions[r].initial_control == defender) is_guard[idx(defender, r, R)] = 1;
    };
    mark(o.regions);
    mark(o.to);
  }

  for (int side = 0; side < kSides; ++side)
    for (int r = 0; r < R; ++r)
      if (is_guard[idx(side, r, R)]) guard_list[side].push_back(static_cast<RegionId>(r));

  escalation_country_mask.resize(E);
  for (int e = 0; e < E; ++e) {
    escalation_country_mask[e].assign(R, 0);
    for (int r = 0; r < R; ++r)
      for (const auto& c : sc.escalation[e].countries)
        if (c == sc.regions[r].country) escalation_country_mask[e][r] = 1;
  }

  region_weight.assign(R, 0);
  for (int r = 0; r < R; ++r) region_weight[r] = sc.regions[r].objective_value;
  total_value = 0;
  for (double v : region_weight) total_value += v;
  if (total_value <= 0) {
    std::fill(region_weight.begin(), region_weight.end(), 1.0);
    total_value = R;
  }

  present_power.assign(kSides * R, 0);
  power.assign(U, 0);
  free.assign(U, 0);
  fighting_now.assign(U, 0);
  for (int u = 0; u < U; ++u) side_units[us[u].side].push_back(static_cast<UnitId>(u));
  region_begin.assign(R + 1, 0);
  region_fill.assign(R, 0);
  region_units.assign(U, 0);
  free_power.assign(kSides * R, 0);
  reserve_power.assign(kSides * R, 0);
  deficit.assign(R, 0);
  under_attack.assign(R, 0);
  counterattack_target.assign(R, kNone);
  counterattack_stamp.assign(R, 0);
  incoming.assign(R, 0);
  candidates.reserve(R);
  // Reserves: units off the axes that arrive later or start outside the regions their side
  // guards (the rule Engine::reset applies per unit; reallocation never gives them an axis).
  for (int u = 0; u < U; ++u)
    if (us[u].axis < 0 && (us[u].scheduled || !is_guard[idx(us[u].side, sc.units[u].start, R)]))
      reserve_units[us[u].side].push_back(static_cast<UnitId>(u));
  axis_target_index.assign(axes.size(), 0);
  axis_power.assign(axes.size(), 0);
  axis_index_seen.assign(axes.size(), 0);
  axis_moved_hour.assign(axes.size(), 0);
  mask_power.assign(kSides * R, 0);
  masking.assign(U, kNone);
  objective_region.assign(kSides * R, 0);
  for (const Objective& o : s.objectives)
    for (RegionId r : o.kind == Objective::Kind::Capture ? o.regions : o.to)
      objective_region[idx(o.side, r, R)] = 1;
  queue.resize(R);
  visited.resize(R);
  attackers.reserve(U);
  defenders.reserve(U);
  losses_by_category.assign(kSides * static_cast<int>(UnitCategory::Count), 0);
  escalation_hour.assign(E, kNever);
  isolated_now.assign(E, 0);

  // Frontage a defender must cover: given, else about a region's width (the mean distance to
  // its neighbours' centres), a city defended inside its footprint.
  frontage_km.assign(R, 0);
  for (int r = 0; r < R; ++r) {
    const Region& reg = sc.regions[r];
    double mean_link = 0;
    for (LinkId l : reg.links) mean_link += sc.links[l].length_km;
    mean_link = reg.links.empty() ? sc.params.ops.urban_frontage_km : mean_link / reg.links.size();
    frontage_km[r] = reg.frontage_km > 0 ? reg.frontage_km
                     : reg.urban         ? std::min(sc.params.ops.urban_frontage_km, mean_link)
                                         : mean_link;
    frontage_km[r] = std::max(frontage_km[r], 0.1);
  }
  // Supply is traced from the listed sources, or from every region of the side's countries.
  supply_source.assign(kSides * R, 0);
  for (int side = 0; side < kSides; ++side) {
    const auto& listed = sc.doctrine[side].supply_sources;
    for (int r = 0; r < R; ++r)
      supply_source[idx(side, r, R)] = listed.empty() && country_side[r] == side;
    for (RegionId r : listed) supply_source[idx(side, r, R)] = 1;
  }
  pocket_now.assign(kSides * R, 0);
  pocket_before.assign(kSides * R, 0);
}

void Engine::reset(std::uint64_t seed, std::uint64_t replication, Timeline* timeline) {
  Impl& m = *impl_;
  const Scenario& sc = scenario_;
  m.timeline = timeline;
  m.combat_rng.emplace(seed, replication, Purpose::Combat);
  m.air_rng.emplace(seed, replication, Purpose::Air);
  m.escalation_rng.emplace(seed, replication, Purpose::Escalation);
  m.movement_rng.emplace(seed, replication, Purpose::Movement);
  m.isolation_rng.emplace(seed, replication, Purpose::Isolation);
  RandomStream draws(seed, replication, Purpose::ScenarioDraw);
  RandomStream doctrine(seed, replication, Purpose::Doctrine);
  RandomStream reinforcement(seed, replication, Purpose::Reinforcement);

  state_.step = 0;
  state_.hour = 0;
  for (int side = 0; side < kSides; ++side) {
    const SideDoctrine& doc = sc.doctrine[side];
    state_.decision_hour[side] =
        doc.needs_decision ? std::max(0.0, doc.decision_delay_hours.sample(doctrine)) : 0.0;
    state_.decided[side] = false;
    state_.halted[side] = false;
    state_.air_availability[side] = 1;
  }
  for (int r = 0; r < m.R; ++r) {
    state_.regions[r] = RegionState{};
    state_.regions[r].control = sc.regions[r].initial_control;
  }
  for (std::size_t l = 0; l < sc.links.size(); ++l) {
    state_.link_tokens[l] = std::max(1.0, sc.links[l].throughput);
    state_.link_hour[l] = 0;
  }
  m.initial_power = {0, 0};
  m.reinforcements_hour = kNever;
  bool any_main = false;
  for (int u = 0; u < m.U; ++u) {
    const Unit& unit = sc.units[u];
    const auto& st = m.us[u];
    UnitState& us = state_.units[u];
    us = UnitState{};
    us.axis = st.axis;
    us.personnel0 = std::max(0.0, unit.personnel.sample(draws));
    us.power0 =
        st.personnel_mean > 0 ? st.base_power * us.personnel0 / st.personnel_mean : st.base_power;
    us.supply = std::clamp(unit.supply, 0.0, 1.0);
    us.present_at_start = !st.scheduled;
    m.initial_power[st.side] += us.power0;
    if (!st.scheduled) {
      us.region = unit.start;
      us.target = unit.start;
      us.arrival_hour = 0;
      // Forces already in the theatre answer an attack on their own ground from hour 0; the
      // political decision gates only leaving own territory and the reinforcements.
      us.ready_hour = unit.readiness_hours;
      us.status = us.ready_hour > 0 ? UnitStatus::NotReady : UnitStatus::Holding;
      // The side's defence_posture is how far the forces in place had prepared at hour 0: as
      // long as that takes at the reference density (docs/model.md "Posture").
      us.in_place_since = -std::min(
          1e6, ops::hours_to_reach(sc.params.ops,
                                   ops::starting_preparation(sc.doctrine[st.side].defence_posture),
                                   1000));
      if (sc.regions[unit.start].initial_control != st.side) us.status = UnitStatus::Attacking;
      us.reserve = st.axis < 0 && !m.is_guard[idx(st.side, unit.start, m.R)];
    } else {
      const Arrival& a = unit.arrival;
      const double delay = std::max(0.0, a.delay_hours.sample(reinforcement));
      us.arrival_hour = a.after_decision
                            ? std::max(a.earliest_hour,
                                       state_.decision_hour[st.side] + unit.readiness_hours + delay)
                            : a.earliest_hour + delay;
      us.ready_hour = us.arrival_hour;
      us.reserve = st.axis < 0;
    }
    if (unit.main_reinforcement) {
      any_main = true;
      m.reinforcements_hour = std::max(m.reinforcements_hour, us.arrival_hour);
    }
  }
  // With no main reinforcements listed, "before reinforcements" never holds.
  if (!any_main) m.reinforcements_hour = 0;
  m.power_now = m.initial_power;
  std::fill(state_.supplied.begin(), state_.supplied.end(), 1);
  std::fill(state_.bypass_detour.begin(), state_.bypass_detour.end(), kNone);
  std::fill(state_.objective_hour.begin(), state_.objective_hour.end(), kNever);
  std::fill(state_.escalation_seen.begin(), state_.escalation_seen.end(), 0);
  std::fill(state_.escalation_held.begin(), state_.escalation_held.end(), 0);
  std::fill(m.escalation_hour.begin(), m.escalation_hour.end(), kNever);
  std::fill(m.isolated_now.begin(), m.isolated_now.end(), 0);
  std::fill(m.losses_by_category.begin(), m.losses_by_category.end(), 0.0);
  m.personnel_lost = {0, 0};
  m.operations = {};
  m.bypassed = {};
  std::fill(m.masking.begin(), m.masking.end(), kNone);
  std::fill(m.axis_index_seen.begin(), m.axis_index_seen.end(), 0);
  std::fill(m.axis_moved_hour.begin(), m.axis_moved_hour.end(), 0.0);
  std::fill(m.pocket_before.begin(), m.pocket_before.end(), 0);
  m.cut_off_units = 0;
  m.any_isolated = m.any_pocket_before = false;
  m.next_arrival_hour = 0;
  m.territory = {};
  m.territory_recorded = 0;
  m.control_changed = m.supply_dirty = true;
  if (timeline) {
    timeline->frames.clear();
    timeline->events.clear();
    timeline->personnel.resize(m.U);
    for (int u = 0; u < m.U; ++u) timeline->personnel[u] = state_.units[u].personnel0;
  }
  // Isolation is evaluated once up front so a rule that holds at hour 0 is the baseline.
  Stepper st{sc, m, state_, *this};
  st.refresh_isolation();
}

}  // namespace flank::campaign
