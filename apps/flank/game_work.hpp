#pragma once
// `flank game`'s work, shared by the single-process run and the MPI driver (game_mpi.cpp):
// the compiled cells, one unit of replications of a cell, and the game's study in a results
// store (created, or found again for --resume, and finished once the game is solved).
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flank/analysis/metrics.hpp"
#include "flank/analysis/red_plans.hpp"
#include "flank/game/chunks.hpp"
#include "flank/game/estimate.hpp"
#include "flank/scenario/scenario.hpp"
#include "flank/store/store.hpp"

namespace flank::cli {

struct GameCliOptions {
  std::string plans, json_file, payoff, red, store;
  std::uint64_t replications = 0, first_batch = 0, bootstrap = 0, seed = 0, chunk = 0;
  bool n_set = false, first_set = false, boot_set = false, seed_set = false, chunk_set = false;
  bool resume = false, mpi = false, quiet = false;
  int threads = 0;
};

struct GameSetup {
  analysis::PlansFile file;
  game::EstimateOptions eo;  // without prepare
  std::uint64_t chunk = 0;
  std::vector<std::unique_ptr<Scenario>> cells;  // plan-major, plans × options
  std::vector<analysis::OutcomeLayout> layouts;
  std::size_t plans() const { return file.plans.size(); }
  std::size_t options() const { return file.options.size(); }
};

// Reads the plans file and the command line and compiles every cell, so a bad plan, option
// or payoff fails (InputError) before anything runs.
std::unique_ptr<GameSetup> setup_game(const GameCliOptions& opt);

// Encoded outcomes (analysis::encode_outcomes) of one unit.
std::vector<std::uint8_t> compute_unit(const GameSetup& setup, const game::WorkUnit& unit,
                                       int threads);

// The estimator's sampler: payoffs read from what the cache holds (prepare filled it).
game::CellSampler cache_sampler(const GameSetup& setup, game::ChunkCache& cache);

// Prints "flank game: N/M units, s" at each tenth of a phase's units.
class GameProgress {
 public:
  explicit GameProgress(bool quiet);
  void operator()(std::size_t done, std::size_t total);

 private:
  bool quiet_;
  int last_ = -1;
  double start_;
};

struct GameStudy {
  std::int64_t id = 0;
  bool resumed = false;
};
// The newest study of kind "game" for this plans file, seed, replications, payoff, direction,
// first batch and chunk size when `resume`, else (or when none) a new one with a point per
// cell. Throws InputError when the study found has other cells.
GameStudy open_game_study(store::Store& db, const GameSetup& setup, bool resume);
// The chunk cache a game runs on: with --store the store's, on a new or resumed study (db and
// study are set), otherwise one in memory (--resume then needs --store). One place for both
// the single-process and the MPI front end.
std::unique_ptr<game::ChunkCache> open_game_cache(const GameCliOptions& opt, const GameSetup& setup,
                                                  std::unique_ptr<store::Store>& db,
                                                  GameStudy& study);
// Each cell's result (its payoff with interval, the point summary a sweep stores, the
// per-replication rows), the game JSON as the study's results, then status done. Idempotent,
// so a kill during it is repaired by --resume.
void finish_game_study(store::Store& db, const GameStudy& study, const GameSetup& setup,
                       const game::GameEstimate& g, game::ChunkCache& cache,
                       const nlohmann::ordered_json& game);

// Builds the game JSON (the --json document), writes it and the store's study, prints the
// tables; what rank 0 does once the estimate is done.
int report_game(const GameCliOptions& opt, const GameSetup& setup, const game::GameEstimate& g,
                store::Store* db, const GameStudy& study, game::ChunkCache& cache, double seconds);

// `flank game --mpi`: the units of each phase spread over the ranks (game_mpi.cpp).
int run_game_mpi(const GameCliOptions& opt);

}  // namespace flank::cli
