// Phase 5 of a step (docs/model.md "One step"): doctrine. Both sides run the same rules
// on their own data: axis units, holders and reserves get targets, then free units start the
// first leg of their move. Also the routing helpers (route, nearest_own).
#include <algorithm>
#include <cstddef>
#include <limits>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// Reallocation (docs/model.md "Reallocation"): a free unit whose axis has reached its end,
// or has not moved its front for reallocate_after_hours, joins the side's open axis with the
// best estimate — the power already on it plus the unit's own against the enemy power in its
// next region (raw powers, a commander's estimate) — when that beats its own axis's estimate
// by reallocate_gain. Units on a moving axis stay, and a finished axis leaves a garrison on
// its objective at least as strong as the strongest enemy force next to it.
void Stepper::reallocate(UnitId u) {
  auto& unit = s.units[u];
  const SideId side = m.us[u].side, enemy = static_cast<SideId>(1 - side);
  const SideDoctrine& doc = sc.doctrine[side];
  const int cur = unit.axis;
  const auto open = [&](int a) {
    return m.axis_target_index[a] < static_cast<int>(m.axes[a].path.size());
  };
  const auto estimate = [&](int a) {
    const RegionId r = m.axes[a].path[m.axis_target_index[a]];
    const double own = m.axis_power[a] + (a == cur ? 0.0 : m.power[u]);
    const double opp = m.present_power[idx(enemy, r, m.R)];
    return opp > 0 ? own / opp : kInf;
  };
  const bool done = !open(cur);
  if (!done && s.hour - m.axis_moved_hour[cur] < doc.reallocate_after_hours) return;
  // A finished axis keeps a garrison on its objective: a unit there stays while the power left
  // behind would fall below the strongest enemy force next to it (or to nothing).
  const RegionId end = m.axes[cur].path.back();
  double& held_by = m.present_power[idx(side, end, m.R)];
  if (done && unit.region == end) {
    double threat = 0;
    for (std::uint32_t k = m.adj_begin[end]; k < m.adj_begin[end + 1]; ++k)
      threat = std::max(threat, m.present_power[idx(enemy, m.adj_region[k], m.R)]);
    const double left = held_by - m.power[u];
    if (left <= 0 || left < threat) return;
  }
  const double mine = done ? 0.0 : estimate(cur);
  int best = -1;
  double best_estimate = mine * doc.reallocate_gain;
  for (int a = 0; a < static_cast<int>(m.axes.size()); ++a) {
    if (a == cur || m.axes[a].side != side || !open(a)) continue;
    const double e = estimate(a);
    if (e > best_estimate || (done && best < 0)) best = a, best_estimate = e;
  }
  if (best < 0) return;
  m.axis_power[cur] -= m.power[u];
  m.axis_power[best] += m.power[u];
  if (unit.region == end) held_by -= m.power[u];  // leaving: the next one may have to stay
  unit.axis = best;
  emit(
      "reallocate", [&] { return sc.units[u].name + " moves to the " + m.axes[best].id + " axis"; },
      unit.region, side, u);
}

// Targets for every side's units, then the first leg of each move.
void Stepper::doctrine() {
  // Axis progress: the first region on each path its side neither holds nor bypasses.
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    const int i = axis_front(static_cast<int>(a));
    m.axis_target_index[a] = i;
    m.axis_power[a] = 0;
    if (i != m.axis_index_seen[a]) m.axis_index_seen[a] = i, m.axis_moved_hour[a] = s.hour;
  }
  for (int u = 0; u < m.U; ++u)
    if (s.units[u].axis >= 0 && fighting(s.units[u]) && !s.halted[m.us[u].side])
      m.axis_power[s.units[u].axis] += m.power[u];
  bypass();

  for (int side = 0; side < kSides; ++side) assign_targets(static_cast<SideId>(side));

  for (int u = 0; u < m.U; ++u) {
    if (!m.free[u]) continue;
    auto& unit = s.units[u];
    const SideId side = m.us[u].side, enemy = static_cast<SideId>(1 - side);
    unit.status = UnitStatus::Holding;
    if (unit.target == kNone || unit.target == unit.region) continue;
    const RegionId next =
        unit.axis >= 0 ? axis_hop(static_cast<UnitId>(u)) : route(side, unit.region, unit.target);
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
          (unit.axis >= 0 ? m.free_power : m.reserve_power)[idx(side, unit.region, m.R)] +
          m.present_power[idx(side, next, m.R)];
      const double opp = m.present_power[idx(enemy, next, m.R)];
      const double needed =
          unit.axis >= 0 ? sc.doctrine[side].commit_ratio : sc.doctrine[side].counterattack_ratio;
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
  // and, once decided, strike enemy forces massing one region beyond the own border. Only the
  // regions holding a free reserve are looked at: no other entry is read below.
  const std::uint64_t stamp = ++m.stamp;
  for (UnitId u : m.reserve_units[side]) {
    const RegionId r = s.units[u].region;
    if (!m.free[u] || m.counterattack_stamp[r] == stamp) continue;
    m.counterattack_stamp[r] = stamp;
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

  assign_masks(side);

  // Threat to each guarded region: enemy axis power still to pass through it, summed per
  // region over the enemy's axes in axis order (scattered along each path from its front).
  std::fill(m.incoming.begin(), m.incoming.end(), 0.0);
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    const auto& ax = m.axes[a];
    if (ax.side != enemy) continue;
    for (int i = std::max(0, m.axis_target_index[a]); i < static_cast<int>(ax.path.size()); ++i)
      if (ax.pos[ax.path[i]] == i) m.incoming[ax.path[i]] += m.axis_power[a];
  }
  bool any_threat = false;
  for (RegionId r : m.guard_list[side]) {
    m.deficit[r] = 0;
    if (control(r) != side) continue;
    const double incoming = m.incoming[r];
    if (incoming > 0) {
      m.deficit[r] = incoming - m.present_power[idx(side, r, m.R)];
      any_threat = true;
    }
  }

  // Reserves already heading for a still-threatened region keep their target.
  for (UnitId u : m.reserve_units[side]) {
    auto& unit = s.units[u];
    if (!alive(unit.status) || unit.broken || unit.status == UnitStatus::Withdrawing) continue;
    const RegionId t = unit.target;
    const bool valid =
        t != kNone && control(t) == side && m.is_guard[idx(side, t, m.R)] && m.deficit[t] != 0;
    if (valid && unit.region != t) m.deficit[t] -= m.power[u];
  }

  // The guarded regions a reserve may be sent to: deficits only fall from here on, so a region
  // without one now never gets one in the loop below.
  m.candidates.clear();
  if (any_threat)
    for (RegionId r : m.guard_list[side])
      if (m.deficit[r] > 0 && may_enter(side, r)) m.candidates.push_back(r);

  for (UnitId u : m.side_units[side]) {
    if (!m.free[u]) continue;
    auto& unit = s.units[u];
    if (unit.axis >= 0) {
      if (s.halted[side]) {
        unit.target = unit.region;
        continue;
      }
      if (const RegionId c = m.masking[u]; c != kNone) {
        // It contains while the region is supplied, and storms it as a siege once the region
        // is cut off and the containing force reaches the commit ratio (or nobody is left).
        const double opp = m.present_power[idx(enemy, c, m.R)];
        const bool storm = opp <= 0 || (!s.supplied[idx(enemy, c, m.R)] &&
                                        m.mask_power[idx(side, c, m.R)] >= doc.commit_ratio * opp);
        unit.target = storm ? c : unit.region;
        continue;
      }
      reallocate(u);
      const auto& ax = m.axes[unit.axis];
      const int i = m.axis_target_index[unit.axis];
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
    for (RegionId r : m.candidates) {
      if (m.deficit[r] <= 0) continue;
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
