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
#include "run_compare.hpp"

namespace {

struct RunOptions {
  std::string scenario;
  std::uint64_t replications = 1000;
  std::uint64_t seed = 1;
  int threads = 0;
  std::vector<std::string> overrides;
  std::string combat;
  std::string json_file, csv_file, outcomes_file, geojson_file;
  std::vector<std::string> timeline;     // REP [FILE]
  std::string compare;                   // --compare VARIANT
  std::vector<std::string> compare_set;  // --compare-set PATH=VALUE
  bool quiet = false;
};

// A bar redrawn in place on a terminal; a line per tenth otherwise (logs stay short).
class Progress {
 public:
  explicit Progress(bool quiet, std::string what = "replications")
      : quiet_(quiet), tty_(isatty(fileno(stderr))), what_(std::move(what)) {}
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
      std::fprintf(stderr, "flank run: %llu/%llu %s (%.0f rep/s)\n",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                   what_.c_str(), rate);
    }
  }

 private:
  bool quiet_, tty_;
  std::string what_;
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

// A built-in id stands for itself ("wagner-25k" = "builtin:wagner-25k"); anything else is a
// path or builtin:<id>.
std::string scenario_ref(const std::string& s) {
  for (const auto& b : flank::builtin_scenarios())
    if (b.id == s) return "builtin:" + s;
  return s;
}

// Both arms on the same seed and replication indices: the engine's random streams are keyed by
// (seed, replication, purpose), so replication j draws the same numbers in both.
int run_compare(const RunOptions& opt, const flank::Scenario& base_scenario,
                const flank::mc::RunConfig& config) {
  using namespace flank;
  LoadOptions load;
  load.overrides = opt.overrides;
  load.overrides.insert(load.overrides.end(), opt.compare_set.begin(), opt.compare_set.end());
  const std::string variant_ref = opt.compare.empty() ? opt.scenario : scenario_ref(opt.compare);
  const Scenario variant_scenario = load_scenario(variant_ref, load);
  combat::make_model(opt.combat.empty() ? variant_scenario.params.combat_model : opt.combat);
  cli::CompareArm base{
      opt.scenario.empty() ? "builtin:" + std::string(kDefaultScenario) : opt.scenario,
      &base_scenario,
      {},
      {},
      opt.overrides};
  cli::CompareArm variant{variant_ref, &variant_scenario, {}, {}, load.overrides};
  Progress progress(opt.quiet, "replications of both arms");
  for (int k = 0; k < 2; ++k) {
    cli::CompareArm& arm = k == 0 ? base : variant;
    mc::RunConfig c = config;
    arm.outcomes.reserve(opt.replications);
    c.on_outcome = [&arm](const Outcome& o) { arm.outcomes.push_back(o); };
    c.progress = [&, k](std::uint64_t done, std::uint64_t total) {
      progress(done + k * total, 2 * total);
    };
    arm.summary = mc::run(*arm.scenario, c);
  }
  const auto rows = cli::compare_rows(base, variant);
  const bool json_to_stdout = opt.json_file == "-";
  if (!opt.quiet || json_to_stdout)
    std::fputs(cli::compare_table(base, variant, rows).c_str(), json_to_stdout ? stderr : stdout);
  if (!opt.json_file.empty())
    write_file_atomically(opt.json_file, cli::compare_json(base, variant, rows).dump(2) + "\n");
  return cli::kExitOk;
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
  // Checked before the replications run, like the other output paths (at parsing).
  if (opt.timeline.size() > 1)
    if (const auto problem = cli::output_path_problem(opt.timeline[1]); !problem.empty())
      throw InputError(Diagnostic{{}, "--timeline", problem});
  const int to_stdout = (opt.json_file == "-") + (opt.csv_file == "-") + (opt.outcomes_file == "-");
  if (to_stdout > 1)
    throw InputError(Diagnostic{
        {}, "--json/--csv/--outcomes", "only one of them can write to standard output ('-')"});
  const bool comparing = !opt.compare.empty() || !opt.compare_set.empty();
  if (comparing && (!opt.csv_file.empty() || !opt.outcomes_file.empty() || !opt.timeline.empty()))
    throw InputError(Diagnostic{{},
                                "--compare",
                                "prints a paired comparison (and writes it with --json FILE); "
                                "--csv, --outcomes and --timeline belong to a plain run"});
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
  if (comparing) return run_compare(opt, scenario, config);
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

  // With data on standard output (--json -, --csv - or --outcomes -), the table goes to
  // standard error, so the data can be piped as it is.
  if (!opt.quiet)
    std::fputs(
        report::summary_table(summary, report::table_labels(scenario, opt.overrides)).c_str(),
        to_stdout ? stderr : stdout);
  if (!opt.json_file.empty()) {
    nlohmann::json j = report::summary_json(summary, info);
    report::record_overrides(j, opt.overrides);
    write_file_atomically(opt.json_file, j.dump(2) + "\n");
  }
  if (!opt.csv_file.empty())
    write_file_atomically(
        opt.csv_file, report::summary_csv(summary, info) + report::overrides_csv(opt.overrides));
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
       cmd->add_option("--json", opt->json_file, "Write the summary as JSON to FILE ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--csv", opt->csv_file, "Write the summary as CSV to FILE ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--outcomes", opt->outcomes_file,
                       "Write one CSV row per replication (typed columns) to FILE ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--timeline", opt->timeline,
                       "Replay replication REP alone and write its hour-by-hour timeline to FILE")
           ->expected(1, 2)
           ->type_name("REP [FILE]");
       cmd->add_option("--geojson", opt->geojson_file,
                       "With --timeline REP: write control and units by hour as GeoJSON to FILE")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--compare", opt->compare,
                       "Also run VARIANT (file, builtin:<id> or built-in id) on the same "
                       "replications and print paired differences; --set applies to both arms");
       cmd->add_option("--compare-set", opt->compare_set,
                       "The variant is the scenario with this PATH=VALUE (repeatable; with "
                       "--compare, on top of VARIANT)");
       cmd->add_flag("--quiet,-q", opt->quiet, "No progress and no table");
       return [opt] { return run(*opt); };
     }}};

}  // namespace
