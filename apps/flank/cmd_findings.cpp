// `flank findings`: docs/findings.md from the studies in a results store.
#include <cstdio>
#include <string>

#include "command.hpp"
#include "flank/analysis/findings.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/store/store.hpp"

namespace {

struct FindingsOptions {
  std::string store, output = "-", label;
};

flank::cli::Register reg{
    {"findings", [](CLI::App& app) {
       auto opt = std::make_shared<FindingsOptions>();
       auto* cmd = app.add_subcommand(
           "findings", "Write the findings (variants, sensitivity, plans) from a results store");
       cmd->add_option("--store", opt->store, "SQLite results store")
           ->required()
           ->check(CLI::ExistingFile);
       cmd->add_option("-o,--output", opt->output, "Markdown file to write ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--label", opt->label,
                       "How to name the store in the text (default: its path)");
       return [opt] {
         flank::store::Store db(opt->store);
         flank::write_file_atomically(
             opt->output,
             flank::analysis::findings_markdown(db, opt->label.empty() ? opt->store : opt->label));
         return flank::cli::kExitOk;
       };
     }}};

}  // namespace
