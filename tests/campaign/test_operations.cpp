// The operational layer's rules on their own (src/flank/campaign/operations.hpp), checked
// against the figures they are built from: the QJM's force-to-space limits for a prepared
// defence and its opposed-advance table (docs/model.md "Operational resolution").
#include <gtest/gtest.h>

#include <cmath>

#include "flank/campaign/operations.hpp"

namespace flank::campaign::ops {
namespace {

// The QJM-derived priors the rules were written from (docs/model.md), rather than the fitted
// defaults, so that each rule is checked against the figures it comes from.
OperationalParams qjm() {
  OperationalParams p;
  p.screen_density = 150;
  p.prepared_density = 500;
  p.prepared_hours = 120;
  p.fortify_time_factor = 3;
  p.advance_kmday = {8, 4, 2, 1};
  p.ratio_exponent = 1.5;
  p.ratio_cap = 6;
  p.stall_ratio = 0.75;
  p.overrun_ratio = 6;
  return p;
}

TEST(Operations, PostureFollowsForceToSpace) {
  const OperationalParams p = qjm();
  // 1,000 men on 10 km, in place for a week: prepared; the same men on 40 km: a screen.
  EXPECT_EQ(defence_class(p, 100.0, 168, Fortification::None), DefenceClass::Screen);
  EXPECT_EQ(defence_class(p, 1000.0, 168, Fortification::None), DefenceClass::Prepared);
  // Between the two thresholds a defence is hasty however long it has been there.
  EXPECT_EQ(defence_class(p, 300.0, 1e6, Fortification::None), DefenceClass::Hasty);
  // Works in place count from hour 0, but not for a screen.
  EXPECT_EQ(defence_class(p, 600.0, 0, Fortification::Fortified), DefenceClass::Fortified);
  EXPECT_EQ(defence_class(p, 600.0, 0, Fortification::Prepared), DefenceClass::Prepared);
  EXPECT_EQ(defence_class(p, 50.0, 0, Fortification::Fortified), DefenceClass::Screen);
}

TEST(Operations, PreparationTimeScalesWithFrontagePerMan) {
  const OperationalParams p = qjm();
  // QJM (Dupuy, NPW): a prepared defence after 5 days at 1 m of front per man, 10 at 2 m;
  // fortifying takes three times as long.
  EXPECT_DOUBLE_EQ(hours_to_reach(p, DefenceClass::Prepared, 1000), 120);
  EXPECT_DOUBLE_EQ(hours_to_reach(p, DefenceClass::Prepared, 500), 240);
  EXPECT_DOUBLE_EQ(hours_to_reach(p, DefenceClass::Fortified, 1000), 360);
  EXPECT_TRUE(std::isinf(hours_to_reach(p, DefenceClass::Prepared, 499)));
  EXPECT_EQ(hours_to_reach(p, DefenceClass::Hasty, 10), 0);
  EXPECT_EQ(defence_class(p, 1000, 119, Fortification::None), DefenceClass::Hasty);
  EXPECT_EQ(defence_class(p, 1000, 121, Fortification::None), DefenceClass::Prepared);
  EXPECT_EQ(defence_class(p, 1000, 361, Fortification::None), DefenceClass::Fortified);
}

TEST(Operations, AssaultRateRisesWithRatioAndFallsWithPosture) {
  const OperationalParams p = qjm();
  // The QJM table's armoured hasty row: 4 km/day at 1:1, ~20 at 3:1, ~60 from 6:1 on.
  EXPECT_DOUBLE_EQ(assault_km_per_day(p, DefenceClass::Hasty, 1, 1), 4);
  EXPECT_NEAR(assault_km_per_day(p, DefenceClass::Hasty, 3, 1), 20, 1);
  EXPECT_NEAR(assault_km_per_day(p, DefenceClass::Hasty, 6, 1), 60, 2);
  EXPECT_DOUBLE_EQ(assault_km_per_day(p, DefenceClass::Hasty, 20, 1),
                   assault_km_per_day(p, DefenceClass::Hasty, 6, 1));
  EXPECT_LT(assault_km_per_day(p, DefenceClass::Fortified, 3, 1),
            assault_km_per_day(p, DefenceClass::Prepared, 3, 1));
  EXPECT_LT(assault_km_per_day(p, DefenceClass::Prepared, 3, 1),
            assault_km_per_day(p, DefenceClass::Hasty, 3, 1));
  EXPECT_EQ(assault_km_per_day(p, DefenceClass::Hasty, 0.7, 1), 0);
  EXPECT_EQ(assault_km_per_day(p, DefenceClass::Hasty, std::nan(""), 1), 0);
  EXPECT_DOUBLE_EQ(assault_km_per_day(p, DefenceClass::Hasty, 2, 0.5),
                   0.5 * assault_km_per_day(p, DefenceClass::Hasty, 2, 1));
}

TEST(Operations, OverrunOnlyAboveThresholdAgainstThinDefenceOutsideCities) {
  const OperationalParams p = qjm();
  EXPECT_TRUE(overruns(p, DefenceClass::Screen, p.overrun_ratio, false));
  EXPECT_TRUE(overruns(p, DefenceClass::Hasty, p.overrun_ratio * 2, false));
  EXPECT_FALSE(overruns(p, DefenceClass::Hasty, p.overrun_ratio * 0.99, false));
  EXPECT_FALSE(overruns(p, DefenceClass::Prepared, p.overrun_ratio * 10, false));
  EXPECT_FALSE(overruns(p, DefenceClass::Screen, p.overrun_ratio * 10, true));
}

TEST(Operations, ExploitationIsCappedByRoadAndFallsWithContinuousAdvance) {
  OperationalParams p;
  p.exploitation_kmday = 80;
  p.exploitation_fatigue_per_day = 0.1;
  p.exploitation_march_hours = 10;
  // A mechanised column at 30 km/h on a motorway: logistics and fatigue set the pace.
  EXPECT_DOUBLE_EQ(exploitation_km_per_day(p, 1, 30, 0), 80);
  EXPECT_NEAR(exploitation_km_per_day(p, 1, 30, 10), 40, 1e-9);  // after ten days' advance
  EXPECT_LT(exploitation_km_per_day(p, 0.6, 30, 0), exploitation_km_per_day(p, 1, 30, 0));
  // A track (9 km/h for 10 hours a day) still allows 90 km/day; a slower column is capped.
  EXPECT_DOUBLE_EQ(exploitation_km_per_day(p, 1, 30 * 0.3, 0), 80);
  EXPECT_DOUBLE_EQ(exploitation_km_per_day(p, 1, 6, 0), 60);
}

TEST(Operations, EnduranceIsLongerInCitiesAndWiderForThinDefences) {
  const OperationalParams p = qjm();
  EXPECT_DOUBLE_EQ(endurance_hours(p, 0, false, false), 24 * p.endurance_median_days);
  EXPECT_DOUBLE_EQ(endurance_hours(p, 0, true, false),
                   24 * p.endurance_median_days * p.urban_endurance_factor);
  const double spread = endurance_hours(p, 1, false, false) / endurance_hours(p, 0, false, false);
  const double thin = endurance_hours(p, 1, false, true) / endurance_hours(p, 0, false, true);
  EXPECT_NEAR(std::log(thin), p.low_density_sigma_factor * std::log(spread), 1e-12);
}

TEST(Operations, ScreenDelaysInTheKernel) {
  EXPECT_EQ(kernel_posture(DefenceClass::Screen), Posture::Delay);
  EXPECT_EQ(kernel_posture(DefenceClass::Hasty), Posture::Hasty);
  EXPECT_EQ(kernel_posture(DefenceClass::Prepared), Posture::Prepared);
  EXPECT_EQ(kernel_posture(DefenceClass::Fortified), Posture::Fortified);
}

}  // namespace
}  // namespace flank::campaign::ops
