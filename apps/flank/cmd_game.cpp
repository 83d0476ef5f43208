// `flank game`: Red's plans against Blue's options as a zero-sum matrix game estimated by
// Monte Carlo with common random numbers (src/flank/game/estimate.hpp): the payoff matrix with
// intervals, each Blue option's worst case and Red's best response, Blue's minimax option and
// the mixed equilibrium with a bootstrap interval on its value.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/analysis/red_plans.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/error.hpp"
#include "flank/game/estimate.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/store/store.hpp"

namespace {

using Json = nlohmann::ordered_json;

struct GameCliOptions {
  std::string plans, json_file, payoff, red, store;
  std::uint64_t replications = 0, first_batch = 0, bootstrap = 0, seed = 0;
  bool n_set = false, first_set = false, boot_set = false, seed_set = false;
  int threads = 0;
  bool quiet = false;
};

flank::analysis::OutcomeLayout layout_of(const flank::Scenario& s) {
  flank::analysis::OutcomeLayout layout;
  for (const auto& o : s.objectives) layout.objectives.push_back(o.id);
  for (const auto& e : s.escalation) layout.escalation.push_back(e.id);
  layout.horizon_hours = s.params.horizon_days * 24;
  return layout;
}

std::string interval(const flank::game::CellEstimate& c, bool probability) {
  return probability ? fmt::format("{:.3f} [{:.3f},{:.3f}]", c.mean, c.lo, c.hi)
                     : fmt::format("{:.4g} [{:.4g},{:.4g}]", c.mean, c.lo, c.hi);
}

Json cell_json(const flank::game::CellEstimate& c) {
  return Json{{"mean", c.mean}, {"lo", c.lo}, {"hi", c.hi}, {"n", c.n}};
}

// The game as one study of kind "game": a point per cell (plan × option, row-major) with the
// payoff as its metric, and the whole game JSON as the study's results, so `flank results`
// exports it. Not resumable: a game is recomputed from its seed.
void store_game(const std::string& path, const flank::analysis::PlansFile& file,
                const flank::game::EstimateOptions& eo, const flank::game::GameEstimate& g,
                const Json& game, bool quiet) {
  using namespace flank;
  store::Store db(path);
  store::Study s;
  s.name = file.name + " (" + file.payoff.name + ")";  // one study per payoff in findings
  s.kind = "game";
  s.design_yaml = file.text;
  s.scenario = file.scenario;
  s.scenario_hash = fmt::format("{:016x}", load_scenario(file.scenario).hash);
  s.seed = eo.seed;
  s.replications = eo.replications;
  s.chunk = 0;
  s.outputs = Json::array({file.payoff.name}).dump();
  std::vector<store::Point> points;
  for (std::size_t i = 0; i < g.plans; ++i)
    for (std::size_t j = 0; j < g.options; ++j) {
      Json overrides = Json::array();
      for (const auto& o : file.plans[i].set) overrides.push_back(o);
      for (const auto& o : file.options[j].set) overrides.push_back(o);
      points.push_back({static_cast<std::int64_t>(i * g.options + j),
                        file.plans[i].variant.empty() ? file.scenario : file.plans[i].variant,
                        "cell:" + file.plans[i].id + "×" + file.options[j].id, overrides.dump(),
                        Json::array({i, j}).dump(), "pending"});
    }
  const auto id = db.create_study(s, points);
  for (std::size_t c = 0; c < g.cells.size(); ++c) {
    const auto& cell = g.cells[c];
    db.put_result(id, static_cast<std::int64_t>(c),
                  {cell.n, "{}", "{}", {{file.payoff.name, cell.mean, cell.lo, cell.hi, cell.n}}});
  }
  db.set_study_extra(id, game.dump());
  db.set_study_status(id, "done");
  if (!quiet)
    std::fprintf(stderr, "flank game: stored as study %lld in %s\n", static_cast<long long>(id),
                 path.c_str());
}

int run(GameCliOptions opt) {
  using namespace flank;
  using namespace flank::analysis;
  PlansFile file = load_plans(opt.plans);
  if (!opt.payoff.empty()) {
    try {
      file.payoff = parse_metric(opt.payoff);
    } catch (const std::invalid_argument& e) {
      throw InputError(Diagnostic{{}, "--payoff", e.what()});
    }
    if (file.payoff.kind == Metric::Kind::HoursQuantile)
      throw InputError(Diagnostic{{}, "--payoff", "a quantile has no per-replication value"});
  }
  if (!opt.red.empty()) {
    if (opt.red != "max" && opt.red != "min")
      throw InputError(Diagnostic{{}, "--red", "expected max or min"});
    file.red_maximises = opt.red == "max";
  }
  game::EstimateOptions eo;
  eo.replications = opt.n_set ? opt.replications : file.replications;
  eo.first_batch = opt.first_set ? opt.first_batch : file.first_batch;
  eo.bootstrap = opt.boot_set ? opt.bootstrap : file.bootstrap;
  eo.seed = opt.seed_set ? opt.seed : file.seed;
  eo.probability = file.payoff.is_probability();
  eo.red_maximises = file.red_maximises;
  if (eo.replications == 0)
    throw InputError(Diagnostic{{}, "-n", "the number of replications must be at least 1"});
  if (opt.threads < 0)
    throw InputError(Diagnostic{{}, "--threads", "the thread count must be 0 (all) or more"});

  // Every cell is compiled before anything runs, so a bad plan or option fails at once.
  const CellBuilder builder(file);
  const std::size_t P = file.plans.size(), O = file.options.size();
  std::vector<std::unique_ptr<Scenario>> cells(P * O);
  std::vector<OutcomeLayout> layouts(P * O);
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t j = 0; j < O; ++j) {
      cells[i * O + j] = std::make_unique<Scenario>(builder.build_cell(i, j));
      layouts[i * O + j] = layout_of(*cells[i * O + j]);
      Outcome probe;
      probe.objective_hour.assign(layouts[i * O + j].objectives.size(), kNever);
      probe.before_reinforcements.assign(probe.objective_hour.size(), 0);
      probe.held_at_end.assign(probe.objective_hour.size(), 0);
      probe.escalation.assign(layouts[i * O + j].escalation.size(), 0);
      try {
        per_replication(file.payoff, layouts[i * O + j], probe);
      } catch (const std::invalid_argument& e) {
        throw InputError(Diagnostic{file.payoff_where, "payoff", e.what()});
      }
    }

  const auto start = std::chrono::steady_clock::now();
  std::size_t calls = 0;
  const game::CellSampler sample = [&](std::size_t i, std::size_t j, std::uint64_t first,
                                       std::uint64_t count) {
    std::vector<double> values;
    values.reserve(count);
    mc::RunConfig config;
    config.seed = eo.seed;
    config.first_replication = first;
    config.replications = count;
    config.threads = opt.threads;
    const auto& layout = layouts[i * O + j];
    config.on_outcome = [&](const Outcome& o) {
      values.push_back(per_replication(file.payoff, layout, o));
    };
    mc::run(*cells[i * O + j], config);
    if (!opt.quiet && ++calls % O == 0)
      std::fprintf(stderr, "flank game: %zu cells run, %.1f s\n", calls,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return values;
  };
  const game::GameEstimate g = game::estimate_game(P, O, sample, eo);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto ids = [](const auto& items, const std::vector<std::size_t>& which) {
    std::string out;
    for (std::size_t k : which) out += (out.empty() ? "" : ", ") + items[k].id;
    return out;
  };
  const double sign = file.red_maximises ? 1 : -1;
  const auto worst_cell = [&](std::size_t j) -> const game::CellEstimate& {
    return g.cell(g.pure.best_responses[j].front(), j);
  };

  Json j;
  j["study"] = file.name;
  j["payoff"] = file.payoff.name;
  j["red"] = file.red_maximises ? "max" : "min";
  j["seed"] = eo.seed;
  j["replications"] = eo.replications;
  j["first_batch"] = eo.first_batch;
  j["replications_run"] = g.replications_run;
  j["replications_full"] = g.replications_full;
  j["replications_saved"] = g.replications_full - g.replications_run;
  Json plans = Json::array();
  for (std::size_t i = 0; i < P; ++i) {
    Json p{{"id", file.plans[i].id},
           {"description", file.plans[i].description},
           {"source", file.plans[i].source},
           {"dropped", g.dropped[i] ? Json(true) : Json(false)}};
    if (g.dropped[i]) p["dropped_by"] = file.plans[g.dropped_by[i]].id;
    Json row = Json::array();
    for (std::size_t c = 0; c < O; ++c) row.push_back(cell_json(g.cell(i, c)));
    p["cells"] = row;
    plans.push_back(p);
  }
  j["plans"] = plans;
  Json options = Json::array();
  for (std::size_t c = 0; c < O; ++c) {
    Json br = Json::array();
    for (std::size_t i : g.pure.best_responses[c]) br.push_back(file.plans[i].id);
    Json posture = Json::array();
    for (std::size_t k = 0; k < file.options[c].chosen.size(); ++k)
      if (file.options[c].chosen[k]) posture.push_back(file.candidates.candidates[k].id);
    options.push_back({{"id", file.options[c].id},
                       {"description", file.options[c].description},
                       {"posture", posture},
                       {"cost", file.options[c].cost},
                       {"worst_case", cell_json(worst_cell(c))},
                       {"best_responses", br}});
  }
  j["options"] = options;
  Json minimax = Json::array(), maximin = Json::array();
  for (std::size_t c : g.pure.minimax_columns) minimax.push_back(file.options[c].id);
  for (std::size_t i : g.pure.maximin_rows) maximin.push_back(file.plans[i].id);
  j["minimax_options"] = minimax;
  j["maximin_plans"] = maximin;
  Json red = Json::object(), blue = Json::object();
  for (std::size_t i = 0; i < P; ++i) red[file.plans[i].id] = g.mixed.row[i];
  for (std::size_t c = 0; c < O; ++c) blue[file.options[c].id] = g.mixed.col[c];
  j["equilibrium"] = {{"value", g.mixed.value},   {"lo", g.value_lo}, {"hi", g.value_hi},
                      {"bootstrap", g.bootstrap}, {"red", red},       {"blue", blue}};
  if (!opt.store.empty()) store_game(opt.store, file, eo, g, j, opt.quiet);
  if (!opt.json_file.empty() && opt.json_file != "-")
    write_file_atomically(opt.json_file, j.dump(2) + "\n");
  if (opt.json_file == "-") {
    std::printf("%s\n", j.dump(2).c_str());
    return cli::kExitOk;
  }

  const bool prob = eo.probability;
  std::printf("Game %s: payoff %s (Red wants it %s), %zu Red plans × %zu Blue options, seed %llu\n",
              file.name.c_str(), file.payoff.name.c_str(), file.red_maximises ? "high" : "low", P,
              O, static_cast<unsigned long long>(eo.seed));
  std::printf(
      "Replications: %llu run, %llu for the full grid of %llu per cell: %llu saved by "
      "racing (%.1f s)\n",
      static_cast<unsigned long long>(g.replications_run),
      static_cast<unsigned long long>(g.replications_full),
      static_cast<unsigned long long>(eo.replications),
      static_cast<unsigned long long>(g.replications_full - g.replications_run), seconds);
  for (std::size_t i = 0; i < P; ++i)
    if (g.dropped[i])
      std::printf("  dropped after %llu: %s (beaten everywhere by %s)\n",
                  static_cast<unsigned long long>(eo.first_batch), file.plans[i].id.c_str(),
                  file.plans[g.dropped_by[i]].id.c_str());
  std::printf("\nPayoff matrix, mean [95%% interval] (rows: Red plans, columns: Blue options):\n");
  std::printf("%-22s", "");
  for (std::size_t c = 0; c < O; ++c) std::printf(" %-21s", file.options[c].id.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < P; ++i) {
    std::printf("%-22s", (file.plans[i].id + (g.dropped[i] ? "*" : "")).c_str());
    for (std::size_t c = 0; c < O; ++c) {
      const bool best = std::find(g.pure.best_responses[c].begin(), g.pure.best_responses[c].end(),
                                  i) != g.pure.best_responses[c].end();
      std::printf(" %-21s", (interval(g.cell(i, c), prob) + (best ? "<" : "")).c_str());
    }
    std::printf("\n");
  }
  std::printf("(< Red's best response to the column; * raced out, first batch only)\n\n");
  std::printf("%-22s %8s  %-24s %s\n", "Blue option", "cost", "worst case", "Red's best response");
  for (std::size_t c = 0; c < O; ++c)
    std::printf("%-22s %8g  %-24s %s\n", file.options[c].id.c_str(), file.options[c].cost,
                interval(worst_cell(c), prob).c_str(),
                g.pure.best_responses[c].size() == P && P > 1
                    ? "(all plans tie)"
                    : ids(file.plans, g.pure.best_responses[c]).c_str());
  std::printf("\nBlue's minimax option: %s (worst case %.4g)\n",
              ids(file.options, g.pure.minimax_columns).c_str(), sign * g.pure.upper_value);
  std::printf("Red's maximin plan: %s (guaranteed %.4g)\n",
              g.pure.maximin_rows.size() == P && P > 1
                  ? "(all plans tie)"
                  : ids(file.plans, g.pure.maximin_rows).c_str(),
              sign * g.pure.lower_value);
  std::printf("Mixed equilibrium: value %.4f, bootstrap 95%% [%.4f, %.4f] (%llu resamples)\n",
              g.mixed.value, g.value_lo, g.value_hi, static_cast<unsigned long long>(g.bootstrap));
  std::string red_mix, blue_mix;
  for (std::size_t i = 0; i < P; ++i)
    if (g.mixed.row[i] > 1e-9)
      red_mix +=
          fmt::format("{}{} {:.3f}", red_mix.empty() ? "" : ", ", file.plans[i].id, g.mixed.row[i]);
  for (std::size_t c = 0; c < O; ++c)
    if (g.mixed.col[c] > 1e-9)
      blue_mix += fmt::format("{}{} {:.3f}", blue_mix.empty() ? "" : ", ", file.options[c].id,
                              g.mixed.col[c]);
  std::printf("  Red:  %s\n  Blue: %s\n", red_mix.c_str(), blue_mix.c_str());
  return cli::kExitOk;
}

flank::cli::Register reg{
    {"game", [](CLI::App& app) {
       auto opt = std::make_shared<GameCliOptions>();
       auto* cmd = app.add_subcommand(
           "game",
           "Red's plans against Blue's options: payoff matrix, best responses, equilibrium");
       cmd->add_option("--plans", opt->plans, "Plans YAML file, or builtin:<name>")->required();
       auto* n = cmd->add_option("-n,--replications", opt->replications,
                                 "Replications per cell (default: the file's)");
       auto* first = cmd->add_option("--first-batch", opt->first_batch,
                                     "Racing: replications before dropping plans (0: none)");
       auto* boot = cmd->add_option("--bootstrap", opt->bootstrap,
                                    "Bootstrap resamples for the equilibrium value");
       auto* seed = cmd->add_option("--seed", opt->seed, "Random seed (default: the file's)");
       cmd->add_option("--payoff", opt->payoff, "Payoff metric (default: the file's)");
       cmd->add_option("--red", opt->red, "max or min: what Red wants of the payoff");
       cmd->add_option("--json", opt->json_file, "Write the game as JSON to FILE ('-': stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--store", opt->store, "Also record the game in this results store")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--threads", opt->threads, "Worker threads (default: all)");
       cmd->add_flag("--quiet,-q", opt->quiet, "No progress output");
       return [opt, n, first, boot, seed] {
         opt->n_set = n->count() > 0;
         opt->first_set = first->count() > 0;
         opt->boot_set = boot->count() > 0;
         opt->seed_set = seed->count() > 0;
         return run(*opt);
       };
     }}};

}  // namespace
