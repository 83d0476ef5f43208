#pragma once
// Strict number parsing for user text (design files, targets, metric names): the whole
// string must be a finite number, so "1e400", "nan" or "3 days" are refused, not truncated.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace flank {

inline bool parse_finite(std::string_view s, double& out) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

// Limits on counts given by the user (flags, design files). Past them a run would overflow
// arithmetic (2^64 - 1 replications wrapped to 0) or exhaust memory; see docs/reliability.md.
inline constexpr std::uint64_t kMaxReplications = 100'000'000;  // per run or design point
inline constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 63) - 1;
inline constexpr std::uint64_t kMaxDesignPoints = 1'000'000;
inline constexpr std::uint64_t kMaxFolds = 1000;
inline constexpr std::uint64_t kMaxThreads = 1024;
// Replications in a whole study (points × scenarios × replications), and its stored chunks:
// the sweep lists every chunk before it starts, and the store holds one row per chunk.
inline constexpr std::uint64_t kMaxStudyReplications = 10'000'000'000;
inline constexpr std::uint64_t kMaxStudyChunks = 10'000'000;

// A count written in decimal digits only (no sign, no exponent, no spaces), within [lo, hi].
// Returns an empty string when valid, else why not (for the caller to report at its location).
inline std::string check_count_text(std::string_view s, std::uint64_t lo, std::uint64_t hi,
                                    std::uint64_t& out) {
  const auto range = "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos)
    return "expected " + range + ", got '" + std::string(s) + "'";
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || out < lo || out > hi)
    return "expected " + range + ", got " + std::string(s);
  return {};
}

// The same check for a count held as a double (YAML numbers): integral, within [lo, hi].
inline std::string check_count_value(double v, std::uint64_t lo, std::uint64_t hi) {
  if (!std::isfinite(v) || v != std::floor(v) || v < static_cast<double>(lo) ||
      v > static_cast<double>(hi))
    return "expected a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return {};
}

}  // namespace flank
