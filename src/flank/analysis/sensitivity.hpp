#pragma once
// Variance-based sensitivity (Sobol indices) from a Saltelli design, and one-at-a-time
// tornado tables.
//
// Design (Saltelli et al. 2010, "Variance based sensitivity analysis of model output",
// Comput. Phys. Commun. 181:259–270): two independent N×k sample matrices A and B, and for
// each factor i the matrix AB_i (A with column i taken from B). Rows are laid out in blocks:
// [0, N) = A, [N, 2N) = B, [(2+i)N, (3+i)N) = AB_i, so N(k+2) model runs in all.
// Estimators: first order S_i = mean((f_B − f̄) (f_ABi − f_A)) / V (Saltelli 2010, table 2 (b),
// with f_B centred on the sample mean);
// total ST_i = mean((f_A − f_ABi)²) / (2V) (Jansen 1999); V = variance of f over A and B.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace flank::analysis {

// Unit-cube points in the block layout above, from a Sobol sequence of dimension 2k (the
// first k coordinates form A, the last k form B). The origin is skipped because its zero
// coordinates sit on the boundary of every factor range.
std::vector<std::vector<double>> saltelli_sample(int factors, int base_samples);

struct IndexEstimate {
  double value = 0;
  double lo = 0, hi = 0;  // bootstrap percentile 95 % interval
};

struct SobolIndices {
  std::vector<IndexEstimate> first, total;
  double variance = 0;
};

// `y` holds the model outputs in the block layout (size N(k+2)). Confidence intervals come
// from `bootstrap` resamples of the N base rows (stream Purpose::Analysis of `seed`);
// bootstrap = 0 leaves lo = hi = value.
SobolIndices sobol_indices(int factors, int base_samples, const std::vector<double>& y,
                           int bootstrap = 500, std::uint64_t seed = 1);

// One-at-a-time effects: output at each factor's low and high setting with the others at
// their base values.
struct TornadoBar {
  std::string factor;
  double low_setting = 0, high_setting = 0;
  double output_at_low = 0, output_at_high = 0;
  double swing() const;  // |high − low| output
};
struct Tornado {
  double base_output = 0;
  std::vector<TornadoBar> bars;  // sorted by decreasing swing
};
// Sorts bars by decreasing swing (ties keep factor order) and returns the table.
Tornado make_tornado(double base_output, std::vector<TornadoBar> bars);

}  // namespace flank::analysis
