#pragma once
// Strict number parsing for user text (design files, targets, metric names): the whole
// string must be a finite number, so "1e400", "nan" or "3 days" are refused, not truncated.
#include <charconv>
#include <cmath>
#include <string_view>

namespace flank {

inline bool parse_finite(std::string_view s, double& out) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

}  // namespace flank
