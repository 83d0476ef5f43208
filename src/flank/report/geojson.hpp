#pragma once
// GeoJSON (RFC 7946: WGS 84, [longitude, latitude]) for GIS tools such as QGIS
// (docs/formats.md "GeoJSON"). Each feature has a `layer` property naming what it is, so one
// file splits into layers by a filter on it (QGIS also splits points from lines itself).
#include <nlohmann/json.hpp>

#include "flank/campaign/engine.hpp"
#include "flank/scenario/scenario.hpp"

namespace flank::report {

// Regions as Points (layer "region") with their attributes; links as LineStrings between the
// region centres (layer "link") with theirs.
nlohmann::json scenario_geojson(const Scenario& scenario);

// One replication by hour: per frame, every region's controller (layer "control", a Point at
// the region) and every unit that has arrived (layer "unit", a Point at its region, or along
// the link it is moving on by its progress). Every feature carries `hour` and `time` (ISO 8601
// UTC from the scenario's start) for QGIS's temporal controller.
nlohmann::json timeline_geojson(const Scenario& scenario, std::uint64_t seed,
                                std::uint64_t replication, const campaign::Timeline& timeline);

}  // namespace flank::report
