// The built-in scenario and its variants through the real loader: they load without a
// diagnostic, the compiled theater is connected with sensible link lengths, and each variant
// changes exactly what its description says.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "flank/core/error.hpp"
#include "flank/geo/geodesy.hpp"
#include "flank/scenario/loader.hpp"
#include "flank/scenario/scenario.hpp"

using namespace flank;

namespace {

const Scenario& base() {
  static const Scenario scenario = load_scenario("");
  return scenario;
}

RegionId region(const Scenario& s, std::string_view id) {
  const RegionId r = s.find_region(id);
  EXPECT_NE(r, kNone) << id;
  return r;
}

const Link* link_between(const Scenario& s, std::string_view a, std::string_view b) {
  const RegionId ra = s.find_region(a), rb = s.find_region(b);
  for (const auto& link : s.links)
    if ((link.a == ra && link.b == rb) || (link.a == rb && link.b == ra)) return &link;
  return nullptr;
}

double mean_personnel_of_nation(const Scenario& s, std::string_view nation) {
  double total = 0;
  for (const auto& unit : s.units)
    if (s.nations[unit.nation].id == nation) total += unit.personnel.mean();
  return total;
}

int units_of_nation(const Scenario& s, std::string_view nation) {
  int count = 0;
  for (const auto& unit : s.units) count += s.nations[unit.nation].id == nation;
  return count;
}

const Unit* unit(const Scenario& s, std::string_view id) {
  const UnitId u = s.find_unit(id);
  return u == kNone ? nullptr : &s.units[u];
}

}  // namespace

TEST(BuiltinLoaded, TheDefaultScenarioLoads) {
  const Scenario& s = base();
  EXPECT_EQ(s.id, "eastern-flank-2023");
  EXPECT_GE(s.regions.size(), 45u);
  EXPECT_GE(s.units.size(), 40u);
  EXPECT_EQ(s.objectives.size(), 4u);
}

TEST(BuiltinLoaded, EveryRegionReachesEveryOther) {
  const Scenario& s = base();
  for (RegionId a = 0; a < s.regions.size(); ++a)
    for (RegionId b = 0; b < s.regions.size(); ++b)
      ASSERT_TRUE(std::isfinite(s.distance(a, b))) << s.regions[a].id << " " << s.regions[b].id;
}

TEST(BuiltinLoaded, LinkLengthsAreRoadLikeMultiplesOfTheGeodesic) {
  const Scenario& s = base();
  for (const auto& link : s.links) {
    const Region& a = s.regions[link.a];
    const Region& b = s.regions[link.b];
    const double geodesic = geo::geodesic_km(a.lat, a.lon, b.lat, b.lon);
    EXPECT_GE(link.length_km, geodesic * 0.999) << a.id << "-" << b.id;
    EXPECT_LE(link.length_km, geodesic * 1.5) << a.id << "-" << b.id;
  }
  const Link* kaunas_vilnius = link_between(s, "kaunas", "vilnius");
  ASSERT_NE(kaunas_vilnius, nullptr);
  EXPECT_GE(kaunas_vilnius->length_km, 90);
  EXPECT_LE(kaunas_vilnius->length_km, 110);
}

TEST(BuiltinLoaded, TheGapIsWiderThanSixtyFiveKilometresBetweenRegionCentres) {
  // S100: 65 km is the shortest line between the Belarusian and Kaliningrad borders, so no
  // Belarusian region centre can be closer than that to a Kaliningrad one.
  const Scenario& s = base();
  double nearest = std::numeric_limits<double>::infinity();
  for (const auto& a : s.regions)
    for (const auto& b : s.regions)
      if (a.country == "BY" && b.country == "RU")
        nearest = std::min(nearest, geo::geodesic_km(a.lat, a.lon, b.lat, b.lon));
  EXPECT_GE(nearest, 65);
  // Over the road graph Hrodna to Gusev is longer than the straight line, but not absurdly so.
  const double straight =
      geo::geodesic_km(s.regions[region(s, "hrodna")].lat, s.regions[region(s, "hrodna")].lon,
                       s.regions[region(s, "gusev")].lat, s.regions[region(s, "gusev")].lon);
  const double by_road = s.distance(region(s, "hrodna"), region(s, "gusev"));
  EXPECT_GE(by_road, straight);
  EXPECT_LE(by_road, 1.8 * straight);
}

TEST(BuiltinLoaded, InitialControlFollowsTheCountry) {
  const Scenario& s = base();
  for (const auto& r : s.regions) {
    const bool red_country = r.country == "BY" || r.country == "RU";
    EXPECT_EQ(r.initial_control, red_country ? kRed : kBlue) << r.id;
  }
}

TEST(BuiltinLoaded, WagnerIsTriangularOverTheCounts) {
  const Unit* wagner = unit(base(), "wg-tsel");
  ASSERT_NE(wagner, nullptr);
  EXPECT_EQ(wagner->personnel.kind, Distribution::Kind::Triangular);
  EXPECT_EQ(wagner->personnel.a, 3450);  // S38
  EXPECT_EQ(wagner->personnel.b, 4500);  // S41
  EXPECT_EQ(wagner->personnel.c, 8000);  // S39
  EXPECT_GT(wagner->cev, 1.0);
}

TEST(BuiltinLoaded, MainReinforcementsWaitForTheDecision) {
  const Scenario& s = base();
  EXPECT_TRUE(s.doctrine[kBlue].needs_decision);
  EXPECT_NEAR(s.doctrine[kBlue].decision_delay_hours.a, 72, 1e-9);  // lognormal median
  int main = 0;
  for (const auto& u : s.units) {
    if (!u.main_reinforcement) continue;
    ++main;
    EXPECT_EQ(u.side, kBlue) << u.id;
    EXPECT_EQ(u.start, kNone) << u.id;
    EXPECT_TRUE(u.arrival.after_decision) << u.id;
  }
  EXPECT_GE(main, 4);
}

TEST(BuiltinVariantsLoaded, AllVariantsLoad) {
  for (const std::string id :
       {"wagner-integrated", "wagner-25k", "vilnius-decisions", "uk-today", "uk-larger-army",
        "delay-0d", "delay-7d", "delay-14d", "nato-counteroffensive"}) {
    const Scenario s = load_scenario("builtin:" + id);
    EXPECT_EQ(s.id, id);
    EXPECT_EQ(s.regions.size(), base().regions.size()) << id;
  }
}

TEST(BuiltinVariantsLoaded, WagnerIntegratedMovesItsFightersIntoBelarusBrigades) {
  const Scenario s = load_scenario("builtin:wagner-integrated");
  EXPECT_EQ(units_of_nation(s, "WG"), 0);
  // The Belarusian total grows by Wagner's mean strength (the split rounds to whole men).
  const double wagner_mean = mean_personnel_of_nation(base(), "WG");
  const double added = mean_personnel_of_nation(s, "BY") - mean_personnel_of_nation(base(), "BY");
  EXPECT_NEAR(added, wagner_mean, 0.01 * wagner_mean);
  // Every receiving brigade gains quality.
  for (const char* id :
       {"by-6-mech", "by-11-mech", "by-19-mech", "by-120-mech", "by-38-aaslt", "by-103-mobile"})
    EXPECT_GT(unit(s, id)->cev, unit(base(), id)->cev) << id;
}

TEST(BuiltinVariantsLoaded, Wagner25kIsPrigozhinsClaim) {
  const Scenario s = load_scenario("builtin:wagner-25k");
  const Unit* wagner = unit(s, "wg-tsel");
  ASSERT_NE(wagner, nullptr);
  EXPECT_EQ(wagner->personnel.b, 25000);  // S31
  EXPECT_LE(wagner->personnel.c, 25000);
}

TEST(BuiltinVariantsLoaded, VilniusDecisionsPutTheBrigadesInPlace) {
  const Scenario s = load_scenario("builtin:vilnius-decisions");
  EXPECT_EQ(unit(s, "de-bde"), nullptr);
  const Unit* german = unit(s, "de-bde-lt");
  ASSERT_NE(german, nullptr);
  EXPECT_EQ(german->start, s.find_region("jonava"));
  EXPECT_EQ(german->personnel.mean(), 4000);             // S63
  EXPECT_EQ(unit(s, "efp-lv")->personnel.mean(), 3500);  // S67
}

TEST(BuiltinVariantsLoaded, UkVariantsDifferOnlyInTheBritishContribution) {
  const Scenario today = load_scenario("builtin:uk-today");
  const Scenario larger = load_scenario("builtin:uk-larger-army");
  EXPECT_EQ(units_of_nation(larger, "UK"), units_of_nation(today, "UK") + 1);
  EXPECT_GT(mean_personnel_of_nation(larger, "UK"), mean_personnel_of_nation(today, "UK"));
  EXPECT_LT(unit(larger, "uk-bde")->arrival.delay_hours.mean(),
            unit(today, "uk-bde")->arrival.delay_hours.mean());
  EXPECT_EQ(mean_personnel_of_nation(larger, "PL"), mean_personnel_of_nation(today, "PL"));
}

// W15: the base case is the communiqué's defensive posture; the variant lifts only that.
TEST(BuiltinVariantsLoaded, OnlyTheCounteroffensiveVariantCrossesTheBorder) {
  EXPECT_FALSE(base().doctrine[kBlue].counterattack_across_border);
  EXPECT_TRUE(base().doctrine[kRed].counterattack_across_border);
  const Scenario s = load_scenario("builtin:nato-counteroffensive");
  EXPECT_TRUE(s.doctrine[kBlue].counterattack_across_border);
  EXPECT_EQ(s.units.size(), base().units.size());
  EXPECT_EQ(s.doctrine[kBlue].decision_delay_hours.mean(),
            base().doctrine[kBlue].decision_delay_hours.mean());
}

TEST(BuiltinVariantsLoaded, DelayVariantsFixTheDecisionDelay) {
  for (const auto& [id, hours] : std::vector<std::pair<std::string, double>>{
           {"delay-0d", 0}, {"delay-7d", 168}, {"delay-14d", 336}}) {
    const Scenario s = load_scenario("builtin:" + id);
    const Distribution& delay = s.doctrine[kBlue].decision_delay_hours;
    EXPECT_EQ(delay.kind, Distribution::Kind::Fixed) << id;
    EXPECT_EQ(delay.a, hours) << id;
  }
}
