#include "flank/history/series.hpp"

#include <cmath>

namespace flank::history {
namespace {

// Returns the side name when `h` names a strength (kind 0) or casualty (kind 1) column.
bool match(const std::string& h, int& kind, std::string& side) {
  static const char* const kPrefix[2][2] = {{"forces_", "strength_"}, {"casualties_", "losses_"}};
  static const char* const kSuffix[2][2] = {{"_forces", "_strength"}, {"_casualties", "_losses"}};
  for (int k = 0; k < 2; ++k) {
    for (const char* p : kPrefix[k]) {
      const std::string pre(p);
      if (h.size() > pre.size() && h.compare(0, pre.size(), pre) == 0) {
        kind = k;
        side = h.substr(pre.size());
        return true;
      }
    }
    for (const char* s : kSuffix[k]) {
      const std::string suf(s);
      if (h.size() > suf.size() && h.compare(h.size() - suf.size(), suf.size(), suf) == 0) {
        kind = k;
        side = h.substr(0, h.size() - suf.size());
        return true;
      }
    }
  }
  return false;
}

}  // namespace

DailySeries read_daily_series(const CsvTable& table, const std::string& phase_column) {
  DailySeries s;
  s.file = table.file();
  std::vector<std::string> sides;
  std::vector<int> strength_col, casualty_col;
  for (std::size_t c = 0; c < table.header().size(); ++c) {
    int kind = 0;
    std::string side;
    if (!match(table.header()[c], kind, side)) continue;
    std::size_t i = 0;
    while (i < sides.size() && sides[i] != side) ++i;
    if (i == sides.size()) {
      sides.push_back(side);
      strength_col.push_back(-1);
      casualty_col.push_back(-1);
    }
    (kind == 0 ? strength_col : casualty_col)[i] = static_cast<int>(c);
  }
  std::vector<std::size_t> complete;
  for (std::size_t i = 0; i < sides.size(); ++i)
    if (strength_col[i] >= 0 && casualty_col[i] >= 0) complete.push_back(i);
  if (complete.size() != 2)
    throw InputError(
        Diagnostic{{table.file(), 1, 1},
                   "",
                   "expected strength and casualty columns for exactly two sides (forces_<side> or "
                   "<side>_strength, casualties_<side> or <side>_casualties); found " +
                       std::to_string(complete.size()) + " complete side(s)"});
  const int day_col = table.column("day");
  int phase_col = -1;
  if (!phase_column.empty()) {
    phase_col = table.column(phase_column);
    if (phase_col < 0)
      throw InputError(
          Diagnostic{{table.file(), 1, 1}, phase_column, "no column named '" + phase_column + "'"});
  }
  int cols[2][2];
  for (int k = 0; k < 2; ++k) {
    s.side[k] = sides[complete[k]];
    cols[k][0] = strength_col[complete[k]];
    cols[k][1] = casualty_col[complete[k]];
  }
  for (std::size_t r = 0; r < table.rows(); ++r) {
    std::optional<double> v[2][2];
    bool missing = false;
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 2; ++j) {
        v[k][j] = table.number(r, cols[k][j]);
        if (!v[k][j])
          missing = true;
        else if (*v[k][j] < 0 || (j == 0 && *v[k][j] == 0))
          throw InputError(
              Diagnostic{table.where(r, cols[k][j]), table.header()[cols[k][j]],
                         j == 0 ? "strength must be positive" : "casualties must not be negative"});
      }
    std::optional<double> ph;
    if (phase_col >= 0) {
      ph = table.number(r, phase_col);
      if (!ph)
        missing = true;
      else if (*ph != 0 && *ph != 1)
        throw InputError(Diagnostic{table.where(r, phase_col), phase_column, "expected 0 or 1"});
    }
    if (missing) {
      ++s.skipped_rows;
      continue;
    }
    s.day.push_back(day_col >= 0 ? table.required(r, day_col) : static_cast<double>(r));
    for (int k = 0; k < 2; ++k) {
      s.strength[k].push_back(*v[k][0]);
      s.casualties[k].push_back(*v[k][1]);
    }
    if (phase_col >= 0) s.phase.push_back(*ph);
  }
  if (s.size() < 3)
    throw InputError(Diagnostic{{table.file(), 0, 0}, "", "fewer than 3 complete rows"});
  return s;
}

}  // namespace flank::history
