// `flank findings`: docs/findings.md from the studies in a results store.
#include <cstdio>
#include <string>

#include "command.hpp"
#include "flank/analysis/findings.hpp"
#include "flank/core/atomic_file.hpp"
#include "flank/core/bounded_read.hpp"
#include "flank/store/store.hpp"

namespace {

struct FindingsOptions {
  std::string store, output = "-", label, template_file;
};

flank::cli::Register reg{
    {"findings", [](CLI::App& app) {
       auto opt = std::make_shared<FindingsOptions>();
       auto* cmd = app.add_subcommand(
           "findings",
           "Write the findings (variants, sensitivity, plans, games) from a results store");
       cmd->add_option("--store", opt->store, "SQLite results store")
           ->required()
           ->check(CLI::ExistingFile);
       cmd->add_option("-o,--output", opt->output, "Markdown file to write ('-' = stdout)")
           ->check(flank::cli::output_path_check());
       cmd->add_option("--label", opt->label,
                       "How to name the store in the text (default: its path)");
       cmd->add_option("--template", opt->template_file,
                       "Markdown with {{intro}}, {{study NAME}} and {{studies}} lines to fill "
                       "(docs/findings.template.md)");
       return [opt] {
         flank::store::Store db(opt->store, flank::store::Access::Read);
         const std::string label = opt->label.empty() ? opt->store : opt->label;
         std::string md;
         if (opt->template_file.empty()) {
           md = flank::analysis::findings_markdown(db, label);
         } else {
           std::vector<std::string> missing;
           md = flank::analysis::findings_markdown(db, label,
                                                   flank::read_bounded_file(opt->template_file),
                                                   opt->template_file, &missing);
           for (const auto& name : missing)
             std::fprintf(stderr, "flank findings: warning: no finished study named '%s' in %s\n",
                          name.c_str(), opt->store.c_str());
         }
         flank::write_file_atomically(opt->output, md);
         return flank::cli::kExitOk;
       };
     }}};

}  // namespace
