#include "flank/forces/power.hpp"

#include <algorithm>

namespace flank {

double unit_power(const Scenario& scenario, const Unit& unit, double personnel) {
  double equipment_power = 0;
  const std::size_t n = std::min(unit.equipment.size(), scenario.equipment.size());
  for (std::size_t e = 0; e < n; ++e)
    equipment_power += unit.equipment[e] * scenario.equipment[e].score;
  const double mean_personnel = unit.personnel.mean();
  const double scale = mean_personnel > 0 ? personnel / mean_personnel : 1.0;
  return equipment_power * scale + personnel * scenario.unit_types[unit.type].personnel_score;
}

}  // namespace flank
