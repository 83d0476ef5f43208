// `flank sweep`: run a design (factors × scenarios × replications) into a results store,
// resumable after a kill, optionally spread over MPI ranks (rank 0 alone writes the store).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/analysis/design.hpp"
#include "flank/analysis/sweep.hpp"
#include "flank/core/error.hpp"
#include "flank/store/store.hpp"

#ifdef FLANK_HAVE_MPI
#include <mpi.h>
#endif

namespace {

struct SweepCliOptions {
  std::string design, store;
  std::uint64_t replications = 0, seed = 0, chunk = 0;
  bool replications_set = false, seed_set = false, chunk_set = false;
  bool resume = false, mpi = false, quiet = false;
  int threads = 0;
};

flank::analysis::SweepOptions sweep_options(const SweepCliOptions& opt,
                                            const flank::analysis::Design& design) {
  using flank::Diagnostic;
  using flank::InputError;
  flank::analysis::SweepOptions o;
  o.seed = opt.seed_set ? opt.seed : design.seed;
  o.replications = opt.replications_set ? opt.replications : design.replications;
  o.chunk = opt.chunk_set ? opt.chunk : design.chunk;
  o.resume = opt.resume;
  if (o.replications == 0)
    throw InputError(Diagnostic{{}, "-n", "the number of replications must be at least 1"});
  if (o.chunk == 0)
    throw InputError(Diagnostic{{}, "--chunk", "the chunk size must be at least 1"});
  if (opt.threads < 0)
    throw InputError(Diagnostic{{}, "--threads", "the thread count must be 0 (all) or more"});
  // Before the store is opened or anything expanded.
  flank::analysis::check_study_size(design, o.replications, o.chunk);
  return o;
}

class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet) {}
  void operator()(std::size_t done, std::size_t total, std::uint64_t reps_done) {
    if (quiet_ || total == 0) return;
    const int tenth = static_cast<int>(10 * done / total);
    if (tenth == last_ && done != total) return;
    last_ = tenth;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "flank sweep: %zu/%zu chunks, %.1f s, %.0f rep/s\n", done, total, s,
                 s > 0 ? static_cast<double>(reps_done) / s : 0.0);
  }

 private:
  bool quiet_;
  int last_ = -1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void report_done(const SweepCliOptions& opt, flank::analysis::Sweep& sweep, std::size_t units_run,
                 double seconds, std::uint64_t replications) {
  if (opt.quiet) return;
  std::fprintf(stderr,
               "flank sweep: study %lld (%zu points) %s in %s; %zu chunks, %llu replications "
               "run in %.1f s\n",
               static_cast<long long>(sweep.study_id()), sweep.points().size(),
               sweep.resumed() ? "resumed" : "created", opt.store.c_str(), units_run,
               static_cast<unsigned long long>(replications), seconds);
  std::printf("%lld\n", static_cast<long long>(sweep.study_id()));
}

int run_single(const SweepCliOptions& opt) {
  using namespace flank;
  const analysis::Design design = analysis::load_design(opt.design);
  const auto options = sweep_options(opt, design);
  store::Store db(opt.store, store::Access::Write);
  auto model = analysis::make_engine_model(opt.threads);
  analysis::Sweep sweep(design, db, *model, options);
  const auto units = sweep.pending();
  Progress progress(opt.quiet);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t reps = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    sweep.store(units[i], sweep.compute(units[i]));
    reps += units[i].count;
    progress(i + 1, units.size(), reps);
  }
  sweep.finish();
  report_done(opt, sweep, units.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              reps);
  return cli::kExitOk;
}

#ifdef FLANK_HAVE_MPI
// Rank 0 owns the store: it decides which units are pending, broadcasts them, computes its
// share (static round robin: unit i goes to rank i mod size) and writes every chunk, its own
// and those the other ranks send back. Results equal a single-process run because each chunk
// is a pure function of (point, seed, replication range).
constexpr int kTagChunk = 7;

int run_mpi(const SweepCliOptions& opt) {
  using namespace flank;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  // Every rank reads the design (the same file on a shared file system); a bad design fails
  // identically everywhere, so no rank waits for another that has given up.
  const analysis::Design design = analysis::load_design(opt.design);
  const auto options = sweep_options(opt, design);
  auto model = analysis::make_engine_model(opt.threads);
  const auto points = analysis::expand(design);

  std::unique_ptr<store::Store> db;
  std::unique_ptr<analysis::Sweep> sweep;
  std::vector<std::uint64_t> flat;  // (point, first, count) per pending unit
  int status = cli::kExitOk;
  std::string error;
  if (rank == 0) {
    try {
      db = std::make_unique<store::Store>(opt.store, store::Access::Write);
      sweep = std::make_unique<analysis::Sweep>(design, *db, *model, options);
      for (const auto& u : sweep->pending()) flat.insert(flat.end(), {u.point, u.first, u.count});
    } catch (const InputError& e) {
      status = cli::kExitBadInput;
      error = e.what();
    } catch (const std::exception& e) {
      status = cli::kExitFailure;
      error = e.what();
    }
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (status != cli::kExitOk) {
    if (rank == 0) std::fprintf(stderr, "error: %s\n", error.c_str());
    return status;
  }
  unsigned long long n_flat = flat.size();
  MPI_Bcast(&n_flat, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  flat.resize(n_flat);
  MPI_Bcast(flat.data(), static_cast<int>(n_flat), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  std::vector<analysis::WorkUnit> units;
  for (std::size_t i = 0; i + 2 < flat.size(); i += 3)
    units.push_back({static_cast<std::size_t>(flat[i]), flat[i + 1], flat[i + 2]});

  const auto start = std::chrono::steady_clock::now();
  if (rank != 0) {
    for (std::size_t i = static_cast<std::size_t>(rank); i < units.size();
         i += static_cast<std::size_t>(size)) {
      auto bytes =
          analysis::compute_unit(*model, points.at(units[i].point), options.seed, units[i]);
      std::vector<std::uint8_t> message(8);
      for (int b = 0; b < 8; ++b) message[b] = static_cast<std::uint8_t>(i >> (8 * b));
      message.insert(message.end(), bytes.begin(), bytes.end());
      MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagChunk,
               MPI_COMM_WORLD);
    }
    return cli::kExitOk;
  }

  std::size_t expected_remote = 0;
  for (std::size_t i = 0; i < units.size(); ++i)
    if (i % static_cast<std::size_t>(size) != 0) ++expected_remote;
  std::size_t stored = 0;
  std::uint64_t reps = 0;
  Progress progress(opt.quiet);
  const auto receive = [&](bool block) {
    int ready = 0;
    MPI_Status st;
    if (block) {
      MPI_Probe(MPI_ANY_SOURCE, kTagChunk, MPI_COMM_WORLD, &st);
      ready = 1;
    } else {
      MPI_Iprobe(MPI_ANY_SOURCE, kTagChunk, MPI_COMM_WORLD, &ready, &st);
    }
    if (!ready) return false;
    int bytes = 0;
    MPI_Get_count(&st, MPI_BYTE, &bytes);
    std::vector<std::uint8_t> message(static_cast<std::size_t>(bytes));
    MPI_Recv(message.data(), bytes, MPI_BYTE, st.MPI_SOURCE, kTagChunk, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    std::uint64_t index = 0;
    for (int b = 0; b < 8; ++b) index |= static_cast<std::uint64_t>(message[b]) << (8 * b);
    const auto& unit = units.at(index);
    sweep->store(unit, std::vector<std::uint8_t>(message.begin() + 8, message.end()));
    --expected_remote;
    reps += unit.count;
    progress(++stored, units.size(), reps);
    return true;
  };
  for (std::size_t i = 0; i < units.size(); i += static_cast<std::size_t>(size)) {
    sweep->store(units[i], sweep->compute(units[i]));
    reps += units[i].count;
    progress(++stored, units.size(), reps);
    while (expected_remote > 0 && receive(false)) {
    }
  }
  while (expected_remote > 0) receive(true);
  sweep->finish();
  report_done(opt, *sweep, units.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              reps);
  return cli::kExitOk;
}
#endif

int run(const SweepCliOptions& opt) {
  if (!opt.mpi) return run_single(opt);
#ifdef FLANK_HAVE_MPI
  MPI_Init(nullptr, nullptr);
  int status = flank::cli::kExitFailure;
  try {
    status = run_mpi(opt);
  } catch (const flank::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    status = flank::cli::kExitBadInput;
  } catch (const std::exception& e) {
    // A rank that fails mid-sweep would leave the others waiting: stop them all. Chunks already
    // stored stay valid, and --resume finishes the rest.
    std::fprintf(stderr, "flank sweep: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, flank::cli::kExitFailure);
  }
  MPI_Finalize();
  return status;
#else
  throw flank::InputError(
      flank::Diagnostic{{}, "--mpi", "this flank was built without MPI (install OpenMPI)"});
#endif
}

flank::cli::Register reg{
    {"sweep", [](CLI::App& app) {
       auto opt = std::make_shared<SweepCliOptions>();
       auto* cmd = app.add_subcommand(
           "sweep", "Run a design of scenario variants and factors into a results store");
       cmd->add_option("--design", opt->design, "Design YAML file, or builtin:<name>")->required();
       cmd->add_option("--store", opt->store, "SQLite results store (created if absent)")
           ->required()
           ->check(flank::cli::output_path_check());
       auto* n = cmd->add_option("-n,--replications", opt->replications,
                                 "Replications per point (default: the design's, else 1000)")
                     ->check(flank::cli::replications_check());
       auto* seed = cmd->add_option("--seed", opt->seed, "Random seed (default: the design's)")
                        ->check(flank::cli::seed_check());
       auto* chunk = cmd->add_option("--chunk", opt->chunk,
                                     "Replications per stored chunk (default: the design's)")
                         ->check(flank::cli::replications_check());
       cmd->add_flag("--resume", opt->resume,
                     "Continue the newest study of this design, seed and -n in the store");
       cmd->add_flag("--mpi", opt->mpi, "Spread the work over MPI ranks (mpirun/srun)");
       cmd->add_option("--threads", opt->threads, "Worker threads per process (default: all)")
           ->check(flank::cli::threads_check());
       cmd->add_flag("--quiet,-q", opt->quiet, "No progress output");
       return [opt, n, seed, chunk] {
         opt->replications_set = n->count() > 0;
         opt->seed_set = seed->count() > 0;
         opt->chunk_set = chunk->count() > 0;
         return run(*opt);
       };
     }}};

}  // namespace
