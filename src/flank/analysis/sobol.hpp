#pragma once
// Sobol low-discrepancy sequence (base 2, Gray-code order) with the Joe–Kuo direction numbers
// (new-joe-kuo-6.21201; S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654). Enough dimensions
// for Saltelli designs over up to 8 factors (2k columns).
#include <array>
#include <cstdint>
#include <vector>

namespace flank::analysis {

class SobolSequence {
 public:
  static constexpr int kMaxDimensions = 16;
  static constexpr int kBits = 32;

  explicit SobolSequence(int dimensions);  // throws std::invalid_argument past kMaxDimensions

  int dimensions() const { return dimensions_; }
  // The index-th point (index 0 is the origin), computed directly from the Gray code of the
  // index, so any point can be produced independently of the others.
  void point(std::uint32_t index, double* out) const;
  std::vector<double> point(std::uint32_t index) const;

 private:
  int dimensions_;
  std::vector<std::array<std::uint32_t, kBits>> direction_;  // per dimension, v_1..v_32
};

}  // namespace flank::analysis
