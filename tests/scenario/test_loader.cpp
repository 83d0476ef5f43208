// Loader round trip: every field of a small scenario written by hand, compiled and checked.
#include <gtest/gtest.h>

#include <cmath>

#include "flank/forces/power.hpp"
#include "flank/scenario/loader.hpp"
#include "small_scenario.hpp"

namespace flank {
namespace {

using test::kSmallScenario;

// Meridian arc of 0.5° at 54.25° N on WGS84: M·Δφ with M = a(1−e²)/(1−e² sin²φ)^{3/2}.
double meridian_half_degree_km() {
  const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f);
  const double phi = 54.25 * M_PI / 180, s = std::sin(phi);
  const double m = a * (1 - e2) / std::pow(1 - e2 * s * s, 1.5);
  return m * (0.5 * M_PI / 180) / 1000;
}

class SmallScenario : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario = new Scenario(load_scenario_text(kSmallScenario, "small.yaml"));
  }
  static void TearDownTestSuite() { delete scenario; }
  static Scenario* scenario;
  const Scenario& s = *scenario;
};
Scenario* SmallScenario::scenario = nullptr;

TEST_F(SmallScenario, TopLevel) {
  EXPECT_EQ(s.id, "small");
  EXPECT_EQ(s.name, "Small test scenario");
  EXPECT_EQ(s.description, "Four regions, three units");
  EXPECT_EQ(s.start_date, "2023-07-15T00:00:00Z");
  EXPECT_EQ(s.source_file, "small.yaml");
  EXPECT_EQ(s.sides[kRed].id, "red");
  EXPECT_EQ(s.sides[kRed].name, "Red side");
  EXPECT_EQ(s.sides[kBlue].name, "Blue side");
  ASSERT_EQ(s.nations.size(), 2u);
  EXPECT_EQ(s.nations[1].id, "BA");
  EXPECT_EQ(s.nations[1].name, "Blueland");
  EXPECT_EQ(s.nations[1].side, kBlue);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].url, "https://example.org/1");
  EXPECT_EQ(s.sources[1].text, "Test source two");
}

TEST_F(SmallScenario, Regions) {
  ASSERT_EQ(s.regions.size(), 4u);
  const Region& c = s.regions[s.find_region("charlie")];
  EXPECT_EQ(c.name, "Charlie");
  EXPECT_EQ(c.country, "BA");
  EXPECT_DOUBLE_EQ(c.lat, 54.5);
  EXPECT_DOUBLE_EQ(c.lon, 23.5);
  EXPECT_EQ(c.terrain, Terrain::Urban);
  EXPECT_TRUE(c.urban);
  EXPECT_DOUBLE_EQ(c.objective_value, 5);
  EXPECT_EQ(c.initial_control, kBlue);  // from its country's nation
  EXPECT_EQ(s.regions[s.find_region("alpha")].initial_control, kRed);
  EXPECT_EQ(s.regions[s.find_region("delta")].initial_control, kRed);  // control: overrides
  EXPECT_EQ(s.regions[s.find_region("bravo")].objective_value, 0);
  EXPECT_FALSE(s.regions[s.find_region("bravo")].urban);
  // Incident links: charlie touches bravo–charlie, charlie–delta and alpha–charlie.
  EXPECT_EQ(c.links, (std::vector<LinkId>{1, 2, 3}));
  EXPECT_EQ(s.regions[s.find_region("delta")].links, (std::vector<LinkId>{2}));
}

TEST_F(SmallScenario, Links) {
  ASSERT_EQ(s.links.size(), 4u);
  const Link& ab = s.links[0];
  EXPECT_EQ(ab.a, s.find_region("alpha"));
  EXPECT_EQ(ab.b, s.find_region("bravo"));
  EXPECT_DOUBLE_EQ(ab.length_km, 40);
  EXPECT_EQ(ab.road, RoadClass::Motorway);
  EXPECT_TRUE(ab.rail);
  EXPECT_DOUBLE_EQ(ab.throughput, 6);
  EXPECT_EQ(ab.river, "");
  const Link& bc = s.links[1];
  EXPECT_EQ(bc.river, "Neman");
  EXPECT_FALSE(bc.rail);
  EXPECT_EQ(bc.road, RoadClass::Primary);
  // No length given: geodesic × sinuosity (1.0 here), a meridian arc.
  EXPECT_NEAR(bc.length_km, meridian_half_degree_km(), 0.01);
  EXPECT_EQ(s.links[3].road, RoadClass::Track);
}

TEST_F(SmallScenario, DefaultSinuosityScalesGeodesic) {
  const std::string text = test::replaced(kSmallScenario, "sinuosity: 1.0, ", "");
  const Scenario t = load_scenario_text(text, "small.yaml");
  EXPECT_NEAR(t.links[1].length_km, 1.25 * meridian_half_degree_km(), 0.02);
}

TEST_F(SmallScenario, ShortestPaths) {
  const RegionId a = s.find_region("alpha"), b = s.find_region("bravo"),
                 c = s.find_region("charlie"), d = s.find_region("delta");
  const double bc = meridian_half_degree_km();
  // By hand: alpha→charlie via bravo (40 + 55.65) beats the 100 km track.
  EXPECT_NEAR(s.distance(a, c), 40 + bc, 1e-3);
  EXPECT_EQ(s.hop(a, c), b);
  EXPECT_NEAR(s.distance(a, d), 40 + bc + 30, 1e-3);
  EXPECT_EQ(s.hop(a, d), b);
  EXPECT_EQ(s.hop(d, a), c);
  EXPECT_EQ(s.hop(c, a), b);
  EXPECT_NEAR(s.distance(d, b), 30 + bc, 1e-3);
  EXPECT_EQ(s.distance(b, b), 0);
  EXPECT_EQ(s.hop(b, b), b);
  for (RegionId i = 0; i < 4; ++i)
    for (RegionId j = 0; j < 4; ++j) EXPECT_FLOAT_EQ(s.distance(i, j), s.distance(j, i));
}

TEST_F(SmallScenario, EquipmentAndTypes) {
  ASSERT_EQ(s.equipment.size(), 2u);
  EXPECT_EQ(s.equipment[1].id, "ifv");
  EXPECT_DOUBLE_EQ(s.equipment[1].score, 0.5);
  ASSERT_EQ(s.unit_types.size(), 2u);
  const UnitType& m = s.unit_types[0];
  EXPECT_EQ(m.category, UnitCategory::Mechanised);
  EXPECT_DOUBLE_EQ(m.road_march_kmh, 30);
  EXPECT_DOUBLE_EQ(m.offroad_factor, 0.4);
  EXPECT_DOUBLE_EQ(m.advance_factor, 1.1);
  EXPECT_DOUBLE_EQ(m.personnel_score, 0.01);
  EXPECT_TRUE(m.tracked);
  EXPECT_EQ(s.unit_types[1].category, UnitCategory::LightInfantry);
  EXPECT_DOUBLE_EQ(s.unit_types[1].advance_factor, 1.0);  // default
  EXPECT_FALSE(s.unit_types[1].tracked);
}

TEST_F(SmallScenario, Units) {
  ASSERT_EQ(s.units.size(), 3u);
  const Unit& r = s.units[s.find_unit("red-1")];
  EXPECT_EQ(r.name, "Red 1st");
  EXPECT_EQ(r.side, kRed);
  EXPECT_EQ(r.nation, 0);
  EXPECT_EQ(r.type, 0);
  EXPECT_EQ(r.personnel.kind, Distribution::Kind::Triangular);
  EXPECT_DOUBLE_EQ(r.personnel.a, 3000);
  EXPECT_DOUBLE_EQ(r.personnel.b, 4000);
  EXPECT_DOUBLE_EQ(r.personnel.c, 5000);
  EXPECT_EQ(r.equipment, (std::vector<double>{90, 120}));
  EXPECT_DOUBLE_EQ(r.cev, 1.2);
  EXPECT_DOUBLE_EQ(r.readiness_hours, 12);
  EXPECT_DOUBLE_EQ(r.supply, 0.9);
  EXPECT_DOUBLE_EQ(r.morale, 0.8);
  EXPECT_EQ(r.start, s.find_region("alpha"));
  EXPECT_EQ(r.axis, "north");
  EXPECT_FALSE(r.main_reinforcement);
  // 90 tanks × 1 + 120 IFV × 0.5 + 4000 (mean of triangular 3000/4000/5000) × 0.01.
  EXPECT_DOUBLE_EQ(r.base_power, 190);

  const Unit& b1 = s.units[s.find_unit("blue-1")];
  EXPECT_EQ(b1.name, "blue-1");  // defaults to the id
  EXPECT_EQ(b1.side, kBlue);     // from its nation
  EXPECT_EQ(b1.personnel.kind, Distribution::Kind::Fixed);
  EXPECT_EQ(b1.equipment, (std::vector<double>{0, 0}));
  EXPECT_DOUBLE_EQ(b1.cev, 1);
  EXPECT_DOUBLE_EQ(b1.supply, 1);
  EXPECT_DOUBLE_EQ(b1.base_power, 40);

  const Unit& b2 = s.units[s.find_unit("blue-2")];
  EXPECT_EQ(b2.start, kNone);
  EXPECT_EQ(b2.arrival.entry, s.find_region("delta"));
  EXPECT_DOUBLE_EQ(b2.arrival.earliest_hour, 48);
  EXPECT_TRUE(b2.arrival.after_decision);
  EXPECT_EQ(b2.arrival.delay_hours.kind, Distribution::Kind::Uniform);
  EXPECT_DOUBLE_EQ(b2.arrival.delay_hours.a, 24);
  EXPECT_DOUBLE_EQ(b2.arrival.delay_hours.b, 72);
  EXPECT_TRUE(b2.main_reinforcement);
  EXPECT_DOUBLE_EQ(b2.cost, 150);
  EXPECT_EQ(b2.personnel.kind, Distribution::Kind::Normal);
  EXPECT_DOUBLE_EQ(b2.personnel.lo, 0);  // personnel is clamped at zero
  EXPECT_DOUBLE_EQ(b2.base_power, 60 + 4000 * 0.01);
}

TEST_F(SmallScenario, UnitPowerScalesEquipmentWithPersonnel) {
  const Unit& r = s.units[s.find_unit("red-1")];
  // At 3000 of a mean 4000 soldiers: 3/4 of the equipment power plus 3000 × 0.01.
  EXPECT_DOUBLE_EQ(unit_power(s, r, 3000), 150 * 0.75 + 30);
  EXPECT_DOUBLE_EQ(unit_power(s, r, 4000), r.base_power);
  EXPECT_DOUBLE_EQ(unit_power(s, r, 0), 0);
}

TEST_F(SmallScenario, ObjectivesDoctrineEscalation) {
  ASSERT_EQ(s.objectives.size(), 2u);
  EXPECT_EQ(s.objectives[0].kind, Objective::Kind::Capture);
  EXPECT_EQ(s.objectives[0].regions, (std::vector<RegionId>{s.find_region("charlie")}));
  EXPECT_DOUBLE_EQ(s.objectives[0].value, 5);
  EXPECT_EQ(s.objectives[1].kind, Objective::Kind::Connect);
  EXPECT_EQ(s.objectives[1].name, "corridor");
  EXPECT_EQ(s.objectives[1].from, (std::vector<RegionId>{s.find_region("alpha")}));
  EXPECT_EQ(s.objectives[1].to, (std::vector<RegionId>{s.find_region("delta")}));

  const SideDoctrine& red = s.doctrine[kRed];
  ASSERT_EQ(red.axes.size(), 2u);
  EXPECT_EQ(red.axes[0].id, "north");
  EXPECT_EQ(red.axes[0].path,
            (std::vector<RegionId>{s.find_region("alpha"), s.find_region("charlie")}));
  EXPECT_DOUBLE_EQ(red.axes[0].weight, 2);
  EXPECT_DOUBLE_EQ(red.axes[1].weight, 1);
  EXPECT_DOUBLE_EQ(red.commit_ratio, 1.8);
  EXPECT_DOUBLE_EQ(red.halt_loss_fraction, 0.45);
  EXPECT_DOUBLE_EQ(red.break_loss_fraction, 0.35);
  EXPECT_DOUBLE_EQ(red.counterattack_ratio, 2.5);
  EXPECT_EQ(red.defence_posture, Posture::Prepared);
  EXPECT_FALSE(red.needs_decision);
  const SideDoctrine& blue = s.doctrine[kBlue];
  EXPECT_TRUE(blue.needs_decision);
  EXPECT_EQ(blue.defence_posture, Posture::Fortified);
  EXPECT_EQ(blue.decision_delay_hours.kind, Distribution::Kind::Lognormal);
  EXPECT_DOUBLE_EQ(blue.decision_delay_hours.a, 72);
  EXPECT_DOUBLE_EQ(blue.decision_delay_hours.b, 0.5);
  EXPECT_DOUBLE_EQ(blue.decision_delay_hours.hi, 336);

  ASSERT_EQ(s.escalation.size(), 4u);
  EXPECT_EQ(s.escalation[0].kind, EscalationRule::Kind::EntersCountry);
  EXPECT_EQ(s.escalation[0].countries, (std::vector<std::string>{"RA"}));
  EXPECT_DOUBLE_EQ(s.escalation[0].probability, 0.5);
  EXPECT_EQ(s.escalation[1].kind, EscalationRule::Kind::Isolated);
  EXPECT_EQ(s.escalation[1].side, kRed);
  EXPECT_EQ(s.escalation[1].from, (std::vector<RegionId>{s.find_region("alpha")}));
  EXPECT_DOUBLE_EQ(s.escalation[2].threshold, 0.3);
  EXPECT_EQ(s.escalation[3].objective, 1);
  EXPECT_EQ(s.escalation[3].side, kRed);  // the objective's side
}

TEST_F(SmallScenario, Parameters) {
  const Parameters& p = s.params;
  EXPECT_DOUBLE_EQ(p.step_hours, 2);
  EXPECT_DOUBLE_EQ(p.horizon_days, 20);
  EXPECT_EQ(s.steps(), 240);
  EXPECT_EQ(p.combat_model, "dupuy");
  EXPECT_DOUBLE_EQ(p.noise_sigma, 0.3);
  EXPECT_DOUBLE_EQ(p.posture_factor[static_cast<int>(Posture::Fortified)], 1.7);
  EXPECT_DOUBLE_EQ(p.posture_factor[static_cast<int>(Posture::Withdrawal)], 1.1);
  EXPECT_DOUBLE_EQ(p.terrain_defence[static_cast<int>(Terrain::Forest)], 1.4);
  EXPECT_DOUBLE_EQ(p.terrain_advance[static_cast<int>(Terrain::Forest)], 0.6);
  EXPECT_DOUBLE_EQ(p.terrain_movement[static_cast<int>(Terrain::Forest)], 0.7);
  EXPECT_DOUBLE_EQ(p.terrain_defence[static_cast<int>(Terrain::Open)], 1.0);  // default kept
  EXPECT_DOUBLE_EQ(p.road_speed[static_cast<int>(RoadClass::Primary)], 0.8);
  EXPECT_DOUBLE_EQ(p.road_speed[static_cast<int>(RoadClass::Minor)], 0.5);  // default kept
  EXPECT_DOUBLE_EQ(p.river_crossing_factor, 1.6);
  EXPECT_DOUBLE_EQ(p.surprise_factor, 1.3);
  EXPECT_DOUBLE_EQ(p.surprise_hours, 24);
  EXPECT_DOUBLE_EQ(p.out_of_supply_factor, 0.4);
  EXPECT_DOUBLE_EQ(p.supply_recovery_per_day, 0.6);
  EXPECT_DOUBLE_EQ(p.supply_loss_per_day, 0.2);
  EXPECT_DOUBLE_EQ(p.air[kRed].sorties_per_day, 60);
  EXPECT_DOUBLE_EQ(p.air[kRed].cas_share, 0.6);
  EXPECT_DOUBLE_EQ(p.air[kRed].power_per_sortie, 0.02);
  EXPECT_DOUBLE_EQ(p.air_defence_factor[kRed], 0.7);
  EXPECT_DOUBLE_EQ(p.air_defence_factor[kBlue], 1.0);
  EXPECT_DOUBLE_EQ(p.air[kBlue].sorties_per_day, 200);
  EXPECT_EQ(p.cost_units, "M EUR/yr");
}

TEST(ScenarioHash, EqualInputsEqualHashes) {
  const Scenario a = load_scenario_text(test::kSmallScenario, "a.yaml");
  const Scenario b = load_scenario_text(test::kSmallScenario, "elsewhere/b.yaml");
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_NE(a.hash, 0u);
  // Key order inside a map does not change the document.
  const std::string reordered =
      test::replaced(test::kSmallScenario, "{id: tank, score: 1.0, source: \"S1\"}",
                     "{source: \"S1\", score: 1.0, id: tank}");
  EXPECT_EQ(load_scenario_text(reordered, "a.yaml").hash, a.hash);
  // A changed number does.
  const std::string changed = test::replaced(test::kSmallScenario, "cev: 1.2", "cev: 1.3");
  const Scenario c = load_scenario_text(changed, "a.yaml");
  EXPECT_NE(c.hash, a.hash);
  // The same change made by --set gives the same resolved document, hence the same hash.
  const Scenario d = load_scenario_text(test::kSmallScenario, "a.yaml", {{"units[red-1].cev=1.3"}});
  EXPECT_EQ(d.hash, c.hash);
}

}  // namespace
}  // namespace flank
