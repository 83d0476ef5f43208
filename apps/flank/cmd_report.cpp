// `flank report`: one self-contained HTML file (map replay, charts, assumptions, sources,
// validation) from a summary JSON or from a fresh run.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "command.hpp"
#include "flank/core/bounded_read.hpp"
#include "flank/core/error.hpp"
#include "flank/report/game_json.hpp"
#include "flank/report/html_report.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/server/backend.hpp"
#include "flank/server/scenario_info.hpp"

namespace {

using nlohmann::json;

struct ReportOptions {
  std::string run_json;           // positional: a `flank run --json` summary
  std::string scenario;           // --run: scenario to run now (built-in id or file)
  std::string scenario_for_json;  // --scenario: the scenario a RUN.json came from
  std::uint64_t replications = 1000;
  std::uint64_t seed = 1;
  std::uint64_t rep = 0;
  std::vector<std::string> overrides;
  std::string timeline_file;
  std::string store;
  std::vector<std::string> games;  // `flank game --json` files
  std::string output;
};

// A built-in id stands for itself; anything else is a path (or builtin:<id>).
std::string scenario_ref(const std::string& s) {
  for (const auto& b : flank::builtin_scenarios())
    if (b.id == s) return "builtin:" + s;
  return s;
}

json read_json_file(const std::string& path) {
  const std::string text = flank::read_bounded_file(path, flank::kMaxInputFileBytes);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    int line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw flank::InputError(
        flank::Diagnostic{{path, line, column}, "", std::string("not valid JSON: ") + e.what()});
  }
}

std::string now_iso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The scenario a RUN.json names, as something to load: a built-in id only. The id is text from
// a file anyone may write, so it never becomes a path (issue 13): `../../etc/passwd` or
// `/tmp/x.yaml` there is refused, and --scenario FILE names a scenario file explicitly.
std::string builtin_ref_of(const std::string& id, const std::string& run_json) {
  for (const auto& b : flank::builtin_scenarios())
    if (b.id == id) return "builtin:" + id;
  throw flank::InputError(flank::Diagnostic{
      {run_json, 0, 0},
      "scenario.id",
      "'" + id +
          "' is not a built-in scenario; give the scenario file the run came from with "
          "--scenario FILE (a RUN.json's id is never opened as a path)"});
}

std::vector<std::string> recorded_overrides(const json& summary, const std::string& run_json) {
  std::vector<std::string> out;
  if (!summary.contains("overrides")) return out;  // written before flank recorded them
  const json& list = summary["overrides"];
  if (!list.is_array())
    throw flank::InputError(
        flank::Diagnostic{{run_json, 0, 0}, "overrides", "expected a list of PATH=VALUE texts"});
  for (const auto& item : list) {
    if (!item.is_string())
      throw flank::InputError(
          flank::Diagnostic{{run_json, 0, 0}, "overrides", "expected a list of PATH=VALUE texts"});
    out.push_back(item.get<std::string>());
  }
  return out;
}

int make_report(const ReportOptions& o) {
  using namespace flank;
  if (!o.run_json.empty() && !o.scenario.empty())
    throw InputError(
        Diagnostic{{"<command line>", 0, 0},
                   "",
                   "give either RUN.json (a `flank run --json` summary) or --run SCENARIO"});
  report::HtmlReportData data;
  // Games are checked first: a malformed one fails before any scenario is run.
  if (!o.games.empty()) {
    data.games = json::array();
    for (const auto& g : o.games) data.games.push_back(report::read_game_json(g));
  }
  std::string ref;
  std::uint64_t seed = o.seed;
  LoadOptions load;
  if (!o.run_json.empty()) {
    data.summary = read_json_file(o.run_json);
    if (!data.summary.is_object() || data.summary.value("format", "") != "flank-summary-1")
      throw InputError(Diagnostic{
          {o.run_json, 1, 1}, "format", "expected a flank-summary-1 document (flank run --json)"});
    const std::string id = data.summary["scenario"].value("id", "");
    ref = !o.scenario_for_json.empty() ? scenario_ref(o.scenario_for_json)
                                       : builtin_ref_of(id, o.run_json);
    seed = data.summary.value("seed", std::uint64_t{1});
    // The run's own --set first, then any given here, so the map is the scenario that ran.
    load.overrides = recorded_overrides(data.summary, o.run_json);
  } else {
    // Neither RUN.json nor --run: a fresh run of the built-in scenario.
    ref = scenario_ref(o.scenario.empty() ? std::string(kDefaultScenario) : o.scenario);
  }
  load.overrides.insert(load.overrides.end(), o.overrides.begin(), o.overrides.end());
  const Scenario scenario = load_scenario(ref, load);
  if (!o.run_json.empty()) {
    const std::string hash = data.summary["scenario"].value("hash", "");
    if (!hash.empty() && hash != server::scenario_info(scenario, ref, load.overrides)["hash"])
      std::fprintf(
          stderr,
          "flank report: warning: scenario %s has changed since the run (hash %s); the map "
          "replay and sources come from the current file\n",
          ref.c_str(), hash.c_str());
  } else {
    mc::RunConfig config;
    config.seed = o.seed;
    config.replications = o.replications;
    data.summary = server::summary_json(mc::run(scenario, config));
    report::record_overrides(data.summary, load.overrides);
  }
  if (!o.timeline_file.empty()) {
    data.timeline = read_json_file(o.timeline_file);
  } else {
    data.timeline = server::timeline_json(scenario, seed, o.rep);
  }
  data.scenario = server::scenario_info(scenario, ref, load.overrides);
  data.validation = server::validation_summary(scenario.params.combat_model);
  if (!o.store.empty()) {
    if (!std::filesystem::exists(o.store))
      throw InputError(Diagnostic{{o.store, 0, 0}, "--store", "no such results store"});
    data.sweeps = server::sweeps_json(o.store);
  }
  data.title = "flank report: " + scenario.name;
  // A variant must never read as the base case.
  if (!load.overrides.empty()) {
    data.title += " (with --set";
    for (const auto& ov : load.overrides) data.title += " " + ov;
    data.title += ")";
  }
  data.generated = now_iso();
  report::write_html_report(o.output, data);
  std::fprintf(stderr, "flank report: wrote %s\n", o.output.c_str());
  return cli::kExitOk;
}

flank::cli::Register reg{
    {"report", [](CLI::App& app) {
       auto* cmd = app.add_subcommand(
           "report", "Write one self-contained HTML report (map replay, charts, sources)");
       auto o = std::make_shared<ReportOptions>();
       cmd->add_option("RUN.json", o->run_json, "Summary from `flank run --json FILE`");
       cmd->add_option("--run", o->scenario,
                       "Run this scenario now (built-in id or YAML file; the default without "
                       "RUN.json: the built-in eastern-flank-2023)");
       cmd->add_option("--scenario", o->scenario_for_json,
                       "Scenario RUN.json came from, when not the built-in of its id");
       cmd->add_option("-n,--replications", o->replications, "Replications for --run")
           ->check(flank::cli::replications_check())
           ->capture_default_str()
           ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
       cmd->add_option("--seed", o->seed, "Seed for --run")
           ->check(flank::cli::seed_check())
           ->capture_default_str();
       cmd->add_option("--set", o->overrides, "Override PATH=VALUE in the scenario (repeatable)");
       cmd->add_option("--rep", o->rep, "Replication shown in the map replay")
           ->capture_default_str();
       cmd->add_option("--timeline", o->timeline_file,
                       "Timeline JSON (flank run --timeline) to show instead");
       cmd->add_option("--store", o->store, "Results store whose sweeps and plans to include");
       cmd->add_option("--game", o->games,
                       "Game (`flank game --json` output) to show as a payoff heat map "
                       "(repeatable)");
       cmd->add_option("-o,--output", o->output, "HTML file to write")
           ->required()
           ->check(flank::cli::output_path_check());
       return [o] { return make_report(*o); };
     }}};

}  // namespace
