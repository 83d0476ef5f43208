// The engine-facing models: registry, parity, the laws' dependence on the power ratio, and
// Dupuy's 1-3 %/day division casualty rule as a check on the shipped calibration.
#include <gtest/gtest.h>

#include <cmath>

#include "flank/combat/combat.hpp"
#include "flank/combat/dupuy.hpp"
#include "flank/core/error.hpp"

namespace flank::combat {
namespace {

EngagementInput even_fight(double ratio) {
  EngagementInput in;
  in.hours = 1;
  in.att_personnel = in.def_personnel = 15000;
  in.att_power = 1000 * ratio;
  in.def_power = 1000;
  in.def_posture = Posture::Attack;  // factor 1: the ratio is the raw power ratio
  in.terrain = Terrain::Open;
  return in;
}

TEST(Models, RegistryKnowsEveryModelAndRejectsOthers) {
  for (const auto& name : model_names()) EXPECT_EQ(make_model(name)->name(), name);
  EXPECT_EQ(model_names().size(), 5u);
  EXPECT_THROW(make_model("nonsense"), InputError);
}

TEST(Models, ForceRatioAppliesDupuyPostureFactors) {
  Parameters p;
  auto in = even_fight(1.0);
  in.def_posture = Posture::Prepared;
  const auto r = make_model("dupuy")->resolve(in, p);
  EXPECT_NEAR(r.force_ratio, 1.0 / 1.5, 1e-12);
}

TEST(Models, LanchesterAdaptersAgreeAtParityAndScaleWithTheirLaw) {
  Parameters p;
  const auto dupuy = make_model("dupuy");
  for (const char* name :
       {"lanchester-square", "lanchester-linear", "lanchester-log", "helmbold"}) {
    const auto r = make_model(name)->resolve(even_fight(1.0), p);
    const auto d = dupuy->resolve(even_fight(1.0), p);
    EXPECT_NEAR(r.att_loss_fraction, d.att_loss_fraction, 0.02 * d.att_loss_fraction) << name;
  }
  // Loss-fraction ratio def/att over a short step: R^2 (square), R (linear), 1 (log).
  const double ratio = 3;
  auto loss_ratio = [&](const char* name) {
    const auto r = make_model(name)->resolve(even_fight(ratio), p);
    return r.def_loss_fraction / r.att_loss_fraction;
  };
  const auto dup = dupuy->resolve(even_fight(1.0), p);
  const double parity = dup.def_loss_fraction / dup.att_loss_fraction;
  EXPECT_NEAR(loss_ratio("lanchester-square") / parity, ratio * ratio, 0.02 * ratio * ratio);
  EXPECT_NEAR(loss_ratio("lanchester-linear") / parity, ratio, 0.02 * ratio);
  EXPECT_NEAR(loss_ratio("lanchester-log") / parity, 1.0, 0.02);
}

TEST(Models, LossesAreFractionsAndAdvanceGrowsWithRatio) {
  Parameters p;
  for (const auto& name : model_names()) {
    const auto model = make_model(name);
    double last_advance = -1;
    for (double ratio : {0.5, 1.0, 2.0, 4.0, 8.0}) {
      auto in = even_fight(ratio);
      in.hours = 24 * 30;  // a long step must still stay within [0, 1]
      const auto r = model->resolve(in, p);
      EXPECT_GE(r.att_loss_fraction, 0) << name;
      EXPECT_LE(r.att_loss_fraction, 1) << name;
      EXPECT_GE(r.def_loss_fraction, 0) << name;
      EXPECT_LE(r.def_loss_fraction, 1) << name;
      EXPECT_GE(r.advance_km, last_advance) << name;
      last_advance = r.advance_km;
    }
  }
}

// Dupuy (Understanding War, 1987): a WWII division in an engagement loses 1-3 % a day. The
// calibration is fitted on CDB90 without this rule, so the rule is an independent check. The
// attacker's rate falls inside the band. CDB90's defender casualties include prisoners taken
// when positions are overrun, and the fitted defender rate at parity sits just above the band
// (docs/validation.md), so for the defender the check is the order of magnitude (within 2×).
TEST(Models, ShippedCalibrationKeepsTheDivisionRule) {
  const DupuyModel model(shipped_calibration());
  const double att = model.att_rate_per_day(1.0, 15000);
  const double def = model.def_rate_per_day(1.0, 15000);
  EXPECT_GE(att, 0.01);
  EXPECT_LE(att, 0.03);
  EXPECT_GE(def, 0.005);
  EXPECT_LE(def, 0.06);
}

TEST(Models, CalibrationErrorsPointAtTheValue) {
  try {
    parse_calibration("winner:\n  slope: abc\n", "cal.yaml");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].where.line, 2);
    EXPECT_EQ(e.diagnostics()[0].where.column, 10);
    EXPECT_EQ(e.diagnostics()[0].path, "winner.slope");
  }
}

}  // namespace
}  // namespace flank::combat
