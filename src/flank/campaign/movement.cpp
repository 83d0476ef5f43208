// Phase 6 of a step (docs/model.md "One step"): movement along links, slowed and worn
// down by enemy interdiction; units entering enemy land become attackers. Also the
// withdrawals that combat (breaks, lost regions) starts.
#include <algorithm>
#include <array>

#include "flank/campaign/operations.hpp"
#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

void Stepper::movement() {
  std::array<double, kSides> slow{}, attrition{};
  for (int side = 0; side < kSides; ++side) {
    const SideId enemy = static_cast<SideId>(1 - side);
    const double sorties = interdiction_sorties_per_unit(static_cast<SideId>(side));
    // 1 / (1 + k·n) never stops a column outright, and is ≈ 1 − k·n for light interdiction.
    slow[side] = 1.0 / (1.0 + p().air[enemy].interdiction_slow * sorties);
    attrition[side] = p().air[enemy].interdiction_attrition * sorties * m.dt / 24.0;
  }
  const OperationalParams& o = p().ops;
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    const SideId side = m.us[u].side;
    advance_clock(static_cast<UnitId>(u));
    if (unit.status == UnitStatus::Withdrawing && unit.toward == kNone) {
      const RegionId next = sc.hop(unit.region, unit.target);
      const LinkId l = next == kNone ? kNone : link_between(unit.region, next);
      if (l == kNone) {
        finish_withdrawal(static_cast<UnitId>(u));
        continue;
      }
      unit.toward = next;
      unit.link = l;
      unit.progress_km = 0;
      unit.leg_km = sc.links[l].length_km;
    }
    if (unit.status != UnitStatus::Moving && unit.status != UnitStatus::Withdrawing) {
      unit.spare_hours = 0;
      continue;
    }
    double kmh = speed_kmh(static_cast<UnitId>(u), unit.link, unit.toward);
    if (unit.status == UnitStatus::Moving && control(unit.toward) != side) {
      // Into enemy land: an advance, at most at the exploitation rate.
      const double days = unit.advancing_since >= 0 ? (s.hour - unit.advancing_since) / 24.0 : 0;
      kmh =
          std::min(kmh, ops::exploitation_km_per_day(o, m.us[u].advance_factor, kmh, days) / 24.0);
    }
    // A leg finished early in the last step leaves the rest of that step to this one, so that
    // arrival times do not depend on the step length (docs/model.md "Convergence").
    const double hours = m.dt + unit.spare_hours;
    unit.spare_hours = 0;
    unit.progress_km += kmh * slow[side] * hours;
    if (unit.status == UnitStatus::Moving && attrition[side] > 0)
      lose(static_cast<UnitId>(u), attrition[side]);
    if (unit.progress_km < unit.leg_km) continue;
    if (kmh * slow[side] > 0)
      unit.spare_hours = std::min(m.dt, (unit.progress_km - unit.leg_km) / (kmh * slow[side]));
    const RegionId into = unit.toward;
    const LinkId l = unit.link;
    unit.region = into;
    unit.toward = kNone;
    unit.link = kNone;
    unit.progress_km = 0;
    if (unit.status == UnitStatus::Withdrawing) {
      if (control(into) != side) {
        withdraw(static_cast<UnitId>(u), into);
      } else if (into == unit.target) {
        finish_withdrawal(static_cast<UnitId>(u));
      }
      continue;
    }
    unit.in_place_since = s.hour + m.dt - unit.spare_hours;
    if (control(into) == side) {
      unit.status = UnitStatus::Holding;
      continue;
    }
    unit.status = UnitStatus::Attacking;
    auto& reg = s.regions[into];
    if (reg.attack_depth_km <= 0) {
      // A new engagement: its noise is drawn afresh, and a river on the way may have its bridge
      // blown (docs/model.md "Rivers and bridges").
      reg.attack_depth_km = sc.links[l].length_km * 0.5;
      reg.attack_progress_km = 0;
      reg.attack_speed_kmh = speed_kmh(static_cast<UnitId>(u), l, into);
      reg.attack_river = m.link_river[l];
      reg.attack_link = l;
      reg.noise_until = -1;
      reg.kind = EngagementKind::Assault;
      reg.defended = false;
      reg.crossing_ready_hour =
          reg.attack_river && !m.isolation_rng->bernoulli(o.bridge_intact_probability)
              ? s.hour + o.crossing_delay_hours
              : 0;
    }
  }
}

double Stepper::speed_kmh(UnitId u, LinkId l, RegionId into) const {
  const auto& link = sc.links[l];
  return m.us[u].march_kmh * p().road_speed[static_cast<int>(link.road)] *
         p().terrain_movement[static_cast<int>(sc.regions[into].terrain)];
}

double Stepper::interdiction_sorties_per_unit(SideId side) const {
  const SideId enemy = static_cast<SideId>(1 - side);
  const AirParams& air = p().air[enemy];
  const double daily = air.sorties_per_day * (1 - air.cas_share) * s.air_availability[enemy] *
                       p().air_defence_factor[side];
  return m.moving_units[side] > 0 ? daily / m.moving_units[side] : 0;
}

void Stepper::start_leg(UnitId u, LinkId l, RegionId into, bool entering_enemy) {
  auto& unit = s.units[u];
  unit.status = UnitStatus::Moving;
  unit.toward = into;
  unit.link = l;
  unit.progress_km = 0;
  unit.leg_km = sc.links[l].length_km * (entering_enemy ? 0.5 : 1.0);
}

// Sends u back toward the nearest region its side holds, or destroys it when none is left.
void Stepper::withdraw(UnitId u, RegionId from) {
  auto& unit = s.units[u];
  const SideId side = m.us[u].side;
  const RegionId to = nearest_own(from, side, from);
  unit.toward = kNone;
  unit.link = kNone;
  unit.progress_km = 0;
  if (to == kNone) {  // nowhere left to go: the unit surrenders
    capture(u, 1.0);
    unit.status = UnitStatus::Destroyed;
    emit(
        "break",
        [&] { return sc.units[u].name + " destroyed or surrendered in " + sc.regions[from].name; },
        from, side, u);
    return;
  }
  unit.target = to;
  unit.status = UnitStatus::Withdrawing;
}

// Days of continuous advance wear an exploiting force down; a halt of rest_hours resets them.
void Stepper::advance_clock(UnitId u) {
  auto& unit = s.units[u];
  const bool advancing = unit.status == UnitStatus::Attacking ||
                         (unit.status == UnitStatus::Moving && unit.toward != kNone &&
                          control(unit.toward) != m.us[u].side);
  if (advancing) {
    if (unit.advancing_since < 0) unit.advancing_since = s.hour;
    unit.halted_since = -1;
  } else if (unit.advancing_since >= 0) {
    if (unit.halted_since < 0) unit.halted_since = s.hour;
    if (s.hour - unit.halted_since >= p().ops.rest_hours) unit.advancing_since = -1;
  }
}

void Stepper::finish_withdrawal(UnitId u) {
  auto& unit = s.units[u];
  unit.in_place_since = s.hour + m.dt;
  unit.toward = kNone;
  unit.link = kNone;
  unit.status = unit.broken ? UnitStatus::Broken : UnitStatus::Holding;
  unit.target = unit.region;
  if (unit.displaced && p().ops.reform_hours > 0)
    unit.reform_until = s.hour + m.dt + p().ops.reform_hours;
  unit.displaced = false;
}

}  // namespace flank::campaign
