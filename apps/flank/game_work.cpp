#include "game_work.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "flank/analysis/outcome_codec.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/analysis/sweep.hpp"
#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/loader.hpp"

namespace flank::cli {
namespace {

using Json = nlohmann::ordered_json;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// What decides which units a game needs: a stored study resumes only when all of it matches.
// The bootstrap does not (it only re-analyses the stored outcomes).
Json study_params(const GameSetup& s) {
  return Json{{"payoff", s.file.payoff.name},
              {"red", s.file.red_maximises ? "max" : "min"},
              {"first_batch", s.eo.first_batch},
              {"chunk", s.chunk}};
}

bool same_params(const std::string& extra, const Json& want) {
  Json have;
  try {
    have = Json::parse(extra);
  } catch (const Json::parse_error&) {
    return false;
  }
  if (!have.is_object()) return false;
  for (const auto& [k, v] : want.items())
    if (!have.contains(k) || have[k] != v) return false;
  return true;
}

std::vector<store::Point> cell_points(const GameSetup& setup) {
  const auto& file = setup.file;
  std::vector<store::Point> points;
  for (std::size_t i = 0; i < setup.plans(); ++i)
    for (std::size_t j = 0; j < setup.options(); ++j) {
      Json overrides = Json::array();
      for (const auto& o : file.plans[i].set) overrides.push_back(o);
      for (const auto& o : file.options[j].set) overrides.push_back(o);
      points.push_back({static_cast<std::int64_t>(i * setup.options() + j),
                        file.plans[i].variant.empty() ? file.scenario : file.plans[i].variant,
                        "cell:" + file.plans[i].id + "×" + file.options[j].id, overrides.dump(),
                        Json::array({i, j}).dump(), "pending"});
    }
  return points;
}

}  // namespace

std::unique_ptr<GameSetup> setup_game(const GameCliOptions& opt) {
  using namespace flank::analysis;
  auto setup = std::make_unique<GameSetup>();
  PlansFile& file = setup->file;
  file = load_plans(opt.plans);
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
  game::EstimateOptions& eo = setup->eo;
  eo.replications = opt.n_set ? opt.replications : file.replications;
  eo.first_batch = opt.first_set ? opt.first_batch : file.first_batch;
  eo.bootstrap = opt.boot_set ? opt.bootstrap : file.bootstrap;
  eo.seed = opt.seed_set ? opt.seed : file.seed;
  eo.probability = file.payoff.is_probability();
  eo.red_maximises = file.red_maximises;
  setup->chunk = opt.chunk_set ? opt.chunk : file.chunk;
  if (eo.replications == 0)
    throw InputError(Diagnostic{{}, "-n", "the number of replications must be at least 1"});
  if (setup->chunk == 0)
    throw InputError(Diagnostic{{}, "--chunk", "the chunk size must be at least 1"});
  if (opt.threads < 0)
    throw InputError(Diagnostic{{}, "--threads", "the thread count must be 0 (all) or more"});
  // The estimator runs no racing then; said here so the stored study records what ran.
  if (eo.first_batch >= eo.replications) eo.first_batch = 0;

  const CellBuilder builder(file);
  const std::size_t P = setup->plans(), O = setup->options();
  setup->cells.resize(P * O);
  setup->layouts.resize(P * O);
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t j = 0; j < O; ++j) {
      const std::size_t c = i * O + j;
      setup->cells[c] = std::make_unique<Scenario>(builder.build_cell(i, j));
      setup->layouts[c] = layout_of(*setup->cells[c]);
      Outcome probe;
      probe.objective_hour.assign(setup->layouts[c].objectives.size(), kNever);
      probe.before_reinforcements.assign(probe.objective_hour.size(), 0);
      probe.held_at_end.assign(probe.objective_hour.size(), 0);
      probe.escalation.assign(setup->layouts[c].escalation.size(), 0);
      try {
        per_replication(file.payoff, setup->layouts[c], probe);
      } catch (const std::invalid_argument& e) {
        throw InputError(Diagnostic{file.payoff_where, "payoff", e.what()});
      }
    }
  return setup;
}

std::vector<std::uint8_t> compute_unit(const GameSetup& setup, const game::WorkUnit& unit,
                                       int threads) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(unit.count);
  mc::RunConfig config;
  config.seed = setup.eo.seed;
  config.first_replication = unit.first;
  config.replications = unit.count;
  config.threads = threads;
  config.on_outcome = [&](const Outcome& o) { outcomes.push_back(o); };
  mc::run(*setup.cells.at(unit.cell), config);
  return analysis::encode_outcomes(outcomes);
}

game::CellSampler cache_sampler(const GameSetup& setup, game::ChunkCache& cache) {
  return [&setup, &cache](std::size_t i, std::size_t j, std::uint64_t first, std::uint64_t count) {
    const std::size_t c = i * setup.options() + j;
    std::vector<double> values;
    values.reserve(count);
    for (const auto& o : cache.get(c, first, count))
      values.push_back(analysis::per_replication(setup.file.payoff, setup.layouts[c], o));
    return values;
  };
}

GameProgress::GameProgress(bool quiet) : quiet_(quiet), start_(now_seconds()) {}

void GameProgress::operator()(std::size_t done, std::size_t total) {
  if (quiet_ || total == 0) return;
  const int tenth = static_cast<int>(10 * done / total);
  if (tenth == last_ && done != total) return;
  last_ = tenth;
  std::fprintf(stderr, "flank game: %zu/%zu units, %.1f s\n", done, total, now_seconds() - start_);
  if (done == total) last_ = -1;  // the next phase starts its own count
}

GameStudy open_game_study(store::Store& db, const GameSetup& setup, bool resume) {
  const auto& file = setup.file;
  const Json params = study_params(setup);
  const auto points = cell_points(setup);
  if (resume) {
    const auto all = db.studies();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      const auto& s = *it;
      if (s.kind != "game" || s.design_yaml != file.text || s.seed != setup.eo.seed ||
          s.replications != setup.eo.replications || !same_params(s.extra, params))
        continue;
      const auto stored = db.points(s.id);
      bool same = stored.size() == points.size();
      for (std::size_t i = 0; same && i < points.size(); ++i)
        same = stored[i].role == points[i].role && stored[i].overrides == points[i].overrides &&
               stored[i].scenario == points[i].scenario;
      if (!same)
        throw InputError(Diagnostic{
            {file.file, 0, 0},
            "",
            fmt::format("study {} in the store has different cells; cannot resume it", s.id)});
      return {s.id, true};
    }
  }
  store::Study s;
  s.name = file.name + " (" + file.payoff.name + ")";  // one study per payoff in findings
  s.kind = "game";
  s.design_yaml = file.text;
  s.scenario = file.scenario;
  s.scenario_hash = fmt::format("{:016x}", load_scenario(file.scenario).hash);
  s.seed = setup.eo.seed;
  s.replications = setup.eo.replications;
  s.chunk = setup.chunk;
  s.outputs = Json::array({file.payoff.name}).dump();
  // Until the game is solved its results are the parameters a resume must match.
  s.extra = params.dump();
  return {db.create_study(s, points), false};
}

void finish_game_study(store::Store& db, const GameStudy& study, const GameSetup& setup,
                       const game::GameEstimate& g, game::ChunkCache& cache, const Json& game) {
  for (std::size_t c = 0; c < g.cells.size(); ++c) {
    const auto& cell = g.cells[c];
    const auto outcomes = cache.get(c, 0, cell.n);
    analysis::PointInfo info;
    info.layout = setup.layouts[c];
    info.scenario_id = setup.cells[c]->id;
    info.scenario_hash = setup.cells[c]->hash;
    store::PointResult r;
    r.replications = cell.n;
    r.layout = analysis::layout_json(info);
    r.summary = analysis::point_summary_json(info, outcomes);
    r.metrics.push_back({setup.file.payoff.name, cell.mean, cell.lo, cell.hi, cell.n});
    db.put_result(study.id, static_cast<std::int64_t>(c), r);
    analysis::store_replications(db, study.id, static_cast<std::int64_t>(c), info.layout, outcomes);
  }
  db.set_study_extra(study.id, game.dump());
  db.set_study_status(study.id, "done");
}

std::unique_ptr<game::ChunkCache> open_game_cache(const GameCliOptions& opt, const GameSetup& setup,
                                                  std::unique_ptr<store::Store>& db,
                                                  GameStudy& study) {
  if (opt.store.empty()) {
    if (opt.resume) throw InputError(Diagnostic{{}, "--resume", "needs --store"});
    return std::make_unique<game::MemoryCache>();
  }
  db = std::make_unique<store::Store>(opt.store);
  study = open_game_study(*db, setup, opt.resume);
  return std::make_unique<game::StoreCache>(*db, study.id, setup.cells.size());
}

}  // namespace flank::cli
