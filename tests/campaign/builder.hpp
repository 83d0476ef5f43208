#pragma once
// Builds small Scenarios in C++ for engine and runner tests, independent of the YAML loader:
// fills links per region, base power and the routes (flank::compute_routes).
#include <limits>
#include <string>
#include <vector>

#include "flank/scenario/scenario.hpp"

namespace flank::testing {

class ScenarioBuilder {
 public:
  ScenarioBuilder() {
    sc_.id = "test";
    sc_.name = "test scenario";
    sc_.start_date = "2023-07-15T00:00:00Z";
    sc_.sides[kRed] = {"red", "Red"};
    sc_.sides[kBlue] = {"blue", "Blue"};
    sc_.nations = {{"BY", "Belarus", kRed}, {"LT", "Lithuania", kBlue}};
    sc_.equipment = {{"tank", 1.0}, {"ifv", 0.5}};
    UnitType mech;
    mech.id = "mech";
    mech.category = UnitCategory::Mechanised;
    mech.road_march_kmh = 30;
    mech.offroad_factor = 0.5;
    mech.advance_factor = 1;
    mech.personnel_score = 0.01;
    mech.tracked = true;
    sc_.unit_types = {mech};
    sc_.params.horizon_days = 10;
    sc_.params.surprise_hours = 0;
    sc_.doctrine[kRed].commit_ratio = 1.5;
    sc_.doctrine[kBlue].needs_decision = false;
  }

  Scenario& scenario() { return sc_; }

  RegionId region(const std::string& id, SideId side, double value = 1,
                  Terrain terrain = Terrain::Mixed) {
    Region r;
    r.id = id;
    r.name = id;
    r.country = side == kRed ? "BY" : "LT";
    r.initial_control = side;
    r.objective_value = value;
    r.terrain = terrain;
    sc_.regions.push_back(r);
    return static_cast<RegionId>(sc_.regions.size() - 1);
  }

  LinkId link(RegionId a, RegionId b, double km, double throughput = 0,
              RoadClass road = RoadClass::Motorway) {
    Link l;
    l.a = a;
    l.b = b;
    l.length_km = km;
    l.throughput = throughput;
    l.road = road;
    sc_.links.push_back(l);
    return static_cast<LinkId>(sc_.links.size() - 1);
  }

  UnitId unit(const std::string& id, SideId side, RegionId start, double personnel, double tanks,
              const std::string& axis = "") {
    Unit u;
    u.id = id;
    u.name = id;
    u.side = side;
    u.nation = side == kRed ? 0 : 1;
    u.type = 0;
    u.personnel = Distribution::fixed(personnel);
    u.equipment = {tanks, 0};
    u.start = start;
    u.axis = axis;
    sc_.units.push_back(u);
    return static_cast<UnitId>(sc_.units.size() - 1);
  }

  UnitId arrival(const std::string& id, SideId side, RegionId entry, double personnel, double tanks,
                 double hour, bool main = false) {
    const UnitId u = unit(id, side, kNone, personnel, tanks);
    sc_.units[u].arrival.entry = entry;
    sc_.units[u].arrival.earliest_hour = hour;
    sc_.units[u].main_reinforcement = main;
    return u;
  }

  void axis(SideId side, const std::string& id, std::vector<RegionId> path, double weight = 1) {
    sc_.doctrine[side].axes.push_back({id, side, std::move(path), weight});
  }

  ObjectiveId capture(const std::string& id, SideId side, std::vector<RegionId> regions) {
    Objective o;
    o.id = id;
    o.name = id;
    o.side = side;
    o.kind = Objective::Kind::Capture;
    o.regions = std::move(regions);
    sc_.objectives.push_back(o);
    return static_cast<ObjectiveId>(sc_.objectives.size() - 1);
  }

  ObjectiveId connect(const std::string& id, SideId side, std::vector<RegionId> from,
                      std::vector<RegionId> to) {
    Objective o;
    o.id = id;
    o.name = id;
    o.side = side;
    o.kind = Objective::Kind::Connect;
    o.from = std::move(from);
    o.to = std::move(to);
    sc_.objectives.push_back(o);
    return static_cast<ObjectiveId>(sc_.objectives.size() - 1);
  }

  Scenario build() const {
    Scenario sc = sc_;
    for (auto& r : sc.regions) r.links.clear();
    for (std::size_t l = 0; l < sc.links.size(); ++l) {
      sc.regions[sc.links[l].a].links.push_back(static_cast<LinkId>(l));
      sc.regions[sc.links[l].b].links.push_back(static_cast<LinkId>(l));
    }
    compute_routes(sc);
    for (auto& u : sc.units) {
      double p = u.personnel.mean() * sc.unit_types[u.type].personnel_score;
      for (std::size_t e = 0; e < u.equipment.size(); ++e)
        p += u.equipment[e] * sc.equipment[e].score;
      u.base_power = p;
    }
    return sc;
  }

 private:
  Scenario sc_;
};

// A small theatre: Red's start line (r0, r1), a Blue chain b0 → b1 → b2 (capital), and a
// Blue rear area b3 where reinforcements arrive. Red advances on two axes.
inline ScenarioBuilder small_theatre(int red_units, int blue_units, double red_tanks = 40,
                                     double blue_tanks = 30) {
  ScenarioBuilder b;
  const RegionId r0 = b.region("r0", kRed, 1), r1 = b.region("r1", kRed, 1);
  const RegionId b0 = b.region("b0", kBlue, 1, Terrain::Open);
  const RegionId b1 = b.region("b1", kBlue, 2, Terrain::Forest);
  const RegionId b2 = b.region("b2", kBlue, 5, Terrain::Urban);
  const RegionId b3 = b.region("b3", kBlue, 1);
  b.link(r0, r1, 40);
  b.link(r0, b0, 50, 6);
  b.link(r1, b1, 60, 4, RoadClass::Primary);
  b.link(b0, b1, 40, 6);
  b.link(b1, b2, 45, 6);
  b.link(b0, b3, 70, 6);
  b.link(b3, b2, 60, 6);
  b.axis(kRed, "north", {b0, b1, b2}, 2);
  b.axis(kRed, "south", {b1, b2}, 1);
  for (int i = 0; i < red_units; ++i)
    b.unit("red-" + std::to_string(i), kRed, i % 2 ? r1 : r0, 3000, red_tanks);
  for (int i = 0; i < blue_units; ++i)
    b.unit("blue-" + std::to_string(i), kBlue, i % 3 == 0 ? b0 : (i % 3 == 1 ? b1 : b2), 3000,
           blue_tanks);
  b.arrival("blue-reinf", kBlue, b3, 4000, 50, 96, true);
  b.capture("capital", kRed, {b2});
  b.connect("corridor", kRed, {r0}, {b1});
  return b;
}

}  // namespace flank::testing
