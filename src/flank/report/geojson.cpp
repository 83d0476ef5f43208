#include "flank/report/geojson.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

namespace flank::report {
namespace {

using json = nlohmann::json;

// Codes as in docs/formats.md (timeline `status`).
constexpr const char* kStatusNames[] = {"not-arrived", "holding",     "moving",
                                        "attacking",   "withdrawing", "broken",
                                        "destroyed",   "waiting",     "not-ready"};

json point(double lon, double lat) {
  return {{"type", "Point"}, {"coordinates", {lon, lat}}};
}

json feature(json geometry, json properties) {
  return {{"type", "Feature"},
          {"geometry", std::move(geometry)},
          {"properties", std::move(properties)}};
}

// Seconds since the epoch of an ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ", if it is one.
std::optional<std::time_t> parse_utc(const std::string& text) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm);
}

json time_at(std::optional<std::time_t> start, double hour) {
  if (!start) return nullptr;
  const std::time_t t = *start + static_cast<std::time_t>(std::llround(hour * 3600));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string side_id(const Scenario& sc, int side) {
  return side >= 0 && side < kSides ? sc.sides[side].id : "";
}

}  // namespace

json scenario_geojson(const Scenario& sc) {
  json features = json::array();
  for (std::size_t r = 0; r < sc.regions.size(); ++r) {
    const Region& g = sc.regions[r];
    json objectives = json::array();
    for (const auto& o : sc.objectives)
      for (const auto* list : {&o.regions, &o.from, &o.to})
        for (RegionId id : *list)
          if (id == r && (objectives.empty() || objectives.back() != o.id))
            objectives.push_back(o.id);
    features.push_back(feature(point(g.lon, g.lat),
                               {{"layer", "region"},
                                {"index", r},
                                {"id", g.id},
                                {"name", g.name},
                                {"country", g.country},
                                {"terrain", to_string(g.terrain)},
                                {"urban", g.urban},
                                {"value", g.objective_value},
                                {"initial_control", side_id(sc, g.initial_control)},
                                {"fortification", to_string(g.fortification)},
                                {"frontage_km", g.frontage_km},
                                {"links", g.links.size()},
                                // QGIS shows arrays as text; a comma list reads the same.
                                {"objectives", fmt::format("{}", fmt::join(objectives, ","))}}));
  }
  for (std::size_t l = 0; l < sc.links.size(); ++l) {
    const Link& k = sc.links[l];
    const Region &a = sc.regions[k.a], &b = sc.regions[k.b];
    features.push_back(
        feature({{"type", "LineString"}, {"coordinates", {{a.lon, a.lat}, {b.lon, b.lat}}}},
                {{"layer", "link"},
                 {"index", l},
                 {"a", a.id},
                 {"b", b.id},
                 {"road", to_string(k.road)},
                 {"rail", k.rail},
                 {"river", k.river},
                 {"length_km", k.length_km},
                 {"throughput", k.throughput}}));
  }
  return {{"type", "FeatureCollection"},
          {"name", sc.id},
          {"flank", {{"format", "flank-scenario-geojson-1"}, {"scenario", sc.id}}},
          {"features", std::move(features)}};
}

json timeline_geojson(const Scenario& sc, std::uint64_t seed, std::uint64_t replication,
                      const campaign::Timeline& tl) {
  const auto start = parse_utc(sc.start_date);
  json features = json::array();
  for (const auto& f : tl.frames) {
    const json time = time_at(start, f.hour);
    for (std::size_t r = 0; r < f.control.size() && r < sc.regions.size(); ++r) {
      const Region& g = sc.regions[r];
      features.push_back(feature(point(g.lon, g.lat), {{"layer", "control"},
                                                       {"hour", f.hour},
                                                       {"time", time},
                                                       {"region", g.id},
                                                       {"control", side_id(sc, f.control[r])}}));
    }
    for (std::size_t u = 0; u < f.units.size() && u < sc.units.size(); ++u) {
      const auto& fu = f.units[u];
      if (fu.region < 0 || fu.region >= static_cast<int>(sc.regions.size())) continue;
      const Region& here = sc.regions[fu.region];
      double lon = here.lon, lat = here.lat;
      // Along the link, so an animation shows the march; plain interpolation of degrees is
      // within a few hundred metres of the geodesic over links of tens of kilometres.
      if (fu.toward >= 0 && fu.toward < static_cast<int>(sc.regions.size())) {
        const Region& to = sc.regions[fu.toward];
        lon += (to.lon - lon) * fu.progress;
        lat += (to.lat - lat) * fu.progress;
      }
      const Unit& unit = sc.units[u];
      const auto status = static_cast<std::size_t>(fu.status);
      features.push_back(
          feature(point(lon, lat),
                  {{"layer", "unit"},
                   {"hour", f.hour},
                   {"time", time},
                   {"unit", unit.id},
                   {"name", unit.name},
                   {"side", side_id(sc, unit.side)},
                   {"type", sc.unit_types[unit.type].id},
                   {"region", here.id},
                   {"toward", fu.toward >= 0 ? json(sc.regions[fu.toward].id) : json(nullptr)},
                   {"strength", std::round(fu.strength * 1e4) / 1e4},
                   {"status", status < std::size(kStatusNames) ? kStatusNames[status] : "unknown"},
                   {"cut_off", fu.cut_off}}));
    }
  }
  return {{"type", "FeatureCollection"},
          {"name", fmt::format("{}-rep{}", sc.id, replication)},
          {"flank",
           {{"format", "flank-timeline-geojson-1"},
            {"scenario", sc.id},
            {"seed", seed},
            {"replication", replication},
            {"start", sc.start_date}}},
          {"features", std::move(features)}};
}

}  // namespace flank::report
