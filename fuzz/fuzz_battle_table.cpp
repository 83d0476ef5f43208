// Fuzzes the battle-table reader behind `flank validate` (CDB90 flat export or flank's own
// battle format) on arbitrary CSV: it must read the battles or throw InputError.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "flank/core/error.hpp"
#include "flank/history/battles.hpp"
#include "flank/history/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte chooses the format.
  const auto format =
      data[0] & 1 ? flank::history::BattleFormat::Flank : flank::history::BattleFormat::Cdb90;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const auto table = flank::history::CsvTable::parse(text, "fuzz.csv");
    double sum = 0;
    for (const auto& b : flank::history::read_battles(table, format))
      sum += b.att_strength + b.def_strength + b.winner + b.line;
    (void)std::isnan(sum);
  } catch (const flank::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.format();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception escaped the battle reader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
