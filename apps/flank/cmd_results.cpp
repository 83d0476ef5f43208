// `flank results`: list the studies in a results store, show one, or export it as JSON/CSV,
// or its per-replication outcomes as CSV.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "command.hpp"
#include "flank/analysis/replications.hpp"
#include "flank/analysis/study_export.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/error.hpp"
#include "flank/store/store.hpp"

namespace {

struct ResultsOptions {
  std::string store, json_file, csv_file, replications_file;
  std::int64_t study = 0;
};

int run(const ResultsOptions& opt) {
  using namespace flank;
  store::Store db(opt.store, store::Access::Read);
  if (opt.study == 0) {
    if (!opt.json_file.empty() || !opt.csv_file.empty() || !opt.replications_file.empty())
      throw InputError(Diagnostic{{}, "--study", "choose a study to export with --study ID"});
    std::printf("%4s  %-24s %-6s %-8s %7s %8s %6s  %s\n", "id", "name", "kind", "status", "points",
                "reps", "seed", "created");
    for (const auto& s : db.studies()) {
      const auto points = db.points(s.id);
      std::size_t done = 0;
      for (const auto& p : points) done += p.status == "done";
      std::printf("%4lld  %-24s %-6s %-8s %3zu/%-3zu %8llu %6llu  %s\n",
                  static_cast<long long>(s.id), s.name.c_str(), s.kind.c_str(), s.status.c_str(),
                  done, points.size(), static_cast<unsigned long long>(s.replications),
                  static_cast<unsigned long long>(s.seed), s.created.c_str());
    }
    return cli::kExitOk;
  }
  if (!db.study(opt.study))
    throw InputError(
        Diagnostic{{}, "--study", fmt::format("no study {} in {}", opt.study, opt.store)});
  if (!opt.json_file.empty())
    write_file_atomically(opt.json_file, analysis::export_json(db, opt.study));
  if (!opt.csv_file.empty())
    write_file_atomically(opt.csv_file, analysis::export_csv(db, opt.study));
  if (!opt.replications_file.empty()) {
    const std::string csv = analysis::replication_csv(analysis::study_replications(db, opt.study));
    if (opt.replications_file == "-")
      std::fputs(csv.c_str(), stdout);
    else
      write_file_atomically(opt.replications_file, csv);
  }
  if (opt.json_file.empty() && opt.csv_file.empty() && opt.replications_file.empty())
    std::fputs(analysis::export_csv(db, opt.study).c_str(), stdout);
  return cli::kExitOk;
}

flank::cli::Register reg{
    {"results", [](CLI::App& app) {
       auto opt = std::make_shared<ResultsOptions>();
       auto* cmd = app.add_subcommand("results", "List, show or export studies in a results store");
       cmd->add_option("--store", opt->store, "SQLite results store")
           ->required()
           ->check(CLI::ExistingFile);
       cmd->add_option("--study", opt->study, "Study id (default: list the studies)");
       cmd->add_option("--json", opt->json_file, "Export the study as JSON to FILE ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--csv", opt->csv_file, "Export the study's metrics as CSV to FILE")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--replications", opt->replications_file,
                       "Export one CSV row per (point, replication) to FILE ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       return [opt] { return run(*opt); };
     }}};

}  // namespace
