// `flank bench`: a fixed workload (the built-in scenario, seed 1) that prints the speed and a
// signature of every outcome in replication order (Stockfish-style, STYLE.md). `--check`
// compares the signature with the one recorded in bench/signature.txt: a commit that changes
// the model's behaviour records the new signature on purpose (`--record`).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/bounded_read.hpp"
#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"
#include "flank/report/report.hpp"
#include "flank/scenario/loader.hpp"

namespace {

struct BenchOptions {
  int threads = 0;
  std::uint64_t replications = 2000;
  std::uint64_t seed = 1;
  std::string scenario;  // "" = built-in
  std::string signature_file = "bench/signature.txt";
  bool check = false, record = false;
};

// One line per workload: "<scenario-id> seed=<s> replications=<n> signature=<hex>".
std::string workload_key(const std::string& scenario_id, const BenchOptions& opt) {
  return scenario_id + " seed=" + std::to_string(opt.seed) +
         " replications=" + std::to_string(opt.replications);
}

std::vector<std::string> read_lines(const std::string& path) {
  // A missing signature file is an empty record; anything else follows the bounded rules.
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  std::istringstream in(
      flank::read_bounded_file(path, flank::kMaxInputFileBytes, "signature file"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int bench(const BenchOptions& opt) {
  using namespace flank;
  if (opt.replications == 0)
    throw InputError(Diagnostic{{}, "--replications", "must be at least 1"});
  const Scenario scenario = load_scenario(opt.scenario);
  mc::RunConfig config;
  config.seed = opt.seed;
  config.replications = opt.replications;
  config.threads = opt.threads;
  mc::Signature signature;
  config.on_outcome = [&](const Outcome& o) { signature.add(o); };
  const mc::Summary summary = mc::run(scenario, config);
  const std::string hex = report::hex64(signature.value());
  const std::string key = workload_key(scenario.id, opt);
  std::printf("workload: %s (scenario hash %s)\n", key.c_str(),
              report::hex64(scenario.hash).c_str());
  std::printf("threads: %d\ntime: %.3f s\nreplications/s: %.1f\nsignature: %s\n", summary.threads,
              summary.wall_seconds, opt.replications / summary.wall_seconds, hex.c_str());

  if (opt.record) {
    std::vector<std::string> lines = read_lines(opt.signature_file), out;
    bool replaced = false;
    for (const auto& line : lines) {
      if (line.rfind(key + " ", 0) == 0) {
        out.push_back(key + " signature=" + hex);
        replaced = true;
      } else {
        out.push_back(line);
      }
    }
    if (!replaced) out.push_back(key + " signature=" + hex);
    std::ostringstream text;
    for (const auto& line : out) text << line << "\n";
    write_file_atomically(opt.signature_file, text.str());
    std::printf("recorded in %s\n", opt.signature_file.c_str());
  }
  if (opt.check) {
    for (const auto& line : read_lines(opt.signature_file)) {
      if (line.rfind(key + " signature=", 0) != 0) continue;
      const std::string expected = line.substr(key.size() + 11);
      if (expected == hex) {
        std::printf("signature OK\n");
        return cli::kExitOk;
      }
      std::fprintf(stderr,
                   "flank bench: signature %s differs from %s recorded in %s: the model's "
                   "behaviour changed (record it on purpose with --record)\n",
                   hex.c_str(), expected.c_str(), opt.signature_file.c_str());
      return cli::kExitFailure;
    }
    std::fprintf(stderr, "flank bench: no signature recorded for '%s' in %s\n", key.c_str(),
                 opt.signature_file.c_str());
    return cli::kExitFailure;
  }
  return cli::kExitOk;
}

flank::cli::Register reg{
    {"bench", [](CLI::App& app) {
       auto opt = std::make_shared<BenchOptions>();
       auto* cmd = app.add_subcommand(
           "bench", "Fixed workload: replications/s and a signature of all outcomes");
       cmd->add_option("--threads", opt->threads, "Worker threads (default: all cores)");
       cmd->add_option("--replications,-n", opt->replications, "Replications (default 2000)")
           ->check(flank::cli::replications_check());
       cmd->add_option("--seed", opt->seed, "Seed (default 1)")->check(flank::cli::seed_check());
       cmd->add_option("--scenario", opt->scenario, "Scenario (default: the built-in one)");
       cmd->add_option("--signature-file", opt->signature_file,
                       "Recorded signatures (default bench/signature.txt)");
       cmd->add_flag("--check", opt->check, "Exit 1 unless the signature matches the recorded one");
       cmd->add_flag("--record", opt->record, "Record this workload's signature in the file");
       return [opt] { return bench(*opt); };
     }}};

}  // namespace
