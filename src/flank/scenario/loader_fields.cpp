// Scenario loader: typed values out of document nodes (numbers, ranges, distributions).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "flank/combat/combat.hpp"
#include "flank/core/embedded.hpp"
#include "flank/forces/power.hpp"
#include "flank/geo/geodesy.hpp"
#include "flank/geo/graph.hpp"
#include "flank/scenario/citations.hpp"
#include "flank/scenario/document.hpp"
#include "flank/scenario/loader_detail.hpp"

namespace flank::loader_detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool valid_id(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  });
}

std::string describe(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      return "nothing";
    case Node::Kind::Scalar:
      return "'" + n.scalar + "'";
    case Node::Kind::Map:
      return "a map";
    case Node::Kind::Seq:
      return "a list";
  }
  return "?";
}

std::string item_path(const std::string& list_path, const Node& item, std::size_t index) {
  const std::string_view id = item.id();
  return list_path + "[" + (id.empty() ? std::to_string(index) : std::string(id)) + "]";
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Bounds on magnitude, so that no finite number can overflow the engine's arithmetic (a score
// of 1.7e308 or a lognormal sigma of 1000 gave inf, then NaN). The field is the key's last name
// or, for a distribution's parameter (units[x].personnel.sd), its parent's; the tighter bound
// wins. Table in docs/scenario-format.md "Limits".
struct Bound {
  std::string_view key;
  double max;
};
constexpr Bound kBounds[] = {
    {"personnel", 1e6}, {"score", 1e6},     {"personnel_score", 1e6},
    {"sigma", 5},       {"noise_sigma", 5}, {"endurance_sigma", 5},
};

double max_magnitude(std::string_view path) {
  const auto last_key = [](std::string_view p) {
    if (const std::size_t dot = p.rfind('.'); dot != std::string_view::npos) p = p.substr(dot + 1);
    if (const std::size_t bracket = p.find('['); bracket != std::string_view::npos)
      p = p.substr(0, bracket);
    return p;
  };
  const std::string_view key = last_key(path);
  std::string_view parent;
  if (const std::size_t dot = path.rfind('.'); dot != std::string_view::npos)
    parent = last_key(path.substr(0, dot));
  double bound = kMaxMagnitude;
  for (const Bound& b : kBounds)
    if (b.key == key || b.key == parent) bound = std::min(bound, b.max);
  return bound;
}

const char* range_text(Range r) {
  switch (r) {
    case Range::Any:
      return "";
    case Range::NonNegative:
      return "must be ≥ 0";
    case Range::Positive:
      return "must be > 0";
    case Range::Probability:
      return "must be a probability in [0, 1]";
  }
  return "";
}

bool in_range(double v, Range r) {
  switch (r) {
    case Range::Any:
      return true;
    case Range::NonNegative:
      return v >= 0;
    case Range::Positive:
      return v > 0;
    case Range::Probability:
      return v >= 0 && v <= 1;
  }
  return true;
}

bool Checker::distribution(const Node& n, const std::string& path, Range range, Distribution& out) {
  if (n.is_scalar()) {
    double v = 0;
    if (!number(n, path, range, v)) return false;
    out = Distribution::fixed(v);
    return true;
  }
  if (!n.is_map()) {
    error(n, path, "expected a number or {dist: ...}, got " + describe(n));
    return false;
  }
  const std::size_t errors_before = sink.size();
  Fields f(*this, n, path);
  const std::string kind = f.required_string("dist");
  Distribution d;
  const double inf = std::numeric_limits<double>::infinity();
  double lo = -inf, hi = inf;
  const auto bound = [&](std::string_view key, double fallback) {
    return f.number(key, fallback, Range::Any);
  };
  f.get("source");
  if (kind == "fixed") {
    d = Distribution::fixed(f.required_number("value", range));
  } else if (kind == "uniform") {
    d.kind = Distribution::Kind::Uniform;
    d.a = f.required_number("min", range);
    d.b = f.required_number("max", range);
    lo = d.a;
    hi = d.b;
    if (sink.size() == errors_before && d.a > d.b)
      error(
          n, path,
          "uniform: min (" + std::to_string(d.a) + ") is above max (" + std::to_string(d.b) + ")");
  } else if (kind == "triangular") {
    d.kind = Distribution::Kind::Triangular;
    d.a = f.required_number("min", range);
    d.b = f.required_number("mode", range);
    d.c = f.required_number("max", range);
    lo = d.a;
    hi = d.c;
    if (sink.size() == errors_before && !(d.a <= d.b && d.b <= d.c))
      error(n, path, "triangular: needs min ≤ mode ≤ max");
  } else if (kind == "normal") {
    d.kind = Distribution::Kind::Normal;
    d.a = f.required_number("mean", range);
    d.b = f.required_number("sd", Range::Any);
    lo = bound("min", -inf);
    hi = bound("max", inf);
    if (const Node* sd = n.find("sd"); sd && d.b < 0)
      error(*sd, join_path(path, "sd"), "normal: sd must be ≥ 0, got " + sd->scalar);
  } else if (kind == "lognormal") {
    d.kind = Distribution::Kind::Lognormal;
    d.a = f.required_number("median", Range::Positive);
    d.b = f.required_number("sigma", Range::Any);
    lo = bound("min", -inf);
    hi = bound("max", inf);
    if (const Node* s = n.find("sigma"); s && d.b < 0)
      error(*s, join_path(path, "sigma"), "lognormal: sigma must be ≥ 0, got " + s->scalar);
  } else if (!kind.empty()) {
    const std::vector<std::string> kinds{"fixed", "uniform", "triangular", "normal", "lognormal"};
    error(*n.find("dist"), join_path(path, "dist"),
          "unknown distribution '" + kind + "'" + did_you_mean(kind, kinds) +
              "; one of: fixed, uniform, triangular, normal, lognormal");
  }
  if (kind == "fixed" || kind == "uniform" || kind == "triangular") {
    // min/max are the parameters themselves for these kinds; nothing else is accepted.
  }
  f.finish();
  if (lo > hi) error(n, path, "min is above max");
  // A quantity that cannot be negative (or leave [0, 1]) is clamped to that range.
  if (range == Range::NonNegative || range == Range::Positive) lo = std::max(lo, 0.0);
  if (range == Range::Probability) {
    lo = std::max(lo, 0.0);
    hi = std::min(hi, 1.0);
  }
  if ((range == Range::NonNegative || range == Range::Probability) &&
      (d.kind == Distribution::Kind::Normal) && sink.size() == errors_before &&
      !in_range(d.a, range))
    error(n, path, std::string("mean ") + range_text(range));
  d.lo = lo;
  d.hi = hi;
  if (sink.size() != errors_before) return false;
  out = d;
  return true;
}

}  // namespace flank::loader_detail
