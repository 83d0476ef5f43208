// Phase 5a of a step (docs/model.md "Bypass and masking"): an axis that reaches a defended
// city or fortified region which is not one of its side's objectives goes round it by a
// neighbouring region, leaving a containing force; the bypassed region keeps its defenders
// and keeps fighting, and falls later to a siege or when its defenders give up or leave.
#include <algorithm>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// Path index i of an axis is behind its front: held, or bypassed with more path beyond it.
bool Stepper::passed(int axis, int i) const {
  const auto& ax = m.axes[axis];
  const RegionId r = ax.path[i];
  if (control(r) == ax.side) return true;
  return i + 1 < static_cast<int>(ax.path.size()) && s.bypass_detour[idx(ax.side, r, m.R)] != kNone;
}

// The axis's front: the first path index not behind it (path size when the axis is done).
int Stepper::axis_front(int axis) const {
  const int n = static_cast<int>(m.axes[axis].path.size());
  int i = 0;
  while (i < n && passed(axis, i)) ++i;
  return i;
}

void Stepper::bypass() {
  const double mask_ratio = p().ops.mask_ratio;
  if (mask_ratio <= 0) return;
  for (int a = 0; a < static_cast<int>(m.axes.size()); ++a) {
    const auto& ax = m.axes[a];
    const SideId side = ax.side, enemy = static_cast<SideId>(1 - side);
    const int n = static_cast<int>(ax.path.size());
    const int i = m.axis_target_index[a];
    if (s.halted[side] || i < 1 || i + 1 >= n) continue;
    const RegionId city = ax.path[i], from = ax.path[i - 1], beyond = ax.path[i + 1];
    const Region& region = sc.regions[city];
    if (!region.urban && region.fortification != Fortification::Fortified) continue;
    if (m.objective_region[idx(side, city, m.R)] || control(from) != side) continue;
    const double defenders = m.present_power[idx(enemy, city, m.R)];
    if (defenders <= 0) continue;
    // The way round: `beyond` itself when `from` borders it, else a neighbour of `from` that
    // borders `beyond`, the least defended first, then the shortest.
    const auto opposition = [&](RegionId r) {
      return control(r) == side ? 0.0 : m.present_power[idx(enemy, r, m.R)];
    };
    RegionId detour = kNone;
    double detour_opp = kInf, detour_km = kInf;
    for (std::uint32_t k = m.adj_begin[from]; k < m.adj_begin[from + 1]; ++k) {
      const RegionId r = m.adj_region[k];
      if (r == city || !may_enter(side, r)) continue;
      if (r != beyond && s.bypass_detour[idx(side, r, m.R)] != kNone) continue;
      double km = sc.links[m.adj_link[k]].length_km;
      if (r != beyond) {
        const LinkId on = link_between(r, beyond);
        if (on == kNone) continue;
        km += sc.links[on].length_km;
      }
      const double opp = opposition(r);
      if (opp < detour_opp || (opp == detour_opp && km < detour_km))
        detour = r, detour_opp = opp, detour_km = km;
    }
    if (detour == kNone) continue;
    // Worth it only if the axis can contain the city and still commit past it.
    const double going = m.axis_power[a] - mask_ratio * defenders;
    if (going <= 0 || going < sc.doctrine[side].commit_ratio * detour_opp) continue;
    s.bypass_detour[idx(side, city, m.R)] = detour;
    m.bypassed[side] += 1;
    m.operations.regions_bypassed += 1;
    emit(
        "bypass",
        [&] {
          return sc.regions[city].name + " bypassed by " + sc.sides[side].id + " through " +
                 sc.regions[detour].name;
        },
        city, side);
    m.axis_target_index[a] = axis_front(a);
  }
}

// Containing forces: free axis units next to a bypassed region still held by the enemy, on an
// axis that runs through it, stay (in unit order) until their power reaches mask_ratio × the
// defenders'. assign_targets storms the region with them once it is cut off and they reach the
// commit ratio, or once nobody defends it (the defenders surrendered in part or broke out).
void Stepper::assign_masks(SideId side) {
  const SideId enemy = static_cast<SideId>(1 - side);
  const double mask_ratio = p().ops.mask_ratio;
  // Nothing bypassed yet (most campaigns): no unit was ever set to contain anything.
  if (m.bypassed[side] == 0) return;
  std::fill(m.mask_power.begin() + side * m.R, m.mask_power.begin() + (side + 1) * m.R, 0.0);
  for (UnitId u : m.side_units[side]) {
    m.masking[u] = kNone;
    const auto& unit = s.units[u];
    if (mask_ratio <= 0 || !m.free[u] || unit.axis < 0 || s.halted[side]) continue;
    for (std::uint32_t k = m.adj_begin[unit.region]; k < m.adj_begin[unit.region + 1]; ++k) {
      const RegionId c = m.adj_region[k];
      const int key = idx(side, c, m.R);
      if (s.bypass_detour[key] == kNone || control(c) == side) continue;
      if (m.axes[unit.axis].pos[c] < 0) continue;
      double& held = m.mask_power[key];
      const double need = mask_ratio * m.present_power[idx(enemy, c, m.R)];
      if (held > 0 && held >= need) continue;
      held += m.power[u];
      m.masking[u] = c;
      break;
    }
  }
}

// Next region for an axis unit: the shortest way to its target, but round a region its side
// bypasses, through that region's detour.
RegionId Stepper::axis_hop(UnitId u) const {
  const auto& unit = s.units[u];
  const SideId side = m.us[u].side;
  const RegionId next = sc.hop(unit.region, unit.target);
  if (next == kNone || next == unit.target || control(next) == side) return next;
  const RegionId detour = s.bypass_detour[idx(side, next, m.R)];
  return detour == kNone ? next : detour;
}

}  // namespace flank::campaign
