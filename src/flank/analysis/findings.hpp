#pragma once
// docs/findings.md from a results store: each finished study (newest of each name) rendered
// by kind — scenario variants against the baseline with paired intervals, one-factor sweeps
// as a table, Saltelli studies as Sobol indices and tornado tables, plans as their frontier.
#include <string>

#include "flank/store/store.hpp"

namespace flank::analysis {

std::string findings_markdown(store::Store& store, const std::string& store_label);

}  // namespace flank::analysis
