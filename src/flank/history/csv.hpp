#pragma once
// A small RFC 4180 CSV reader for the history tables: header row, quoted fields, blanks as
// missing values. Every cell keeps its line and column so errors can point at it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flank/core/error.hpp"

namespace flank::history {

class CsvTable {
 public:
  // Parses `text`; `file` names it in diagnostics. Throws InputError on ragged rows or an
  // unterminated quote.
  static CsvTable parse(std::string_view text, std::string file);
  // Reads a file from disk, or an embedded file when `path` starts with "<built-in>/" or
  // names an embedded file (e.g. "data/history/...") that is not on disk.
  static CsvTable load(const std::string& path);

  const std::string& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t rows() const { return cells_.size(); }
  // Column index by exact name, or -1.
  int column(std::string_view name) const;
  bool has(std::string_view name) const { return column(name) >= 0; }
  const std::string& cell(std::size_t row, int col) const { return cells_[row][col]; }
  int line(std::size_t row) const { return lines_[row]; }

  // Numeric cell; nullopt when blank. Throws InputError (file:line:col: column) when the
  // cell is not a number.
  std::optional<double> number(std::size_t row, int col) const;
  // Like number() but the value must be present.
  double required(std::size_t row, int col) const;
  SourceLocation where(std::size_t row, int col) const;

 private:
  std::string file_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<int> lines_;
  std::vector<std::vector<int>> columns_;  // 1-based character column of each cell
};

}  // namespace flank::history
