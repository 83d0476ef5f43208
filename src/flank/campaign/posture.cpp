// Posture from force-to-space and time in place (docs/model.md "Operational resolution").
#include "flank/campaign/operations.hpp"
#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

DefenceClass Stepper::defence(RegionId r) const {
  double men = 0, man_hours = 0;
  for (UnitId u : m.defenders) {
    const auto& unit = s.units[u];
    if (s.hour < unit.reform_until) continue;  // disorganised: no part of the position yet
    const double present = unit.personnel0 * unit.strength;
    men += present;
    man_hours += present * std::max(0.0, s.hour - unit.in_place_since);
  }
  if (men <= 0) return DefenceClass::Screen;
  return ops::defence_class(p().ops, men / m.frontage_km[r], man_hours / men,
                            sc.regions[r].fortification);
}

}  // namespace flank::campaign
