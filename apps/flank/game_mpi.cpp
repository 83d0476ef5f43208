// `flank game --mpi`. Rank 0 owns the store (or, without --store, an in-memory cache) and runs
// the estimator; before each of its phases (the first batch on every cell, then the rest on
// the plans left after racing) it broadcasts the units not yet computed, computes its share
// (unit k goes to rank k mod size, as in `flank sweep --mpi`) and stores every unit, its own
// and those the other ranks send back. A unit's outcomes are a pure function of (cell, seed,
// replication range), so the answer equals a single process's whatever the rank and thread
// counts; racing is decided on rank 0 from the first batch alone.
#include <chrono>
#include <cstdio>
#include <limits>

#include "command.hpp"
#include "flank/core/error.hpp"
#include "game_work.hpp"

#ifdef FLANK_HAVE_MPI
#include <mpi.h>
#endif

namespace flank::cli {

#ifdef FLANK_HAVE_MPI
namespace {

constexpr int kTagUnit = 11;
constexpr unsigned long long kDone = std::numeric_limits<unsigned long long>::max();

// Every rank learns the phase's units from rank 0: their number (kDone: no more phases), then
// (cell, first, count) per unit.
std::vector<game::WorkUnit> broadcast_units(std::vector<game::WorkUnit> units, bool& done) {
  unsigned long long n = done ? kDone : units.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  done = n == kDone;
  if (done || n == 0) return {};
  std::vector<std::uint64_t> flat;
  for (const auto& u : units) flat.insert(flat.end(), {u.cell, u.first, u.count});
  flat.resize(3 * n);
  MPI_Bcast(flat.data(), static_cast<int>(flat.size()), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  units.clear();
  for (std::size_t i = 0; i < flat.size(); i += 3)
    units.push_back({static_cast<std::size_t>(flat[i]), flat[i + 1], flat[i + 2]});
  return units;
}

void send_unit(std::size_t index, const std::vector<std::uint8_t>& bytes) {
  std::vector<std::uint8_t> message(8);
  for (int b = 0; b < 8; ++b) message[b] = static_cast<std::uint8_t>(index >> (8 * b));
  message.insert(message.end(), bytes.begin(), bytes.end());
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagUnit, MPI_COMM_WORLD);
}

// Receives one unit from any rank: (its index in the phase, its bytes).
std::pair<std::size_t, std::vector<std::uint8_t>> receive_unit() {
  MPI_Status st;
  MPI_Probe(MPI_ANY_SOURCE, kTagUnit, MPI_COMM_WORLD, &st);
  int bytes = 0;
  MPI_Get_count(&st, MPI_BYTE, &bytes);
  std::vector<std::uint8_t> message(static_cast<std::size_t>(bytes));
  MPI_Recv(message.data(), bytes, MPI_BYTE, st.MPI_SOURCE, kTagUnit, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  std::uint64_t index = 0;
  for (int b = 0; b < 8; ++b) index |= static_cast<std::uint64_t>(message[b]) << (8 * b);
  return {static_cast<std::size_t>(index), {message.begin() + 8, message.end()}};
}

int run_ranks(const GameCliOptions& opt) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto ranks = static_cast<std::size_t>(size);
  // Every rank reads the plans file and compiles the cells; a bad file fails identically
  // everywhere, so no rank waits for one that has given up.
  const auto setup = setup_game(opt);

  std::unique_ptr<store::Store> db;
  std::unique_ptr<game::ChunkCache> cache;
  GameStudy study;
  int status = kExitOk;
  std::string error;
  if (rank == 0) {
    try {
      cache = open_game_cache(opt, *setup, db, study);
    } catch (const InputError& e) {
      status = kExitBadInput;
      error = e.what();
    } catch (const std::exception& e) {
      status = kExitFailure;
      error = e.what();
    }
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (status != kExitOk) {
    if (rank == 0) std::fprintf(stderr, "error: %s\n", error.c_str());
    return status;
  }

  bool done = false;
  if (rank != 0) {
    for (;;) {
      const auto units = broadcast_units({}, done);
      if (done) return kExitOk;
      for (std::size_t k = static_cast<std::size_t>(rank); k < units.size(); k += ranks)
        send_unit(k, compute_unit(*setup, units[k], opt.threads));
    }
  }

  const auto start = std::chrono::steady_clock::now();
  GameProgress progress(opt.quiet);
  game::EstimateOptions eo = setup->eo;
  eo.prepare = [&](const std::vector<game::CellRange>& ranges) {
    std::vector<game::WorkUnit> pending;
    for (const auto& u : game::split_ranges(ranges, setup->options(), setup->chunk))
      if (!cache->has(u)) pending.push_back(u);
    const auto units = broadcast_units(pending, done);
    std::size_t remote = 0, stored = 0;
    for (std::size_t k = 0; k < units.size(); ++k)
      if (k % ranks != 0) ++remote;
    for (std::size_t k = 0; k < units.size(); k += ranks) {
      cache->put(units[k], compute_unit(*setup, units[k], opt.threads));
      progress(++stored, units.size());
    }
    for (; remote > 0; --remote) {
      auto [k, bytes] = receive_unit();
      cache->put(units.at(k), bytes);
      progress(++stored, units.size());
    }
  };
  const game::GameEstimate g =
      game::estimate_game(setup->plans(), setup->options(), cache_sampler(*setup, *cache), eo);
  done = true;
  broadcast_units({}, done);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report_game(opt, *setup, g, db.get(), study, *cache, seconds);
}

}  // namespace
#endif

int run_game_mpi(const GameCliOptions& opt) {
#ifdef FLANK_HAVE_MPI
  MPI_Init(nullptr, nullptr);
  int status = kExitFailure;
  try {
    status = run_ranks(opt);
  } catch (const InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    status = kExitBadInput;
  } catch (const std::exception& e) {
    // A rank that fails mid-game would leave the others waiting: stop them all. Units already
    // stored stay valid, and --resume finishes the rest.
    std::fprintf(stderr, "flank game: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, kExitFailure);
  }
  MPI_Finalize();
  return status;
#else
  (void)opt;
  throw InputError(Diagnostic{{}, "--mpi", "this flank was built without MPI (install OpenMPI)"});
#endif
}

}  // namespace flank::cli
