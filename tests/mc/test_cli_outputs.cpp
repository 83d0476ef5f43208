// `flank run --outcomes`, the run CSV's numeric columns and the GeoJSON exports, end to end
// through the binary: what an analyst's pandas or QGIS would read.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

int sh(const std::string& args) {
  const std::string cmd = std::string("cd '") + FLANK_SOURCE_DIR + "' && '" + FLANK_BINARY + "' " +
                          args + " >/dev/null 2>&1";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::stringstream l(line);
    for (std::string f; std::getline(l, f, ',');) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    rows.push_back(fields);
  }
  return rows;
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  std::size_t used = 0;
  try {
    std::stod(s, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == s.size();
}

void expect_position(const nlohmann::json& c) {
  ASSERT_TRUE(c.is_array());
  ASSERT_EQ(c.size(), 2u);  // [lon, lat], RFC 7946 §3.1.1
  const double lon = c[0], lat = c[1];
  EXPECT_GE(lon, -180.0);
  EXPECT_LE(lon, 180.0);
  EXPECT_GE(lat, -90.0);
  EXPECT_LE(lat, 90.0);
  // The theatre: Europe east of 10°E, north of 45°N. Swapped coordinates would fail here.
  EXPECT_GT(lon, 10.0);
  EXPECT_LT(lon, 45.0);
  EXPECT_GT(lat, 45.0);
  EXPECT_LT(lat, 65.0);
}

}  // namespace

TEST(CliOutputs, OutcomesCsvHasARowPerReplicationAgreeingWithTheSummary) {
  const std::string dir = ::testing::TempDir();
  ASSERT_EQ(sh("run -n 40 --seed 3 --quiet --outcomes " + dir + "o.csv --json " + dir + "o.json"),
            0);
  const auto rows = csv_rows(read(dir + "o.csv"));
  ASSERT_EQ(rows.size(), 41u);
  const auto& header = rows[0];
  EXPECT_EQ(header[0], "replication");
  const auto summary = nlohmann::json::parse(read(dir + "o.json"));
  for (const auto& objective : summary["objectives"]) {
    const std::string id = objective["id"];
    const auto it = std::find(header.begin(), header.end(), "hour:" + id);
    ASSERT_NE(it, header.end()) << id;
    const auto col = static_cast<std::size_t>(it - header.begin());
    int achieved = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      ASSERT_EQ(rows[r].size(), header.size());
      EXPECT_EQ(rows[r][0], std::to_string(r - 1));
      if (!rows[r][col].empty()) {
        EXPECT_TRUE(is_number(rows[r][col]));
        ++achieved;
      }
    }
    EXPECT_EQ(achieved, objective["achieved"].get<int>()) << id;
  }
  // Every other field is a number (no text among typed columns).
  for (std::size_t r = 1; r < rows.size(); ++r)
    for (const auto& f : rows[r]) EXPECT_TRUE(f.empty() || is_number(f)) << f;
}

TEST(CliOutputs, RunCsvValueColumnsAreNumbersAndTextHasItsOwn) {
  const std::string path = ::testing::TempDir() + "s.csv";
  ASSERT_EQ(sh("run -n 16 --quiet --csv " + path), 0);
  const auto rows = csv_rows(read(path));
  ASSERT_GT(rows.size(), 10u);
  ASSERT_EQ(rows[0],
            (std::vector<std::string>{"metric", "item", "index", "value", "lo", "hi", "text"}));
  bool hash = false;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), 7u) << r;
    for (int c = 3; c < 6; ++c)
      EXPECT_TRUE(rows[r][c].empty() || is_number(rows[r][c])) << rows[r][0] << " " << rows[r][c];
    if (rows[r][0] == "scenario" && rows[r][2] == "hash") {
      EXPECT_EQ(rows[r][6].size(), 16u);
      hash = true;
    }
  }
  EXPECT_TRUE(hash);
}

TEST(CliOutputs, ScenarioGeoJsonHasRegionPointsAndLinkLines) {
  const std::string path = ::testing::TempDir() + "map.geojson";
  ASSERT_EQ(sh("scenario export --geojson " + path), 0);
  const auto g = nlohmann::json::parse(read(path));
  EXPECT_EQ(g["type"], "FeatureCollection");
  std::set<std::string> region_ids;
  int points = 0, lines = 0;
  for (const auto& f : g["features"]) {
    ASSERT_EQ(f["type"], "Feature");
    const auto& geom = f["geometry"];
    const auto& p = f["properties"];
    ASSERT_TRUE(p.is_object());
    if (geom["type"] == "Point") {
      ++points;
      EXPECT_EQ(p["layer"], "region");
      expect_position(geom["coordinates"]);
      for (const char* key : {"id", "name", "country", "terrain", "urban", "value"})
        EXPECT_TRUE(p.contains(key)) << key;
      region_ids.insert(p["id"].get<std::string>());
    } else {
      ASSERT_EQ(geom["type"], "LineString");
      ++lines;
      EXPECT_EQ(p["layer"], "link");
      ASSERT_EQ(geom["coordinates"].size(), 2u);
      for (const auto& c : geom["coordinates"]) expect_position(c);
      for (const char* key : {"a", "b", "road", "rail", "river", "length_km", "throughput"})
        EXPECT_TRUE(p.contains(key)) << key;
    }
  }
  EXPECT_GT(points, 20);
  EXPECT_GT(lines, points);  // a connected graph of regions
  EXPECT_EQ(region_ids.size(), static_cast<std::size_t>(points));
  for (const auto& f : g["features"])
    if (f["geometry"]["type"] == "LineString") {
      EXPECT_TRUE(region_ids.count(f["properties"]["a"].get<std::string>()));
      EXPECT_TRUE(region_ids.count(f["properties"]["b"].get<std::string>()));
    }
}

TEST(CliOutputs, TimelineGeoJsonHasControlAndUnitsByHour) {
  const std::string dir = ::testing::TempDir();
  ASSERT_EQ(sh("run -n 2 --quiet --timeline 1 " + dir + "t.json --geojson " + dir + "t.geojson"),
            0);
  const auto t = nlohmann::json::parse(read(dir + "t.json"));
  const auto g = nlohmann::json::parse(read(dir + "t.geojson"));
  EXPECT_EQ(g["type"], "FeatureCollection");
  const std::size_t frames = t["frames"].size(), regions = t["regions"].size();
  std::size_t control = 0, units = 0;
  std::set<double> hours;
  for (const auto& f : g["features"]) {
    ASSERT_EQ(f["geometry"]["type"], "Point");
    expect_position(f["geometry"]["coordinates"]);
    const auto& p = f["properties"];
    ASSERT_TRUE(p["hour"].is_number());
    ASSERT_TRUE(p["time"].is_string());
    EXPECT_EQ(p["time"].get<std::string>().size(), 20u);  // 2023-07-15T01:00:00Z
    hours.insert(p["hour"].get<double>());
    if (p["layer"] == "control") {
      ++control;
      EXPECT_TRUE(p["control"] == "red" || p["control"] == "blue");
    } else {
      ASSERT_EQ(p["layer"], "unit");
      ++units;
      for (const char* key : {"unit", "side", "region", "strength", "status"})
        EXPECT_TRUE(p.contains(key)) << key;
    }
  }
  EXPECT_EQ(control, frames * regions);
  EXPECT_GT(units, 0u);
  EXPECT_LE(units, frames * t["units"].size());
  EXPECT_EQ(hours.size(), frames);
  // --geojson alone (no --timeline) is refused as bad input.
  EXPECT_EQ(sh("run -n 2 --quiet --geojson " + dir + "x.geojson"), 2);
  // --timeline REP with only --geojson writes the GeoJSON.
  EXPECT_EQ(sh("run -n 2 --quiet --timeline 0 --geojson " + dir + "y.geojson"), 0);
  EXPECT_EQ(nlohmann::json::parse(read(dir + "y.geojson"))["type"], "FeatureCollection");
}
