// Fuzzes the daily two-sided attrition series reader (flank fit's input) on arbitrary CSV,
// with and without a phase column: it must read the series or throw InputError.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "flank/core/error.hpp"
#include "flank/history/csv.hpp"
#include "flank/history/series.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte chooses whether a phase column is asked for.
  const bool with_phase = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const auto table = flank::history::CsvTable::parse(text, "fuzz.csv");
    const auto series =
        flank::history::read_daily_series(table, with_phase ? "german_offensive_phase" : "");
    for (std::size_t i = 0; i < series.size(); ++i)
      (void)(series.day[i] + series.strength[0][i] + series.strength[1][i] +
             series.casualties[0][i] + series.casualties[1][i]);
  } catch (const flank::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.format();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception escaped the series reader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
