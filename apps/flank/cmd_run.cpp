// `flank run`: Monte Carlo replications of a scenario, summarised as a table, JSON or CSV, and
// optionally one replication replayed hour by hour as a timeline for the viewer.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/campaign/engine.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"
#include "flank/report/geojson.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"

namespace {

struct RunOptions {
  std::string scenario;
  std::uint64_t replications = 1000;
  std::uint64_t seed = 1;
  int threads = 0;
  std::vector<std::string> overrides;
  std::string combat;
  std::string json_file, csv_file, outcomes_file, geojson_file;
  std::vector<std::string> timeline;  // REP [FILE]
  bool quiet = false;
};

// A bar redrawn in place on a terminal; a line per tenth otherwise (logs stay short).
class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet), tty_(isatty(fileno(stderr))) {}
  void operator()(std::uint64_t done, std::uint64_t total) {
    if (quiet_ || total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    if (tty_) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * done / total);
      std::fprintf(stderr, "\r[%s%s] %3d%% %llu/%llu  %.0f rep/s ",
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                   static_cast<int>(100 * done / total), static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total), rate);
      if (done == total) std::fprintf(stderr, "\n");
    } else {
      const int tenth = static_cast<int>(10 * done / total);
      if (tenth == last_tenth_ && done != total) return;
      last_tenth_ = tenth;
      std::fprintf(stderr, "flank run: %llu/%llu replications (%.0f rep/s)\n",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                   rate);
    }
  }

 private:
  bool quiet_, tty_;
  int last_tenth_ = -1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::uint64_t parse_replication(const std::string& text) {
  try {
    std::size_t used = 0;
    const unsigned long long v = std::stoull(text, &used);
    if (used == text.size() && text[0] != '-') return v;
  } catch (const std::exception&) {
  }
  throw flank::InputError(flank::Diagnostic{
      {}, "--timeline", "replication must be a non-negative integer, got '" + text + "'"});
}

int run(const RunOptions& opt) {
  using namespace flank;
  if (opt.replications == 0)
    throw InputError(Diagnostic{{}, "-n", "the number of replications must be at least 1"});
  if (opt.threads < 0)
    throw InputError(Diagnostic{{}, "--threads", "the thread count must be 0 (all) or more"});
  if (!opt.geojson_file.empty() && opt.timeline.empty())
    throw InputError(
        Diagnostic{{}, "--geojson", "needs --timeline REP: the replication to draw by hour"});
  if (opt.timeline.size() == 1 && opt.geojson_file.empty())
    throw InputError(
        Diagnostic{{}, "--timeline", "give a FILE for the timeline or --geojson FILE"});
  LoadOptions load;
  load.overrides = opt.overrides;
  const Scenario scenario = load_scenario(opt.scenario, load);
  // Fails early (exit 2) on an unknown model name, before any replication runs.
  combat::make_model(opt.combat.empty() ? scenario.params.combat_model : opt.combat);

  mc::RunConfig config;
  config.seed = opt.seed;
  config.replications = opt.replications;
  config.threads = opt.threads;
  config.combat_model = opt.combat;
  Progress progress(opt.quiet);
  config.progress = [&](std::uint64_t done, std::uint64_t total) { progress(done, total); };
  // Kept only when asked for: one Outcome per replication (about 1 kB for the built-in).
  std::vector<Outcome> outcomes;
  if (!opt.outcomes_file.empty()) {
    outcomes.reserve(opt.replications);
    config.on_outcome = [&](const Outcome& o) { outcomes.push_back(o); };
  }
  const mc::Summary summary = mc::run(scenario, config);
  const report::RunInfo info = report::current_run_info(summary);

  const bool json_to_stdout = opt.json_file == "-";
  if (!opt.quiet && !json_to_stdout) std::fputs(report::summary_table(summary).c_str(), stdout);
  if (!opt.json_file.empty())
    write_file_atomically(opt.json_file, report::summary_json(summary, info).dump(2) + "\n");
  if (!opt.csv_file.empty())
    write_file_atomically(opt.csv_file, report::summary_csv(summary, info));
  if (!opt.outcomes_file.empty())
    write_file_atomically(opt.outcomes_file, analysis::replication_csv(analysis::replication_table(
                                                 analysis::layout_of(scenario), outcomes)));

  if (!opt.timeline.empty()) {
    const std::uint64_t rep = parse_replication(opt.timeline[0]);
    campaign::Engine engine(scenario, opt.combat);
    campaign::Timeline timeline;
    Outcome outcome;
    engine.run(opt.seed, rep, outcome, &timeline);
    std::string written;
    if (opt.timeline.size() > 1) {
      write_file_atomically(
          opt.timeline[1],
          report::timeline_json(scenario, opt.seed, rep, timeline, outcome).dump() + "\n");
      written = opt.timeline[1];
    }
    if (!opt.geojson_file.empty()) {
      write_file_atomically(
          opt.geojson_file,
          report::timeline_geojson(scenario, opt.seed, rep, timeline).dump() + "\n");
      written += (written.empty() ? "" : " and ") + opt.geojson_file;
    }
    if (!opt.quiet)
      std::fprintf(stderr, "flank run: timeline of replication %llu written to %s (%zu frames)\n",
                   static_cast<unsigned long long>(rep), written.c_str(), timeline.frames.size());
  }
  return flank::cli::kExitOk;
}

flank::cli::Register reg{
    {"run", [](CLI::App& app) {
       auto opt = std::make_shared<RunOptions>();
       auto* cmd = app.add_subcommand("run", "Run Monte Carlo replications of a scenario");
       cmd->add_option("scenario", opt->scenario,
                       "Scenario file or builtin:<id> (default: the built-in eastern-flank-2023)");
       cmd->add_option("-n,--replications", opt->replications, "Replications (default 1000)")
           ->check(flank::cli::replications_check());
       cmd->add_option("--seed", opt->seed, "Random seed (default 1)")
           ->check(flank::cli::seed_check());
       cmd->add_option("--threads", opt->threads, "Worker threads (default: all cores)");
       cmd->add_option("--set", opt->overrides,
                       "Override a scenario value: PATH=VALUE (repeatable)");
       cmd->add_option("--combat", opt->combat, "Combat model (default: the scenario's)");
       cmd->add_option("--json", opt->json_file,
                       "Write the summary as JSON to FILE ('-' = stdout)");
       cmd->add_option("--csv", opt->csv_file, "Write the summary as CSV to FILE");
       cmd->add_option("--outcomes", opt->outcomes_file,
                       "Write one CSV row per replication (typed columns) to FILE");
       cmd->add_option("--timeline", opt->timeline,
                       "Replay replication REP alone and write its hour-by-hour timeline to FILE")
           ->expected(1, 2)
           ->type_name("REP [FILE]");
       cmd->add_option("--geojson", opt->geojson_file,
                       "With --timeline REP: write control and units by hour as GeoJSON to FILE");
       cmd->add_flag("--quiet,-q", opt->quiet, "No progress and no table");
       return [opt] { return run(*opt); };
     }}};

}  // namespace
