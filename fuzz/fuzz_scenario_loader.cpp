// Fuzzes the scenario loader on arbitrary text: it must either compile a Scenario or throw
// InputError (exit status 2 in the CLI). Any other exception, crash, leak or sanitizer report
// is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "flank/core/error.hpp"
#include "flank/scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // A name inside a folder that does not exist keeps relative `extends:` off the disk.
    (void)flank::load_scenario_text(text, "/nonexistent-fuzz-dir/fuzz.yaml");
  } catch (const flank::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.format();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception escaped the loader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
