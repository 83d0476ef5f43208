// Phase 7 of a step (docs/model.md "One step"): combat in every region with attackers, in
// region order, through the combat::CombatModel kernel; close air support, breaks and the
// change of control when an attack has crossed the region.
#include <algorithm>
#include <vector>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

void Stepper::combat() {
  for (int r = 0; r < m.R; ++r) {
    if (!m.under_attack[r]) continue;
    fight(static_cast<RegionId>(r));
  }
}

void Stepper::fight(RegionId r) {
  const SideId def_side = control(r), att_side = static_cast<SideId>(1 - def_side);
  auto& reg = s.regions[r];
  m.attackers.clear();
  m.defenders.clear();
  for (std::uint32_t k = m.region_begin[r]; k < m.region_begin[r + 1]; ++k) {
    const UnitId u = m.region_units[k];
    const auto& unit = s.units[u];
    if (!fighting(unit)) continue;
    if (m.us[u].side == att_side && unit.status == UnitStatus::Attacking)
      m.attackers.push_back(u);
    else if (m.us[u].side == def_side)
      m.defenders.push_back(u);
  }
  if (m.attackers.empty()) {
    reg.attack_depth_km = reg.attack_progress_km = 0;
    return;
  }
  combat::EngagementInput in;
  in.hours = m.dt;
  double att_adv = 0;
  for (UnitId u : m.attackers) {
    const double pw = m.power[u];
    in.att_power += pw;
    in.att_personnel += s.units[u].personnel0 * s.units[u].strength;
    in.att_armour_share += pw * m.us[u].armour_share;
    att_adv += pw * m.us[u].advance_factor;
  }
  for (UnitId u : m.defenders) {
    in.def_power += m.power[u];
    in.def_personnel += s.units[u].personnel0 * s.units[u].strength;
  }
  if (in.att_power > 0) {
    in.att_armour_share /= in.att_power;
    att_adv /= in.att_power;
  }
  if (in.def_power <= 0) {
    reg.attack_progress_km += reg.attack_speed_kmh * m.dt;
  } else {
    in.def_posture = sc.doctrine[def_side].defence_posture;
    in.terrain = sc.regions[r].terrain;
    in.urban = sc.regions[r].urban;
    in.river = reg.attack_river;
    in.surprise = att_side == kRed && s.hour < p().surprise_hours;
    in.att_air_power = close_support(att_side);
    in.def_air_power = close_support(def_side);
    in.att_noise = m.combat_rng->lognormal_factor(p().noise_sigma);
    in.def_noise = m.combat_rng->lognormal_factor(p().noise_sigma);
    const combat::EngagementResult res = m.model->resolve(in, p());
    for (UnitId u : m.attackers) lose(u, res.att_loss_fraction);
    for (UnitId u : m.defenders) lose(u, res.def_loss_fraction);
    reg.attack_progress_km += std::max(0.0, res.advance_km) * att_adv;
    if (m.timeline) {
      EngagementRecord rec;
      rec.region = r;
      rec.attackers = m.attackers;
      rec.defenders = m.defenders;
      rec.ratio = res.force_ratio;
      rec.att_loss = res.att_loss_fraction;
      rec.def_loss = res.def_loss_fraction;
      m.timeline->frames.back().engagements.push_back(std::move(rec));
    }
    check_breaks(r, m.attackers);
    check_breaks(r, m.defenders);
  }
  bool attackers_left = false;
  for (UnitId u : m.attackers) attackers_left = attackers_left || fighting(s.units[u]);
  if (!attackers_left) {
    reg.attack_depth_km = reg.attack_progress_km = 0;
    return;
  }
  if (reg.attack_progress_km < reg.attack_depth_km) return;
  // The attacker has crossed the region: it changes hands and whoever is left withdraws.
  reg.control = att_side;
  reg.attack_depth_km = reg.attack_progress_km = 0;
  m.control_changed = true;
  emit("control", sc.regions[r].name + " taken by " + sc.sides[att_side].id);
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    if (unit.region != r || !alive(unit.status)) continue;
    if (m.us[u].side == att_side) {
      if (unit.status == UnitStatus::Attacking) unit.status = UnitStatus::Holding;
    } else if (unit.status != UnitStatus::Moving && unit.status != UnitStatus::Withdrawing) {
      withdraw(static_cast<UnitId>(u), r);
    }
  }
}

double Stepper::close_support(SideId side) const {
  const AirParams& air = p().air[side];
  if (air.sorties_per_day <= 0 || air.power_per_sortie <= 0) return 0;
  // Every engagement has both sides in it, so each side splits its sorties over all of them.
  const int engagements = m.engagements;
  const double daily = air.sorties_per_day * air.cas_share * s.air_availability[side] *
                       p().air_defence_factor[1 - side];
  return engagements > 0 ? daily / engagements * air.power_per_sortie : 0;
}

void Stepper::check_breaks(RegionId r, const std::vector<UnitId>& list) {
  for (UnitId u : list) {
    auto& unit = s.units[u];
    if (unit.broken || !alive(unit.status)) continue;
    const SideId side = m.us[u].side;
    const double breakpoint = sc.doctrine[side].break_loss_fraction * m.us[u].morale;
    if (1.0 - unit.strength < breakpoint) continue;
    unit.broken = true;
    emit("break", sc.units[u].name + " broke in " + sc.regions[r].name);
    withdraw(u, r);
  }
}

}  // namespace flank::campaign
