// Phase 8 of a step (docs/model.md "One step"), after the step: halts, objectives and
// territory (escalation rules are in escalation.cpp); and the timeline frame of the step.
#include <algorithm>
#include <array>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// A side with axes that has lost more than halt_loss_fraction of its initial power stops its
// offensive for good.
void Stepper::halts(const std::array<double, kSides>& lost) {
  for (int side = 0; side < kSides; ++side) {
    if (!s.halted[side] && !sc.doctrine[side].axes.empty() &&
        lost[side] > sc.doctrine[side].halt_loss_fraction) {
      s.halted[side] = true;
      emit("break", [&] { return sc.sides[side].name + " halts its offensive"; });
    }
  }
}

// An objective's hour is the first hour its condition held; only a change of control can
// make it hold.
void Stepper::objectives() {
  if (!m.control_changed) return;
  const double hour_end = s.hour + m.dt;
  for (int o = 0; o < m.O; ++o) {
    if (s.objective_hour[o] >= 0) continue;
    if (objective_holds(o)) {
      s.objective_hour[o] = hour_end;
      emit("objective", [&] { return sc.objectives[o].name; });
    }
  }
}

// Territory held at the end of days 3, 7, 14 and 30 (kTerritoryDays), once each.
void Stepper::territory() {
  const double hour_end = s.hour + m.dt;
  while (m.territory_recorded < 4 && hour_end >= 24.0 * kTerritoryDays[m.territory_recorded] - 1e-9)
    record_territory(m.territory_recorded++);
}

// Whether objective o's condition holds now: all its regions held, or its sides joined.
bool Stepper::objective_holds(int o) {
  const Objective& obj = sc.objectives[o];
  if (obj.kind != Objective::Kind::Capture) return connected(obj.side, obj.from, obj.to);
  for (RegionId r : obj.regions)
    if (control(r) != obj.side) return false;
  return true;
}

std::array<double, kSides> Stepper::power_lost_fractions() const {
  std::array<double, kSides> lost{};
  for (int side = 0; side < kSides; ++side)
    lost[side] = m.initial_power[side] > 0 ? 1.0 - m.power_now[side] / m.initial_power[side] : 0;
  return lost;
}

void Stepper::record_territory(int k) {
  for (int side = 0; side < kSides; ++side) {
    double held = 0;
    for (int r = 0; r < m.R; ++r)
      if (control(r) == side) held += m.region_weight[r];
    m.territory[side][k] = held / m.total_value;
  }
}

void Stepper::record_frame() {
  Frame& f = m.timeline->frames.back();
  f.hour = s.hour + m.dt;
  f.control.resize(m.R);
  for (int r = 0; r < m.R; ++r) f.control[r] = control(r);
  f.defence.resize(m.R);
  for (int r = 0; r < m.R; ++r)
    f.defence[r] =
        s.regions[r].attack_depth_km > 0 ? static_cast<std::uint8_t>(s.regions[r].defence) : 255;
  f.units.resize(m.U);
  for (int u = 0; u < m.U; ++u) {
    const auto& unit = s.units[u];
    FrameUnit& fu = f.units[u];
    fu.region = unit.region == kNone ? -1 : unit.region;
    fu.strength = unit.strength;
    fu.status = static_cast<int>(unit.status);
    fu.toward = unit.toward == kNone ? -1 : unit.toward;
    fu.cut_off = unit.cut_off && alive(unit.status);
    fu.progress = unit.toward == kNone || unit.leg_km <= 0
                      ? 0
                      : std::min(1.0, unit.progress_km / sc.links[unit.link].length_km);
  }
}

}  // namespace flank::campaign
