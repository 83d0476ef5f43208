// Phase 4 of a step (docs/model.md "One step"): effective power of every unit, and the
// per-region sums read by doctrine (before movement) and by combat (after it).
#include <algorithm>
#include <array>
#include <cstdint>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// for_doctrine (phase 4): every unit's power, the per-region sums doctrine reads and the power
// free to move. Otherwise (the regroup after movement): the power of the fighting units and
// the fighting units of each region under attack, which is all combat reads; the per-region
// sums are doctrine's and are next needed after the next step's phase 4 has redone them.
// One pass over the units sets each unit's fighting flag for the passes after it (a byte test
// instead of the unit's status again).
void Stepper::aggregate(bool for_doctrine) {
  // Locals for the vectors' data and the scalars: the loops store through double and byte
  // pointers, which the compiler must otherwise assume may alias them (and reload each time).
  const int U = m.U, R = m.R;
  const double hour = s.hour;
  const Parameters& params = p();
  const UnitState* const units = s.units.data();
  const Engine::Impl::UnitStatic* const us = m.us.data();
  const RegionState* const regions = s.regions.data();
  double* const power = m.power.data();
  double* const present = m.present_power.data();
  std::uint8_t* const attacked = m.under_attack.data();
  std::uint8_t* const fights = m.fighting_now.data();
  std::fill(m.under_attack.begin(), m.under_attack.end(), 0);
  int engagements = 0;
  if (!for_doctrine) {
    for (int u = 0; u < U; ++u) {
      const UnitState& unit = units[u];
      const bool f = fighting(unit);
      fights[u] = f;
      if (!f) continue;
      power[u] = effective_power(us[u], unit, params, hour);
      if (unit.status == UnitStatus::Attacking && !attacked[unit.region]) {
        attacked[unit.region] = 1;
        ++engagements;
      }
    }
    m.engagements = engagements;
    // Fighting units of the regions under attack, grouped by region (counting sort, ascending
    // unit id within a region); other regions' ranges are left empty.
    std::uint32_t* const begin = m.region_begin.data();
    std::uint32_t* const fill = m.region_fill.data();
    UnitId* const grouped = m.region_units.data();
    std::fill(m.region_begin.begin(), m.region_begin.end(), 0);
    if (engagements == 0) return;
    for (int u = 0; u < U; ++u)
      if (fights[u] && attacked[units[u].region]) ++begin[units[u].region + 1];
    for (int r = 0; r < R; ++r) begin[r + 1] += begin[r];
    std::copy(begin, begin + R, fill);
    for (int u = 0; u < U; ++u)
      if (fights[u] && attacked[units[u].region])
        grouped[fill[units[u].region]++] = static_cast<UnitId>(u);
    return;
  }
  std::fill(m.present_power.begin(), m.present_power.end(), 0.0);
  std::array<int, kSides> moving{0, 0};
  for (int u = 0; u < U; ++u) {
    const UnitState& unit = units[u];
    const SideId side = us[u].side;
    const double pw = effective_power(us[u], unit, params, hour);
    power[u] = pw;
    if (unit.status == UnitStatus::Moving) ++moving[side];
    const bool f = fighting(unit);
    fights[u] = f;
    if (!f) continue;
    present[idx(side, unit.region, R)] += pw;
    if (unit.status == UnitStatus::Attacking && !attacked[unit.region]) {
      attacked[unit.region] = 1;
      ++engagements;
    }
  }
  m.moving_units = moving;
  m.engagements = engagements;
  double* const free_power = m.free_power.data();
  double* const reserve_power = m.reserve_power.data();
  std::uint8_t* const free = m.free.data();
  std::fill(m.free_power.begin(), m.free_power.end(), 0.0);
  std::fill(m.reserve_power.begin(), m.reserve_power.end(), 0.0);
  for (int u = 0; u < U; ++u) {
    // Free to move: fighting (so not broken), holding or waiting, ready, in its own side's
    // land and not under attack there.
    free[u] = 0;
    if (!fights[u]) continue;
    const UnitState& unit = units[u];
    const SideId side = us[u].side;
    if ((unit.status != UnitStatus::Holding && unit.status != UnitStatus::Waiting) ||
        unit.ready_hour > hour || regions[unit.region].control != side || attacked[unit.region])
      continue;
    free[u] = 1;
    const double pw = power[u];
    free_power[idx(side, unit.region, R)] += pw;
    if (unit.reserve && unit.axis < 0) reserve_power[idx(side, unit.region, R)] += pw;
  }
}

}  // namespace flank::campaign
