// `flank game`: Red's plans against Blue's options as a zero-sum matrix game estimated by
// Monte Carlo with common random numbers (src/flank/game/estimate.hpp): the payoff matrix with
// intervals, each Blue option's worst case and Red's best response, Blue's minimax option and
// the mixed equilibrium with a bootstrap interval on its value. With --store the game is a
// study whose replication chunks are stored as they complete, so --resume after a kill
// finishes it with exactly the uninterrupted answer; --mpi spreads the chunks over ranks.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/error.hpp"
#include "game_work.hpp"

namespace flank::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string interval(const flank::game::CellEstimate& c, bool probability) {
  return probability ? fmt::format("{:.3f} [{:.3f},{:.3f}]", c.mean, c.lo, c.hi)
                     : fmt::format("{:.4g} [{:.4g},{:.4g}]", c.mean, c.lo, c.hi);
}

Json cell_json(const flank::game::CellEstimate& c) {
  return Json{{"mean", c.mean}, {"lo", c.lo}, {"hi", c.hi}, {"n", c.n}};
}

int run(const GameCliOptions& opt) {
  if (opt.mpi) return run_game_mpi(opt);
  const auto setup = setup_game(opt);
  std::unique_ptr<store::Store> db;
  GameStudy study;
  const std::unique_ptr<game::ChunkCache> cache = open_game_cache(opt, *setup, db, study);
  const auto start = std::chrono::steady_clock::now();
  game::EstimateOptions eo = setup->eo;
  GameProgress progress(opt.quiet);
  eo.prepare = [&](const std::vector<game::CellRange>& ranges) {
    std::vector<game::WorkUnit> units;
    for (const auto& u : game::split_ranges(ranges, setup->options(), setup->chunk))
      if (!cache->has(u)) units.push_back(u);
    for (std::size_t k = 0; k < units.size(); ++k) {
      cache->put(units[k], compute_unit(*setup, units[k], opt.threads));
      progress(k + 1, units.size());
    }
  };
  const game::GameEstimate g =
      game::estimate_game(setup->plans(), setup->options(), cache_sampler(*setup, *cache), eo);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report_game(opt, *setup, g, db.get(), study, *cache, seconds);
}

}  // namespace

int report_game(const GameCliOptions& opt, const GameSetup& setup, const game::GameEstimate& g,
                store::Store* db, const GameStudy& study, game::ChunkCache& cache, double seconds) {
  const auto& file = setup.file;
  const auto& eo = setup.eo;
  const std::size_t P = setup.plans(), O = setup.options();
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
  j["format"] = "flank-game-1";
  j["study"] = file.name;
  j["payoff"] = file.payoff.name;
  j["red"] = file.red_maximises ? "max" : "min";
  j["seed"] = eo.seed;
  j["replications"] = eo.replications;
  j["first_batch"] = eo.first_batch;
  j["chunk"] = setup.chunk;
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
  if (db) {
    finish_game_study(*db, study, setup, g, cache, j);
    if (!opt.quiet)
      std::fprintf(stderr, "flank game: study %lld %s in %s\n", static_cast<long long>(study.id),
                   study.resumed ? "resumed" : "stored", opt.store.c_str());
  }
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

namespace {

flank::cli::Register reg{
    {"game", [](CLI::App& app) {
       auto opt = std::make_shared<GameCliOptions>();
       auto* cmd = app.add_subcommand(
           "game",
           "Red's plans against Blue's options: payoff matrix, best responses, equilibrium");
       cmd->add_option("--plans", opt->plans, "Plans YAML file, or builtin:<name>")->required();
       // Bounded like run's: "-1" had wrapped to 2^64 - 1 and run practically forever.
       auto* n = cmd->add_option("-n,--replications", opt->replications,
                                 "Replications per cell (default: the file's)")
                     ->check(flank::cli::replications_check());
       auto* first = cmd->add_option("--first-batch", opt->first_batch,
                                     "Racing: replications before dropping plans (0: none)")
                         ->check(flank::cli::count_check(0, flank::kMaxReplications));
       auto* boot = cmd->add_option("--bootstrap", opt->bootstrap,
                                    "Bootstrap resamples for the equilibrium value")
                        ->check(flank::cli::count_check(0, 1000000));
       auto* seed = cmd->add_option("--seed", opt->seed, "Random seed (default: the file's)")
                        ->check(flank::cli::seed_check());
       cmd->add_option("--payoff", opt->payoff, "Payoff metric (default: the file's)");
       cmd->add_option("--red", opt->red, "max or min: what Red wants of the payoff");
       cmd->add_option("--json", opt->json_file, "Write the game as JSON to FILE ('-': stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--store", opt->store,
                       "Record the game in this results store, chunk by chunk as it runs")
           ->check(flank::cli::output_path_check());
       auto* chunk = cmd->add_option("--chunk", opt->chunk,
                                     "Replications per stored chunk (default: the file's, else 50)")
                         ->check(flank::cli::replications_check());
       cmd->add_flag("--resume", opt->resume,
                     "Continue the newest matching game study in the store (with --store)");
       cmd->add_flag("--mpi", opt->mpi, "Spread the work over MPI ranks (mpirun/srun)");
       cmd->add_option("--threads", opt->threads, "Worker threads (default: all)");
       cmd->add_flag("--quiet,-q", opt->quiet, "No progress output");
       return [opt, n, first, boot, seed, chunk] {
         opt->n_set = n->count() > 0;
         opt->first_set = first->count() > 0;
         opt->boot_set = boot->count() > 0;
         opt->seed_set = seed->count() > 0;
         opt->chunk_set = chunk->count() > 0;
         return run(*opt);
       };
     }}};

}  // namespace
}  // namespace flank::cli
