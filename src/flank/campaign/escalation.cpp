// Phase 8 of a step (docs/model.md "One step" and "Escalation"), after the step: the
// escalation rules, each drawn once when its condition first becomes true.
#include <array>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

// Isolation changes only with control, so it is evaluated then (and once in reset()).
void Stepper::refresh_isolation() {
  for (int e = 0; e < m.E; ++e) {
    const EscalationRule& rule = sc.escalation[e];
    if (rule.kind != EscalationRule::Kind::Isolated) continue;
    m.isolated_now[e] = !connected(rule.side, rule.from, rule.regions);
  }
}

void Stepper::escalation(const std::array<double, kSides>& lost) {
  if (m.control_changed) refresh_isolation();
  const double hour_end = s.hour + m.dt;
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
      emit("escalation", [&] { return rule.name.empty() ? rule.id : rule.name; });
    }
  }
}

}  // namespace flank::campaign
