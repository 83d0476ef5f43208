// Fuzzes `--set PATH=VALUE` overrides on a small valid scenario: each input line is one
// override. The loader must compile the result or throw InputError, nothing else; a scenario
// that compiles then runs a few replications, which must finish (a finite but extreme value such
// as score 1.7e308 used to give NaN and a crash in the summary fold) or throw InputError.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "flank/core/error.hpp"
#include "flank/mc/runner.hpp"
#include "flank/scenario/loader.hpp"
#include "tests/scenario/small_scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  flank::LoadOptions options;
  std::size_t start = 0;
  while (start <= text.size() && options.overrides.size() < 16) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    options.overrides.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  try {
    const flank::Scenario scenario =
        flank::load_scenario_text(flank::test::kSmallScenario, "small.yaml", options);
    flank::mc::RunConfig config;
    config.replications = 2;
    config.threads = 1;
    (void)flank::mc::run(scenario, config);
  } catch (const flank::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.format();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception escaped the loader or the run: %s\n", e.what());
    std::abort();
  }
  return 0;
}
