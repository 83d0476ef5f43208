#include "flank/history/csv.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flank/core/bounded_read.hpp"
#include "flank/core/embedded.hpp"

namespace flank::history {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

CsvTable CsvTable::parse(std::string_view text, std::string file) {
  CsvTable t;
  t.file_ = std::move(file);
  std::vector<std::string> row;
  std::vector<int> cols;
  std::string cell;
  int line = 1, col = 1, cell_col = 1, row_line = 1;
  bool quoted = false, any = false;
  auto end_cell = [&] {
    row.emplace_back(trim(cell));
    cols.push_back(cell_col);
    cell.clear();
  };
  auto end_row = [&] {
    end_cell();
    const bool blank = row.size() == 1 && row[0].empty();
    if (!blank) {
      if (t.header_.empty()) {
        t.header_ = std::move(row);
      } else {
        if (row.size() != t.header_.size())
          throw InputError(Diagnostic{{t.file_, row_line, 1},
                                      "",
                                      "row has " + std::to_string(row.size()) +
                                          " fields, header has " +
                                          std::to_string(t.header_.size())});
        t.cells_.push_back(std::move(row));
        t.columns_.push_back(std::move(cols));
        t.lines_.push_back(row_line);
      }
    }
    row.clear();
    cols.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
          ++col;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') {
          ++line;
          col = 0;
        }
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      end_cell();
      cell_col = col + 1;
    } else if (c == '\n') {
      end_row();
      ++line;
      col = 0;
      cell_col = 1;
      row_line = line;
    } else {
      cell += c;
    }
    ++col;
  }
  if (quoted) throw InputError(Diagnostic{{t.file_, line, col}, "", "unterminated quoted field"});
  if (any && !(text.back() == '\n')) end_row();
  if (t.header_.empty()) throw InputError(Diagnostic{{t.file_, 1, 1}, "", "empty CSV file"});
  return t;
}

CsvTable CsvTable::load(const std::string& path) {
  constexpr std::string_view kBuiltIn = "<built-in>/";
  if (path.rfind(kBuiltIn, 0) == 0) {
    const auto data = embedded_file(std::string_view(path).substr(kBuiltIn.size()));
    if (!data) throw InputError(Diagnostic{{path, 0, 0}, "", "no such built-in file"});
    return parse(*data, path);
  }
  std::error_code ec;
  // Files shipped in data/ are embedded, so the documented paths work from any folder.
  if (!std::filesystem::exists(path, ec))
    if (const auto data = embedded_file(path)) return parse(*data, std::string(kBuiltIn) + path);
  std::string text = read_bounded_file(path, kMaxTableFileBytes, "cannot load the table");
  // A UTF-8 byte order mark (spreadsheet exports) is not part of the first column's name.
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  return parse(text, path);
}

int CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return static_cast<int>(i);
  return -1;
}

SourceLocation CsvTable::where(std::size_t row, int col) const {
  return {file_, lines_[row], col >= 0 ? columns_[row][col] : 0};
}

std::optional<double> CsvTable::number(std::size_t row, int col) const {
  const std::string& s = cells_[row][col];
  if (s.empty()) return std::nullopt;
  double v = 0;
  const char* first = s.data();
  if (*first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw InputError(
        Diagnostic{where(row, col), header_[col], "expected a number, found '" + s + "'"});
  // from_chars reads "nan" and "inf"; they would flow into fits as NaN and print nonsense.
  if (!std::isfinite(v))
    throw InputError(
        Diagnostic{where(row, col), header_[col], "expected a finite number, found '" + s + "'"});
  return v;
}

double CsvTable::required(std::size_t row, int col) const {
  const auto v = number(row, col);
  if (!v) throw InputError(Diagnostic{where(row, col), header_[col], "value is missing"});
  return *v;
}

}  // namespace flank::history
