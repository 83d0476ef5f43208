// Phases 1 and 2 of a step (docs/model.md "One step"): political decisions and the day's
// sortie availability, then arrivals and readiness.
#include <algorithm>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

void Stepper::decisions_and_air() {
  for (int side = 0; side < kSides; ++side)
    if (!s.decided[side] && s.decision_hour[side] <= s.hour) {
      s.decided[side] = true;
      if (sc.doctrine[side].needs_decision)
        emit("decision", [&] { return sc.sides[side].name + ": political decision taken"; });
    }
  // Sortie availability varies by day (weather, maintenance): one draw per side per day.
  const int day = static_cast<int>(s.hour / 24.0);
  if (s.step == 0 || static_cast<int>((s.hour - m.dt) / 24.0) != day)
    for (int side = 0; side < kSides; ++side)
      s.air_availability[side] = m.air_rng->lognormal_factor(p().noise_sigma);
}

// Units still to arrive or to become ready are looked at only from the first hour one of them
// is due (m.next_arrival_hour, kept by this loop).
void Stepper::arrivals() {
  if (s.hour < m.next_arrival_hour) return;
  double next = kInf;
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    if (unit.status == UnitStatus::NotArrived) {
      if (unit.arrival_hour > s.hour) {
        next = std::min(next, unit.arrival_hour);
        continue;
      }
      const SideId side = m.us[u].side;
      RegionId entry = sc.units[u].arrival.entry;
      if (entry == kNone) continue;  // no entry region: never arrives (the loader forbids it)
      if (control(entry) != side) entry = nearest_own(entry, side, kNone);
      if (entry == kNone) {
        next = std::min(next, s.hour);  // nowhere to enter yet: try again next step
        continue;
      }
      unit.region = entry;
      unit.status = UnitStatus::Holding;
      unit.target = entry;
      unit.in_place_since = s.hour;
      emit(
          "arrival", [&] { return sc.units[u].name + " arrives at " + sc.regions[entry].name; },
          entry, side, static_cast<UnitId>(u));
    } else if (unit.status == UnitStatus::NotReady) {
      if (unit.ready_hour <= s.hour)
        unit.status = UnitStatus::Holding;
      else
        next = std::min(next, unit.ready_hour);
    }
  }
  m.next_arrival_hour = next;
}

}  // namespace flank::campaign
