#pragma once
// Sweep designs: a YAML file naming a scenario, factors (scenario paths set by override),
// a sampling design and the outputs to analyse. Expanding a design gives the list of points
// the sweep runs; every point uses the same seed and replication indices (common random
// numbers), so differences between points are not blurred by sampling noise.
//
//   study: decision-delay
//   scenario: builtin:eastern-flank-2023        # default: the built-in scenario
//   design: full_factorial                      # or {kind: latin_hypercube, points: 20}
//                                               # or {kind: saltelli, base_samples: 32}
//   factors:
//     - {path: doctrine.blue.decision_delay_hours, levels: [0, 72, 168, 336]}
//     - {path: "units[wg-tsel].personnel", range: [2000, 8000], integer: true}
//   variants: [builtin:wagner-integrated]       # scenarios compared with `scenario`
//   outputs: [p:suwalki-corridor:day7, median_hours:vilnius]
//   replications: 1000                          # default for -n
//   seed: 1
//   chunk: 200                                  # replications per stored chunk
//
// The format is described in docs/analysis.md.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flank/analysis/metrics.hpp"
#include "flank/core/error.hpp"

namespace flank::analysis {

struct Factor {
  std::string path;                   // scenario override path
  std::string label;                  // for tables; defaults to the path
  std::vector<std::string> levels;    // override values as YAML text (levels: form)
  std::vector<double> level_numbers;  // numeric value of each level, or its index if not numeric
  bool has_range = false;
  double lo = 0, hi = 0;
  bool integer = false;
  int steps = 3;    // full factorial over a range: evenly spaced levels
  double base = 0;  // one-at-a-time base (tornado); default mid-range or middle level
  SourceLocation where;

  // Maps u in [0, 1) to the override text and the numeric value of the setting.
  std::pair<std::string, double> at_unit(double u) const;
  std::pair<std::string, double> at_value(double v) const;  // range factors
  std::pair<std::string, double> at_level(std::size_t i) const;
  std::pair<std::string, double> base_setting() const;
  std::pair<std::string, double> low_setting() const;
  std::pair<std::string, double> high_setting() const;
};

enum class DesignKind : std::uint8_t { FullFactorial, LatinHypercube, Saltelli };
const char* to_string(DesignKind);

struct Design {
  std::string name;
  std::string file;  // as given
  std::string text;  // the file's bytes, stored with the study
  std::string description;
  std::string scenario;  // resolved scenario ref ("" = built-in default)
  DesignKind kind = DesignKind::FullFactorial;
  int points = 0;        // latin_hypercube
  int base_samples = 0;  // saltelli
  bool tornado = true;   // saltelli: add one-at-a-time points for tornado tables
  std::vector<Factor> factors;
  std::vector<std::string> variants;  // resolved refs
  std::vector<Metric> outputs;
  std::vector<SourceLocation> output_where;  // where each output is written
  std::uint64_t replications = 1000;
  std::uint64_t seed = 1;
  std::uint64_t chunk = 200;
};

struct DesignPoint {
  std::size_t index = 0;
  std::string scenario;                // ref to load
  std::vector<std::string> overrides;  // "path=value"
  std::vector<double> factors;         // numeric factor values (design order); empty if none
  // "baseline" / "variant" (scenario comparison), "design" (factorial or LHS), "saltelli",
  // "tornado-base", "tornado-low:<factor>", "tornado-high:<factor>".
  std::string role;
};

// Parses a design. `file` names the file in diagnostics; relative scenario paths are resolved
// against its folder. Throws InputError with file, line, column and key path.
Design parse_design(std::string_view text, const std::string& file);
// Reads the file (or "builtin:<name>" from scenarios/designs/) and parses it.
Design load_design(const std::string& ref);

// Points in a fixed order: scenarios (baseline, then variants) × design points; for Saltelli
// designs the N(k+2) rows in sensitivity.hpp's block layout, then the tornado points.
std::vector<DesignPoint> expand(const Design& design);
// The number of points expand() gives (scenarios × settings, tornado points included), without
// expanding; kMaxDesignPoints + 1 for anything beyond the limit.
std::uint64_t point_count(const Design& design);
// Refuses, before any work, a study past the limits of flank/core/parse.hpp: more than
// kMaxDesignPoints points, kMaxStudyReplications replications or kMaxStudyChunks chunks.
void check_study_size(const Design& design, std::uint64_t replications, std::uint64_t chunk);

}  // namespace flank::analysis
