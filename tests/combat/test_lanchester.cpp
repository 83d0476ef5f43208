// Attrition kernels against closed forms, invariants and Engel's (1954) Iwo Jima series.
#include <gtest/gtest.h>

#include <cmath>

#include "flank/combat/lanchester.hpp"
#include "flank/history/csv.hpp"

namespace flank::combat {
namespace {

TEST(Lanchester, SquareLawMatchesCoshSinh) {
  const double a = 0.05, d = 0.02, A0 = 1000, D0 = 800, t = 3.7;
  const ForceState s = advance(AttritionLaw::square(a, d), {A0, D0}, t);
  const double w = std::sqrt(a * d);
  EXPECT_NEAR(s.att, A0 * std::cosh(w * t) - std::sqrt(a / d) * D0 * std::sinh(w * t), 1e-9);
  EXPECT_NEAR(s.def, D0 * std::cosh(w * t) - std::sqrt(d / a) * A0 * std::sinh(w * t), 1e-9);
}

TEST(Lanchester, SquareLawKeepsItsInvariantAndAnnihilatesOnTime) {
  const double a = 0.01, d = 0.03, A0 = 1000, D0 = 1000;
  const auto law = AttritionLaw::square(a, d);
  // d·A² − a·D² is conserved; here it is positive, so D is destroyed first, at
  // t* = atanh(√(a/d)·D0/A0... ) solved from D(t*) = 0: tanh(ωt*) = D0/(√(d/a)·A0).
  const double w = std::sqrt(a * d);
  const double t_star = std::atanh(D0 / (std::sqrt(d / a) * A0)) / w;
  const ForceState mid = advance(law, {A0, D0}, 0.5 * t_star);
  EXPECT_NEAR(d * mid.att * mid.att - a * mid.def * mid.def, d * A0 * A0 - a * D0 * D0, 1e-6);
  const ForceState end = advance(law, {A0, D0}, 2 * t_star);
  EXPECT_EQ(end.def, 0.0);
  EXPECT_NEAR(end.att, std::sqrt(A0 * A0 - (a / d) * D0 * D0), 1e-6 * A0);
}

TEST(Lanchester, LinearLawMatchesIntegratorAndInvariant) {
  const auto law = AttritionLaw::linear(2e-4, 1e-4);
  const ForceState s0{900, 1200};
  const ForceState exact = advance(law, s0, 10);
  const ForceState numeric = advance_numerically(law, s0, 10);
  EXPECT_NEAR(exact.att, numeric.att, 1e-6);
  EXPECT_NEAR(exact.def, numeric.def, 1e-6);
  EXPECT_NEAR(law.d * exact.att - law.a * exact.def, law.d * s0.att - law.a * s0.def, 1e-9);
  // K = 0: each side follows 1/(1/x0 + c·t).
  const auto balanced = AttritionLaw::linear(1e-4, 1e-4);
  const ForceState b = advance(balanced, {500, 500}, 7);
  EXPECT_NEAR(b.att, 500 / (1 + 1e-4 * 500 * 7), 1e-9);
}

TEST(Lanchester, SquareLawWithRatesMatchesIntegrator) {
  const auto law = AttritionLaw::square(0.02, 0.015);
  const ReinforcementRates rates{30, 10};
  const ForceState exact = advance(law, {2000, 1500}, 25, rates);
  const ForceState numeric = advance_numerically(law, {2000, 1500}, 25, rates);
  EXPECT_NEAR(exact.att, numeric.att, 1e-5);
  EXPECT_NEAR(exact.def, numeric.def, 1e-5);
}

TEST(Lanchester, LogarithmicLawIsExponentialDecay) {
  const auto law = AttritionLaw::logarithmic(0.03, 0.05);
  const ForceState s = advance(law, {1000, 2000}, 4, {6, 0});
  EXPECT_NEAR(s.att, 200 + 800 * std::exp(-0.12), 1e-9);
  EXPECT_NEAR(s.def, 2000 * std::exp(-0.2), 1e-9);
}

TEST(Lanchester, HelmboldWithSquareExponentsReducesToSquareLaw) {
  const auto general = AttritionLaw::helmbold(0.05, 0.02, 0, 1, 0, 1);
  const ForceState numeric = advance(general, {1000, 800}, 5);
  const ForceState exact = advance(AttritionLaw::square(0.05, 0.02), {1000, 800}, 5);
  EXPECT_NEAR(numeric.att, exact.att, 1e-6);
  EXPECT_NEAR(numeric.def, exact.def, 1e-6);
}

TEST(Lanchester, HelmboldFractionalExponentsMatchSeparableSolution) {
  // With q = qd = 0 the sides decouple: A' = −a·A^p gives A^(1−p) = A0^(1−p) − (1−p)·a·t.
  const auto law = AttritionLaw::helmbold(0.3, 0.2, 0.5, 0, 0.5, 0);
  const ForceState s = advance(law, {400, 900}, 20);
  EXPECT_NEAR(s.att, std::pow(20.0 - 0.5 * 0.3 * 20, 2), 1e-6);
  EXPECT_NEAR(s.def, std::pow(30.0 - 0.5 * 0.2 * 20, 2), 1e-6);
}

// Engel (1954): US strength dUS/dt = P(t) − a·J, dJ/dt = −b·US with a = 0.0544, b = 0.0106,
// Japanese 21,500 and US landings 54,000 / 6,000 / 13,000 on days 1 / 3 / 6. The published
// series (data/history/iwo_jima_engel1954_model_series.csv) reports each day's
// strength after that day's landing: day index k is time t = k days.
TEST(Lanchester, ReproducesEngelIwoJimaSeries) {
  const auto table =
      history::CsvTable::load("<built-in>/data/history/iwo_jima_engel1954_model_series.csv");
  const int c_us = table.column("us_active_model"), c_jp = table.column("japanese_model");
  ASSERT_GE(c_us, 0);
  ASSERT_GE(c_jp, 0);
  // The attacker role is the US: a is the rate Japanese fire destroys US soldiers.
  const auto law = AttritionLaw::square(0.0544, 0.0106);
  const Reinforcement landings[] = {{0, 54000, 0}, {2, 6000, 0}, {5, 13000, 0}};
  const auto series = trajectory(law, {0, 21500}, 1.0, static_cast<int>(table.rows()), landings);
  ASSERT_EQ(series.size(), 37u);
  for (std::size_t k = 0; k < table.rows(); ++k) {
    const double us = table.required(k, c_us), jp = table.required(k, c_jp);
    // 0.5 % of the published value, plus half a soldier for its rounding to integers.
    EXPECT_NEAR(series[k].att, us, 0.005 * us + 0.5) << "day index " << k;
    EXPECT_NEAR(series[k].def, jp, 0.005 * jp + 0.5) << "day index " << k;
  }
}

}  // namespace
}  // namespace flank::combat
