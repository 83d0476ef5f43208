#pragma once
// docs/findings.md from a results store: each finished study (newest of each name) rendered
// by kind — scenario variants against the baseline with paired intervals, one-factor sweeps
// as a table, Saltelli studies as Sobol indices and tornado tables, plans as their frontier.
#include <string>
#include <vector>

#include "flank/store/store.hpp"

namespace flank::analysis {

std::string findings_markdown(store::Store& store, const std::string& store_label);

// The same studies placed by a template (docs/findings.template.md), so hand-written prose
// survives regeneration. The template is copied line by line, except lines that are exactly
//   {{intro}}         the generated note on where the numbers come from
//   {{study NAME}}    the newest finished study named NAME, rendered as above
//   {{studies}}       every other finished study, in store order
//   {{# ...}}         a comment, dropped
// A study the template names but the store lacks is written as a note saying so, and its
// name is added to `missing`. Throws InputError for an unknown {{...}} line.
std::string findings_markdown(store::Store& store, const std::string& store_label,
                              const std::string& template_text, const std::string& template_file,
                              std::vector<std::string>* missing = nullptr);

}  // namespace flank::analysis
