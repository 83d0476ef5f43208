// Fuzzes the history CSV reader (RFC 4180 subset) and its numeric cell access: every input
// must parse or throw InputError; every cell reads as a number, a blank or an InputError.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "flank/core/error.hpp"
#include "flank/history/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto table = flank::history::CsvTable::parse(text, "fuzz.csv");
    const int columns = static_cast<int>(table.header().size());
    for (std::size_t row = 0; row < table.rows(); ++row)
      for (int col = 0; col < columns; ++col) {
        (void)table.cell(row, col);
        (void)table.where(row, col);
        try {
          (void)table.number(row, col);
        } catch (const flank::InputError&) {
        }
      }
  } catch (const flank::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.format();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception escaped the CSV reader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
