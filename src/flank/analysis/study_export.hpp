#pragma once
// Reading studies back out of the store: deterministic JSON and CSV exports (everything that
// can differ between identical runs sits under "run_info") and the analyses built on stored
// points: scenario comparisons with paired intervals, Sobol indices and tornado tables.
#include <cstdint>
#include <string>
#include <vector>

#include "flank/analysis/sensitivity.hpp"
#include "flank/store/store.hpp"

namespace flank::analysis {

struct Comparison {
  std::string metric;
  std::string scenario;  // the variant
  double baseline = 0, value = 0;
  double baseline_lo = 0, baseline_hi = 0, value_lo = 0, value_hi = 0;
  // Paired difference (variant − baseline) over common replications, normal 95 % interval;
  // lo = hi = difference for quantile metrics.
  double difference = 0, difference_lo = 0, difference_hi = 0;
};

struct SensitivityResult {
  std::string metric;
  std::vector<std::string> factors;  // labels
  SobolIndices indices;
  bool has_tornado = false;
  Tornado tornado;
};

// Variant points against the baseline point (roles "variant" / "baseline").
std::vector<Comparison> compare_variants(store::Store& store, std::int64_t study);
// Saltelli studies: indices and tornado per output.
std::vector<SensitivityResult> sensitivity(store::Store& store, std::int64_t study,
                                           int bootstrap = 1000);

std::string export_json(store::Store& store, std::int64_t study);
std::string export_csv(store::Store& store, std::int64_t study);

}  // namespace flank::analysis
