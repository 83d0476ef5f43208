// Phase 4 of a step (docs/model.md "One step"): effective power of every unit, and the
// per-region sums read by doctrine (before movement) and by combat (after it).
#include <algorithm>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// for_doctrine: also the power free to move; otherwise the fighting units by region.
void Stepper::aggregate(bool for_doctrine) {
  std::fill(m.present_power.begin(), m.present_power.end(), 0.0);
  std::fill(m.under_attack.begin(), m.under_attack.end(), 0);
  m.moving_units = {0, 0};
  m.engagements = 0;
  for (int u = 0; u < m.U; ++u) {
    const auto& unit = s.units[u];
    const SideId side = m.us[u].side;
    m.power[u] = effective_power(m.us[u], unit, p(), s.hour);
    if (unit.status == UnitStatus::Moving) ++m.moving_units[side];
    if (!fighting(unit)) continue;
    const double pw = m.power[u];
    m.present_power[idx(side, unit.region, m.R)] += pw;
    if (unit.status == UnitStatus::Attacking && !m.under_attack[unit.region]) {
      m.under_attack[unit.region] = 1;
      ++m.engagements;
    }
  }
  if (!for_doctrine) {
    // Fighting units grouped by region (counting sort, ascending unit id within a region).
    std::fill(m.region_begin.begin(), m.region_begin.end(), 0);
    for (int u = 0; u < m.U; ++u)
      if (fighting(s.units[u])) ++m.region_begin[s.units[u].region + 1];
    for (int r = 0; r < m.R; ++r) m.region_begin[r + 1] += m.region_begin[r];
    std::copy(m.region_begin.begin(), m.region_begin.end() - 1, m.region_fill.begin());
    for (int u = 0; u < m.U; ++u)
      if (fighting(s.units[u]))
        m.region_units[m.region_fill[s.units[u].region]++] = static_cast<UnitId>(u);
    return;
  }
  std::fill(m.free_power.begin(), m.free_power.end(), 0.0);
  std::fill(m.reserve_power.begin(), m.reserve_power.end(), 0.0);
  for (int u = 0; u < m.U; ++u) {
    const auto& unit = s.units[u];
    m.free[u] = is_free(static_cast<UnitId>(u));
    if (!m.free[u]) continue;
    const double pw = m.power[u];
    m.free_power[idx(m.us[u].side, unit.region, m.R)] += pw;
    if (unit.reserve && unit.axis < 0) m.reserve_power[idx(m.us[u].side, unit.region, m.R)] += pw;
  }
}

bool Stepper::is_free(UnitId u) const {
  const auto& unit = s.units[u];
  return !unit.broken &&
         (unit.status == UnitStatus::Holding || unit.status == UnitStatus::Waiting) &&
         unit.ready_hour <= s.hour && control(unit.region) == m.us[u].side &&
         !m.under_attack[unit.region];
}

}  // namespace flank::campaign
