#pragma once
// Combat power of a unit: a weighted sum of its main equipment and personnel (in the manner
// of the US Army's WEI/WUV and Dupuy's lethality indices). CEV, supply, morale and posture
// multiply it later, in the engine.
#include "flank/scenario/scenario.hpp"

namespace flank {

// Σ equipment·score + personnel·personnel_score, where the unit's equipment (given at its
// mean personnel) scales in proportion to personnel / mean personnel: a unit drawn at 80 % of
// its expected strength also fields 80 % of its expected equipment.
double unit_power(const Scenario& scenario, const Unit& unit, double personnel);

}  // namespace flank
