#pragma once
// Daily two-sided attrition series (e.g. the Ardennes 1944–45 data of Wiper, Pettit & Young
// 2000). Column naming, matched case-sensitively:
//   day                                           day number (optional; row order otherwise)
//   forces_<side> | strength_<side> | <side>_strength | <side>_forces     strength at day start
//   casualties_<side> | losses_<side> | <side>_casualties | <side>_losses casualties that day
// for exactly two sides, plus an optional 0/1 phase column named by the caller.
#include <string>
#include <vector>

#include "flank/history/csv.hpp"

namespace flank::history {

struct DailySeries {
  std::string file;
  std::string side[2];  // in header order
  std::vector<double> day;
  std::vector<double> strength[2], casualties[2];
  std::vector<double> phase;  // 0/1 per row; empty when no phase column was asked for
  int skipped_rows = 0;       // rows with a missing value in a needed column
  std::size_t size() const { return day.size(); }
};

// Throws InputError naming the file (and line/column for bad cells) when the columns cannot
// be matched or values are invalid.
DailySeries read_daily_series(const CsvTable& table, const std::string& phase_column = "");

}  // namespace flank::history
