// The operational layer inside the engine (docs/model.md "Operational resolution"): overrun,
// a fortified line, exploitation capped by the road, blown bridges, isolation and surrender,
// a besieged city and monotonicity in Blue's strength. Convergence in the step length is in
// tests/convergence (labelled slow).
#include <gtest/gtest.h>

#include <cmath>

#include "builder.hpp"
#include "flank/campaign/engine.hpp"

namespace flank {
namespace {

using campaign::Engine;
using testing::ScenarioBuilder;

// Red's start line `east`, Blue's `mid` (defended or not) and `west` behind it.
struct Line {
  ScenarioBuilder b;
  RegionId east, mid, west;
  LinkId front, rear;
  explicit Line(double km = 40, RoadClass road = RoadClass::Motorway) {
    east = b.region("east", kRed);
    mid = b.region("mid", kBlue);
    west = b.region("west", kBlue);
    front = b.link(east, mid, km, 0, road);
    rear = b.link(mid, west, km, 0, road);
    b.axis(kRed, "west", {mid, west});
    b.capture("mid", kRed, {mid});
    b.capture("west", kRed, {west});
    Scenario& sc = b.scenario();
    sc.params.noise_sigma = 0;
    sc.doctrine[kRed].commit_ratio = 1.0;
    sc.doctrine[kBlue].counterattack_across_border = false;
  }
};

double hour_of(const Scenario& sc, int objective, std::uint64_t replication = 0) {
  Engine engine(sc);
  return engine.run(1, replication).objective_hour[objective];
}

TEST(Manoeuvre, OverrunAboveItsThresholdAndNotBelowIt) {
  // A 500-man screen: a strong attack (ratio far above overrun_ratio) overruns it within
  // hours and captures part of it; a weaker one (above commit, below overrun) assaults it.
  Line strong, weak;
  strong.b.unit("blue", kBlue, strong.mid, 500, 0);
  strong.b.unit("red", kRed, strong.east, 10000, 300, "west");
  weak.b.unit("blue", kBlue, weak.mid, 500, 0);
  weak.b.unit("red", kRed, weak.east, 400, 2, "mid");
  // Stops at mid (its only axis, so nothing to reallocate to): only that first fight counts.
  weak.b.scenario().doctrine[kRed].axes.clear();
  weak.b.axis(kRed, "mid", {weak.mid});
  const Scenario s1 = strong.b.build(), s2 = weak.b.build();
  Engine e1(s1), e2(s2);
  const Outcome o1 = e1.run(1, 0), o2 = e2.run(1, 0);
  ASSERT_GE(o1.objective_hour[0], 0);
  EXPECT_LE(o1.objective_hour[0], 16);  // 40 km at ~80 km/day: about 12 h
  EXPECT_EQ(o1.operations.engagements[static_cast<int>(EngagementKind::Overrun)], 1);
  EXPECT_GT(o1.operations.personnel_captured[kBlue], 0);
  EXPECT_EQ(o2.operations.engagements[static_cast<int>(EngagementKind::Overrun)], 0);
  // The weak assault takes mid too, but only the pursuit's share is captured, not the overrun's.
  EXPECT_LT(o2.operations.personnel_captured[kBlue],
            o1.operations.personnel_captured[kBlue] * s2.params.ops.displaced_capture_fraction /
                s1.params.ops.overrun_capture_fraction * 1.5);
}

// docs/model.md "Displacement": a defender an assault pushes out loses the pursuit's share as
// prisoners, is disorganised where it stops (half power, not part of the position), and the
// attacker therefore takes the next region sooner than against a defender that re-forms at once.
TEST(Manoeuvre, ADisplacedDefenderIsCapturedInPartAndDisorganisedWhereItStops) {
  Line on, off;
  UnitId defender = kNone;
  for (Line* l : {&on, &off}) {
    defender = l->b.unit("blue", kBlue, l->mid, 3000, 30);
    l->b.unit("red", kRed, l->east, 6000, 80, "west");
  }
  OperationalParams& o = off.b.scenario().params.ops;
  o.displaced_capture_fraction = 0;
  o.reform_hours = 0;
  o.disorganised_power_factor = 1;
  const Scenario sc = on.b.build(), sc_off = off.b.build();
  const OperationalParams& ops = sc.params.ops;
  ASSERT_GT(ops.displaced_capture_fraction, 0);
  ASSERT_GT(ops.reform_hours, 0);
  ASSERT_LT(ops.disorganised_power_factor, 1);

  Engine engine(sc);
  engine.reset(1, 0);
  double before = 0;  // the defender's strength just before mid falls
  while (engine.state().regions[on.mid].control == kBlue && engine.step())
    if (engine.state().regions[on.mid].control == kBlue)
      before = engine.state().units[defender].strength;
  ASSERT_EQ(engine.state().regions[on.mid].control, kRed);
  const double after = engine.state().units[defender].strength;
  EXPECT_GT(before, 0.5);  // an assault, not a rout: it was not broken
  EXPECT_NEAR(after, before * (1 - ops.displaced_capture_fraction), 0.02);
  // It falls back to west and is disorganised there for reform_hours.
  while (engine.state().units[defender].status == campaign::UnitStatus::Withdrawing &&
         engine.step()) {
  }
  const campaign::UnitState& u = engine.state().units[defender];
  ASSERT_EQ(u.region, on.west);
  EXPECT_GT(u.reform_until, engine.state().hour);
  EXPECT_LE(u.reform_until, engine.state().hour + ops.reform_hours + 1);
  // The builder's units have CEV and morale 1: power is power0 × strength × supply term × 0.5.
  const double oos = sc.params.out_of_supply_factor;
  EXPECT_NEAR(engine.effective_power(defender),
              u.power0 * u.strength * (oos + (1 - oos) * u.supply) * ops.disorganised_power_factor,
              1e-9 * u.power0);

  const Outcome with = Engine(sc).run(1, 0), without = Engine(sc_off).run(1, 0);
  ASSERT_GE(with.objective_hour[1], 0);
  // Off, only an overrun at west can capture anyone; on, the pursuit out of mid adds its share.
  EXPECT_GT(with.operations.personnel_captured[kBlue],
            without.operations.personnel_captured[kBlue]);
  if (without.objective_hour[1] >= 0) {
    EXPECT_LT(with.objective_hour[1], without.objective_hour[1]);
  }
  EXPECT_DOUBLE_EQ(with.objective_hour[0], without.objective_hour[0]);  // mid: the same fight
}

TEST(Manoeuvre, AFortifiedRegionHoldsAgainstThreeToOneForDays) {
  Line line;
  Scenario& sc = line.b.scenario();
  line.b.unit("blue", kBlue, line.mid, 6000, 40);
  line.b.unit("red", kRed, line.east, 18000, 120, "west");
  sc.regions[line.mid].fortification = Fortification::Fortified;
  sc.regions[line.mid].frontage_km = 10;  // 600 men/km: dense enough to use the works
  const Scenario fortified = line.b.build();
  sc.regions[line.mid].fortification = Fortification::None;
  sc.regions[line.mid].frontage_km = 40;  // 150 men/km, no works
  const Scenario thin = line.b.build();
  const double held = hour_of(fortified, 0), screen = hour_of(thin, 0);
  EXPECT_TRUE(held < 0 || held > 5 * 24) << held;
  ASSERT_GE(screen, 0);
  EXPECT_LT(screen, 2 * 24);
}

TEST(Manoeuvre, ExploitationIsCappedByRoadClass) {
  // Empty Blue land: the pace is exploitation_kmday on a motorway, the column's speed for
  // exploitation_march_hours on a track (30 km/h × 0.3 × 10 h = 90 km/day).
  Line motorway(60), track(60, RoadClass::Track);
  for (Line* l : {&motorway, &track}) {
    l->b.unit("red", kRed, l->east, 3000, 40, "west");
    l->b.scenario().params.ops.exploitation_kmday = 200;
    l->b.scenario().params.ops.exploitation_fatigue_per_day = 0;
  }
  const double fast = hour_of(motorway.b.build(), 1), slow = hour_of(track.b.build(), 1);
  // 120 km to the centre of `west`: 14.4 h at 200 km/day, 32 h at 90 km/day (+ a step each leg).
  EXPECT_NEAR(fast, 14.4, 3);
  EXPECT_NEAR(slow, 32, 3);
}

TEST(Manoeuvre, ABlownBridgeDelaysTheCrossing) {
  Line intact, blown;
  for (Line* l : {&intact, &blown}) {
    l->b.unit("red", kRed, l->east, 3000, 40, "west");
    l->b.scenario().links[l->front].river = "Neman";
  }
  intact.b.scenario().params.ops.bridge_intact_probability = 1;
  blown.b.scenario().params.ops.bridge_intact_probability = 0;
  const double a = hour_of(intact.b.build(), 0), b = hour_of(blown.b.build(), 0);
  ASSERT_GE(a, 0);
  EXPECT_NEAR(b - a, blown.b.scenario().params.ops.crossing_delay_hours, 1.5);
}

// Blue's `pocket` cut off behind Red's `gap` from its only supply source `home`.
struct Pocket {
  ScenarioBuilder b;
  RegionId home, gap, pocket;
  Pocket() {
    home = b.region("home", kBlue);
    gap = b.region("gap", kRed);
    pocket = b.region("pocket", kBlue);
    b.link(home, gap, 40);
    b.link(gap, pocket, 40);
    Scenario& sc = b.scenario();
    sc.params.noise_sigma = 0;
    sc.params.ops.endurance_sigma = 0;
    sc.doctrine[kBlue].supply_sources = {home};
    sc.doctrine[kBlue].counterattack_across_border = false;
    sc.doctrine[kRed].counterattack_across_border = false;
    b.unit("red", kRed, gap, 1000, 0);
  }
};

TEST(Manoeuvre, AnIsolatedUnitSurrendersInPartAfterItsEnduranceAndBreaksOut) {
  Pocket p;
  const UnitId cut = p.b.unit("cut-off", kBlue, p.pocket, 2000, 10);
  const Scenario sc = p.b.build();
  Engine engine(sc);
  engine.reset(1, 0);
  const double endurance = 24 * sc.params.ops.endurance_median_days;
  while (engine.state().hour < endurance - 1) {
    engine.step();
    ASSERT_FALSE(engine.state().units[cut].broken) << engine.state().hour;
    ASSERT_TRUE(engine.state().units[cut].cut_off);
  }
  for (int i = 0; i < 3; ++i) engine.step();
  EXPECT_TRUE(engine.state().units[cut].broken);
  while (engine.step()) {
  }
  Outcome o;
  engine.finish(o);
  EXPECT_DOUBLE_EQ(o.operations.personnel_isolated[kBlue], 2000);
  EXPECT_NEAR(o.operations.personnel_captured[kBlue],
              2000 * sc.params.ops.isolated_surrender_fraction, 1e-6);
  EXPECT_EQ(o.operations.pockets[kBlue], 1);
  EXPECT_EQ(o.operations.pockets[kRed], 0);
}

TEST(Manoeuvre, ABesiegedCityKeepsItsDefendersAndIsReducedAsASiege) {
  Pocket p;
  Scenario& sc = p.b.scenario();
  sc.regions[p.pocket].urban = true;
  sc.regions[p.pocket].terrain = Terrain::Urban;
  sc.params.ops.endurance_median_days = 1000;  // no surrender within the horizon
  p.b.unit("garrison", kBlue, p.pocket, 4000, 20);
  p.b.unit("besieger", kRed, p.gap, 9000, 80, "city");
  p.b.axis(kRed, "city", {p.pocket});
  p.b.capture("city", kRed, {p.pocket});
  const Scenario city = p.b.build();
  Engine engine(city);
  const Outcome o = engine.run(1, 0);
  // Its defenders are cut off all along; if it falls, it falls to a siege.
  EXPECT_EQ(o.operations.pockets[kBlue], 1);
  EXPECT_EQ(o.operations.engagements[static_cast<int>(EngagementKind::Assault)], 0);
  EXPECT_EQ(o.operations.engagements[static_cast<int>(EngagementKind::Overrun)], 0);
  if (o.objective_hour[0] >= 0) {
    EXPECT_EQ(o.operations.engagements[static_cast<int>(EngagementKind::Siege)], 1);
  }
}

// Red's axis runs east → city → west; a road round the city runs east → detour → west.
struct Bypass {
  ScenarioBuilder b;
  RegionId east, city, detour, west;
  UnitId garrison;
  Bypass() {
    east = b.region("east", kRed);
    city = b.region("city", kBlue, 1, Terrain::Urban);
    detour = b.region("detour", kBlue, 0);
    west = b.region("west", kBlue);
    const RegionId rear = b.region("rear", kBlue, 0);
    b.link(west, rear, 50);
    b.link(east, city, 30);
    b.link(city, west, 30);
    b.link(east, detour, 40, 0, RoadClass::Primary);
    b.link(detour, west, 40, 0, RoadClass::Primary);
    b.axis(kRed, "west", {east, city, west});
    b.capture("west", kRed, {west});
    for (int i = 0; i < 4; ++i) b.unit("red-" + std::to_string(i), kRed, east, 9000, 80, "west");
    garrison = b.unit("garrison", kBlue, city, 20000, 150);
    Scenario& sc = b.scenario();
    sc.regions[city].urban = true;
    sc.doctrine[kBlue].defence_posture = Posture::Prepared;  // dug in at hour 0
    sc.doctrine[kBlue].supply_sources = {rear};
    sc.params.noise_sigma = 0;
    sc.params.horizon_days = 30;
    sc.doctrine[kRed].commit_ratio = 1.5;
    sc.doctrine[kBlue].counterattack_across_border = false;
  }
};

TEST(Manoeuvre, ABypassedCityKeepsItsDefendersAndIsContainedAndBesieged) {
  Bypass by;
  const Scenario sc = by.b.build();
  Engine engine(sc);
  engine.reset(1, 0);
  const auto& st = engine.state();
  bool west_taken = false;
  while (engine.step()) {
    if (st.regions[by.west].control != kRed) continue;
    if (!west_taken) {
      // The axis went round: the city is still Blue's, its garrison in it and nearly whole,
      // and a containing force of Red stands next to it.
      EXPECT_EQ(st.regions[by.city].control, kBlue) << st.hour;
      EXPECT_EQ(st.units[by.garrison].region, by.city);
      EXPECT_GT(st.units[by.garrison].strength, 0.9);
      EXPECT_EQ(st.bypass_detour[kRed * sc.regions.size() + by.city], by.detour);
      int containing = 0;
      for (std::size_t u = 0; u < sc.units.size(); ++u)
        containing += sc.units[u].side == kRed && st.units[u].region == by.east;
      EXPECT_GE(containing, 1);
      west_taken = true;
    }
  }
  ASSERT_TRUE(west_taken);
  Outcome o;
  engine.finish(o);
  EXPECT_EQ(o.operations.regions_bypassed, 1);
  // Cut off behind the front: a pocket; if the city falls, it falls to a siege.
  EXPECT_GE(o.operations.pockets[kBlue], 1);
  EXPECT_EQ(o.operations.engagements[static_cast<int>(EngagementKind::Assault)], 0);
}

TEST(Manoeuvre, BypassingTheCityReachesTheObjectiveSoonerThanAssaultingIt) {
  Bypass by;
  const double round = hour_of(by.b.build(), 0);
  by.b.scenario().params.ops.mask_ratio = 0;  // never bypass: the axis assaults the city
  const Scenario through = by.b.build();
  const double assault = hour_of(through, 0);
  ASSERT_GE(round, 0);
  EXPECT_TRUE(assault < 0 || assault > 2 * round) << round << " vs " << assault;
  Engine engine(through);
  EXPECT_EQ(engine.run(1, 0).operations.regions_bypassed, 0);
}

TEST(Manoeuvre, ACityThatIsAnObjectiveIsNotBypassed) {
  Bypass by;
  by.b.capture("city", kRed, {by.city});
  const Scenario sc = by.b.build();
  Engine engine(sc);
  EXPECT_EQ(engine.run(1, 0).operations.regions_bypassed, 0);
}

TEST(Manoeuvre, AFinishedAxisLeavesAGarrisonAndReallocatesTheRest) {
  ScenarioBuilder b;
  const RegionId east = b.region("east", kRed), near = b.region("near", kBlue);
  const RegionId far = b.region("far", kBlue);
  b.link(east, near, 30);
  b.link(east, far, 60);
  b.axis(kRed, "near", {near});
  b.axis(kRed, "far", {far});
  const UnitId first = b.unit("first", kRed, east, 3000, 40, "near");
  const UnitId second = b.unit("second", kRed, east, 3000, 40, "near");
  b.unit("blue", kBlue, far, 3000, 10);
  b.capture("far", kRed, {far});
  b.scenario().params.noise_sigma = 0;
  const Scenario sc = b.build();
  Engine engine(sc);
  engine.reset(1, 0);
  while (engine.step()) {
  }
  const auto& units = engine.state().units;
  // One of the two holds `near`; the other has moved to the `far` axis (index 1).
  const int moved = (units[first].axis == 1) + (units[second].axis == 1);
  EXPECT_EQ(moved, 1);
  const UnitId garrison = units[first].axis == 0 ? first : second;
  EXPECT_EQ(units[garrison].region, near);
  EXPECT_EQ(engine.state().regions[near].control, kRed);
}

TEST(Manoeuvre, MoreBlueNeverMakesRedFasterOnAverage) {
  auto mean_hour = [](int blue_units) {
    ScenarioBuilder b = testing::small_theatre(6, blue_units);
    b.scenario().units[0].personnel = {Distribution::Kind::Triangular, 2000, 3000, 4500};
    const Scenario sc = b.build();
    Engine engine(sc);
    double sum = 0;
    const int n = 100;
    for (int r = 0; r < n; ++r) {
      const double h = engine.run(3, r).objective_hour[0];
      sum += h < 0 ? sc.params.horizon_days * 24 : h;  // never = the horizon
    }
    return sum / n;
  };
  const double two = mean_hour(2), four = mean_hour(4), six = mean_hour(6);
  EXPECT_GE(four, two - 6);
  EXPECT_GE(six, four - 6);
}

}  // namespace
}  // namespace flank
