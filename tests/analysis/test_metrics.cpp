#include <gtest/gtest.h>

#include <cmath>

#include "flank/analysis/metrics.hpp"
#include "flank/analysis/outcome_codec.hpp"

using namespace flank;
using namespace flank::analysis;

namespace {
OutcomeLayout layout() {
  return {{"corridor", "vilnius"}, {"flag-a", "flag-b"}, 720};
}

Outcome outcome(std::uint64_t rep, double corridor_hour, double vilnius_hour, bool flag_b = false) {
  Outcome o;
  o.replication = rep;
  o.objective_hour = {corridor_hour, vilnius_hour};
  o.before_reinforcements = {corridor_hour >= 0 && corridor_hour < 100, 0};
  // Taken early and held, or taken late and lost again: held while the hour is below 200.
  o.held_at_end = {corridor_hour >= 0 && corridor_hour < 200, 0};
  o.escalation = {0, static_cast<std::uint8_t>(flag_b)};
  o.escalation_hour = {kNever, flag_b ? 50.0 : kNever};
  o.personnel_lost = {1000.0 * static_cast<double>(rep), 500};
  o.territory[1] = {0.9, 0.8, 0.7, 0.6};
  o.losses_by_category = {1, 2, 3};
  return o;
}
}  // namespace

TEST(Metrics, ProbabilityByDayCountsAtOrBeforeTheHour) {
  const std::vector<Outcome> os{outcome(0, 24, -1), outcome(1, 24.5, 10), outcome(2, -1, 30),
                                outcome(3, 168, -1)};
  const auto l = layout();
  EXPECT_EQ(evaluate(parse_metric("p:corridor:day1"), l, os).successes, 1u);
  EXPECT_EQ(evaluate(parse_metric("p:corridor:day7"), l, os).successes, 3u);
  EXPECT_EQ(evaluate(parse_metric("p:corridor"), l, os).successes, 3u);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("p:vilnius:ever"), l, os).value, 0.5);
  EXPECT_EQ(evaluate(parse_metric("p:corridor:before_reinforcements"), l, os).successes, 2u);
  EXPECT_EQ(evaluate(parse_metric("p:corridor:end"), l, os).successes, 3u);
  EXPECT_EQ(evaluate(parse_metric("p:vilnius:end"), l, os).successes, 0u);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("escalation:any"), l, os).value, 0);
}

TEST(Metrics, QuantilesCensorNeverAtTheHorizon) {
  const std::vector<Outcome> os{outcome(0, 10, -1), outcome(1, 20, -1), outcome(2, -1, -1),
                                outcome(3, -1, 5)};
  const auto l = layout();
  // Sorted censored hours: 10, 20, 720, 720; smallest h with F(h) ≥ q.
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("median_hours:corridor"), l, os).value, 20);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("q25_hours:corridor"), l, os).value, 10);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("q75_hours:corridor"), l, os).value, 720);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("median_hours:vilnius"), l, os).value, 720);
}

TEST(Metrics, MeansAndEscalation) {
  const std::vector<Outcome> os{outcome(1, 1, 1, true), outcome(3, 1, 1)};
  const auto l = layout();
  const auto lost = evaluate(parse_metric("lost:red"), l, os);
  EXPECT_DOUBLE_EQ(lost.value, 2000);
  EXPECT_LT(lost.lo, 2000);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("territory:blue:day7"), l, os).value, 0.8);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("escalation:flag-b"), l, os).value, 0.5);
  EXPECT_DOUBLE_EQ(evaluate(parse_metric("escalation:any"), l, os).value, 0.5);
}

TEST(Metrics, RejectsMalformedNamesAndUnknownIds) {
  for (const char* bad : {"p", "p:", "p:x:week1", "territory:red:day5", "lost:green", "q0_hours:x",
                          "median_hours", "foo:bar", "p:x:day"})
    EXPECT_THROW(parse_metric(bad), std::invalid_argument) << bad;
  const std::vector<Outcome> os{outcome(0, 1, 1)};
  EXPECT_THROW(evaluate(parse_metric("p:riga"), layout(), os), std::invalid_argument);
}

TEST(OutcomeCodec, RoundTripsExactly) {
  std::vector<Outcome> os{outcome(7, 12.25, -1, true), outcome(8, -1, 1e-300)};
  os[1].decision_hour = std::nextafter(96.0, 100.0);
  const auto bytes = encode_outcomes(os);
  const auto back = decode_outcomes(bytes);
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t i = 0; i < os.size(); ++i) {
    EXPECT_EQ(back[i].replication, os[i].replication);
    EXPECT_EQ(back[i].objective_hour, os[i].objective_hour);
    EXPECT_EQ(back[i].before_reinforcements, os[i].before_reinforcements);
    EXPECT_EQ(back[i].held_at_end, os[i].held_at_end);
    EXPECT_EQ(back[i].decision_hour, os[i].decision_hour);
    EXPECT_EQ(back[i].territory, os[i].territory);
    EXPECT_EQ(back[i].personnel_lost, os[i].personnel_lost);
    EXPECT_EQ(back[i].losses_by_category, os[i].losses_by_category);
    EXPECT_EQ(back[i].escalation, os[i].escalation);
    EXPECT_EQ(back[i].escalation_hour, os[i].escalation_hour);
  }
  EXPECT_EQ(encode_outcomes(back), bytes);
}

// A chunk from before held_at_end existed must be refused, not read as "never held".
TEST(OutcomeCodec, RefusesTheOlderFormatByName) {
  auto bytes = encode_outcomes(std::vector<Outcome>{outcome(1, 5, -1)});
  bytes[0] = 0x31;  // little-endian magic "FOT2" -> "FOT1"
  try {
    (void)decode_outcomes(bytes);
    ADD_FAILURE() << "decoded a format-1 chunk";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("older flank"), std::string::npos) << e.what();
  }
}

TEST(OutcomeCodec, RejectsTruncatedData) {
  const std::vector<Outcome> os{outcome(1, 2, 3)};
  auto bytes = encode_outcomes(os);
  bytes.pop_back();
  EXPECT_THROW(decode_outcomes(bytes), std::runtime_error);
}
