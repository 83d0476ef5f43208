#include "flank/scenario/scenario.hpp"

#include <algorithm>
#include <cmath>

#include "flank/geo/graph.hpp"

namespace flank {

double Distribution::sample(RandomStream& rng) const {
  double v = a;
  switch (kind) {
    case Kind::Fixed:
      break;
    case Kind::Uniform:
      v = rng.uniform(a, b);
      break;
    case Kind::Triangular: {
      const double u = rng.uniform(), f = (c > a) ? (b - a) / (c - a) : 0.5;
      v = u < f ? a + std::sqrt(u * (c - a) * (b - a)) : c - std::sqrt((1 - u) * (c - a) * (c - b));
      break;
    }
    case Kind::Normal:
      v = a + b * rng.normal();
      break;
    case Kind::Lognormal:
      v = a * std::exp(b * rng.normal());
      break;
  }
  return std::clamp(v, lo, hi);
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::Fixed:
      return a;
    case Kind::Uniform:
      return 0.5 * (a + b);
    case Kind::Triangular:
      return (a + b + c) / 3.0;
    case Kind::Normal:
      return a;
    case Kind::Lognormal:
      return a * std::exp(0.5 * b * b);
  }
  return a;
}

RegionId Scenario::find_region(std::string_view id) const {
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].id == id) return static_cast<RegionId>(i);
  return kNone;
}

UnitId Scenario::find_unit(std::string_view id) const {
  for (std::size_t i = 0; i < units.size(); ++i)
    if (units[i].id == id) return static_cast<UnitId>(i);
  return kNone;
}

namespace {
constexpr const char* kTerrain[] = {"open", "mixed", "forest", "marsh", "urban", "lakes"};
constexpr const char* kRoad[] = {"motorway", "primary", "secondary", "minor", "track"};
constexpr const char* kCategory[] = {"armoured",         "mechanised",  "motorised",
                                     "light_infantry",   "airborne",    "artillery",
                                     "rocket_artillery", "air_defence", "territorial"};
constexpr const char* kPosture[] = {"attack",    "hasty", "prepared",
                                    "fortified", "delay", "withdrawal"};
constexpr const char* kDefenceClass[] = {"screen", "hasty", "prepared", "fortified"};
constexpr const char* kFortification[] = {"none", "prepared", "fortified"};

template <typename E, std::size_t N>
bool parse_enum(std::string_view s, const char* const (&names)[N], E& out) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) {
      out = static_cast<E>(i);
      return true;
    }
  return false;
}
}  // namespace

const char* to_string(Terrain t) {
  return kTerrain[static_cast<int>(t)];
}
const char* to_string(RoadClass r) {
  return kRoad[static_cast<int>(r)];
}
const char* to_string(UnitCategory c) {
  return kCategory[static_cast<int>(c)];
}
const char* to_string(Posture p) {
  return kPosture[static_cast<int>(p)];
}
const char* to_string(DefenceClass d) {
  return kDefenceClass[static_cast<int>(d)];
}
const char* to_string(Fortification f) {
  return kFortification[static_cast<int>(f)];
}
bool parse(std::string_view s, DefenceClass& d) {
  return parse_enum(s, kDefenceClass, d);
}
bool parse(std::string_view s, Fortification& f) {
  return parse_enum(s, kFortification, f);
}
bool parse(std::string_view s, Terrain& t) {
  return parse_enum(s, kTerrain, t);
}
bool parse(std::string_view s, RoadClass& r) {
  return parse_enum(s, kRoad, r);
}
bool parse(std::string_view s, UnitCategory& c) {
  return parse_enum(s, kCategory, c);
}
bool parse(std::string_view s, Posture& p) {
  return parse_enum(s, kPosture, p);
}

void compute_routes(Scenario& sc) {
  const std::size_t n = sc.regions.size();
  const auto fill = [n](const std::vector<geo::Edge>& edges, std::vector<float>* dist_km,
                        std::vector<RegionId>& next_hop) {
    if (dist_km) dist_km->assign(n * n, 0);
    next_hop.assign(n * n, kNone);
    geo::shortest_paths_from_each(
        n, edges,
        [&](std::uint32_t from, std::span<const double> dist, std::span<const std::uint32_t> next) {
          for (std::size_t to = 0; to < n; ++to) {
            if (dist_km) (*dist_km)[from * n + to] = static_cast<float>(dist[to]);
            next_hop[from * n + to] =
                next[to] == geo::kNoHop ? kNone : static_cast<RegionId>(next[to]);
          }
        });
  };
  std::vector<geo::Edge> edges;
  edges.reserve(sc.links.size());
  for (const auto& l : sc.links) edges.push_back({l.a, l.b, l.length_km});
  fill(edges, &sc.dist_km, sc.next_hop);
  for (int side = 0; side < kSides; ++side) {
    std::vector<geo::Edge> own;
    for (const auto& l : sc.links)
      if (sc.regions[l.a].initial_control == side && sc.regions[l.b].initial_control == side)
        own.push_back({l.a, l.b, l.length_km});
    fill(own, nullptr, sc.own_next_hop[side]);
  }
}

}  // namespace flank
