#include "flank/campaign/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "flank/campaign/stepper.hpp"
#include "flank/core/rng.hpp"

namespace flank::campaign {

Engine::Engine(const Scenario& scenario, std::string_view combat_model)
    : scenario_(scenario), impl_(std::make_unique<Impl>(scenario, combat_model)) {
  const int R = impl_->R, U = impl_->U;
  state_.units.resize(U);
  state_.regions.resize(R);
  state_.link_tokens.resize(scenario.links.size());
  state_.link_hour.resize(scenario.links.size());
  state_.supplied.resize(kSides * R);
  state_.objective_hour.resize(impl_->O);
  state_.escalation_seen.resize(impl_->E);
  state_.escalation_held.resize(impl_->E);
}

Engine::~Engine() = default;

std::string_view Engine::combat_model_name() const {
  return impl_->model->name();
}

double Engine::effective_power(UnitId u) const {
  const auto& st = impl_->us[u];
  const auto& us = state_.units[u];
  const double oos = scenario_.params.out_of_supply_factor;
  return us.power0 * us.strength * st.cev * st.morale * (oos + (1 - oos) * us.supply);
}

// Whether objective o's condition holds now: all its regions held, or its sides joined.
bool Stepper::objective_holds(int o) {
  const Objective& obj = sc.objectives[o];
  if (obj.kind != Objective::Kind::Capture) return connected(obj.side, obj.from, obj.to);
  for (RegionId r : obj.regions)
    if (control(r) != obj.side) return false;
  return true;
}

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

std::array<double, kSides> Stepper::power_lost_fractions() const {
  std::array<double, kSides> lost{};
  for (int side = 0; side < kSides; ++side)
    lost[side] = m.initial_power[side] > 0 ? 1.0 - m.power_now[side] / m.initial_power[side] : 0;
  return lost;
}

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

bool Engine::step() {
  Impl& m = *impl_;
  if (state_.step >= m.steps) return false;
  Stepper st{scenario_, m, state_, *this};
  if (m.timeline) m.timeline->frames.emplace_back();
  st.decisions_and_air();
  st.arrivals();
  st.supply();
  st.aggregate(true);
  st.doctrine();
  st.movement();
  st.aggregate(false);
  st.combat();
  st.after_step();
  if (m.timeline) st.record_frame();
  ++state_.step;
  state_.hour = state_.step * m.dt;
  return state_.step < m.steps;
}

void Engine::finish(Outcome& out) {
  Impl& m = *impl_;
  Stepper st{scenario_, m, state_, *this};
  // Days past a shorter horizon report the final state.
  for (int k = m.territory_recorded; k < 4; ++k) st.record_territory(k);
  const double end = m.steps * m.dt;
  out.objective_hour.assign(state_.objective_hour.begin(), state_.objective_hour.end());
  out.before_reinforcements.resize(m.O);
  const bool arrived = m.reinforcements_hour >= 0 && m.reinforcements_hour <= end;
  for (int o = 0; o < m.O; ++o) {
    const double h = state_.objective_hour[o];
    out.before_reinforcements[o] = h >= 0 && (!arrived || h < m.reinforcements_hour);
  }
  out.held_at_end.resize(m.O);
  for (int o = 0; o < m.O; ++o) out.held_at_end[o] = st.objective_holds(o);
  out.decision_hour = state_.decision_hour[kBlue];
  out.reinforcements_hour = arrived ? m.reinforcements_hour : kNever;
  out.territory = m.territory;
  out.personnel_lost = m.personnel_lost;
  out.power_lost_fraction = st.power_lost_fractions();
  out.losses_by_category.assign(m.losses_by_category.begin(), m.losses_by_category.end());
  out.escalation.resize(m.E);
  out.escalation_hour.assign(m.escalation_hour.begin(), m.escalation_hour.end());
  for (int e = 0; e < m.E; ++e) out.escalation[e] = m.escalation_hour[e] >= 0;
}

void Engine::run(std::uint64_t seed, std::uint64_t replication, Outcome& outcome,
                 Timeline* timeline) {
  reset(seed, replication, timeline);
  while (step()) {
  }
  outcome.replication = replication;
  finish(outcome);
}

Outcome Engine::run(std::uint64_t seed, std::uint64_t replication) {
  Outcome o;
  run(seed, replication, o);
  return o;
}

}  // namespace flank::campaign
