// Phase 5 of a step (docs/model.md "One step"): doctrine. Both sides run the same rules
// on their own data: axis units, holders and reserves get targets, then free units start the
// first leg of their move. Also the routing helpers (route, nearest_own).
#include <algorithm>
#include <cstddef>
#include <limits>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// Targets for every side's units, then the first leg of each move.
void Stepper::doctrine() {
  // Axis progress: the first region on each path its side does not hold.
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    const auto& ax = m.axes[a];
    int i = 0;
    while (i < static_cast<int>(ax.path.size()) && control(ax.path[i]) == ax.side) ++i;
    m.axis_target_index[a] = i;
    m.axis_power[a] = 0;
  }
  for (int u = 0; u < m.U; ++u)
    if (m.us[u].axis >= 0 && fighting(s.units[u]) && !s.halted[m.us[u].side])
      m.axis_power[m.us[u].axis] += m.power[u];

  for (int side = 0; side < kSides; ++side) assign_targets(static_cast<SideId>(side));

  for (int u = 0; u < m.U; ++u) {
    if (!m.free[u]) continue;
    auto& unit = s.units[u];
    const SideId side = m.us[u].side, enemy = static_cast<SideId>(1 - side);
    unit.status = UnitStatus::Holding;
    if (unit.target == kNone || unit.target == unit.region) continue;
    const RegionId next = m.us[u].axis >= 0 ? sc.hop(unit.region, unit.target)
                                            : route(side, unit.region, unit.target);
    if (next == kNone || next == unit.region) {
      if (next == kNone) unit.status = UnitStatus::Waiting;
      continue;
    }
    const LinkId l = link_between(unit.region, next);
    if (l == kNone || !may_enter(side, next)) {
      unit.status = UnitStatus::Waiting;
      continue;
    }
    const bool enemy_land = control(next) != side;
    if (enemy_land) {
      const double own =
          (m.us[u].axis >= 0 ? m.free_power : m.reserve_power)[idx(side, unit.region, m.R)] +
          m.present_power[idx(side, next, m.R)];
      const double opp = m.present_power[idx(enemy, next, m.R)];
      const double needed = m.us[u].axis >= 0 ? sc.doctrine[side].commit_ratio
                                              : sc.doctrine[side].counterattack_ratio;
      if (opp > 0 && own < needed * opp) {
        unit.status = UnitStatus::Waiting;
        continue;
      }
    }
    // A link with no stated throughput does not limit traffic.
    if (sc.links[l].throughput > 0) {
      // Token bucket refilled lazily: throughput per day, at most one day's worth banked.
      const double thr = sc.links[l].throughput;
      s.link_tokens[l] =
          std::min(std::max(1.0, thr), s.link_tokens[l] + thr * (s.hour - s.link_hour[l]) / 24.0);
      s.link_hour[l] = s.hour;
      if (s.link_tokens[l] < 1) {
        unit.status = UnitStatus::Waiting;
        continue;
      }
      s.link_tokens[l] -= 1;
    }
    start_leg(static_cast<UnitId>(u), l, next, enemy_land);
  }
}

void Stepper::assign_targets(SideId side) {
  const SideId enemy = static_cast<SideId>(1 - side);
  const SideDoctrine& doc = sc.doctrine[side];
  // Counterattack targets per region: retake own land at any ratio that meets the doctrine,
  // and, once decided, strike enemy forces massing one region beyond the own border.
  for (int r = 0; r < m.R; ++r) {
    m.counterattack_target[r] = kNone;
    const double own = m.reserve_power[idx(side, r, m.R)];
    if (own <= 0 || control(r) != side) continue;
    double best = 0;
    for (std::uint32_t k = m.adj_begin[r]; k < m.adj_begin[r + 1]; ++k) {
      const RegionId n = m.adj_region[k];
      if (control(n) == side || !may_enter(side, n)) continue;
      const double opp = m.present_power[idx(enemy, n, m.R)];
      const double ratio = opp > 0 ? own / opp : kInf;
      if (ratio < doc.counterattack_ratio) continue;
      const bool own_land = sc.regions[n].initial_control == side;
      const bool strike = doc.counterattack_across_border && s.decided[side] &&
                          sc.regions[r].initial_control == side && opp > 0;
      if (!own_land && !strike) continue;
      if (ratio > best) best = ratio, m.counterattack_target[r] = n;
    }
  }

  // Threat to each guarded region: enemy axis power still to pass through it.
  bool any_threat = false;
  for (RegionId r : m.guard_list[side]) {
    m.deficit[r] = 0;
    if (control(r) != side) continue;
    double incoming = 0;
    for (std::size_t a = 0; a < m.axes.size(); ++a)
      if (m.axes[a].side == enemy && m.axes[a].pos[r] >= m.axis_target_index[a])
        incoming += m.axis_power[a];
    if (incoming > 0) {
      m.deficit[r] = incoming - m.present_power[idx(side, r, m.R)];
      any_threat = true;
    }
  }

  // Reserves already heading for a still-threatened region keep their target.
  for (UnitId u : m.side_units[side]) {
    auto& unit = s.units[u];
    if (m.us[u].axis >= 0 || !unit.reserve || !alive(unit.status)) continue;
    if (unit.broken || unit.status == UnitStatus::Withdrawing) continue;
    const RegionId t = unit.target;
    const bool valid =
        t != kNone && control(t) == side && m.is_guard[idx(side, t, m.R)] && m.deficit[t] != 0;
    if (valid && unit.region != t) m.deficit[t] -= m.power[u];
  }

  for (UnitId u : m.side_units[side]) {
    if (!m.free[u]) continue;
    auto& unit = s.units[u];
    if (m.us[u].axis >= 0) {
      if (s.halted[side]) {
        unit.target = unit.region;
        continue;
      }
      const auto& ax = m.axes[m.us[u].axis];
      const int i = m.axis_target_index[m.us[u].axis];
      unit.target = i < static_cast<int>(ax.path.size()) ? ax.path[i] : ax.path.back();
      continue;
    }
    // Units holding a guarded region stay there; reserves counterattack or reinforce.
    if (!unit.reserve) {
      const RegionId home = sc.units[u].start;
      unit.target = (home != kNone && control(home) == side) ? home : unit.region;
      continue;
    }
    if (m.counterattack_target[unit.region] != kNone) {
      unit.target = m.counterattack_target[unit.region];
      continue;
    }
    const RegionId t = unit.target;
    // Keeps its assignment while the region is threatened: en route it was counted above,
    // arrived it counts in the region's present power.
    if (t != kNone && control(t) == side && m.is_guard[idx(side, t, m.R)] && m.deficit[t] != 0)
      continue;
    if (!any_threat) {
      unit.target = unit.region;
      continue;
    }
    RegionId best = kNone;
    double best_deficit = 0;
    float best_d = std::numeric_limits<float>::infinity();
    for (RegionId r : m.guard_list[side]) {
      if (m.deficit[r] <= 0 || !may_enter(side, r)) continue;
      const float d = sc.distance(unit.region, static_cast<RegionId>(r));
      if (m.deficit[r] > best_deficit || (m.deficit[r] == best_deficit && d < best_d))
        best = static_cast<RegionId>(r), best_deficit = m.deficit[r], best_d = d;
    }
    if (best == kNone) {
      unit.target = t != kNone && control(t) == side ? t : unit.region;
      continue;
    }
    unit.target = best;
    if (best != unit.region) m.deficit[best] -= m.power[u];
  }
}

bool Stepper::may_enter(SideId side, RegionId r) const {
  return !sc.doctrine[side].needs_decision || s.decided[side] || m.country_side[r] == side;
}

// Next region towards `to` for a unit off the attack axes (reserves, holders returning
// home): across its side's own land only, so it takes no shortcut through enemy territory
// (the Kaliningrad oblast lies between Tauragė and Gołdap); it enters enemy land only to
// strike a neighbouring region. A unit standing outside own land first steps to the own
// neighbour nearest the target. kNone when own land does not lead there.
RegionId Stepper::route(SideId side, RegionId from, RegionId to) const {
  if (from == to) return to;
  const auto own = [&](RegionId r) { return sc.regions[r].initial_control == side; };
  if (!own(to)) return link_between(from, to) != kNone ? to : kNone;
  if (own(from)) return sc.own_hop(side, from, to);
  RegionId best = kNone;
  double best_km = std::numeric_limits<double>::infinity();
  for (std::uint32_t k = m.adj_begin[from]; k < m.adj_begin[from + 1]; ++k) {
    const RegionId n = m.adj_region[k];
    if (!own(n) || (n != to && sc.own_hop(side, n, to) == kNone)) continue;
    const double km = sc.links[m.adj_link[k]].length_km + sc.distance(n, to);
    if (km < best_km) best_km = km, best = n;
  }
  return best;
}

// Nearest region (by route distance) held by `side`, other than `avoid`; kNone if none.
RegionId Stepper::nearest_own(RegionId from, SideId side, RegionId avoid) const {
  RegionId best = kNone;
  float best_d = std::numeric_limits<float>::infinity();
  for (int r = 0; r < m.R; ++r) {
    if (r == avoid || control(r) != side) continue;
    const float d = sc.distance(from, static_cast<RegionId>(r));
    if (d < best_d) best_d = d, best = static_cast<RegionId>(r);
  }
  return best;
}

}  // namespace flank::campaign
