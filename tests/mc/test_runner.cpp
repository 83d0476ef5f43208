// Monte Carlo runner: determinism across thread counts, Wilson intervals against published
// values, streaming quantiles against a direct computation, and monotonicity in Blue's force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../campaign/builder.hpp"
#include "flank/campaign/engine.hpp"
#include "flank/mc/runner.hpp"

namespace flank {
namespace {

Scenario theatre(int blue_units = 4) {
  testing::ScenarioBuilder b = testing::small_theatre(7, blue_units);
  Scenario& sc = b.scenario();
  sc.params.horizon_days = 30;
  sc.units[0].personnel = {Distribution::Kind::Triangular, 2000, 3000, 4500};
  sc.doctrine[kBlue].needs_decision = true;
  sc.doctrine[kBlue].decision_delay_hours = {Distribution::Kind::Lognormal, 48, 0.5, 0, 0, 400};
  sc.units[sc.units.size() - 1].arrival.after_decision = true;
  sc.units[sc.units.size() - 1].arrival.delay_hours = {Distribution::Kind::Uniform, 12, 60};
  sc.params.air[kRed] = {60, 0.6, 0.5, 0.01, 0.0005};
  EscalationRule losses;
  losses.id = "red-losses";
  losses.kind = EscalationRule::Kind::LossesAbove;
  losses.side = kRed;
  losses.threshold = 0.05;
  losses.probability = 0.3;
  sc.escalation.push_back(losses);
  return b.build();
}

void expect_same(const mc::Summary& a, const mc::Summary& b) {
  ASSERT_EQ(a.objectives.size(), b.objectives.size());
  for (std::size_t i = 0; i < a.objectives.size(); ++i) {
    const auto &x = a.objectives[i], &y = b.objectives[i];
    EXPECT_EQ(x.ever.p, y.ever.p);
    EXPECT_EQ(x.before_reinforcements.p, y.before_reinforcements.p);
    EXPECT_EQ(x.held_at_end.p, y.held_at_end.p);
    for (int k = 0; k < 5; ++k)
      EXPECT_TRUE(x.hour_quantiles[k] == y.hour_quantiles[k] ||
                  (std::isnan(x.hour_quantiles[k]) && std::isnan(y.hour_quantiles[k])));
    EXPECT_EQ(x.hour_histogram, y.hour_histogram);
    ASSERT_EQ(x.by_day.size(), y.by_day.size());
    for (std::size_t d = 0; d < x.by_day.size(); ++d) EXPECT_EQ(x.by_day[d].p, y.by_day[d].p);
  }
  EXPECT_EQ(a.territory_mean, b.territory_mean);  // bit-identical sums
  EXPECT_EQ(a.personnel_lost_mean, b.personnel_lost_mean);
  EXPECT_EQ(a.personnel_lost_quantiles, b.personnel_lost_quantiles);
  EXPECT_EQ(a.losses_by_category_mean, b.losses_by_category_mean);
  EXPECT_EQ(a.power_lost_fraction_mean, b.power_lost_fraction_mean);
  EXPECT_EQ(a.decision_hour_mean, b.decision_hour_mean);
  ASSERT_EQ(a.escalation.size(), b.escalation.size());
  for (std::size_t i = 0; i < a.escalation.size(); ++i)
    EXPECT_EQ(a.escalation[i].p, b.escalation[i].p);
}

TEST(Runner, SameSeedSameSummaryAndSignatureWhateverTheThreadCount) {
  const Scenario sc = theatre();
  std::vector<mc::Summary> summaries;
  std::vector<std::uint64_t> signatures;
  for (int threads : {1, 2, 8}) {
    mc::RunConfig cfg;
    cfg.seed = 42;
    cfg.replications = 301;  // not a multiple of the chunk size
    cfg.threads = threads;
    mc::Signature sig;
    std::uint64_t expected_rep = 0;
    cfg.on_outcome = [&](const Outcome& o) {
      EXPECT_EQ(o.replication, expected_rep++);  // in replication order
      sig.add(o);
    };
    summaries.push_back(mc::run(sc, cfg));
    signatures.push_back(sig.value());
    EXPECT_EQ(expected_rep, 301u);
  }
  for (std::size_t i = 1; i < summaries.size(); ++i) {
    expect_same(summaries[0], summaries[i]);
    EXPECT_EQ(signatures[0], signatures[i]);
  }
  // A different seed is a different sample.
  mc::RunConfig other;
  other.seed = 43;
  other.replications = 301;
  mc::Signature sig;
  other.on_outcome = [&](const Outcome& o) { sig.add(o); };
  mc::run(sc, other);
  EXPECT_NE(sig.value(), signatures[0]);
}

TEST(Runner, SummaryMatchesOutcomesComputedDirectly) {
  const Scenario sc = theatre();
  mc::RunConfig cfg;
  cfg.seed = 5;
  cfg.replications = 200;
  cfg.threads = 2;
  std::vector<Outcome> outcomes;
  cfg.on_outcome = [&](const Outcome& o) { outcomes.push_back(o); };
  const mc::Summary s = mc::run(sc, cfg);
  ASSERT_EQ(outcomes.size(), 200u);
  // The runner's outcomes are the engine's, replayed alone.
  campaign::Engine engine(sc);
  EXPECT_EQ(engine.run(5, 17).objective_hour, outcomes[17].objective_hour);
  for (std::size_t i = 0; i < sc.objectives.size(); ++i) {
    std::vector<double> hours;
    for (const auto& o : outcomes)
      if (o.objective_hour[i] >= 0) hours.push_back(o.objective_hour[i]);
    std::sort(hours.begin(), hours.end());
    EXPECT_EQ(s.objectives[i].achieved, hours.size());
    EXPECT_DOUBLE_EQ(s.objectives[i].ever.p, hours.size() / 200.0);
    const double qs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5 && !hours.empty(); ++k) {
      // Inverse empirical CDF: the smallest h with #(hours ≤ h) ≥ q·n.
      const auto need = static_cast<std::size_t>(std::ceil(qs[k] * hours.size() - 1e-9));
      EXPECT_EQ(s.objectives[i].hour_quantiles[k], hours[std::max<std::size_t>(need, 1) - 1]);
    }
    // Probability by day d counts hours ≤ 24 d.
    for (std::size_t d = 0; d < s.objectives[i].by_day.size(); ++d) {
      const auto n =
          std::count_if(hours.begin(), hours.end(), [&](double h) { return h <= 24.0 * d; });
      EXPECT_DOUBLE_EQ(s.objectives[i].by_day[d].p, n / 200.0);
    }
  }
  double red_lost = 0;
  for (const auto& o : outcomes) red_lost += o.personnel_lost[kRed];
  EXPECT_NEAR(s.personnel_lost_mean[kRed], red_lost / 200, 1e-9 * red_lost);
}

// Wilson score interval, published values: 8 of 10 at 95 % is [0.490, 0.943] (Newcombe 1998,
// Stat. Med. 17:857, method 3; also Wilson 1927); 0 of 10 is [0, 0.278].
TEST(Runner, WilsonIntervalMatchesPublishedValues) {
  const mc::Interval a = mc::wilson(8, 10);
  EXPECT_DOUBLE_EQ(a.p, 0.8);
  EXPECT_NEAR(a.lo, 0.490, 0.0005);
  EXPECT_NEAR(a.hi, 0.943, 0.0005);
  const mc::Interval b = mc::wilson(0, 10);
  EXPECT_EQ(b.lo, 0.0);
  EXPECT_NEAR(b.hi, 0.2775, 0.0005);
  const mc::Interval c = mc::wilson(81, 263);  // Newcombe's example: 0.2553–0.3662
  EXPECT_NEAR(c.lo, 0.2553, 0.0005);
  EXPECT_NEAR(c.hi, 0.3662, 0.0005);
  EXPECT_EQ(mc::wilson(10, 10).hi, 1.0);  // exact at n of n, not 1 minus a rounding speck
}

// More Blue brigades never make Red faster on average. Hours to the capital (the horizon
// when it never fell) are compared on common random numbers: the added brigades come last,
// so every earlier draw is the same. Tolerance: 3 standard errors of the paired difference.
TEST(Runner, AddingBlueBrigadesNeverSpeedsRedUp) {
  const int n = 500;
  const Scenario base = theatre(4), more = theatre(7);
  campaign::Engine eb(base), em(more);
  const double horizon = base.steps() * base.params.step_hours;
  double sum = 0, sum2 = 0, fell_base = 0, fell_more = 0;
  for (int rep = 0; rep < n; ++rep) {
    const Outcome ob = eb.run(11, rep), om = em.run(11, rep);
    const double hb = ob.objective_hour[0] < 0 ? horizon : ob.objective_hour[0];
    const double hm = om.objective_hour[0] < 0 ? horizon : om.objective_hour[0];
    fell_base += ob.objective_hour[0] >= 0;
    fell_more += om.objective_hour[0] >= 0;
    sum += hm - hb;
    sum2 += (hm - hb) * (hm - hb);
  }
  const double mean = sum / n, sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
  EXPECT_GE(mean, -3 * sd / std::sqrt(n)) << "Red got faster against more Blue brigades";
  EXPECT_LE(fell_more, fell_base + 3 * std::sqrt(n * 0.25));
  EXPECT_GT(fell_base, 0) << "the capital never falls: the comparison would be vacuous";
}

TEST(Runner, ProgressIsReportedUpToTheTotal) {
  const Scenario sc = theatre();
  mc::RunConfig cfg;
  cfg.replications = 100;
  cfg.threads = 2;
  std::uint64_t last = 0;
  cfg.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_EQ(total, 100u);
    EXPECT_GE(done, last);
    last = done;
  };
  const mc::Summary s = mc::run(sc, cfg);
  EXPECT_EQ(last, 100u);
  EXPECT_EQ(s.replications, 100u);
  EXPECT_EQ(s.threads, 2);
}

}  // namespace
}  // namespace flank
