// Campaign engine: invariants stepped hour by hour, the duel against the combat kernel, and
// the two limiting cases (no attacker; overwhelming attacker).
#include <gtest/gtest.h>

#include <cmath>

#include "builder.hpp"
#include "flank/campaign/engine.hpp"
#include "flank/campaign/operations.hpp"
#include "flank/combat/combat.hpp"

namespace flank {
namespace {

using campaign::Engine;
using campaign::UnitStatus;
using testing::ScenarioBuilder;

EscalationRule blue_enters_belarus(double probability) {
  EscalationRule enters;
  enters.id = "blue-in-by";
  enters.kind = EscalationRule::Kind::EntersCountry;
  enters.side = kBlue;
  enters.countries = {"BY"};
  enters.probability = probability;
  return enters;
}

Scenario varied_theatre() {
  ScenarioBuilder b = testing::small_theatre(6, 5);
  Scenario& sc = b.scenario();
  sc.units[0].personnel = {Distribution::Kind::Triangular, 2000, 3000, 4500};
  sc.units[3].personnel = {Distribution::Kind::Normal, 3000, 400, 0, 1000, 6000};
  sc.doctrine[kBlue].needs_decision = true;
  sc.doctrine[kBlue].decision_delay_hours = {Distribution::Kind::Lognormal, 48, 0.5, 0, 0, 400};
  sc.units.back().arrival.after_decision = true;
  sc.units.back().arrival.delay_hours = {Distribution::Kind::Uniform, 12, 60};
  sc.params.air[kRed] = {60, 0.6, 0.5, 0.01, 0.0005};
  sc.params.air[kBlue] = {80, 0.5, 0.5, 0.01, 0.0005};
  sc.params.surprise_hours = 24;
  sc.params.surprise_factor = 1.3;
  sc.escalation.push_back(blue_enters_belarus(0.5));
  EscalationRule taken;
  taken.id = "capital";
  taken.kind = EscalationRule::Kind::ObjectiveTaken;
  taken.objective = 0;
  taken.probability = 1.0;
  sc.escalation.push_back(taken);
  return b.build();
}

TEST(Engine, ConservationAndControlInvariantsHoldEveryStep) {
  const Scenario sc = varied_theatre();
  Engine engine(sc);
  for (std::uint64_t rep = 0; rep < 30; ++rep) {
    engine.reset(7, rep);
    std::vector<SideId> control_before(sc.regions.size());
    bool more = true;
    while (more) {
      for (std::size_t r = 0; r < sc.regions.size(); ++r)
        control_before[r] = engine.state().regions[r].control;
      more = engine.step();
      const auto& st = engine.state();
      for (std::size_t u = 0; u < sc.units.size(); ++u) {
        const auto& unit = st.units[u];
        ASSERT_GE(unit.strength, 0.0);
        ASSERT_LE(unit.strength, 1.0);
        ASSERT_GE(unit.supply, 0.0);
        ASSERT_LE(unit.supply, 1.0);
        if (unit.status == UnitStatus::NotArrived) {
          // Not yet in the theatre: nowhere, and not on a road.
          ASSERT_EQ(unit.region, kNone);
          ASSERT_EQ(unit.toward, kNone);
          ASSERT_EQ(unit.strength, 1.0);
          continue;
        }
        // In exactly one region, and on at most one link leaving it.
        ASSERT_LT(unit.region, sc.regions.size());
        if (unit.toward != kNone) {
          ASSERT_LT(unit.link, sc.links.size());
          const Link& l = sc.links[unit.link];
          ASSERT_TRUE((l.a == unit.region && l.b == unit.toward) ||
                      (l.b == unit.region && l.a == unit.toward));
          ASSERT_GE(unit.progress_km, 0.0);
          ASSERT_LT(unit.progress_km, l.length_km + 1e-9);
        }
        if (unit.status == UnitStatus::Attacking) {
          ASSERT_NE(st.regions[unit.region].control, sc.units[u].side);
        }
      }
      // Control changes only where the new holder's units stand (they took it in combat or
      // walked into an undefended region).
      for (std::size_t r = 0; r < sc.regions.size(); ++r) {
        if (st.regions[r].control == control_before[r]) continue;
        bool present = false;
        for (std::size_t u = 0; u < sc.units.size(); ++u)
          present =
              present || (st.units[u].region == r && sc.units[u].side == st.regions[r].control &&
                          st.units[u].status != UnitStatus::NotArrived);
        ASSERT_TRUE(present) << "region " << r << " changed hands with nobody there";
      }
    }
    Outcome o;
    engine.finish(o);
    for (int s = 0; s < kSides; ++s) {
      EXPECT_GE(o.personnel_lost[s], 0.0);
      EXPECT_GE(o.power_lost_fraction[s], -1e-12);
      EXPECT_LE(o.power_lost_fraction[s], 1.0 + 1e-12);
      double by_category = 0;
      for (int c = 0; c < static_cast<int>(UnitCategory::Count); ++c)
        by_category += o.losses_by_category[s * static_cast<int>(UnitCategory::Count) + c];
      EXPECT_NEAR(by_category, o.personnel_lost[s], 1e-6 * (1 + o.personnel_lost[s]));
      for (int k = 0; k < 4; ++k)
        EXPECT_NEAR(o.territory[kRed][k] + o.territory[kBlue][k], 1.0, 1e-12);
    }
    // The capital objective still holds at the end exactly when Red holds it in the final
    // state, and only an objective that was achieved can still hold.
    const RegionId capital = sc.objectives[0].regions[0];
    EXPECT_EQ(o.held_at_end[0] == 1, engine.state().regions[capital].control == kRed);
    for (std::size_t i = 0; i < o.held_at_end.size(); ++i) {
      if (o.held_at_end[i]) {
        EXPECT_GE(o.objective_hour[i], 0) << sc.objectives[i].id;
      }
    }
    // Escalation rule 1 fires with probability 1 exactly when the capital falls.
    EXPECT_EQ(o.escalation[1] == 1, o.objective_hour[0] >= 0);
    if (o.escalation[1]) {
      EXPECT_EQ(o.escalation_hour[1], o.objective_hour[0]);
    }
  }
}

// One Red unit attacks one Blue unit across a 20 km link. With no noise, no air and full
// supply, every step of the engagement must be the combat kernel's answer applied to the
// strengths the engine carried over from the previous step.
// One step's advance through the duel's prepared defence in a forest (docs/model.md
// "Operational resolution": the kernel decides losses, the operational rate the ground).
double advance_km(const Scenario& sc, double ratio) {
  return campaign::ops::assault_km_per_day(sc.params.ops, DefenceClass::Prepared, ratio, 1.0) *
         sc.params.terrain_advance[static_cast<int>(Terrain::Forest)] * sc.params.step_hours / 24;
}

TEST(Engine, DuelFollowsTheCombatKernelStepByStep) {
  ScenarioBuilder b;
  const RegionId a = b.region("a", kRed), d = b.region("d", kBlue, 1, Terrain::Forest);
  b.link(a, d, 20);
  b.axis(kRed, "main", {d});
  const UnitId red = b.unit("red", kRed, a, 3000, 90);
  const UnitId blue = b.unit("blue", kBlue, d, 2500, 25);
  b.capture("d", kRed, {d});
  Scenario& s = b.scenario();
  s.params.noise_sigma = 0;
  s.doctrine[kRed].commit_ratio = 0;
  s.doctrine[kRed].break_loss_fraction = 0.99;
  s.doctrine[kBlue].break_loss_fraction = 0.99;
  s.doctrine[kBlue].counterattack_ratio = 1e9;
  s.doctrine[kBlue].defence_posture = Posture::Prepared;
  // 2,500 men on 2 km, prepared at the start: a prepared defence (docs/model.md "Posture").
  s.regions[d].frontage_km = 2;
  s.units[red].cev = 1.2;
  s.units[red].morale = 0.9;
  const Scenario sc = b.build();
  const auto model = combat::make_model(sc.params.combat_model);

  Engine engine(sc);
  engine.reset(1, 0);
  double red_strength = 1, blue_strength = 1, advance = 0;
  const double red_power0 = sc.units[red].base_power, blue_power0 = sc.units[blue].base_power;
  int fought = 0;
  bool flipped = false;
  while (engine.step()) {
    const auto& st = engine.state();
    if (st.units[red].status != UnitStatus::Attacking && st.regions[d].control == kBlue) {
      EXPECT_EQ(st.units[red].strength, 1.0);  // no losses on the approach march
      continue;
    }
    if (st.regions[d].control == kRed) {
      flipped = true;
      break;
    }
    // The step that moved Red into contact also fought; replay that engagement.
    combat::EngagementInput in;
    in.hours = sc.params.step_hours;
    in.att_personnel = 3000 * red_strength;
    in.def_personnel = 2500 * blue_strength;
    in.att_power = red_power0 * red_strength * 1.2 * 0.9;
    in.def_power = blue_power0 * blue_strength;
    in.def_posture = Posture::Prepared;
    in.terrain = Terrain::Forest;
    in.att_armour_share = 90.0 / (90.0 + 3000 * 0.01);
    const combat::EngagementResult res = model->resolve(in, sc.params);
    red_strength -= red_strength * res.att_loss_fraction;
    blue_strength -= blue_strength * res.def_loss_fraction;
    advance += advance_km(sc, res.force_ratio);
    ++fought;
    ASSERT_NEAR(st.units[red].strength, red_strength, 1e-12) << "step " << st.step;
    ASSERT_NEAR(st.units[blue].strength, blue_strength, 1e-12) << "step " << st.step;
    ASSERT_LT(advance, 10.0 + 1e-9);  // control would have changed otherwise
  }
  EXPECT_GT(fought, 1);
  if (flipped) {
    // It changed hands on the step the cumulative advance crossed half the link (10 km).
    combat::EngagementInput in;
    in.hours = sc.params.step_hours;
    in.att_personnel = 3000 * red_strength;
    in.def_personnel = 2500 * blue_strength;
    in.att_power = red_power0 * red_strength * 1.2 * 0.9;
    in.def_power = blue_power0 * blue_strength;
    in.def_posture = Posture::Prepared;
    in.terrain = Terrain::Forest;
    in.att_armour_share = 90.0 / (90.0 + 3000 * 0.01);
    EXPECT_GE(advance + advance_km(sc, model->resolve(in, sc.params).force_ratio), 10.0 - 1e-9);
  }
}

TEST(Engine, WithoutRedForcesNoObjectiveFalls) {
  ScenarioBuilder b = testing::small_theatre(0, 3);
  const Scenario sc = b.build();
  Engine engine(sc);
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    const Outcome o = engine.run(3, rep);
    for (double h : o.objective_hour) EXPECT_EQ(h, kNever);
    EXPECT_EQ(o.personnel_lost[kBlue], 0.0);
    EXPECT_DOUBLE_EQ(o.territory[kRed][3], 2.0 / 11.0);  // its own two regions of value 1
  }
}

TEST(Engine, OverwhelmingRedTakesItsObjectives) {
  ScenarioBuilder b = testing::small_theatre(12, 2, 200, 10);
  // Calibrated advance rates are battle-scale (a few km a day): give the campaign a month.
  b.scenario().params.horizon_days = 30;
  const Scenario sc = b.build();
  Engine engine(sc);
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    const Outcome o = engine.run(5, rep);
    for (std::size_t i = 0; i < o.objective_hour.size(); ++i) {
      EXPECT_GE(o.objective_hour[i], 0) << sc.objectives[i].id << " rep " << rep;
      EXPECT_LT(o.objective_hour[i], 24 * 30);
    }
    // Red ends holding the capital and the forest region (7 of 11); Blue's reinforcement
    // arriving in the rear may retake the ungarrisoned b0 behind the Red spearhead.
    EXPECT_GE(o.territory[kRed][3], 9.0 / 11.0 - 1e-12);
  }
}

TEST(Engine, ReplayingAReplicationGivesTheSameOutcome) {
  const Scenario sc = varied_theatre();
  Engine a(sc), b(sc);
  for (std::uint64_t rep : {0, 5, 11}) {
    b.run(9, rep + 100);  // dirty b's state with another replication first
    const Outcome x = a.run(9, rep), y = b.run(9, rep);
    EXPECT_EQ(x.objective_hour, y.objective_hour);
    EXPECT_EQ(x.personnel_lost, y.personnel_lost);
    EXPECT_EQ(x.losses_by_category, y.losses_by_category);
    campaign::Timeline timeline;
    Outcome z;
    a.run(9, rep, z, &timeline);
    EXPECT_EQ(x.objective_hour, z.objective_hour);
    EXPECT_EQ(x.personnel_lost, z.personnel_lost);
    EXPECT_EQ(timeline.frames.size(), static_cast<std::size_t>(sc.steps()));
  }
}

}  // namespace
// A strong Blue reserve beside a weak Red unit across the border: once decided, Blue strikes
// across only when its doctrine allows; retaking its own land is never at stake here.
TEST(Engine, CounterattacksCrossTheBorderOnlyWhenTheDoctrineAllowsIt) {
  ScenarioBuilder b;
  const RegionId home = b.region("home", kBlue), across = b.region("across", kRed);
  b.link(home, across, 20);
  b.unit("blue-reserve", kBlue, home, 4000, 60);
  b.unit("red-outpost", kRed, across, 500, 2);
  b.scenario().escalation.push_back(blue_enters_belarus(1.0));
  // Decided after a day, so the crossing is a change from the start (escalation rules ignore
  // a condition that holds from hour 0).
  b.scenario().doctrine[kBlue].needs_decision = true;
  b.scenario().doctrine[kBlue].decision_delay_hours = Distribution::fixed(24);
  for (const bool allowed : {true, false}) {
    b.scenario().doctrine[kBlue].counterattack_across_border = allowed;
    const Scenario sc = b.build();
    Engine engine(sc);
    for (std::uint64_t rep = 0; rep < 10; ++rep) {
      const Outcome o = engine.run(4, rep);
      EXPECT_EQ(o.escalation[0], allowed ? 1 : 0) << "allowed=" << allowed << " rep " << rep;
      if (!allowed) {
        EXPECT_EQ(o.personnel_lost[kRed], 0.0) << rep;
      }
    }
  }
}

// The short way from a Blue reserve to a threatened Blue region runs through an empty Red
// region (as Tauragė–Sovetsk–Gusev–Gołdap does through Kaliningrad); the reserve must take
// the long way over its own land instead of marching across enemy territory.
TEST(Engine, ReservesRouteOverOwnLandNotThroughEnemyTerritory) {
  ScenarioBuilder b;
  const RegionId start = b.region("start", kBlue), shortcut = b.region("shortcut", kRed);
  const RegionId threatened = b.region("threatened", kBlue, 5), staging = b.region("staging", kRed);
  b.link(start, shortcut, 10);
  b.link(shortcut, threatened, 10);
  b.link(start, threatened, 100);
  b.link(staging, threatened, 30);
  b.axis(kRed, "thrust", {threatened});
  b.capture("take", kRed, {threatened});
  b.unit("red-thrust", kRed, staging, 3000, 40, "thrust");
  b.unit("blue-reserve", kBlue, start, 3000, 40);
  // About moves, not counterattacks: a Red unit pushed back out of `threatened` into `shortcut`
  // would otherwise be a fair target for a reserve striking across the border.
  b.scenario().doctrine[kBlue].counterattack_across_border = false;
  const Scenario sc = b.build();
  ASSERT_EQ(sc.hop(start, threatened), shortcut);  // the open route would cut through
  Engine engine(sc);
  for (std::uint64_t rep = 0; rep < 10; ++rep) {
    campaign::Timeline timeline;
    Outcome o;
    engine.run(6, rep, o, &timeline);
    bool left_start = false;
    for (const auto& frame : timeline.frames) {
      const auto& reserve = frame.units[1];
      // A beaten unit withdraws by the open route (docs/model.md step 6); this is about moves.
      if (reserve.status == static_cast<int>(UnitStatus::Withdrawing) ||
          reserve.status == static_cast<int>(UnitStatus::Broken))
        break;
      EXPECT_NE(reserve.region, static_cast<int>(shortcut)) << "rep " << rep << " h " << frame.hour;
      EXPECT_NE(reserve.toward, static_cast<int>(shortcut)) << "rep " << rep << " h " << frame.hour;
      left_start = left_start || reserve.toward == static_cast<int>(threatened);
    }
    EXPECT_TRUE(left_start) << "the reserve never set out for the threatened region, rep " << rep;
  }
}

}  // namespace flank
