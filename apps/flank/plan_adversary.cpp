#include "plan_adversary.hpp"

#include <map>
#include <memory>
#include <utility>

#include "flank/analysis/red_plans.hpp"
#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"

namespace flank::cli {
namespace {

struct State {
  analysis::PlansFile file;
  std::unique_ptr<analysis::CellBuilder> builder;
  std::vector<analysis::PostureCandidate> candidates;
  analysis::Target target;
  std::uint64_t seed = 1;
  int threads = 0;
  // Compiled scenarios of (posture, plan), each built once.
  std::map<std::pair<std::vector<bool>, std::size_t>, std::unique_ptr<Scenario>> compiled;
};

analysis::OutcomeLayout layout_of(const Scenario& s) {
  analysis::OutcomeLayout layout;
  for (const auto& o : s.objectives) layout.objectives.push_back(o.id);
  for (const auto& e : s.escalation) layout.escalation.push_back(e.id);
  layout.horizon_hours = s.params.horizon_days * 24;
  return layout;
}

const Scenario& scenario(State& st, const std::vector<bool>& chosen, std::size_t plan) {
  auto& slot = st.compiled[{chosen, plan}];
  if (!slot) slot = std::make_unique<Scenario>(st.builder->build(plan, st.candidates, chosen));
  return *slot;
}

}  // namespace

Adversary make_adversary(const std::string& plans_ref,
                         const std::vector<analysis::PostureCandidate>& candidates,
                         const analysis::Target& target, std::uint64_t seed, int threads) {
  auto st = std::make_shared<State>();
  st->file = analysis::load_plans(plans_ref);
  st->builder = std::make_unique<analysis::CellBuilder>(st->file);
  st->candidates = candidates;
  st->target = target;
  st->seed = seed;
  st->threads = threads;
  Adversary a;
  a.study = st->file.name;
  const std::vector<bool> none(candidates.size(), false);
  for (std::size_t k = 0; k < st->file.plans.size(); ++k) {
    a.plan_ids.push_back(st->file.plans[k].id);
    Outcome probe;
    const auto layout = layout_of(scenario(*st, none, k));
    probe.objective_hour.assign(layout.objectives.size(), kNever);
    probe.before_reinforcements.assign(layout.objectives.size(), 0);
    probe.held_at_end.assign(layout.objectives.size(), 0);
    probe.escalation.assign(layout.escalation.size(), 0);
    try {
      analysis::per_replication(target.metric, layout, probe);
    } catch (const std::invalid_argument& e) {
      throw InputError(Diagnostic{{}, "--target", e.what()});
    }
  }
  a.evaluate = [st](const std::vector<bool>& chosen, std::uint64_t first, std::uint64_t count) {
    std::vector<std::uint64_t> hits(st->file.plans.size(), 0);
    for (std::size_t k = 0; k < hits.size(); ++k) {
      const Scenario& s = scenario(*st, chosen, k);
      const auto layout = layout_of(s);
      mc::RunConfig config;
      config.seed = st->seed;
      config.first_replication = first;
      config.replications = count;
      config.threads = st->threads;
      config.on_outcome = [&](const Outcome& o) {
        hits[k] += analysis::per_replication(st->target.metric, layout, o) > 0.5;
      };
      mc::run(s, config);
    }
    return hits;
  };
  return a;
}

}  // namespace flank::cli
