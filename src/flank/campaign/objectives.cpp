// Phase 8 of a step (docs/model.md "One step"): after the step, halts, objectives,
// escalation rules and territory; and the timeline frame of the step.
#include <algorithm>
#include <array>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

void Stepper::after_step() {
  const double hour_end = s.hour + m.dt;
  const std::array<double, kSides> lost = power_lost_fractions();
  for (int side = 0; side < kSides; ++side) {
    if (!s.halted[side] && !sc.doctrine[side].axes.empty() &&
        lost[side] > sc.doctrine[side].halt_loss_fraction) {
      s.halted[side] = true;
      emit("break", sc.sides[side].name + " halts its offensive");
    }
  }
  if (m.control_changed) {
    for (int o = 0; o < m.O; ++o) {
      if (s.objective_hour[o] >= 0) continue;
      if (objective_holds(o)) {
        s.objective_hour[o] = hour_end;
        emit("objective", sc.objectives[o].name);
      }
    }
    for (int e = 0; e < m.E; ++e) {
      const EscalationRule& rule = sc.escalation[e];
      if (rule.kind != EscalationRule::Kind::Isolated) continue;
      m.isolated_now[e] = !connected(rule.side, rule.from, rule.regions);
    }
  }
  for (int e = 0; e < m.E; ++e) {
    if (s.escalation_held[e]) continue;
    const EscalationRule& rule = sc.escalation[e];
    bool cond = false;
    switch (rule.kind) {
      case EscalationRule::Kind::EntersCountry:
        for (int u = 0; u < m.U && !cond; ++u) {
          const auto& unit = s.units[u];
          cond = m.us[u].side == rule.side && alive(unit.status) &&
                 m.escalation_country_mask[e][unit.region];
        }
        break;
      case EscalationRule::Kind::Isolated:
        cond = m.isolated_now[e];
        break;
      case EscalationRule::Kind::LossesAbove:
        cond = lost[rule.side] > rule.threshold;
        break;
      case EscalationRule::Kind::ObjectiveTaken:
        cond = rule.objective < m.O && s.objective_hour[rule.objective] >= 0;
        break;
    }
    // A condition that already holds at the start is the status quo, not an escalation:
    // it counts once it has been false and becomes true.
    if (!cond) {
      s.escalation_seen[e] = 1;
      continue;
    }
    if (!s.escalation_seen[e]) continue;
    s.escalation_held[e] = 1;
    if (m.escalation_rng->bernoulli(rule.probability)) {
      m.escalation_hour[e] = hour_end;
      emit("escalation", rule.name.empty() ? rule.id : rule.name);
    }
  }
  m.control_changed = false;
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
  f.units.resize(m.U);
  for (int u = 0; u < m.U; ++u) {
    const auto& unit = s.units[u];
    FrameUnit& fu = f.units[u];
    fu.region = unit.region == kNone ? -1 : unit.region;
    fu.strength = unit.strength;
    fu.status = static_cast<int>(unit.status);
    fu.toward = unit.toward == kNone ? -1 : unit.toward;
    fu.progress = unit.toward == kNone || unit.leg_km <= 0
                      ? 0
                      : std::min(1.0, unit.progress_km / sc.links[unit.link].length_km);
  }
}

}  // namespace flank::campaign
