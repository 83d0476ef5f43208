// Isolation, endurance and surrender (docs/model.md "Operational resolution": supply and
// isolation). supply() marks each unit with no supply path as cut off; this phase runs the
// endurance clock of every cut-off unit, surrenders the share that gives up when it expires and
// sends the rest to break out, and counts the pockets.
#include "flank/campaign/operations.hpp"
#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

void Stepper::capture(UnitId u, double fraction) {
  const auto& unit = s.units[u];
  m.operations.personnel_captured[m.us[u].side] +=
      unit.personnel0 * unit.strength * std::clamp(fraction, 0.0, 1.0);
  lose(u, fraction);
}

void Stepper::isolation() {
  // Nobody cut off now, nobody's endurance clock running and no pocket last step: this phase
  // would change nothing (most steps of most campaigns).
  if (m.cut_off_units == 0 && !m.any_isolated && !m.any_pocket_before) return;
  const OperationalParams& o = p().ops;
  bool any_isolated = false, any_pocket = false;
  std::fill(m.pocket_now.begin(), m.pocket_now.end(), 0);
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    if (!alive(unit.status) || unit.region == kNone) continue;
    if (!unit.cut_off) {
      unit.isolated_since = -1;
      continue;
    }
    any_isolated = any_pocket = true;
    const SideId side = m.us[u].side;
    m.pocket_now[idx(side, unit.region, m.R)] = 1;
    if (unit.isolated_since < 0) {
      unit.isolated_since = s.hour;
      const bool urban = sc.regions[unit.region].urban;
      const bool thin = s.regions[unit.region].defence == DefenceClass::Screen;
      unit.endurance_hours = ops::endurance_hours(o, m.isolation_rng->normal(), urban, thin);
      m.operations.personnel_isolated[side] += unit.personnel0 * unit.strength;
      continue;
    }
    if (s.hour - unit.isolated_since < unit.endurance_hours) continue;
    // Endurance spent: a share surrenders; the rest breaks out towards its own side's land.
    capture(static_cast<UnitId>(u), o.isolated_surrender_fraction);
    unit.isolated_since = kInf;  // spent: no new endurance until it is supplied again
    if (unit.status == UnitStatus::Withdrawing) continue;
    unit.broken = true;
    emit(
        "surrender",
        [&] {
          return sc.units[u].name + " surrenders in part in " + sc.regions[unit.region].name +
                 " and breaks out";
        },
        unit.region, side, static_cast<UnitId>(u));
    withdraw(static_cast<UnitId>(u), unit.region);
  }
  for (int side = 0; side < kSides; ++side)
    for (int r = 0; r < m.R; ++r) {
      const int k = idx(side, r, m.R);
      if (m.pocket_now[k] && !m.pocket_before[k]) {
        m.operations.pockets[side] += 1;
        emit(
            "pocket",
            [&] { return sc.sides[side].name + " forces cut off in " + sc.regions[r].name; },
            static_cast<RegionId>(r), static_cast<SideId>(side), kNone);
      }
    }
  m.pocket_before.swap(m.pocket_now);
  m.any_isolated = any_isolated;
  m.any_pocket_before = any_pocket;
}

}  // namespace flank::campaign
