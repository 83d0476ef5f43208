// Monte Carlo estimation of a matrix game with a synthetic model whose true payoffs are
// known: cell (i, j) is a Bernoulli(p_ij) outcome driven by one uniform per replication shared
// by all cells (common random numbers), as the engine's streams are.
#include <gtest/gtest.h>

#include "flank/core/rng.hpp"
#include "flank/game/estimate.hpp"

namespace {

using namespace flank::game;

struct Synthetic {
  std::vector<std::vector<double>> p;
  mutable std::uint64_t calls = 0;
  std::vector<double> operator()(std::size_t i, std::size_t j, std::uint64_t first,
                                 std::uint64_t count) const {
    ++calls;
    std::vector<double> out;
    for (std::uint64_t r = first; r < first + count; ++r) {
      flank::RandomStream rng(7, r, flank::Purpose::Analysis);
      out.push_back(rng.uniform() < p[i][j] ? 1.0 : 0.0);
    }
    return out;
  }
};

TEST(GameEstimate, OnePlanIsThePlainMonteCarloEstimate) {
  const Synthetic model{{{0.3, 0.6}}};
  EstimateOptions o;
  o.replications = 500;
  o.first_batch = 100;  // ignored with a single plan
  const auto g = estimate_game(1, 2, std::cref(model), o);
  for (std::size_t j = 0; j < 2; ++j) {
    const auto v = model(0, j, 0, 500);
    double sum = 0;
    for (double x : v) sum += x;
    EXPECT_DOUBLE_EQ(g.cell(0, j).mean, sum / 500);
    EXPECT_EQ(g.cell(0, j).n, 500u);
  }
  EXPECT_EQ(g.replications_run, 1000u);
  // Blue's best option is the lower one; Red has one plan, so it is its best response.
  EXPECT_EQ(g.pure.minimax_columns, std::vector<std::size_t>{0});
  EXPECT_DOUBLE_EQ(g.mixed.value, g.cell(0, 0).mean);
  EXPECT_NEAR(g.mixed.col[0], 1, 1e-12);
}

TEST(GameEstimate, RacingDropsADominatedPlanAndSavesItsReplications) {
  // Plan 2 is plan 0 made 0.25 worse for Red against both options.
  const Synthetic model{{{0.6, 0.3}, {0.2, 0.7}, {0.35, 0.05}}};
  EstimateOptions o;
  o.replications = 1000;
  o.first_batch = 200;
  o.bootstrap = 100;
  const auto g = estimate_game(3, 2, std::cref(model), o);
  EXPECT_EQ(g.dropped, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(g.dropped_by[2], 0u);
  EXPECT_EQ(g.replications_full, 6000u);
  EXPECT_EQ(g.replications_run, 6000u - 2 * 800);
  EXPECT_EQ(g.cell(2, 0).n, 200u);
  EXPECT_EQ(g.cell(0, 0).n, 1000u);
  for (const auto& br : g.pure.best_responses)
    for (std::size_t i : br) EXPECT_NE(i, 2u);
  EXPECT_NEAR(g.mixed.row[2], 0, 1e-12);
  // True game [[0.6, 0.3], [0.2, 0.7]]: value (0.42 − 0.06) / 0.8 = 0.45.
  EXPECT_NEAR(g.mixed.value, 0.45, 0.04);
  EXPECT_LE(g.value_lo, g.mixed.value);
  EXPECT_GE(g.value_hi, g.mixed.value);
  EXPECT_LT(g.value_hi - g.value_lo, 0.15);
  EXPECT_GT(g.value_hi - g.value_lo, 0.0);
}

TEST(GameEstimate, AnOptionWhereEveryPlanFailsIsATieNotAShield) {
  // Against option 1 Red never succeeds with either plan; plan 1 is still clearly worse
  // against option 0, so it is dropped.
  const Synthetic model{{{0.6, 0.0}, {0.2, 0.0}}};
  EstimateOptions o;
  o.replications = 400;
  o.first_batch = 100;
  o.bootstrap = 0;
  const auto g = estimate_game(2, 2, std::cref(model), o);
  EXPECT_EQ(g.dropped, (std::vector<bool>{false, true}));
  EXPECT_EQ(g.replications_run, 400u * 2 + 100u * 2);
}

TEST(GameEstimate, CloseOrCrossingPlansAreKept) {
  // Neither plan beats the other everywhere: nothing is dropped.
  const Synthetic model{{{0.5, 0.5}, {0.6, 0.4}}};
  EstimateOptions o;
  o.replications = 400;
  o.first_batch = 100;
  const auto g = estimate_game(2, 2, std::cref(model), o);
  EXPECT_EQ(g.dropped, (std::vector<bool>{false, false}));
  EXPECT_EQ(g.replications_run, g.replications_full);
}

TEST(GameEstimate, RedMinimisingIsTheNegatedGame) {
  // The payoff is something Red wants low: Red's best response to a column is its lowest row.
  const Synthetic model{{{0.8, 0.2}, {0.4, 0.6}}};
  EstimateOptions o;
  o.replications = 300;
  o.red_maximises = false;
  o.bootstrap = 0;
  const auto g = estimate_game(2, 2, std::cref(model), o);
  EXPECT_EQ(g.pure.best_responses[0], std::vector<std::size_t>{1});
  EXPECT_EQ(g.pure.best_responses[1], std::vector<std::size_t>{0});
  // Blue now wants the payoff high; its value lies between the cells.
  EXPECT_GT(g.mixed.value, 0.3);
  EXPECT_LT(g.mixed.value, 0.7);
}

TEST(GameEstimate, SameInputsSameNumbers) {
  const Synthetic model{{{0.6, 0.3}, {0.2, 0.7}, {0.35, 0.05}}};
  EstimateOptions o;
  o.replications = 300;
  o.first_batch = 100;
  const auto a = estimate_game(3, 2, std::cref(model), o);
  const auto b = estimate_game(3, 2, std::cref(model), o);
  EXPECT_EQ(a.value_lo, b.value_lo);
  EXPECT_EQ(a.value_hi, b.value_hi);
  EXPECT_EQ(a.mixed.value, b.mixed.value);
}

}  // namespace
