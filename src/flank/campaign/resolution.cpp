// Phase 7 of a step (docs/model.md "One step"): combat in every region with attackers, in
// region order, through the combat::CombatModel kernel; close air support, breaks and the
// change of control when an attack has crossed the region.
#include <algorithm>
#include <vector>

#include "flank/campaign/operations.hpp"
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
  const OperationalParams& o = p().ops;
  const Region& region = sc.regions[r];
  // A blown bridge holds the attack at the river until the crossing is ready.
  const bool at_river = s.hour < reg.crossing_ready_hour;
  const UnitState& lead = s.units[m.attackers.front()];
  const double days_advancing =
      lead.advancing_since >= 0 ? (s.hour - lead.advancing_since) / 24.0 : 0;
  // The attack's column speed (reg.attack_speed_kmh: march speed on the link it came along, into
  // this region's terrain) caps the exploitation pace.
  const double exploit_kmday =
      ops::exploitation_km_per_day(o, att_adv, reg.attack_speed_kmh, days_advancing);
  if (in.def_power <= 0) {
    // No defenders: the attacker exploits across the region.
    reg.defence = DefenceClass::Screen;
    if (!at_river) reg.attack_progress_km += exploit_kmday / 24.0 * m.dt;
  } else {
    reg.defence = defence(r);
    reg.defended = true;
    bool besieged = false;
    for (UnitId u : m.defenders) besieged = besieged || s.units[u].cut_off;
    in.def_posture = ops::kernel_posture(reg.defence);
    in.terrain = region.terrain;
    in.urban = region.urban;
    in.river = reg.attack_river;
    in.surprise = att_side == kRed && s.hour < p().surprise_hours;
    in.att_air_power = close_support(att_side);
    in.def_air_power = close_support(def_side);
    // Noise belongs to the engagement, not the step: drawn at its start and every noise_hours.
    if (s.hour >= reg.noise_until) {
      reg.att_noise = m.combat_rng->lognormal_factor(p().noise_sigma);
      reg.def_noise = m.combat_rng->lognormal_factor(p().noise_sigma);
      reg.noise_until = s.hour + o.noise_hours;
    }
    in.att_noise = reg.att_noise;
    in.def_noise = reg.def_noise;
    const combat::EngagementResult res = m.model->resolve(in, p());
    for (UnitId u : m.attackers) lose(u, res.att_loss_fraction);
    for (UnitId u : m.defenders) lose(u, res.def_loss_fraction);
    // Ground is won by advancing through the defence (docs/model.md "Operational resolution").
    double kmday = 0;
    if (ops::overruns(o, reg.defence, res.force_ratio, region.urban)) {
      reg.kind = EngagementKind::Overrun;
      kmday = exploit_kmday;
    } else {
      reg.kind = besieged ? EngagementKind::Siege : EngagementKind::Assault;
      kmday = ops::assault_km_per_day(o, reg.defence, res.force_ratio, att_adv) *
              p().terrain_advance[static_cast<int>(region.terrain)];
    }
    if (!at_river) reg.attack_progress_km += kmday * m.dt / 24.0;
    if (m.timeline) {
      EngagementRecord rec;
      rec.region = r;
      rec.attackers = m.attackers;
      rec.defenders = m.defenders;
      rec.ratio = res.force_ratio;
      rec.att_loss = res.att_loss_fraction;
      rec.def_loss = res.def_loss_fraction;
      rec.defence = reg.defence;
      rec.kind = reg.kind;
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
  take_region(r, att_side);
}

// The attacker has crossed the region: it changes hands and whoever is left withdraws, broken
// and with a share captured when the defence was overrun.
void Stepper::take_region(RegionId r, SideId att_side) {
  auto& reg = s.regions[r];
  const bool overrun = reg.kind == EngagementKind::Overrun && !m.defenders.empty();
  const bool assaulted = reg.defended && !overrun;
  if (reg.defended) m.operations.engagements[static_cast<int>(reg.kind)] += 1;
  reg.defended = false;
  reg.control = att_side;
  reg.attack_depth_km = reg.attack_progress_km = 0;
  m.control_changed = m.supply_dirty = true;
  emit(
      overrun ? "overrun" : "control",
      [&] {
        return sc.regions[r].name + (overrun ? " overrun by " : " taken by ") +
               sc.sides[att_side].id;
      },
      r, att_side);
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    if (unit.region != r || !alive(unit.status)) continue;
    if (m.us[u].side == att_side) {
      if (unit.status == UnitStatus::Attacking) {
        unit.status = UnitStatus::Holding;
        unit.in_place_since = s.hour + m.dt;
      }
    } else if (unit.status != UnitStatus::Moving && unit.status != UnitStatus::Withdrawing) {
      if (overrun && fighting(unit)) {
        capture(static_cast<UnitId>(u), p().ops.overrun_capture_fraction);
        unit.broken = true;
      } else if (assaulted && fighting(unit)) {
        // Pushed out by the assault: prisoners in the pursuit, then a reform where it stops.
        if (p().ops.displaced_capture_fraction > 0)
          capture(static_cast<UnitId>(u), p().ops.displaced_capture_fraction);
        unit.displaced = true;
      }
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
    emit(
        "break", [&] { return sc.units[u].name + " broke in " + sc.regions[r].name; }, r, side, u);
    withdraw(u, r);
  }
}

}  // namespace flank::campaign
