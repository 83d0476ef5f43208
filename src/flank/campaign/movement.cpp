// Phase 6 of a step (docs/model.md "One step"): movement along links, slowed and worn
// down by enemy interdiction; units entering enemy land become attackers. Also the
// withdrawals that combat (breaks, lost regions) starts.
#include <array>

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
  for (int u = 0; u < m.U; ++u) {
    auto& unit = s.units[u];
    const SideId side = m.us[u].side;
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
    if (unit.status != UnitStatus::Moving && unit.status != UnitStatus::Withdrawing) continue;
    unit.progress_km +=
        speed_kmh(static_cast<UnitId>(u), unit.link, unit.toward) * slow[side] * m.dt;
    if (unit.status == UnitStatus::Moving && attrition[side] > 0)
      lose(static_cast<UnitId>(u), attrition[side]);
    if (unit.progress_km < unit.leg_km) continue;
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
    if (control(into) == side) {
      unit.status = UnitStatus::Holding;
      continue;
    }
    unit.status = UnitStatus::Attacking;
    auto& reg = s.regions[into];
    if (reg.attack_depth_km <= 0) {
      reg.attack_depth_km = sc.links[l].length_km * 0.5;
      reg.attack_progress_km = 0;
      reg.attack_speed_kmh = speed_kmh(static_cast<UnitId>(u), l, into);
      reg.attack_river = m.link_river[l];
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
  if (to == kNone) {
    lose(u, 1.0);
    unit.status = UnitStatus::Destroyed;
    emit("break", sc.units[u].name + " destroyed or surrendered in " + sc.regions[from].name);
    return;
  }
  unit.target = to;
  unit.status = UnitStatus::Withdrawing;
}

void Stepper::finish_withdrawal(UnitId u) {
  auto& unit = s.units[u];
  unit.toward = kNone;
  unit.link = kNone;
  unit.status = unit.broken ? UnitStatus::Broken : UnitStatus::Holding;
  unit.target = unit.region;
}

}  // namespace flank::campaign
