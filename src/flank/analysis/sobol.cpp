#include "flank/analysis/sobol.hpp"

#include <stdexcept>
#include <string>

namespace flank::analysis {
namespace {

struct Primitive {
  int degree;                      // s
  std::uint32_t coefficients;      // a: interior coefficients of the primitive polynomial
  std::array<std::uint32_t, 6> m;  // initial direction numbers m_1..m_s
};

// Rows d = 2..16 of new-joe-kuo-6.21201 (d s a m_i).
constexpr Primitive kJoeKuo[] = {
    {1, 0, {1}},                     // 2
    {2, 1, {1, 3}},                  // 3
    {3, 1, {1, 3, 1}},               // 4
    {3, 2, {1, 1, 1}},               // 5
    {4, 1, {1, 1, 3, 3}},            // 6
    {4, 4, {1, 3, 5, 13}},           // 7
    {5, 2, {1, 1, 5, 5, 17}},        // 8
    {5, 4, {1, 1, 5, 5, 5}},         // 9
    {5, 7, {1, 1, 7, 11, 19}},       // 10
    {5, 11, {1, 1, 5, 1, 1}},        // 11
    {5, 13, {1, 1, 1, 3, 11}},       // 12
    {5, 14, {1, 3, 5, 5, 31}},       // 13
    {6, 1, {1, 3, 3, 9, 7, 49}},     // 14
    {6, 13, {1, 1, 1, 15, 21, 21}},  // 15
    {6, 16, {1, 3, 1, 13, 27, 49}},  // 16
};

}  // namespace

SobolSequence::SobolSequence(int dimensions) : dimensions_(dimensions) {
  if (dimensions < 1 || dimensions > kMaxDimensions)
    throw std::invalid_argument("Sobol sequence: dimensions must be 1.." +
                                std::to_string(kMaxDimensions) + ", got " +
                                std::to_string(dimensions));
  direction_.resize(dimensions);
  // The first dimension is the van der Corput sequence: v_k = 2^-k.
  for (int k = 0; k < kBits; ++k) direction_[0][k] = 1u << (kBits - 1 - k);
  for (int d = 1; d < dimensions; ++d) {
    const Primitive& p = kJoeKuo[d - 1];
    auto& v = direction_[d];
    const int s = p.degree;
    for (int k = 0; k < s && k < kBits; ++k) v[k] = p.m[k] << (kBits - 1 - k);
    for (int k = s; k < kBits; ++k) {
      std::uint32_t value = v[k - s] ^ (v[k - s] >> s);
      for (int l = 1; l < s; ++l)
        if ((p.coefficients >> (s - 1 - l)) & 1u) value ^= v[k - l];
      v[k] = value;
    }
  }
}

void SobolSequence::point(std::uint32_t index, double* out) const {
  const std::uint32_t gray = index ^ (index >> 1);
  for (int d = 0; d < dimensions_; ++d) {
    std::uint32_t x = 0;
    for (int k = 0; k < kBits; ++k)
      if ((gray >> k) & 1u) x ^= direction_[d][k];
    out[d] = static_cast<double>(x) * 0x1.0p-32;
  }
}

std::vector<double> SobolSequence::point(std::uint32_t index) const {
  std::vector<double> out(dimensions_);
  point(index, out.data());
  return out;
}

}  // namespace flank::analysis
