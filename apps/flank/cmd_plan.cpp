// `flank plan`: the cheapest Blue posture that keeps a Red objective's probability under a
// target, and the cost–risk frontier (src/flank/analysis/planner.hpp).
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/analysis/planner.hpp"
#include "flank/analysis/posture.hpp"
#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/store/store.hpp"
#include "plan_adversary.hpp"

namespace {

using Json = nlohmann::ordered_json;

struct PlanCliOptions {
  std::string candidates, target, store, adversary;
  double budget = -1;  // < 0: not given
  std::uint64_t replications = 0, max_replications = 0, seed = 0;
  bool replications_set = false, max_set = false, seed_set = false;
  std::size_t exact_limit = 12;
  int threads = 0;
  bool quiet = false;
};

std::string chosen_ids(const std::vector<flank::analysis::PostureCandidate>& c,
                       const std::vector<bool>& chosen) {
  std::string out;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (chosen[i]) out += (out.empty() ? "" : " + ") + c[i].id;
  return out.empty() ? "(none)" : out;
}

Json posture_json(const std::vector<flank::analysis::PostureCandidate>& c,
                  const flank::analysis::PostureEstimate& e) {
  Json ids = Json::array();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (e.chosen[i]) ids.push_back(c[i].id);
  return Json{{"chosen", ids},
              {"cost", e.cost},
              {"risk", {{"p", e.risk.p}, {"lo", e.risk.lo}, {"hi", e.risk.hi}}},
              {"replications", e.n},
              {"verdict", flank::analysis::to_string(e.verdict)}};
}

int run(const PlanCliOptions& opt) {
  using namespace flank;
  using namespace flank::analysis;
  const PostureFile file = load_postures(opt.candidates);
  const std::string target_text = !opt.target.empty() ? opt.target : file.target;
  if (target_text.empty())
    throw InputError(Diagnostic{{}, "--target", "give --target or target: in the candidates file"});
  const Target target = parse_target(target_text);
  PlannerOptions po;
  po.target = target.threshold;
  po.budget = opt.budget >= 0 ? opt.budget : file.budget >= 0 ? file.budget : 1e300;
  po.initial_replications = opt.replications_set ? opt.replications : file.replications;
  po.max_replications = opt.max_set ? opt.max_replications : file.max_replications;
  po.max_replications = std::max(po.max_replications, po.initial_replications);
  po.exact_limit = opt.exact_limit;
  const std::uint64_t seed = opt.seed_set ? opt.seed : file.seed;
  if (po.initial_replications == 0)
    throw InputError(Diagnostic{{}, "-n", "the number of replications must be at least 1"});

  const std::string base_yaml = resolved_yaml(file.scenario);
  DiagnosticSink sink;
  const doc::Node base = doc::parse(base_yaml, file.scenario, sink);
  sink.throw_if_any();
  const Scenario base_scenario = load_scenario(file.scenario);
  check_candidates(file, base_scenario);
  // Opened (and checked) before the planning, not after it: a foreign, damaged or read-only
  // store is said at once instead of after minutes of work that are then lost.
  std::unique_ptr<store::Store> db;
  if (!opt.store.empty()) db = std::make_unique<store::Store>(opt.store, store::Access::Write);
  OutcomeLayout layout;
  for (const auto& o : base_scenario.objectives) layout.objectives.push_back(o.id);
  for (const auto& e : base_scenario.escalation) layout.escalation.push_back(e.id);
  layout.horizon_hours = base_scenario.params.horizon_days * 24;
  {
    Outcome probe;
    probe.objective_hour.assign(layout.objectives.size(), kNever);
    probe.before_reinforcements.assign(layout.objectives.size(), 0);
    probe.held_at_end.assign(layout.objectives.size(), 0);
    probe.escalation.assign(layout.escalation.size(), 0);
    try {
      per_replication(target.metric, layout, probe);
    } catch (const std::invalid_argument& e) {
      throw InputError(Diagnostic{{}, "--target", e.what()});
    }
  }

  std::vector<Candidate> candidates;
  for (const auto& c : file.candidates) candidates.push_back({c.id, c.cost});
  std::map<std::vector<bool>, std::unique_ptr<Scenario>> compiled;
  std::size_t evaluations = 0;
  const PostureEvaluator evaluate = [&](const std::vector<bool>& chosen, std::uint64_t first,
                                        std::uint64_t count) -> std::uint64_t {
    auto& scenario = compiled[chosen];
    if (!scenario)
      scenario = std::make_unique<Scenario>(
          load_scenario_text(posture_yaml(base, file.candidates, chosen),
                             "posture " + chosen_ids(file.candidates, chosen)));
    std::uint64_t hits = 0;
    mc::RunConfig config;
    config.seed = seed;
    config.first_replication = first;
    config.replications = count;
    config.threads = opt.threads;
    config.on_outcome = [&](const Outcome& o) {
      hits += per_replication(target.metric, layout, o) > 0.5;
    };
    mc::run(*scenario, config);
    if (!opt.quiet && ++evaluations % 10 == 0)
      std::fprintf(stderr, "flank plan: %zu evaluations, %zu postures\n", evaluations,
                   compiled.size());
    return hits;
  };
  // --adversary: every posture against each Red plan; its risk is Red's best response's.
  cli::Adversary adversary;
  if (!opt.adversary.empty())
    adversary = cli::make_adversary(opt.adversary, file.candidates, target, seed, opt.threads);
  const PlanResult result = adversary.evaluate ? plan(candidates, adversary.evaluate, po)
                                               : plan(candidates, evaluate, po);
  const auto against = [&](const PostureEstimate& e) {
    return adversary.evaluate ? "  vs " + adversary.plan_ids.at(e.best_response) : std::string();
  };
  if (adversary.evaluate)
    std::printf("Against Red's best response among %zu plans of %s\n", adversary.plan_ids.size(),
                adversary.study.c_str());

  std::printf("Target %s, budget %s, %zu candidates, method %s, %zu postures, %llu replications\n",
              target.text.c_str(),
              po.budget >= 1e300 ? "none" : fmt::format("{}", po.budget).c_str(), candidates.size(),
              result.method.c_str(), result.evaluated.size(),
              static_cast<unsigned long long>(result.replications_run));
  if (result.best)
    std::printf(
        "Cheapest posture meeting the target: %s — cost %g, risk %.3f [%.3f, %.3f] (n=%llu)%s\n",
        chosen_ids(file.candidates, result.best->chosen).c_str(), result.best->cost,
        result.best->risk.p, result.best->risk.lo, result.best->risk.hi,
        static_cast<unsigned long long>(result.best->n), against(*result.best).c_str());
  else
    std::printf("No posture within the budget meets the target.\n");
  std::printf("\nCost–risk frontier:\n%10s  %-22s %6s  %s\n", "cost", "risk [95% CI]", "n",
              "posture");
  for (const auto& e : result.frontier)
    std::printf("%10g  %.3f [%.3f, %.3f]  %6llu  %s%s\n", e.cost, e.risk.p, e.risk.lo, e.risk.hi,
                static_cast<unsigned long long>(e.n), chosen_ids(file.candidates, e.chosen).c_str(),
                against(e).c_str());

  if (db) {
    store::Study s;
    // Against an adversary the target is in the name: findings keeps the newest study of each
    // name, and scripts/gen-findings.sh asks for one per target.
    s.name = opt.adversary.empty()
                 ? file.name
                 : file.name + " vs " + adversary.study + " (" + target.text + ")";
    s.kind = "plan";
    s.design_yaml = file.text;
    s.scenario = file.scenario;
    s.scenario_hash = fmt::format("{:016x}", base_scenario.hash);
    s.seed = seed;
    s.replications = po.initial_replications;
    s.chunk = 0;
    s.outputs = Json::array({target.metric.name}).dump();
    std::vector<store::Point> points;
    for (std::size_t i = 0; i < result.evaluated.size(); ++i) {
      Json ids = Json::array(), flags = Json::array();
      for (std::size_t c = 0; c < candidates.size(); ++c) {
        if (result.evaluated[i].chosen[c]) ids.push_back(candidates[c].id);
        flags.push_back(result.evaluated[i].chosen[c] ? 1 : 0);
      }
      points.push_back({static_cast<std::int64_t>(i), file.scenario, "posture", ids.dump(),
                        flags.dump(), "pending"});
    }
    const auto id = db->create_study(s, points);
    for (std::size_t i = 0; i < result.evaluated.size(); ++i) {
      const auto& e = result.evaluated[i];
      db->put_result(id, static_cast<std::int64_t>(i),
                     {e.n,
                      "{}",
                      posture_json(file.candidates, e).dump(),
                      {{target.metric.name, e.risk.p, e.risk.lo, e.risk.hi, e.n}}});
    }
    Json extra;
    extra["method"] = result.method;
    extra["target"] = target.text;
    extra["adversary"] = opt.adversary.empty() ? Json(nullptr) : Json(opt.adversary);
    extra["budget"] = po.budget >= 1e300 ? Json(nullptr) : Json(po.budget);
    Json cands = Json::array();
    for (const auto& c : file.candidates) {
      std::string start = c.start;
      if (const auto* s = c.define.is_map() ? c.define.find("start") : nullptr; start.empty() && s)
        start = s->scalar;
      cands.push_back({{"id", c.id}, {"unit", c.unit}, {"start", start}, {"cost", c.cost}});
    }
    extra["candidates"] = cands;
    extra["best"] = result.best ? posture_json(file.candidates, *result.best) : Json(nullptr);
    Json frontier = Json::array();
    for (const auto& e : result.frontier) frontier.push_back(posture_json(file.candidates, e));
    extra["frontier"] = frontier;
    extra["replications_run"] = result.replications_run;
    db->set_study_extra(id, extra.dump());
    db->set_study_status(id, "done");
    if (!opt.quiet)
      std::fprintf(stderr, "flank plan: stored as study %lld in %s\n", static_cast<long long>(id),
                   opt.store.c_str());
  }
  return cli::kExitOk;
}

flank::cli::Register reg{
    {"plan", [](CLI::App& app) {
       auto opt = std::make_shared<PlanCliOptions>();
       auto* cmd = app.add_subcommand(
           "plan",
           "Find the cheapest Blue posture meeting a risk target, and the cost–risk frontier");
       cmd->add_option("--candidates", opt->candidates, "Candidates YAML file")
           ->required()
           ->check(CLI::ExistingFile);
       cmd->add_option("--budget", opt->budget,
                       "Maximum total cost, a number ≥ 0 (default: the file's, else none)")
           ->check(flank::cli::number_check(
               0, flank::analysis::kMaxCandidateCost * flank::analysis::kMaxCandidates));
       cmd->add_option("--target", opt->target,
                       "Risk target, e.g. 'p:suwalki-corridor:day7<=0.10' (default: the file's)");
       auto* n = cmd->add_option("-n,--replications", opt->replications,
                                 "First batch of replications per posture (default: the file's)")
                     ->check(flank::cli::replications_check());
       auto* max = cmd->add_option("--max-replications", opt->max_replications,
                                   "Cap on replications per posture (default: the file's)")
                       ->check(flank::cli::replications_check());
       auto* seed = cmd->add_option("--seed", opt->seed, "Random seed (default: the file's)")
                        ->check(flank::cli::seed_check());
       cmd->add_option("--exact-limit", opt->exact_limit,
                       "Enumerate all postures up to this many candidates (default 12)")
           ->check(flank::cli::count_check(0, flank::analysis::kMaxCandidates));
       cmd->add_option("--threads", opt->threads, "Worker threads (default: all)")
           ->check(flank::cli::threads_check());
       cmd->add_option(
           "--adversary", opt->adversary,
           "Red plans file (or builtin:<name>): meet the target against Red's best plan");
       cmd->add_option("--store", opt->store, "Also record the study in this results store")
           ->check(flank::cli::output_path_check());
       cmd->add_flag("--quiet,-q", opt->quiet, "No progress output");
       return [opt, n, max, seed] {
         opt->replications_set = n->count() > 0;
         opt->max_set = max->count() > 0;
         opt->seed_set = seed->count() > 0;
         return run(*opt);
       };
     }}};

}  // namespace
