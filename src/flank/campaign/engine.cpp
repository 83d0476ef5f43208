// Engine's public methods. The step's phases live one per file (see stepper.hpp).
#include "flank/campaign/engine.hpp"

#include <array>
#include <chrono>
#include <memory>

#include "flank/campaign/stepper.hpp"

namespace flank::campaign {

Engine::Engine(const Scenario& scenario, std::string_view combat_model)
    : scenario_(scenario), impl_(std::make_unique<Impl>(scenario, combat_model)) {
  const int R = impl_->R, U = impl_->U;
  state_.units.resize(U);
  state_.regions.resize(R);
  state_.link_tokens.resize(scenario.links.size());
  state_.link_hour.resize(scenario.links.size());
  state_.supplied.resize(kSides * R);
  state_.bypass_detour.resize(kSides * R);
  state_.objective_hour.resize(impl_->O);
  state_.escalation_seen.resize(impl_->E);
  state_.escalation_held.resize(impl_->E);
}

Engine::~Engine() = default;

std::string_view Engine::combat_model_name() const {
  return impl_->model->name();
}

double Engine::effective_power(UnitId u) const {
  return campaign::effective_power(impl_->us[u], state_.units[u], scenario_.params, state_.hour);
}

std::string_view phase_name(Phase phase) {
  static constexpr std::array<std::string_view, static_cast<int>(Phase::Count)> kNames = {
      "decisions", "arrivals", "supply",  "isolation", "aggregate",
      "doctrine",  "movement", "regroup", "combat",    "after"};
  return kNames.at(static_cast<int>(phase));
}

bool Engine::step(PhaseClock* clock) {
  Impl& m = *impl_;
  if (state_.step >= m.steps) return false;
  Stepper st{scenario_, m, state_, *this};
  if (m.timeline) m.timeline->frames.emplace_back();
  using Clock = std::chrono::steady_clock;
  Clock::time_point t0 = clock ? Clock::now() : Clock::time_point{};
  const auto lap = [&](Phase phase) {
    if (!clock) return;
    const Clock::time_point t = Clock::now();
    clock->seconds[static_cast<int>(phase)] += std::chrono::duration<double>(t - t0).count();
    t0 = t;
  };
  // The phases of docs/model.md "One step", in order.
  st.decisions_and_air();  // 1. decisions and air
  lap(Phase::Decisions);
  st.arrivals();  // 2. arrivals and readiness
  lap(Phase::Arrivals);
  st.supply();  // 3. supply
  lap(Phase::Supply);
  st.isolation();  //    isolated units: endurance, surrender, breakout; pockets
  lap(Phase::Isolation);
  st.aggregate(true);  // 4. power, and the power free to move
  lap(Phase::Aggregate);
  st.doctrine();  // 5. doctrine: targets and first legs
  lap(Phase::Doctrine);
  st.movement();  // 6. movement
  lap(Phase::Movement);
  st.aggregate(false);  //    power again, fighting units grouped by region
  lap(Phase::Regroup);
  st.combat();  // 7. combat
  lap(Phase::Combat);
  // 8. After the step.
  const std::array<double, kSides> lost = st.power_lost_fractions();
  st.halts(lost);
  st.objectives();
  st.escalation(lost);
  m.control_changed = false;  // supply, objectives and isolation have seen this step's changes
  st.territory();
  if (m.timeline) st.record_frame();
  ++state_.step;
  state_.hour = state_.step * m.dt;
  lap(Phase::After);
  if (clock) ++clock->steps;
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
  out.operations = m.operations;
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
