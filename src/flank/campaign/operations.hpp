#pragma once
// The operational layer's equations as pure functions of the scenario's OperationalParams
// (docs/model.md "Operational resolution"): what a defence amounts to from force-to-space and
// time in place, how fast an attack advances through it, when it is overrun, how fast a
// breakthrough is exploited and how long an isolated unit endures. The engine's phases call
// these; they see no state, so each rule is tested on its own (tests/campaign/test_operations).
#include "flank/scenario/scenario.hpp"

namespace flank::campaign::ops {

// Hours in place a defence at `density` men/km needs to reach `target` (0 for screen and hasty;
// +inf when the density is below prepared_density, where only works in place can help).
double hours_to_reach(const OperationalParams& p, DefenceClass target, double density);

// The defence a region's defenders put up: a screen below screen_density; otherwise the best
// of what their hours in place allow and what the region's works give, prepared and fortified
// both needing prepared_density.
DefenceClass defence_class(const OperationalParams& p, double density, double hours_in_place,
                           Fortification works);

// The preparation a side's `defence_posture` stands for at hour 0 (attack, delay and
// withdrawal count as hasty).
DefenceClass starting_preparation(Posture p);

// The combat kernel's posture multiplier for a defence class (a screen delays).
Posture kernel_posture(DefenceClass d);

// km per day of continuous attack through a defence of class `d` at modified force ratio
// `ratio`, for an attacker with power-weighted advance_factor `mobility`, before terrain.
double assault_km_per_day(const OperationalParams& p, DefenceClass d, double ratio,
                          double mobility);

// Whether an attack at `ratio` overruns the defence: a screen or hasty defence outside a city.
bool overruns(const OperationalParams& p, DefenceClass d, double ratio, bool urban);

// km per day of an exploiting attacker with advance_factor `mobility` after `days_advancing`
// of continuous advance, at most `march_kmh` (its column speed on this link and terrain) for
// exploitation_march_hours a day: road class caps the pace, logistics and fatigue set it.
double exploitation_km_per_day(const OperationalParams& p, double mobility, double march_kmh,
                               double days_advancing);

// Endurance in hours of an isolated unit given a standard normal draw `z`.
double endurance_hours(const OperationalParams& p, double z, bool urban, bool low_density);

}  // namespace flank::campaign::ops
